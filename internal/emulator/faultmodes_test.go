package emulator

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestFaultTruncated: the answer promises a whole body in Content-Length and
// the connection ends halfway through it, so the client's read fails (as
// when a proxy or the network drops a response), and the log shows the 200.
func TestFaultTruncated(t *testing.T) {
	_, srv := newTestEmulator(t)
	addFault(t, srv.URL, `{"target":"ListDevices","mode":"truncated"}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(`{"AccessToken":"x"}`))
	req.Header.Set(HeaderTarget, TargetPrefix+"ListDevices")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("truncated fault: no response at all: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(truncatedBody)) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("truncated = %d, Content-Length %d, read %q with %v; want 200, %d and an unexpected EOF",
			resp.StatusCode, resp.ContentLength, body, err, len(truncatedBody))
	}
	if string(body) != truncatedBody[:len(truncatedBody)/2] {
		t.Errorf("body = %q, want the first half of %q", body, truncatedBody)
	}
	if log := requestLog(t, srv.URL); len(log) != 1 || log[0].Status != 200 {
		t.Errorf("log = %+v", log)
	}
	if a := call(t, srv.URL, "GetUser", map[string]any{"AccessToken": "x"}); a.status != 400 {
		t.Errorf("the next request: %d %s", a.status, a.body)
	}
}

// TestHangEndsWhenTheClientGoesAway: a request held by "hang" (or by a
// delay) is released as soon as its client aborts, not only at shutdown.
// net/http notices a vanished client only after the request body has been
// read, so this fails if the fault stalls before reading it.
func TestHangEndsWhenTheClientGoesAway(t *testing.T) {
	for _, fault := range []string{`{"mode":"hang"}`, `{"mode":"error","delayMs":600000}`} {
		t.Run(fault, func(t *testing.T) {
			started := make(chan struct{}, 1)
			e, err := New(nil, withHangHook(func() { started <- struct{}{} }))
			if err != nil {
				t.Fatal(err)
			}
			handlerDone := make(chan struct{}, 1)
			arrived := make(chan struct{}, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get(HeaderTarget) != "" {
					arrived <- struct{}{}
					defer func() { handlerDone <- struct{}{} }() // also when the handler aborts
				}
				e.ServeHTTP(w, r)
			}))
			t.Cleanup(func() {
				e.Close()
				srv.Close()
			})
			addFault(t, srv.URL, fault)

			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() {
				// A body of some size, as an SDK sends: it must be read for
				// the server to see the connection close.
				body := `{"AccessToken":"` + strings.Repeat("a", 2048) + `"}`
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/", strings.NewReader(body))
				req.Header.Set(HeaderTarget, TargetPrefix+"ListDevices")
				resp, err := http.DefaultClient.Do(req)
				if err == nil {
					resp.Body.Close()
				}
				errc <- err
			}()
			<-arrived
			if strings.Contains(fault, "hang") {
				<-started
			}
			cancel()
			if err := <-errc; !errors.Is(err, context.Canceled) {
				t.Fatalf("client: %v", err)
			}
			select {
			case <-handlerDone:
			case <-time.After(20 * time.Second): // a guard: the handler returns within milliseconds
				t.Fatal("the handler still holds the request after its client went away")
			}
			if log := requestLog(t, srv.URL); len(log) != 1 || log[0].Status != 0 {
				t.Errorf("log = %+v, want the one request without an answer", log)
			}
		})
	}
}
