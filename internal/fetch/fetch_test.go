//go:build js && wasm

package fetch

// These tests run under Node (GOOS=js GOARCH=wasm go test) against a Node
// HTTP server started in the test itself: it can hang, reset, gzip and
// echo, and it is private to this package. (The shared emulator belongs to
// the wasm package's tests: test binaries of several packages run at once,
// and faults and the request log are global state.)

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"syscall/js"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// serverJS starts an HTTP server on 127.0.0.1 and resolves to it. Routes:
// /echo answers the request as JSON; /gzip a gzip-encoded body; /hang
// never answers (server.hung counts them, server.closed those the client
// dropped); /reset destroys the socket; /status/N answers N.
// server.when(name, n) resolves once counter name has reached n, so tests
// wait for the event itself rather than for some number of event-loop turns.
const serverJS = `
const http = require("http"), zlib = require("zlib");
return new Promise((resolve, reject) => {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.url === "/echo") {
        res.writeHead(200, [["Content-Type", "application/json"], ["X-Multi", "a"], ["X-Multi", "b"], ["x-amzn-RequestId", "rid-1"], ["X-Odd", "a+b&c=d; e%20f=+ é"]]);
        res.end(JSON.stringify({ method: req.method, headers: req.headers, body: body.toString("base64") }));
      } else if (req.url === "/gzip") {
        res.writeHead(200, { "Content-Encoding": "gzip", "Content-Type": "text/plain" });
        res.end(zlib.gzipSync(Buffer.from("hello, gzip")));
      } else if (req.url === "/hang") {
        server.bump("hung");
        res.on("close", () => server.bump("closed"));
      } else if (req.url === "/reset") {
        req.socket.destroy();
      } else if (req.url.startsWith("/status/")) {
        res.writeHead(Number(req.url.slice(8)), { "Content-Type": "application/json" });
        res.end('{"__type":"InternalErrorException","message":"boom"}');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  server.hung = 0;
  server.closed = 0;
  server.bump = (name) => { server[name]++; server.emit("counted"); };
  server.when = (name, n, guardMs) => new Promise((resolve, reject) => {
    const check = () => {
      if (server[name] < n) return;
      server.off("counted", check);
      clearTimeout(guard);
      resolve();
    };
    // Only turns a hang into a failure; nothing is timed.
    const guard = setTimeout(() => {
      server.off("counted", check);
      reject(new Error(name + " is " + server[name] + ", not " + n + ", after " + guardMs + " ms"));
    }, guardMs);
    server.on("counted", check);
    check();
  });
  server.on("error", reject);
  server.listen(0, "127.0.0.1", () => resolve(server));
});`

type testServer struct {
	srv js.Value
	url string
}

func startServer(t *testing.T) *testServer {
	t.Helper()
	fn := js.Global().Get("Function").New("require", serverJS)
	srv, err := await(context.Background(), fn.Invoke(js.Global().Get("require")), func() {})
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{srv: srv}
	s.url = "http://127.0.0.1:" + strconv.Itoa(s.srv.Call("address").Get("port").Int())
	t.Cleanup(func() {
		s.srv.Call("closeAllConnections")
		s.srv.Call("close")
	})
	return s
}

func (s *testServer) counter(name string) int { return s.srv.Get(name).Int() }

