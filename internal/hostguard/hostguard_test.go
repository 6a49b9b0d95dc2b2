package hostguard

import "testing"

func TestLoopbackAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "localhost:0": true, "[::1]:9229": true, "127.8.0.1:1": true, "app.localhost:1": true,
		":9229": false, "0.0.0.0:8080": false, "[::]:9229": false, "192.0.2.1:80": false, "example.com:80": false, "": false,
	} {
		if got := LoopbackAddr(addr); got != want {
			t.Errorf("LoopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestAllowed(t *testing.T) {
	g := New("192.0.2.7:9229", "Box.lan")
	for host, want := range map[string]bool{
		"localhost:1": true, "LocalHost.": true, "127.0.0.1": true, "[::1]:80": true, "192.0.2.7:1": true, "box.lan:8080": true,
		"evil.example": false, "localhost.evil.example": false, "127.0.0.1.evil.example:80": false, "": false, "[::2]:80": false,
	} {
		if got := g.Allowed(host); got != want {
			t.Errorf("Allowed(%q) = %v, want %v", host, got, want)
		}
	}
}
