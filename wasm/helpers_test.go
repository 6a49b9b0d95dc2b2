//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall/js"
	"testing"

	"github.com/cognito-wasm/cognito-wasm/internal/auth/authtest"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/fetch"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// These tests drive the api object exactly as the loader does: a host
// object on the global, start(), host.register(api), then api.configure and
// api.call from JS values, with Promises settled on the JS event loop. The
// emulator is the one `make test` starts (COGNITO_EMULATOR_URL); this is
// the only GOOS=js package that uses it, so tests may reset it freely.

var (
	emulatorURL string
	control     authtest.Control
)

func TestMain(m *testing.M) {
	u, err := authtest.EmulatorURL()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
	emulatorURL = u
	control = authtest.Control{URL: u, HTTP: &fetch.Client{}}
	os.Exit(m.Run())
}

var (
	jsGlobal = js.Global()
	jsObject = jsGlobal.Get("Object")
	jsJSON   = jsGlobal.Get("JSON")
)

// eval returns the value of a JS expression (Node allows new Function).
func eval(expr string) js.Value {
	return jsGlobal.Get("Function").New("return (" + expr + ");").Invoke()
}

func stringify(v js.Value) string {
	if v.IsUndefined() {
		return "undefined"
	}
	return jsJSON.Call("stringify", v).String()
}

func hasOwn(o js.Value, key string) bool {
	return jsObject.Get("prototype").Get("hasOwnProperty").Call("call", o, key).Bool()
}

// testHost is the loader's host object, with a scripted getToken, no
// current device and no WebAuthn (platformHost scripts those).
type testHost struct {
	api js.Value

	mu         sync.Mutex
	token      func(forceRefresh bool) js.Value // what getToken resolves (or a rejected promise)
	tokenCalls []bool
}

var hostSeq int

// newHost starts the api the way main does and returns the host it
// registered with.
func newHost(t *testing.T) *testHost {
	t.Helper()
	h := &testHost{token: func(bool) js.Value { return js.Null() }}
	registered := 0
	register := js.FuncOf(func(_ js.Value, args []js.Value) any {
		registered++
		h.api = args[0]
		return nil
	})
	getToken := js.FuncOf(func(_ js.Value, args []js.Value) any {
		force := args[0].Bool()
		h.mu.Lock()
		h.tokenCalls = append(h.tokenCalls, force)
		tok := h.token(force)
		h.mu.Unlock()
		return jsGlobal.Get("Promise").Call("resolve", tok)
	})
	t.Cleanup(func() {
		register.Release()
		getToken.Release()
	})
	hostSeq++
	key := fmt.Sprintf("__cognitoWasmHost_%d", hostSeq)
	jsGlobal.Set(key, map[string]any{
		"register":            register,
		"getToken":            getToken,
		"getDeviceKey":        eval(`() => Promise.resolve(null)`),
		"clearDeviceMetadata": eval(`() => Promise.resolve()`),
		"loadSession":         eval(`() => Promise.resolve(null)`),
		"storeSession":        eval(`() => Promise.resolve()`),
		"createCredential": eval(`() => Promise.reject({name: "PasskeyNotSupported",
			message: "Passkeys are not supported in this browser or context."})`),
	})
	if err := start([]string{"cognito-wasm", key}, jsGlobal); err != nil {
		t.Fatal(err)
	}
	if registered != 1 {
		t.Fatalf("register called %d times, want 1", registered)
	}
	if !jsGlobal.Get(key).IsUndefined() {
		t.Errorf("global %s still set after start", key)
	}
	return h
}

// staticToken makes getToken resolve to tok (null when "").
func (h *testHost) staticToken(tok string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.token = func(bool) js.Value {
		if tok == "" {
			return js.Null()
		}
		return js.ValueOf(tok)
	}
}

func (h *testHost) calls() []bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bool(nil), h.tokenCalls...)
}

