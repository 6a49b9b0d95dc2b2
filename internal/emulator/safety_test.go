package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// TestControlRefusesOtherOrigins: a browser page of another origin can
// neither read nor change the control endpoints, preflights included, and no
// control answer grants CORS; local tools (no Origin) and the emulator's own
// origin are answered.
func TestControlRefusesOtherOrigins(t *testing.T) {
	e, srv := newTestEmulator(t)
	tok := signIn(t, srv.URL, DemoUsername).AccessToken
	call(t, srv.URL, "GetUser", map[string]any{"AccessToken": tok})
	before := len(e.Requests())
	if before == 0 {
		t.Fatal("no request logged")
	}
	foreign := []struct{ name, header, value string }{
		{"another origin", "Origin", "http://evil.example"},
		{"another port of localhost", "Origin", "http://localhost:8080"},
		{"opaque origin", "Origin", "null"},
		{"cross-site fetch metadata", "Sec-Fetch-Site", "cross-site"},
		{"same-site fetch metadata", "Sec-Fetch-Site", "same-site"},
	}
	requests := []struct{ method, path, body string }{
		{"GET", "/_emulator/requests", ""},
		{"DELETE", "/_emulator/requests", ""},
		{"POST", "/_emulator/faults", `{"mode":"error","status":500,"errorType":"InternalErrorException"}`},
		{"DELETE", "/_emulator/faults", ""},
		{"POST", "/_emulator/reset", ""},
		{"GET", "/_emulator/clock", ""},
		{"POST", "/_emulator/clock", `{"advanceSeconds":7200}`},
		{"OPTIONS", "/_emulator/faults", ""},
		{"OPTIONS", "/_emulator/requests", ""},
	}
	for _, f := range foreign {
		for _, rq := range requests {
			req, _ := http.NewRequest(rq.method, srv.URL+rq.path, strings.NewReader(rq.body))
			req.Header.Set(f.header, f.value)
			if rq.method == "OPTIONS" {
				req.Header.Set("Access-Control-Request-Method", "POST")
				req.Header.Set("Access-Control-Request-Headers", "content-type")
			}
			a := do(t, req)
			what := f.name + ": " + rq.method + " " + rq.path
			if a.status != http.StatusForbidden || !strings.Contains(string(a.body), "local tools") {
				t.Errorf("%s = %d %s, want 403 with a message", what, a.status, a.body)
			}
			if strings.Contains(string(a.body), "requestId") || strings.Contains(string(a.body), "target") {
				t.Errorf("%s: the refusal shows the log: %s", what, a.body)
			}
			for k := range a.header {
				if strings.HasPrefix(k, "Access-Control-") {
					t.Errorf("%s: answer grants CORS: %s: %s", what, k, a.header.Get(k))
				}
			}
		}
	}
	// Nothing changed: log kept, no fault queued, clock not moved.
	if got := len(e.Requests()); got != before {
		t.Errorf("the log has %d entries after the refused requests, want %d", got, before)
	}
	if a := call(t, srv.URL, "GetUser", map[string]any{"AccessToken": tok}); a.status != http.StatusOK {
		t.Errorf("GetUser after the refused requests = %d %s: a fault was queued or the clock moved", a.status, a.body)
	}

	// Local tools (no Origin) and the emulator's own origin are answered,
	// without CORS.
	for _, origin := range []string{"", srv.URL, strings.Replace(srv.URL, "http://", "HTTP://", 1)} {
		req, _ := http.NewRequest("GET", srv.URL+"/_emulator/requests", nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
		}
		a := do(t, req)
		if a.status != http.StatusOK || !strings.Contains(string(a.body), "GetUser") {
			t.Errorf("origin %q: GET /_emulator/requests = %d %s", origin, a.status, a.body)
		}
		if v := a.header.Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("origin %q: control answer has Access-Control-Allow-Origin %q", origin, v)
		}
	}
	// A user typing the address (Sec-Fetch-Site: none) is a local caller.
	req, _ := http.NewRequest("GET", srv.URL+"/_emulator/clock", nil)
	req.Header.Set("Sec-Fetch-Site", "none")
	if a := do(t, req); a.status != http.StatusOK {
		t.Errorf("GET /_emulator/clock typed in the address bar = %d %s", a.status, a.body)
	}
}

// TestCognitoAnswersAnyOrigin: the Cognito endpoints keep the real service's
// CORS for every origin, since that is what browsers see in production.
func TestCognitoAnswersAnyOrigin(t *testing.T) {
	_, srv := newTestEmulator(t)
	for _, origin := range []string{"http://evil.example", "null", "https://app.example.com"} {
		req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader(`{"AccessToken":"x"}`))
		req.Header.Set("Origin", origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set(HeaderTarget, TargetPrefix+"GetUser")
		req.Header.Set("Content-Type", ContentType)
		a := do(t, req)
		if a.status != http.StatusBadRequest || a.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("origin %s: GetUser = %d, Access-Control-Allow-Origin %q; want Cognito's 400 with *", origin, a.status, a.header.Get("Access-Control-Allow-Origin"))
		}
	}
}

// TestHostCheck: a request whose Host is not a loopback name or an allowed
// host (a DNS-rebinding page) is refused with 421 on every path; loopback
// names with any port are answered.
func TestHostCheck(t *testing.T) {
	_, srv := newTestEmulator(t, WithAllowedHosts("cognito.example.lan:9229", "192.0.2.7"))
	paths := []string{"/", "/_emulator/requests", "/" + DemoPoolID + "/.well-known/jwks.json"}
	send := func(host, path string) answer {
		method := "GET"
		if path == "/" {
			method = "POST"
		}
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(`{"AccessToken":"x"}`))
		req.Host = host
		req.Header.Set(HeaderTarget, TargetPrefix+"GetUser")
		req.Header.Set("Content-Type", ContentType)
		return do(t, req)
	}
	for _, host := range []string{"evil.example", "evil.example:9229", "localhost.evil.example", "127.0.0.1.nip.io:9229", "192.0.2.8", "cognito.example"} {
		for _, path := range paths {
			a := send(host, path)
			if a.status != http.StatusMisdirectedRequest || !strings.Contains(string(a.body), "DNS-rebinding") {
				t.Errorf("Host %q %s = %d %s, want 421 with a message", host, path, a.status, a.body)
			}
			if a.header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("Host %q %s: the refusal grants CORS", host, path)
			}
		}
	}
	for _, host := range []string{"localhost", "localhost:9229", "LOCALHOST:1", "app.localhost:8080", "127.0.0.1:80", "127.1.2.3:9229", "[::1]:9229", "[::1]", "cognito.example.lan", "192.0.2.7:1234"} {
		for _, path := range paths {
			if a := send(host, path); a.status == http.StatusMisdirectedRequest {
				t.Errorf("Host %q %s refused: %s", host, path, a.body)
			}
		}
	}
}
