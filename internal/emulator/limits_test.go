package emulator

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// newLimitedServer serves a fresh emulator with NewHTTPServer's limits, its
// timeouts shortened so that the tests see them act.
func newLimitedServer(t *testing.T, readHeader, read time.Duration) (*Emulator, string) {
	t.Helper()
	e, err := New(nil, WithClock(func() time.Time { return testEpoch }))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(e)
	cfg := NewHTTPServer(e)
	cfg.ReadHeaderTimeout, cfg.ReadTimeout = readHeader, read
	srv.Config = cfg
	srv.Start()
	t.Cleanup(func() {
		e.Close()
		srv.Close()
	})
	return e, srv.URL
}

func TestNewHTTPServerLimits(t *testing.T) {
	s := NewHTTPServer(http.NotFoundHandler())
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 30*time.Second || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 || s.MaxHeaderBytes > 1<<20 {
		t.Errorf("limits = header %v, read %v, idle %v, max header bytes %d; want all set, the read timeout above the module's 30 s",
			s.ReadHeaderTimeout, s.ReadTimeout, s.IdleTimeout, s.MaxHeaderBytes)
	}
	if s.WriteTimeout != 0 {
		t.Errorf("WriteTimeout = %v: it would cut hang faults and slow downloads", s.WriteTimeout)
	}
}

// readAll reads what the server sends on conn until it closes it. The read
// deadline is a guard against a server that never does (the test then fails
// on a timeout error); it is not what the test measures.
func readAll(t *testing.T, conn net.Conn) ([]byte, error) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	return io.ReadAll(conn)
}

// TestSlowlorisHeadersAreCut: a client that starts a request and never
// finishes its headers is disconnected after ReadHeaderTimeout, without an
// answer and without reaching the emulator.
func TestSlowlorisHeadersAreCut(t *testing.T) {
	e, url := newLimitedServer(t, 200*time.Millisecond, 5*time.Second)
	conns := make([]net.Conn, 20)
	for i := range conns {
		conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n%s: %sList", HeaderTarget, TargetPrefix)
		conns[i] = conn
	}
	for i, conn := range conns {
		got, err := readAll(t, conn)
		if err != nil || len(got) != 0 {
			t.Fatalf("connection %d: read %q, %v; want the server to close it without an answer", i, got, err)
		}
	}
	if n := len(e.Requests()); n != 0 {
		t.Errorf("%d requests reached the emulator", n)
	}
}

// TestSlowBodyIsCut: a request whose body stalls is dropped at ReadTimeout,
// with no answer (not an empty 200), and logged without a status.
func TestSlowBodyIsCut(t *testing.T) {
	e, url := newLimitedServer(t, 5*time.Second, 300*time.Millisecond)
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n%s: %sListDevices\r\nContent-Type: %s\r\nContent-Length: 1000\r\n\r\n{\"AccessToken\":\"",
		HeaderTarget, TargetPrefix, ContentType)
	got, err := readAll(t, conn)
	if err != nil || len(got) != 0 {
		t.Fatalf("read %q, %v; want the connection closed without an answer", got, err)
	}
	if log := e.Requests(); len(log) != 1 || log[0].Target != "ListDevices" || log[0].Status != 0 {
		t.Errorf("log = %+v, want the one request, unanswered", log)
	}
}

// repeatReader yields n bytes of a JSON document that never ends: an
// AccessToken of 'a's.
type repeatReader struct{ left int64 }

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), r.left)
	for i := range p[:n] {
		p[i] = 'a'
	}
	if r.left == hugeBody && n > 0 {
		copy(p, `{"AccessToken":"`)
	}
	r.left -= n
	return int(n), nil
}

const hugeBody = 64 << 20

// heapAfterGC is the live heap once garbage is collected.
func heapAfterGC() (live, total uint64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc, m.TotalAlloc
}