// settle waits for a Promise from the test goroutine.
func settle(p js.Value) (value, reason js.Value, rejected bool) {
	value, reason, rejected, _ = jsbridge.Settle(context.Background(), p) // no deadline: never errs
	return value, reason, rejected
}

func (h *testHost) configure(t *testing.T, cfg js.Value) {
	t.Helper()
	if _, reason, rejected := settle(h.api.Call("configure", cfg)); rejected {
		t.Fatalf("configure rejected: %s", stringify(reason))
	}
}

// configureEmulator points the api at the shared emulator's demo pool.
func (h *testHost) configureEmulator(t *testing.T) {
	t.Helper()
	h.configure(t, js.ValueOf(map[string]any{
		"userPoolId": emulator.DemoPoolID, "userPoolClientId": emulator.DemoClientID, "userPoolEndpoint": emulatorURL,
	}))
}

// call runs api.call(method, input, signal) and waits for it.
func (h *testHost) call(method string, input js.Value, signal ...js.Value) (value, reason js.Value, rejected bool) {
	args := []any{method, input}
	if len(signal) > 0 {
		args = append(args, signal[0])
	}
	return settle(h.api.Call("call", args...))
}

func (h *testHost) mustCall(t *testing.T, method string, input js.Value) js.Value {
	t.Helper()
	v, reason, rejected := h.call(method, input)
	if rejected {
		t.Fatalf("%s(%s) rejected: %s", method, stringify(input), stringify(reason))
	}
	return v
}

// mustReject checks a rejection's name (and message prefix) and returns it.
func mustReject(t *testing.T, reason js.Value, rejected bool, name, msgPrefix string) js.Value {
	t.Helper()
	if !rejected {
		t.Fatalf("resolved, want a rejection %s", name)
	}
	if reason.InstanceOf(jsGlobal.Get("Error")) {
		t.Errorf("rejected with an Error instance; the loader expects a plain object")
	}
	if got := reason.Get("name").String(); got != name || !strings.HasPrefix(reason.Get("message").String(), msgPrefix) {
		t.Fatalf("rejected with %s, want name %s and a message starting %q", stringify(reason), name, msgPrefix)
	}
	return reason
}

// resetEmulator restores the demo seed and clears faults and the log.
func resetEmulator(t *testing.T) {
	t.Helper()
	if err := control.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// signIn returns a user's tokens (InitiateAuth through the SDK on the
// fetch transport) and clears the request log afterwards.
func signIn(t *testing.T, username string) authtest.Tokens {
	t.Helper()
	tok, err := authtest.SignIn(context.Background(), emulatorURL, &fetch.Client{}, username, emulator.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := control.ClearRequests(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tok
}

// signedIn is a configured host whose getToken returns user's token, on a
// freshly reset emulator with an empty request log.
func signedIn(t *testing.T, username string) *testHost {
	t.Helper()
	resetEmulator(t)
	h := newHost(t)
	h.configureEmulator(t)
	h.staticToken(signIn(t, username).AccessToken)
	return h
}

func requestLog(t *testing.T) []authtest.LogEntry {
	t.Helper()
	log, err := control.Requests(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return log
}

func addFault(t *testing.T, f authtest.Fault) {
	t.Helper()
	if err := control.AddFault(context.Background(), f); err != nil {
		t.Fatal(err)
	}
}

// demoUser is alice (or bob) in the emulator's demo seed.
func demoUser(t *testing.T, name string) emulator.SeedUser {
	t.Helper()
	for _, u := range emulator.DemoSeed().UserPools[0].Users {
		if u.Username == name {
			return u
		}
	}
	t.Fatalf("no %s in the demo seed", name)
	return emulator.SeedUser{}
}

func strs(v js.Value) []string {
	out := make([]string, v.Length())
	for i := range out {
		out[i] = v.Index(i).String()
	}
	return out
}

func isArray(v js.Value) bool { return jsGlobal.Get("Array").Call("isArray", v).Bool() }
