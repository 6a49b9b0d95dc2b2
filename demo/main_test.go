package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/demoserver"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// startDemo runs the demo on free ports and returns its two URLs, the
// printed lines, and a stop function that returns run's error.
func startDemo(t *testing.T, args ...string) (demoURL, cognitoURL string, lines <-chan string, stop func() error) {
	t.Helper()
	d := startDemoHead(t, args...)
	return d.demoURL, d.cognitoURL, d.lines, d.stop
}

// runningDemo is a demo started by startDemoHead.
type runningDemo struct {
	demoURL, cognitoURL string
	head                []string      // the lines printed up to the URLs
	lines               <-chan string // the lines after them
	stop                func() error  // stops it and returns run's error
}

func startDemoHead(t *testing.T, args ...string) (d runningDemo) {
	t.Helper()
	dist := t.TempDir()
	if err := os.WriteFile(filepath.Join(dist, "index.mjs"), []byte("export {}"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0", "-cognito-addr", "127.0.0.1:0", "-dist", dist}, args...), pw)
		pw.Close()
	}()
	out := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			out <- sc.Text()
		}
		close(out)
	}()
	for d.demoURL == "" || d.cognitoURL == "" {
		line, ok := <-out
		if !ok {
			cancel()
			t.Fatalf("demo exited before printing its URLs: %v", <-done)
		}
		d.head = append(d.head, line)
		if u, ok := strings.CutPrefix(line, "demo: http"); ok {
			d.demoURL = "http" + u
		}
		if u, ok := strings.CutPrefix(line, "cognito: "); ok {
			d.cognitoURL = u
		}
	}
	stopped := false
	d.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { d.stop() })
	d.lines = out
	return d
}