func newRequest(t *testing.T, ctx context.Context, method, url string, body io.Reader) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := (&Client{}).Do(req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func TestRoundTrip(t *testing.T) {
	s := startServer(t)
	body := []byte{0, 1, 2, 0xff, '{', '}'}
	req := newRequest(t, context.Background(), http.MethodPost, s.url+"/echo", bytes.NewReader(body))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListDevices")
	req.Header.Add("X-Two", "1")
	req.Header.Add("X-Two", "2")
	// Characters the form encoding that carries headers across must keep.
	req.Header.Set("X-Odd", "a+b&c=d; e%20f=+ é")
	// Headers fetch owns: Node's fetch rejects some of these outright.
	req.Header.Set("Connection", "close")
	req.Header.Set("Content-Length", "999")
	req.Header.Set("Transfer-Encoding", "chunked")

	resp, b := do(t, req)
	if resp.StatusCode != 200 || resp.Status != "200 OK" {
		t.Fatalf("status = %d %q", resp.StatusCode, resp.Status)
	}
	if got := resp.Header.Values("X-Multi"); len(got) != 1 || got[0] != "a, b" {
		// fetch's Headers joins repeated fields with ", ".
		t.Errorf("X-Multi = %q, want [\"a, b\"]", got)
	}
	if got := resp.Header.Get("X-Amzn-Requestid"); got != "rid-1" {
		t.Errorf("request id header = %q", got)
	}
	if got := resp.Header.Get("X-Odd"); got != "a+b&c=d; e%20f=+ é" {
		t.Errorf("X-Odd = %q", got)
	}
	if resp.ContentLength != int64(len(b)) || resp.Request != req {
		t.Errorf("ContentLength = %d for %d bytes; Request kept: %v", resp.ContentLength, len(b), resp.Request == req)
	}
	var echo struct {
		Method  string
		Headers map[string]string
		Body    string
	}
	if err := json.Unmarshal(b, &echo); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	gotBody, _ := base64.StdEncoding.DecodeString(echo.Body)
	if echo.Method != "POST" || !bytes.Equal(gotBody, body) {
		t.Errorf("server saw %s %v, want POST %v", echo.Method, gotBody, body)
	}
	if echo.Headers["x-amz-target"] != "AWSCognitoIdentityProviderService.ListDevices" || echo.Headers["x-two"] != "1, 2" ||
		echo.Headers["x-odd"] != "a+b&c=d; e%20f=+ é" {
		t.Errorf("server saw headers %v", echo.Headers)
	}
	if echo.Headers["content-length"] != "6" {
		t.Errorf("content-length = %q, want fetch's own 6", echo.Headers["content-length"])
	}
}

func TestGetWithoutBody(t *testing.T) {
	s := startServer(t)
	req := newRequest(t, context.Background(), http.MethodGet, s.url+"/echo", nil)
	_, b := do(t, req)
	if !strings.Contains(string(b), `"method":"GET"`) || !strings.Contains(string(b), `"body":""`) {
		t.Errorf("echo = %s", b)
	}
}

func TestErrorStatusIsAResponse(t *testing.T) {
	s := startServer(t)
	req := newRequest(t, context.Background(), http.MethodPost, s.url+"/status/500", strings.NewReader("{}"))
	resp, b := do(t, req)
	if resp.StatusCode != 500 || !strings.Contains(string(b), "InternalErrorException") {
		t.Errorf("got %d %s", resp.StatusCode, b)
	}
}

func TestGzipIsDecoded(t *testing.T) {
	s := startServer(t)
	req := newRequest(t, context.Background(), http.MethodGet, s.url+"/gzip", nil)
	resp, b := do(t, req)
	if string(b) != "hello, gzip" || !resp.Uncompressed || resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("body %q, Uncompressed %v, Content-Encoding %q", b, resp.Uncompressed, resp.Header.Get("Content-Encoding"))
	}
}

func checkNetworkError(t *testing.T, err error) {
	t.Helper()
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %v (%T), want *NetworkError", err, err)
	}
	if ne.Name != "TypeError" || ne.Message == "" {
		t.Errorf("NetworkError = %+v, want a TypeError with a message", ne)
	}
	// The SDK's retryer must retry it, on its own and as the SDK wraps it.
	retryables := retry.IsErrorRetryables(retry.DefaultRetryables)
	if got := retryables.IsErrorRetryable(err); got != aws.TrueTernary {
		t.Errorf("IsErrorRetryable(%v) = %v, want true", err, got)
	}
	if got := (retry.RetryableConnectionError{}).IsErrorRetryable(err); got != aws.TrueTernary {
		t.Errorf("RetryableConnectionError(%v) = %v, want true", err, got)
	}
	if got := retryables.IsErrorRetryable(&smithyhttp.RequestSendError{Err: err}); got != aws.TrueTernary {
		t.Errorf("IsErrorRetryable(RequestSendError) = %v, want true", got)
	}
}

func TestConnectionRefused(t *testing.T) {
	s := startServer(t)
	port := s.srv.Call("address").Get("port").Int()
	// Close it first so that nothing listens on the port.
	s.srv.Call("close")
	req := newRequest(t, context.Background(), http.MethodPost, "http://127.0.0.1:"+strconv.Itoa(port)+"/echo", strings.NewReader("{}"))
	_, err := (&Client{}).Do(req)
	checkNetworkError(t, err)
	if !strings.Contains(err.Error(), "ECONNREFUSED") {
		t.Errorf("err = %v, want Node's cause (ECONNREFUSED) in it", err)
	}
}

func TestConnectionReset(t *testing.T) {
	s := startServer(t)
	req := newRequest(t, context.Background(), http.MethodPost, s.url+"/reset", strings.NewReader("{}"))
	_, err := (&Client{}).Do(req)
	checkNetworkError(t, err)
}