// TestHugeBodiesDoNotGrowMemory sends 64 MiB bodies: each is refused with
// SerializationException once 4 MiB are read, the server allocates a bounded
// amount for it, and nothing stays behind.
func TestHugeBodiesDoNotGrowMemory(t *testing.T) {
	_, url := newLimitedServer(t, 5*time.Second, 30*time.Second)
	const rounds = 4
	send := func() {
		req, _ := http.NewRequest(http.MethodPost, url+"/", &repeatReader{left: hugeBody})
		req.ContentLength = hugeBody
		req.Header.Set(HeaderTarget, TargetPrefix+"ListDevices")
		req.Header.Set("Content-Type", ContentType)
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatalf("huge body: %v", err)
		}
		defer resp.Body.Close()
		var body errorBody
		if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 400 || body.Type != ErrSerialization || body.Message != "Request body is too large." {
			t.Fatalf("huge body = %d %+v (%v), want 400 %s", resp.StatusCode, body, err, ErrSerialization)
		}
	}
	send() // warm up: connection machinery, lazily built tables
	liveBefore, totalBefore := heapAfterGC()
	for range rounds {
		send()
	}
	liveAfter, totalAfter := heapAfterGC()
	allocated := (totalAfter - totalBefore) / rounds
	grown := int64(liveAfter) - int64(liveBefore)
	t.Logf("per 64 MiB request: %.1f MiB allocated (client and server); live heap %+.2f MiB after %d requests",
		float64(allocated)/(1<<20), float64(grown)/(1<<20), rounds)
	// Reading 4 MiB with io.ReadAll allocates about twice that; buffering the
	// body would allocate at least its 64 MiB.
	if allocated > 24<<20 {
		t.Errorf("%d MiB allocated per refused 64 MiB body, want at most 24", allocated>>20)
	}
	if grown > 4<<20 {
		t.Errorf("live heap grew by %d KiB over %d huge requests", grown>>10, rounds)
	}
}

// TestManyClients: 200 clients, each on its own connection, make 25 calls
// each at the same time; every answer is right and the log has them all.
func TestManyClients(t *testing.T) {
	e, url := newLimitedServer(t, 5*time.Second, 30*time.Second)
	const clients, calls = 200, 25
	tok, err := e.SignIn(DemoPoolID, DemoClientID, DemoUsername)
	if err != nil {
		t.Fatal(err)
	}
	alice := DemoSeed().UserPools[0].Users[0]
	type check struct {
		op   string
		body map[string]any
		ok   func(map[string]any) bool
	}
	length := func(key string, n int) func(map[string]any) bool {
		return func(out map[string]any) bool { l, _ := out[key].([]any); return len(l) == n }
	}
	checks := []check{
		{"ListDevices", map[string]any{"AccessToken": tok.AccessToken, "Limit": 3}, length("Devices", 3)},
		{"ListWebAuthnCredentials", map[string]any{"AccessToken": tok.AccessToken}, length("Credentials", len(alice.WebAuthnCredentials))},
		{"GetUser", map[string]any{"AccessToken": tok.AccessToken}, func(out map[string]any) bool { return out["Username"] == DemoUsername }},
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	start := make(chan struct{})
	for c := range clients {
		wg.Go(func() {
			tr := &http.Transport{MaxConnsPerHost: 1}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			<-start
			for i := range calls {
				ch := checks[(c+i)%len(checks)]
				if err := callCheck(client, url, ch.op, ch.body, ch.ok); err != nil {
					errs <- fmt.Errorf("client %d call %d: %w", c, i, err)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	log := e.Requests()
	ok := 0
	for _, l := range log {
		if l.Status == 200 {
			ok++
		}
	}
	if len(log) != clients*calls || ok != len(log) {
		t.Errorf("log: %d requests, %d answered 200; want %d, all 200", len(log), ok, clients*calls)
	}
}

func callCheck(client *http.Client, url, op string, body map[string]any, ok func(map[string]any) bool) error {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(string(b)))
	req.Header.Set(HeaderTarget, TargetPrefix+op)
	req.Header.Set("Content-Type", ContentType)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(bufio.NewReader(resp.Body)).Decode(&out); err != nil {
		return fmt.Errorf("%s: %d: %w", op, resp.StatusCode, err)
	}
	if resp.StatusCode != 200 || !ok(out) {
		return fmt.Errorf("%s: %d %v", op, resp.StatusCode, out)
	}
	return nil
}
