//go:build js && wasm

// Package jsbridge is the one bridge between the Go API and JavaScript:
// every export returns a Promise made by [Promise], whose work runs in its
// own goroutine (a js.FuncOf callback must never block), whose panics
// become a rejection, and whose errors become the plain AuthError object
// the loader rethrows. It also decodes JS inputs (own properties only,
// with InvalidParameterException for wrong types) and builds outputs as
// real JS values (Date objects, plain records).
package jsbridge

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
)

var (
	jsObject  = js.Global().Get("Object")
	jsPromise = js.Global().Get("Promise")
)

// Executor capture: one long-lived executor for every Promise, so a call
// allocates no js.Func for its Promise. new Promise(exec) runs exec
// synchronously, so the captured pair belongs to the Promise just made;
// the mutex keeps another goroutine's Promise (a nested callback may let
// the scheduler run it) from interleaving.
var (
	captureMu sync.Mutex
	captured  [2]js.Value
	capture   = js.FuncOf(func(_ js.Value, args []js.Value) any {
		captured[0], captured[1] = args[0], args[1]
		return nil
	})
)

func newPromise() (p, resolve, reject js.Value) {
	captureMu.Lock()
	defer captureMu.Unlock()
	p = jsPromise.New(capture)
	resolve, reject = captured[0], captured[1]
	captured = [2]js.Value{}
	return p, resolve, reject
}

// Func is the work behind one exported call. It runs in its own goroutine
// with a context that ends when the call's AbortSignal fires. It returns
// the value to resolve with (js.Undefined() for void).
type Func func(ctx context.Context) (js.Value, error)

// Promise starts fn in a new goroutine and returns a Promise settled by it.
// signal may be undefined/null or an AbortSignal; anything else rejects
// with InvalidParameterException. A panic in fn rejects with UnknownError.
// Promise itself never blocks, so it is safe inside js.FuncOf callbacks.
func Promise(signal js.Value, fn Func) js.Value {
	p, resolve, reject := newPromise()
	ctx, release, err := signalContext(signal)
	if err != nil {
		reject.Invoke(RejectValue(err))
		return p
	}
	go func() {
		defer release()
		v, err := run(ctx, fn)
		if err != nil {
			reject.Invoke(RejectValue(err))
			return
		}
		resolve.Invoke(v)
	}()
	return p
}

// Call is Promise for an exported API call: decode runs at once, inside
// the caller's JS call, so the input is read as it was when passed (and a
// bad input rejects without starting anything); the Func it returns then
// runs as in Promise. A panic in decode rejects with UnknownError too.
func Call(signal js.Value, decode func() (Func, error)) js.Value {
	fn, err := decodeSafely(decode)
	if err != nil {
		return Promise(js.Undefined(), func(context.Context) (js.Value, error) { return js.Undefined(), err })
	}
	return Promise(signal, fn)
}

func decodeSafely(decode func() (Func, error)) (fn Func, err error) {
	defer func() {
		if r := recover(); r != nil {
			fn, err = nil, auth.Unknown(fmt.Errorf("panic: %v", r))
		}
	}()
	return decode()
}

// run calls fn, turning a panic into an UnknownError so that one broken
// call rejects and the runtime keeps serving the others.
func run(ctx context.Context, fn Func) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			v, err = js.Undefined(), auth.Unknown(fmt.Errorf("panic: %v", r))
		}
	}()
	return fn(ctx)
}

// RejectValue is the plain object a call rejects with:
// {name, message, recoverySuggestion?, metadata?: {httpStatusCode?, requestId?},
// underlyingError?: {name, message}}. Errors that are not *auth.Error
// become UnknownError, except a cancellation (context.Canceled,
// ErrAborted), which becomes AbortError.
func RejectValue(err error) js.Value {
	var e *auth.Error
	if !errors.As(err, &e) {
		if errors.Is(err, context.Canceled) || errors.Is(err, ErrAborted) {
			e = auth.Aborted(err)
		} else {
			e = auth.Unknown(err)
		}
	}
	o := jsObject.New()
	o.Set("name", e.Name)
	o.Set("message", e.Message)
	if e.RecoverySuggestion != "" {
		o.Set("recoverySuggestion", e.RecoverySuggestion)
	}
	if e.HTTPStatusCode != 0 || e.RequestID != "" {
		md := jsObject.New()
		if e.HTTPStatusCode != 0 {
			md.Set("httpStatusCode", e.HTTPStatusCode)
		}
		if e.RequestID != "" {
			md.Set("requestId", e.RequestID)
		}
		o.Set("metadata", md)
	}
	if e.Underlying != nil {
		u := jsObject.New()
		u.Set("name", underlyingName(e.Underlying))
		u.Set("message", e.Underlying.Error())
		o.Set("underlyingError", u)
	}
	return o
}

// underlyingName is the cause's own name when it has one: the JS error's
// name for a failed fetch, the error code for a service error.
func underlyingName(err error) string {
	var named interface{ ErrorName() string }
	if errors.As(err, &named) {
		return named.ErrorName()
	}
	var coded interface{ ErrorCode() string }
	if errors.As(err, &coded) {
		return coded.ErrorCode()
	}
	return "Error"
}
