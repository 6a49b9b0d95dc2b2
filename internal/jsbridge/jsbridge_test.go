//go:build js && wasm

package jsbridge

import (
	"context"
	"errors"
	"math"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
)

// jsFunc compiles a JS function for a test (Node allows new Function).
func jsFunc(params, body string) js.Value {
	return js.Global().Get("Function").New(params, body)
}

// eval returns the value of a JS expression.
func eval(expr string) js.Value { return jsFunc("", "return ("+expr+");").Invoke() }

// settle waits for a JS promise from the test goroutine.
func settle(t *testing.T, p js.Value) (value, reason js.Value, rejected bool) {
	t.Helper()
	value, reason, rejected, err := Settle(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return value, reason, rejected
}

func mustReject(t *testing.T, p js.Value, name string) js.Value {
	t.Helper()
	v, reason, rejected := settle(t, p)
	if !rejected {
		t.Fatalf("resolved with %v, want a rejection named %s", v, name)
	}
	if got := reason.Get("name").String(); got != name {
		t.Fatalf("rejected with %s: %s, want %s", got, reason.Get("message"), name)
	}
	return reason
}

func hasOwn(o js.Value, key string) bool {
	return jsObject.Get("prototype").Get("hasOwnProperty").Call("call", o, key).Bool()
}

func TestPromiseResolves(t *testing.T) {
	p := Promise(js.Undefined(), func(context.Context) (js.Value, error) { return js.ValueOf(42), nil })
	if !p.InstanceOf(jsPromise) {
		t.Fatal("not a Promise")
	}
	v, _, rejected := settle(t, p)
	if rejected || v.Int() != 42 {
		t.Fatalf("got %v (rejected %v), want 42", v, rejected)
	}
}

func TestRejectValue(t *testing.T) {
	full := &auth.Error{Name: "ResourceNotFoundException", Message: "Credential does not exist.", RecoverySuggestion: "r",
		HTTPStatusCode: 400, RequestID: "rid", Underlying: errors.New("api error")}
	reason := mustReject(t, Promise(js.Undefined(), func(context.Context) (js.Value, error) { return js.Undefined(), full }), full.Name)
	if reason.InstanceOf(js.Global().Get("Error")) {
		t.Error("the rejection is an Error instance; the loader wants a plain object")
	}
	if reason.Get("message").String() != full.Message || reason.Get("recoverySuggestion").String() != "r" ||
		reason.Get("metadata").Get("httpStatusCode").Int() != 400 || reason.Get("metadata").Get("requestId").String() != "rid" ||
		reason.Get("underlyingError").Get("name").String() != "Error" || reason.Get("underlyingError").Get("message").String() != "api error" {
		t.Errorf("reject object = %s", js.Global().Get("JSON").Call("stringify", reason))
	}

	bare := mustReject(t, Promise(js.Undefined(), func(context.Context) (js.Value, error) {
		return js.Undefined(), auth.InvalidParameter("pageSize must be a number (got string).")
	}), auth.NameInvalidParameter)
	for _, k := range []string{"recoverySuggestion", "metadata", "underlyingError"} {
		if hasOwn(bare, k) {
			t.Errorf("%s present on an error that has none", k)
		}
	}

	mustReject(t, Promise(js.Undefined(), func(context.Context) (js.Value, error) { return js.Undefined(), errors.New("x") }), auth.NameUnknown)
	mustReject(t, Promise(js.Undefined(), func(context.Context) (js.Value, error) { return js.Undefined(), context.Canceled }), auth.NameAbort)
}

type namedErr struct{}

func (namedErr) Error() string     { return "Failed to fetch" }
func (namedErr) ErrorName() string { return "TypeError" }

func TestUnderlyingName(t *testing.T) {
	reason := mustReject(t, Promise(js.Undefined(), func(context.Context) (js.Value, error) {
		return js.Undefined(), &auth.Error{Name: auth.NameNetwork, Message: "m", Underlying: namedErr{}}
	}), auth.NameNetwork)
	if got := reason.Get("underlyingError").Get("name").String(); got != "TypeError" {
		t.Errorf("underlyingError.name = %q, want TypeError", got)
	}
}

func TestPanicRejectsAndRuntimeKeepsServing(t *testing.T) {
	reason := mustReject(t, Promise(js.Undefined(), func(context.Context) (js.Value, error) { panic("boom in a call") }), auth.NameUnknown)
	if reason.Get("message").String() != "An unknown error has occurred." ||
		!strings.Contains(reason.Get("underlyingError").Get("message").String(), "boom in a call") {
		t.Errorf("reject object = %s", js.Global().Get("JSON").Call("stringify", reason))
	}
	mustReject(t, Call(js.Undefined(), func() (Func, error) { panic("boom in decode") }), auth.NameUnknown)
	v, _, rejected := settle(t, Promise(js.Undefined(), func(context.Context) (js.Value, error) { return js.ValueOf("still here"), nil }))
	if rejected || v.String() != "still here" {
		t.Fatal("the runtime stopped serving after a panic")
	}
}

func TestCallRejectsDecodeErrorsWithoutRunning(t *testing.T) {
	ran := false
	mustReject(t, Call(js.Undefined(), func() (Func, error) {
		return func(context.Context) (js.Value, error) { ran = true; return js.Undefined(), nil }, auth.InvalidParameter("bad")
	}), auth.NameInvalidParameter)
	if ran {
		t.Error("the work ran although decoding failed")
	}
}

func TestSignal(t *testing.T) {
	t.Run("already aborted", func(t *testing.T) {
		p := Promise(eval("AbortSignal.abort()"), func(ctx context.Context) (js.Value, error) {
			if ctx.Err() == nil || !errors.Is(context.Cause(ctx), ErrAborted) {
				return js.ValueOf("not cancelled"), nil
			}
			return js.Undefined(), ctx.Err()
		})
		mustReject(t, p, auth.NameAbort)
	})
	t.Run("aborted while running", func(t *testing.T) {
		ac := js.Global().Get("AbortController").New()
		started := make(chan struct{})
		p := Promise(ac.Get("signal"), func(ctx context.Context) (js.Value, error) {
			close(started)
			<-ctx.Done()
			return js.Undefined(), context.Cause(ctx)
		})
		<-started
		ac.Call("abort")
		mustReject(t, p, auth.NameAbort)
	})
	for _, bad := range []string{`"signal"`, `{}`, `{addEventListener: 1, removeEventListener: 2, aborted: false}`, `10n`} {
		t.Run("invalid "+bad, func(t *testing.T) {
			reason := mustReject(t, Promise(eval(bad), func(context.Context) (js.Value, error) { return js.Undefined(), nil }), auth.NameInvalidParameter)
			if msg := reason.Get("message").String(); !strings.HasPrefix(msg, "signal must be an AbortSignal") {
				t.Errorf("message = %q", msg)
			}
		})
	}
}

// fakeSignal counts listeners added and removed.
const fakeSignalJS = `
const s = { aborted: false, added: 0, removed: 0, live: new Set() };
s.addEventListener = (type, fn) => { s.added++; s.live.add(fn); };
s.removeEventListener = (type, fn) => { if (s.live.delete(fn)) s.removed++; };
return s;`

func TestNoFuncLeaksOverManyCalls(t *testing.T) {
	const calls = 10000
	before := liveFuncs.Load()
	fake := jsFunc("", fakeSignalJS).Invoke()
	ac := js.Global().Get("AbortController").New()
	for i := 0; i < calls; i++ {
		signal := fake
		if i%2 == 1 {
			signal = ac.Get("signal")
		}
		p := Promise(signal, func(ctx context.Context) (js.Value, error) {
			// Each call also awaits a JS promise, as the token lookup does.
			return Await(ctx, jsPromise.Call("resolve", i))
		})
		if v, reason, rejected := settle(t, p); rejected || v.Int() != i {
			t.Fatalf("call %d: %v / %v", i, v, reason.Get("message"))
		}
	}
	if got := liveFuncs.Load(); got != before {
		t.Errorf("%d js.Funcs still alive after %d calls", got-before, calls)
	}
	if added, removed := fake.Get("added").Int(), fake.Get("removed").Int(); added != calls/2 || removed != added {
		t.Errorf("listeners added %d, removed %d; want %d each", added, removed, calls/2)
	}
}

func TestAwait(t *testing.T) {
	ctx := context.Background()
	if v, err := Await(ctx, eval("Promise.resolve('ok')")); err != nil || v.String() != "ok" {
		t.Errorf("resolved: %v, %v", v, err)
	}
	if v, err := Await(ctx, js.ValueOf("plain")); err != nil || v.String() != "plain" {
		t.Errorf("plain value: %v, %v", v, err)
	}
	_, err := Await(ctx, eval(`Promise.reject({name: "NotAuthorizedException", message: "Refresh Token has expired", recoverySuggestion: "Sign in again."})`))
	var e *auth.Error
	if !errors.As(err, &e) || e.Name != "NotAuthorizedException" || e.Message != "Refresh Token has expired" || e.RecoverySuggestion != "Sign in again." {
		t.Errorf("error-like rejection: %#v", err)
	}
	_, err = Await(ctx, eval(`Promise.reject(new TypeError("storage is full"))`))
	if !errors.As(err, &e) || e.Name != "TypeError" || e.Message != "storage is full" {
		t.Errorf("TypeError rejection: %#v", err)
	}
	_, err = Await(ctx, eval(`Promise.reject("just a string")`))
	if !errors.As(err, &e) || e.Name != auth.NameUnknown || !strings.Contains(e.Underlying.Error(), "just a string") {
		t.Errorf("string rejection: %#v", err)
	}
}

func TestAwaitCancelledReleasesLater(t *testing.T) {
	before := liveFuncs.Load()
	resolvers := jsFunc("", `let r; const p = new Promise((res) => { r = res; }); return {p, r};`).Invoke()
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(ErrAborted)
	if _, err := Await(ctx, resolvers.Get("p")); !errors.Is(err, ErrAborted) {
		t.Fatalf("err = %v, want the context's cause", err)
	}
	if liveFuncs.Load() != before+2 {
		t.Fatalf("callbacks released before the promise settled (live %d)", liveFuncs.Load()-before)
	}
	resolvers.Get("r").Invoke("late")
	for i := 0; i < 1000 && liveFuncs.Load() != before; i++ {
		_, _ = Await(context.Background(), eval("Promise.resolve()")) // let the event loop run
	}
	if got := liveFuncs.Load(); got != before {
		t.Errorf("%d callbacks alive after the promise settled", got-before)
	}
}

func TestInput(t *testing.T) {
	tests := []struct {
		input    string
		pageSize *int
		next     *string
		wantErr  string
	}{
		{input: `undefined`},
		{input: `null`},
		{input: `{}`},
		{input: `{pageSize: 5, nextToken: "abc"}`, pageSize: ptr(5), next: ptr("abc")},
		{input: `{pageSize: 0}`, pageSize: ptr(0)},
		{input: `{pageSize: -3}`, pageSize: ptr(-3)},
		{input: `{pageSize: 1e15}`, pageSize: ptr(1000000000000000)},
		{input: `{pageSize: null, nextToken: undefined}`},
		{input: `{pageSize: NaN}`, wantErr: "pageSize must be an integer (got NaN)."},
		{input: `{pageSize: Infinity}`, wantErr: "pageSize must be an integer (got Infinity)."},
		{input: `{pageSize: -Infinity}`, wantErr: "pageSize must be an integer (got -Infinity)."},
		{input: `{pageSize: 2.5}`, wantErr: "pageSize must be an integer (got 2.5)."},
		{input: `{pageSize: 1e300}`, wantErr: "pageSize must be an integer (got 1e+300)."},
		{input: `{pageSize: "5"}`, wantErr: "pageSize must be a number (got string)."},
		{input: `{pageSize: true}`, wantErr: "pageSize must be a number (got boolean)."},
		{input: `{pageSize: 5n}`, wantErr: "pageSize must be a number (got bigint)."},
		{input: `{pageSize: [5]}`, wantErr: "pageSize must be a number (got array)."},
		{input: `{nextToken: 7}`, wantErr: "nextToken must be a string (got number)."},
		{input: `{nextToken: {}}`, wantErr: "nextToken must be a string (got object)."},
		{input: `{get pageSize() { throw new Error("nope"); }}`, wantErr: "pageSize could not be read"},
		{input: `"pageSize"`, wantErr: "input must be an object (got string)."},
		{input: `5`, wantErr: "input must be an object (got number)."},
		{input: `[1, 2]`, wantErr: "input must be an object (got array)."},
		{input: `() => 1`, wantErr: "input must be an object (got function)."},
		// Only own properties count: not inherited ones, not a __proto__ key.
		{input: `Object.create({pageSize: 5, nextToken: "inherited"})`},
		{input: `JSON.parse('{"__proto__": {"pageSize": 5}}')`},
		{input: `(() => { Object.prototype.pageSize = 7; const o = {}; return o; })()`},
	}
	defer eval(`delete Object.prototype.pageSize`)
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			in, err := InputObject(eval(tt.input))
			var pageSize *int
			var next *string
			if err == nil {
				pageSize, err = in.Int("pageSize")
			}
			if err == nil {
				next, err = in.String("nextToken")
			}
			if tt.wantErr != "" {
				var e *auth.Error
				if !errors.As(err, &e) || e.Name != auth.NameInvalidParameter || !strings.HasPrefix(e.Message, tt.wantErr) {
					t.Fatalf("err = %v, want InvalidParameterException %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !equalPtr(pageSize, tt.pageSize) || !equalPtr(next, tt.next) {
				t.Errorf("got pageSize %v nextToken %v, want %v %v", deref(pageSize), deref(next), deref(tt.pageSize), deref(tt.next))
			}
		})
	}
}