func TestDemoServesPageConfigAndEmulator(t *testing.T) {
	demoURL, cognitoURL, lines, stop := startDemo(t)
	if !strings.HasPrefix(demoURL, "http://localhost:") || !strings.HasSuffix(cognitoURL, "/") || demoURL == cognitoURL {
		t.Errorf("URLs %q %q", demoURL, cognitoURL)
	}
	if line := <-lines; !strings.Contains(line, emulator.DemoUsername+" / "+emulator.DemoPassword) {
		t.Errorf("sign-in hint = %q", line)
	}

	resp, err := http.Get(demoURL + "config.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg demoserver.Config
	err = json.NewDecoder(resp.Body).Decode(&cfg)
	resp.Body.Close()
	if err != nil || cfg != (demoserver.Config{UserPoolID: emulator.DemoPoolID, UserPoolClientID: emulator.DemoClientID, UserPoolEndpoint: cognitoURL}) {
		t.Errorf("config = %+v, %v", cfg, err)
	}
	for path, ctype := range map[string]string{"": "text/html; charset=utf-8", "dist/index.mjs": "text/javascript; charset=utf-8"} {
		resp, err := http.Get(demoURL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ctype {
			t.Errorf("GET /%s = %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	resp, err = http.Get(cognitoURL + emulator.DemoPoolID + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("jwks = %d", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Errorf("run = %v", err)
	}
	if _, err := http.Get(demoURL); err == nil {
		t.Error("demo still serving after stop")
	}
}

// TestDemoStopsWithHangingRequest: a request held by a "hang" fault must
// not keep the demo from stopping: the emulator lets go of it when the
// server shuts down, so Shutdown ends without cutting anything off (run
// reports a Shutdown that had to give up after shutdownTimeout).
func TestDemoStopsWithHangingRequest(t *testing.T) {
	_, cognitoURL, _, stop := startDemo(t)
	resp, err := http.Post(cognitoURL+"_emulator/faults", "application/json", strings.NewReader(`{"mode":"hang"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("POST /_emulator/faults = %s", resp.Status)
	}
	hung := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, cognitoURL, strings.NewReader("{}"))
		req.Header.Set(emulator.HeaderTarget, emulator.TargetPrefix+"ListDevices")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		hung <- err
	}()
	// Wait until the emulator holds the request (its log shows it pending),
	// asking at most for 20 s.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for pending := false; !pending; {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cognitoURL+"_emulator/requests", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("the hanging request never showed in the log: %v", err)
		}
		var log []emulator.RequestLogEntry
		err = json.NewDecoder(resp.Body).Decode(&log)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		pending = len(log) == 1 && log[0].Status == 0
	}
	if err := stop(); err != nil {
		t.Errorf("run = %v; want a clean stop: the emulator's Close must release the hanging request on shutdown", err)
	}
	if err := <-hung; err == nil {
		t.Error("hanging request got an answer")
	}
}

func TestDemoErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx := context.Background()
	for name, args := range map[string][]string{
		"bad flag":     {"-nope"},
		"missing seed": {"-seed", filepath.Join(t.TempDir(), "none.json")},
		"port in use":  {"-addr", "127.0.0.1:0", "-cognito-addr", ln.Addr().String()},
	} {
		if err := run(ctx, args, io.Discard); err == nil {
			t.Errorf("%s: run succeeded", name)
		}
	}
}

// TestDemoStaysLocalUnlessAllowed: an address other machines can reach is
// refused without -allow-remote, before anything listens. The context is
// already done, so a demo that did start would stop at once (and return no
// error) instead of serving.
func TestDemoStaysLocalUnlessAllowed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, args := range [][]string{
		{"-addr", "127.0.0.1:0", "-cognito-addr", ":0"},
		{"-addr", "0.0.0.0:0", "-cognito-addr", "127.0.0.1:0"},
		{"-addr", "127.0.0.1:0", "-cognito-addr", "[::]:0"},
		{"-addr", "192.0.2.1:0", "-cognito-addr", "127.0.0.1:0"},
	} {
		err := run(ctx, args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "-allow-remote") {
			t.Errorf("run %q = %v, want a refusal that names -allow-remote", args, err)
		}
	}
}

// TestDemoAllowRemoteWarns: with -allow-remote the demo binds every
// interface and says so; a page opened by this machine's own address works.
func TestDemoAllowRemoteWarns(t *testing.T) {
	d := startDemoHead(t, "-addr", "0.0.0.0:0", "-cognito-addr", ":0", "-allow-remote")
	warnings := 0
	for _, l := range d.head {
		if strings.Contains(l, "warning: -allow-remote") {
			warnings++
		}
	}
	if warnings != 2 {
		t.Errorf("printed %q, want a warning for each of the two addresses", d.head)
	}
	resp, err := http.Get(d.cognitoURL + emulator.DemoPoolID + "/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("jwks = %s", resp.Status)
	}
}

// TestDemoRefusesRebindingAndForeignPages: both servers refuse a Host that
// is not a loopback name (DNS rebinding), the emulator's control endpoints
// refuse another origin's page, and the page carries its CSP.
func TestDemoRefusesRebindingAndForeignPages(t *testing.T) {
	demoURL, cognitoURL, _, _ := startDemo(t)
	send := func(method, url, host, origin string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, url, nil)
		if host != "" {
			req.Host = host
		}
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for _, u := range []string{demoURL, demoURL + "config.json", cognitoURL + "_emulator/requests", cognitoURL + emulator.DemoPoolID + "/.well-known/jwks.json"} {
		if r := send("GET", u, "attacker.example:80", ""); r.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("GET %s with a rebinding Host = %s, want 421", u, r.Status)
		}
	}
	if r := send("POST", cognitoURL+"_emulator/reset", "", strings.TrimSuffix(demoURL, "/")); r.StatusCode != http.StatusForbidden {
		t.Errorf("POST /_emulator/reset from the demo page's origin = %s, want 403", r.Status)
	}
	r := send("GET", demoURL, "", "")
	if csp := r.Header.Get("Content-Security-Policy"); csp != demoserver.CSP(cognitoURL) || !strings.Contains(csp, strings.TrimSuffix(cognitoURL, "/")) {
		t.Errorf("page CSP %q, want %q", csp, demoserver.CSP(cognitoURL))
	}
}

func TestBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/",
		"0.0.0.0:9229":   "http://127.0.0.1:9229/",
		"[::]:9229":      "http://127.0.0.1:9229/",
		"[::1]:9229":     "http://[::1]:9229/",
	} {
		a, err := net.ResolveTCPAddr("tcp", in)
		if err != nil {
			t.Fatal(err)
		}
		if got := baseURL(a); got != want {
			t.Errorf("baseURL(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestPageURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080": "http://localhost:8080/",
		"0.0.0.0:8080":   "http://localhost:8080/",
		"[::1]:8080":     "http://[::1]:8080/",
		"192.0.2.1:8080": "http://192.0.2.1:8080/",
	} {
		a, err := net.ResolveTCPAddr("tcp", in)
		if err != nil {
			t.Fatal(err)
		}
		if got := pageURL(a); got != want {
			t.Errorf("pageURL(%s) = %s, want %s", in, got, want)
		}
	}
}
