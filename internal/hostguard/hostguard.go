// Package hostguard keeps the local servers (the Cognito emulator, the demo
// page) out of reach of DNS rebinding: a page on an attacker's domain whose
// name was re-pointed at 127.0.0.1 reaches a loopback server with the
// attacker's name in the Host header, so a request is answered only when its
// Host is a loopback name or one the server was configured with.
package hostguard

import (
	"net"
	"net/http"
	"strings"
)

// Guard checks the Host header of requests.
type Guard struct {
	extra map[string]bool // lower-case host names or IPs, without port
}

// New returns a guard that accepts loopback names (localhost, *.localhost,
// 127.0.0.0/8, [::1]) with any port, and the given hosts (names or IP
// addresses, with or without port; the port is ignored).
func New(hosts ...string) *Guard {
	g := &Guard{extra: map[string]bool{}}
	for _, h := range hosts {
		g.extra[hostname(h)] = true
	}
	return g
}

// Allowed reports whether a request's Host header is acceptable.
func (g *Guard) Allowed(host string) bool {
	name := hostname(host)
	return name != "" && (Loopback(name) || g != nil && g.extra[name])
}

// Refuse answers 421 Misdirected Request with a message and reports true
// when r's Host is not acceptable; otherwise it does nothing.
func (g *Guard) Refuse(w http.ResponseWriter, r *http.Request) bool {
	if g.Allowed(r.Host) {
		return false
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusMisdirectedRequest)
	w.Write([]byte(Message(r.Host) + "\n"))
	return true
}

// Message is the text of a refusal.
func Message(host string) string {
	return "Host " + quote(host) + " is not a loopback name (localhost, 127.0.0.1, [::1]) or an address this server was started with: " +
		"refused, as a DNS-rebinding page would send it. Open the server by a loopback address, or start it with -allow-remote."
}

func quote(s string) string {
	if len(s) > 100 {
		s = s[:100] + "…"
	}
	return `"` + strings.ToValidUTF8(s, "?") + `"`
}

// Loopback reports whether a host name (without port) always means this
// machine: localhost, a name under .localhost (browsers resolve those to
// loopback themselves, RFC 6761), or a loopback IP address.
func Loopback(name string) bool {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.TrimSuffix(strings.TrimPrefix(name, "["), "]"))
	return ip != nil && ip.IsLoopback()
}

// LoopbackAddr reports whether a listen address ("127.0.0.1:8080",
// "localhost:0", ":9229") binds only loopback interfaces. An empty or
// unspecified host (":9229", "0.0.0.0:9229", "[::]:9229") binds them all.
func LoopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	return host != "" && Loopback(host)
}

// hostname is the lower-case host of a Host header or address, without
// port or IPv6 brackets.
func hostname(hostport string) string {
	h := strings.ToLower(strings.TrimSpace(hostport))
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), ".")
}
