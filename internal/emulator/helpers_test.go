package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// testEpoch is the fixed time tests run at, inside the demo seed's dates.
var testEpoch = time.Date(2024, 11, 19, 12, 0, 0, 0, time.UTC)

// newTestEmulator returns an emulator on the demo seed with a fixed clock,
// served by an httptest server.
func newTestEmulator(t *testing.T, opts ...Option) (*Emulator, *httptest.Server) {
	t.Helper()
	return newSeededTestEmulator(t, nil, opts...)
}

// newSeededTestEmulator is newTestEmulator on another seed (nil: the demo's).
func newSeededTestEmulator(t *testing.T, seed *Seed, opts ...Option) (*Emulator, *httptest.Server) {
	t.Helper()
	e, err := New(seed, append([]Option{WithClock(func() time.Time { return testEpoch })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		e.Close()
		srv.Close()
	})
	return e, srv
}

// answer is a raw HTTP answer from the emulator.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("body %q: %v", a.body, err)
	}
	return m
}

// call sends one awsJson1_1 request the way an SDK does.
func call(t *testing.T, url, op string, body any) answer {
	t.Helper()
	var b []byte
	switch v := body.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ContentType)
	if op != "" {
		req.Header.Set(HeaderTarget, TargetPrefix+op)
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, b}
}

// wantError checks a Cognito error answer: status, x-amzn-ErrorType,
// body __type and message, and the request id.
func wantError(t *testing.T, a answer, status int, typ, msg string) {
	t.Helper()
	if a.status != status {
		t.Errorf("status = %d, want %d (body %s)", a.status, status, a.body)
	}
	if got := a.header.Get(HeaderErrorType); got != ErrorTypeHeader(typ) {
		t.Errorf("%s = %q, want %q", HeaderErrorType, got, ErrorTypeHeader(typ))
	}
	if got := a.header.Get("Content-Type"); got != ContentType {
		t.Errorf("Content-Type = %q", got)
	}
	if a.header.Get(HeaderRequestID) == "" {
		t.Errorf("no %s", HeaderRequestID)
	}
	var body errorBody
	if err := json.Unmarshal(a.body, &body); err != nil {
		t.Fatalf("error body %q: %v", a.body, err)
	}
	if body.Type != typ || body.Message != msg {
		t.Errorf("error = %s %q, want %s %q", body.Type, truncate(body.Message), typ, truncate(msg))
	}
}

func truncate(s string) string {
	if len(s) > 300 {
		return s[:300] + "..."
	}
	return s
}

// signIn signs a demo user in and returns the tokens.
func signIn(t *testing.T, url, username string) Tokens {
	t.Helper()
	a := call(t, url, "InitiateAuth", map[string]any{
		"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": DemoClientID,
		"AuthParameters": map[string]string{"USERNAME": username, "PASSWORD": DemoPassword},
	})
	if a.status != 200 {
		t.Fatalf("sign in %s: %d %s", username, a.status, a.body)
	}
	var out struct {
		AuthenticationResult struct{ AccessToken, IdToken, RefreshToken string }
	}
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatal(err)
	}
	r := out.AuthenticationResult
	return Tokens{AccessToken: r.AccessToken, IDToken: r.IdToken, RefreshToken: r.RefreshToken}
}

// control calls a control endpoint.
func control(t *testing.T, url, method, path, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

// httptestServer serves e for the test and returns its URL.
func httptestServer(t *testing.T, e *Emulator) string {
	t.Helper()
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		e.Close()
		srv.Close()
	})
	return srv.URL
}
