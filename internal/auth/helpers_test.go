package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/cognito-wasm/cognito-wasm/internal/auth/authtest"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// doFunc is an HTTPClient made of a function, for canned answers.
type doFunc func(*http.Request) (*http.Response, error)

func (f doFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func staticToken(token string) TokenSource {
	return TokenFunc(func(context.Context, bool) (string, error) { return token, nil })
}

// recordingTokens hands out tokens[forceRefresh] and records each request.
type recordingTokens struct {
	mu     sync.Mutex
	tokens map[bool]string
	calls  []bool
}

func (r *recordingTokens) Token(_ context.Context, forceRefresh bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, forceRefresh)
	return r.tokens[forceRefresh], nil
}

// testEnv is an in-process emulator on the demo seed behind an httptest
// server that reports each Cognito request as it arrives.
type testEnv struct {
	emu     *emulator.Emulator
	url     string
	arrived chan string // X-Amz-Target of each Cognito request, on arrival
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return newSeededTestEnv(t, nil)
}

// newSeededTestEnv is newTestEnv on another seed (nil: the demo seed).
func newSeededTestEnv(t *testing.T, seed *emulator.Seed) *testEnv {
	t.Helper()
	emu, err := emulator.New(seed)
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{emu: emu, arrived: make(chan string, 64)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if target := r.Header.Get(emulator.HeaderTarget); target != "" {
			select {
			case env.arrived <- target:
			default:
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		emu.Close()
		srv.Close()
	})
	env.url = srv.URL
	return env
}

func (env *testEnv) config() Config {
	return Config{UserPoolID: emulator.DemoPoolID, ClientID: emulator.DemoClientID, Endpoint: env.url}
}

func (env *testEnv) client(t *testing.T, tokens TokenSource) *Client {
	t.Helper()
	c, err := New(env.config(), tokens, http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// signIn returns the user's tokens and then clears the request log, so
// that tests see only the requests of the code under test.
func (env *testEnv) signIn(t *testing.T, username string) authtest.Tokens {
	t.Helper()
	tok, err := authtest.SignIn(context.Background(), env.url, http.DefaultClient, username, emulator.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	env.clearLog(t)
	return tok
}

func (env *testEnv) clearLog(t *testing.T) {
	t.Helper()
	if err := (authtest.Control{URL: env.url, HTTP: http.DefaultClient}).ClearRequests(context.Background()); err != nil {
		t.Fatal(err)
	}
	for len(env.arrived) > 0 {
		<-env.arrived
	}
}

// targets is the request log as operation names.
func (env *testEnv) targets() []string {
	var out []string
	for _, e := range env.emu.Requests() {
		out = append(out, e.Target)
	}
	return out
}

func (env *testEnv) fault(t *testing.T, f emulator.Fault) {
	t.Helper()
	if err := env.emu.AddFault(f); err != nil {
		t.Fatal(err)
	}
}

// asError checks that err is an *Error named name and returns it.
func asError(t *testing.T, err error, name string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *auth.Error %s", err, err, name)
	}
	if e.Name != name {
		t.Fatalf("err = %s: %q (underlying %v), want name %s", e.Name, e.Message, e.Underlying, name)
	}
	return e
}