func TestCancelAbortsTheFetch(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	req := newRequest(t, ctx, http.MethodPost, s.url+"/hang", strings.NewReader("{}"))
	errc := make(chan error, 1)
	go func() {
		_, err := (&Client{}).Do(req)
		errc <- err
	}()
	s.waitCount(t, "hung", 1)
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// The abort reached the network: the server saw the connection go.
	s.waitCount(t, "closed", 1)
}

// expiring is a context whose deadline passes when the test says so. A real
// 50 ms timer raced the request to the server, and under load it won: the
// fetch was aborted before it was sent, the server never had a connection
// to see closed, and the test waited for an event that could not come.
type expiring struct {
	context.Context
	done chan struct{}
}

func (c *expiring) Done() <-chan struct{} { return c.done }

func (c *expiring) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func TestDeadlineAbortsTheFetch(t *testing.T) {
	s := startServer(t)
	ctx := &expiring{Context: context.Background(), done: make(chan struct{})}
	req := newRequest(t, ctx, http.MethodPost, s.url+"/hang", strings.NewReader("{}"))
	errc := make(chan error, 1)
	go func() {
		_, err := (&Client{}).Do(req)
		errc <- err
	}()
	s.waitCount(t, "hung", 1)
	close(ctx.done) // the deadline passes while the server holds the request
	if err := <-errc; !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	s.waitCount(t, "closed", 1)
}

func TestCancelledBeforeSendingSendsNothing(t *testing.T) {
	s := startServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := newRequest(t, ctx, http.MethodPost, s.url+"/hang", strings.NewReader("{}"))
	if _, err := (&Client{}).Do(req); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// Another request proves the server is up and saw only that one.
	req2 := newRequest(t, context.Background(), http.MethodGet, s.url+"/echo", nil)
	do(t, req2)
	if n := s.counter("hung"); n != 0 {
		t.Errorf("server saw %d /hang requests, want 0", n)
	}
}

func TestNoFetch(t *testing.T) {
	g := js.Global()
	saved := g.Get("fetch")
	g.Set("fetch", js.Undefined())
	defer g.Set("fetch", saved)
	req := newRequest(t, context.Background(), http.MethodGet, "http://127.0.0.1:1/", nil)
	if _, err := (&Client{}).Do(req); err == nil || !strings.Contains(err.Error(), "no global fetch") {
		t.Errorf("err = %v, want a clear missing-fetch error", err)
	}
}

// waitCount waits until the server's counter name reaches n: it awaits
// server.when, which the server's own events settle. (Counting turns of the
// event loop instead flaked when several test binaries shared the CPU: the
// socket's close can take more turns than any fixed number.)
func (s *testServer) waitCount(t *testing.T, name string, n int) {
	t.Helper()
	const guardMs = 30000 // turns a lost event into a failure instead of a hung test
	if _, err := await(context.Background(), s.srv.Call("when", name, n, guardMs), func() {}); err != nil {
		t.Fatalf("waiting for the server's %s count to reach %d: %v", name, n, err)
	}
}

// BenchmarkDo is one SDK-sized POST with an answer, against the Node
// server: what the transport adds per request is the difference to a bare
// fetch of the same URL (BenchmarkBareFetch).
func BenchmarkDo(b *testing.B) {
	s := startServer(&testing.T{})
	body := []byte(`{"AccessToken":"x","MaxResults":20}`)
	for b.Loop() {
		req, _ := http.NewRequest(http.MethodPost, s.url+"/echo", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.ListWebAuthnCredentials")
		req.Header.Set("User-Agent", "aws-sdk-go-v2/1.0 os/js lang/go#1.26 md/GOOS#js md/GOARCH#wasm api/cognitoidentityprovider#1.0")
		req.Header.Set("Amz-Sdk-Invocation-Id", "6f1c2f4e-6f0e-4a55-9b0e-1d1f0c1e2a3b")
		req.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
		resp, err := (&Client{}).Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
	}
}

// BenchmarkBareFetch is fetch + arrayBuffer of the same request, driven
// from JS alone, for comparison with BenchmarkDo.
func BenchmarkBareFetch(b *testing.B) {
	s := startServer(&testing.T{})
	run := js.Global().Get("Function").New("url", "n", `return (async () => {
  for (let i = 0; i < n; i++) {
    const r = await fetch(url, { method: "POST", body: '{"AccessToken":"x","MaxResults":20}',
      headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.ListWebAuthnCredentials" } });
    await r.arrayBuffer();
  }
})();`)
	b.ResetTimer()
	if _, err := await(context.Background(), run.Invoke(s.url+"/echo", b.N), func() {}); err != nil {
		b.Fatal(err)
	}
}