func TestNestedInput(t *testing.T) {
	in, _ := InputObject(eval(`{device: {id: 5}}`))
	dev, err := in.Object("device")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dev.String("id"); err == nil || !strings.Contains(err.Error(), "device.id must be a string (got number).") {
		t.Errorf("err = %v, want the nested name", err)
	}
	in, _ = InputObject(eval(`{device: "abc"}`))
	if _, err := in.Object("device"); err == nil || !strings.Contains(err.Error(), "device must be an object (got string).") {
		t.Errorf("err = %v", err)
	}
}

func TestOutputs(t *testing.T) {
	at := time.UnixMilli(1718102400412)
	d := Date(at)
	if !d.InstanceOf(jsDate) || d.Call("getTime").Float() != 1718102400412 {
		t.Errorf("Date = %v", d)
	}
	if s := Strings(nil); !jsArray.Call("isArray", s).Bool() || s.Length() != 0 {
		t.Errorf("Strings(nil) = %v, want []", s)
	}
	r := Record(map[string]string{"device_name": "Phone", "__proto__": "p", "b": "2"})
	if !hasOwn(r, "__proto__") || r.Get("__proto__").String() != "p" ||
		jsObject.Call("getPrototypeOf", r).Equal(jsObject.Get("prototype")) == false {
		t.Errorf("Record: __proto__ own %v, prototype intact %v", hasOwn(r, "__proto__"),
			jsObject.Call("getPrototypeOf", r).Equal(jsObject.Get("prototype")))
	}
	if keys := js.Global().Get("JSON").Call("stringify", jsObject.Call("keys", r)).String(); keys != `["__proto__","b","device_name"]` {
		t.Errorf("Record keys = %s", keys)
	}
	o := Object("z", 1, "a", 2, "m", 3)
	if keys := js.Global().Get("JSON").Call("stringify", jsObject.Call("keys", o)).String(); keys != `["z","a","m"]` {
		t.Errorf("Object keys = %s, want insertion order", keys)
	}
	if got := numberText(js.ValueOf(math.Inf(-1))); got != "-Infinity" {
		t.Errorf("numberText = %q", got)
	}
}

func ptr[T any](v T) *T { return &v }

func equalPtr[T comparable](a, b *T) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}
