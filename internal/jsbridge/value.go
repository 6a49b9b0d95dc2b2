//go:build js && wasm

package jsbridge

import (
	"context"
	"errors"
	"sort"
	"syscall/js"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
)

var (
	jsDate  = js.Global().Get("Date")
	jsArray = js.Global().Get("Array")
)

// Object returns a new plain object with the given properties set in
// order, so results print with a stable key order.
func Object(kv ...any) js.Value {
	o := jsObject.New()
	for i := 0; i+1 < len(kv); i += 2 {
		o.Set(kv[i].(string), kv[i+1])
	}
	return o
}

// Date is a JS Date at t's millisecond (Amplify: new Date(seconds * 1000)).
func Date(t time.Time) js.Value {
	return jsDate.New(float64(t.UnixMilli()))
}

// Strings is a JS array of strings; nil becomes [].
func Strings(s []string) js.Value {
	a := jsArray.New(len(s))
	for i, e := range s {
		a.SetIndex(i, e)
	}
	return a
}

// Array is a JS array of values; nil becomes [].
func Array(vs []js.Value) js.Value {
	a := jsArray.New(len(vs))
	for i, e := range vs {
		a.SetIndex(i, e)
	}
	return a
}

// Record is a plain object of m's pairs, keys sorted. It is built with
// Object.fromEntries so that a key like "__proto__" (which device
// attribute names may be) becomes an own property, not a prototype.
func Record(m map[string]string) js.Value {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	entries := jsArray.New(len(keys))
	for i, k := range keys {
		entries.SetIndex(i, Strings([]string{k, m[k]}))
	}
	return jsObject.Call("fromEntries", entries)
}

// Await waits, from a goroutine, for v (a Promise or a plain value) to
// settle. A rejection becomes an *auth.Error via FromJSError. When ctx ends
// first Await returns at once with ctx's cause.
func Await(ctx context.Context, v js.Value) (js.Value, error) {
	value, reason, rejected, err := Settle(ctx, v)
	switch {
	case err != nil:
		return js.Undefined(), err
	case rejected:
		return js.Undefined(), FromJSError(reason)
	}
	return value, nil
}

// Settle waits, from a goroutine, for v (a Promise or a plain value) to
// settle and returns its value or, when rejected, its reason as it is. When
// ctx ends first Settle returns at once with ctx's cause; its callbacks are
// then released when the promise settles.
func Settle(ctx context.Context, v js.Value) (value, reason js.Value, rejected bool, err error) {
	type settled struct {
		v        js.Value
		rejected bool
	}
	ch := make(chan settled, 1)
	onFulfilled := funcOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{v: arg0(args)}
		return nil
	})
	onRejected := funcOf(func(_ js.Value, args []js.Value) any {
		ch <- settled{v: arg0(args), rejected: true}
		return nil
	})
	release := func() {
		releaseFunc(onFulfilled)
		releaseFunc(onRejected)
	}
	jsPromise.Call("resolve", v).Call("then", onFulfilled, onRejected)
	select {
	case r := <-ch:
		release()
		if r.rejected {
			return js.Undefined(), r.v, true, nil
		}
		return r.v, js.Undefined(), false, nil
	case <-ctx.Done():
		go func() {
			<-ch
			release()
		}()
		return js.Undefined(), js.Undefined(), false, context.Cause(ctx)
	}
}

func arg0(args []js.Value) js.Value {
	if len(args) == 0 {
		return js.Undefined()
	}
	return args[0]
}

// FromJSError turns a JS rejection into an *auth.Error, keeping an
// error-like value's name, message and recoverySuggestion (a token
// provider's own AuthError, say) and calling anything else UnknownError.
func FromJSError(v js.Value) error {
	if typeOf(v) == "object" {
		name, message := stringProp(v, "name"), stringProp(v, "message")
		if name != "" && message != "" {
			return &auth.Error{Name: name, Message: message, RecoverySuggestion: stringProp(v, "recoverySuggestion")}
		}
	}
	return auth.Unknown(errors.New("rejected with " + Describe(v)))
}

func stringProp(v js.Value, name string) string {
	p, err := property(v, name)
	if err != nil || typeOf(p) != "string" {
		return ""
	}
	return p.String()
}

// Describe is String(v), or its type when String throws.
func Describe(v js.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = typeOf(v)
		}
	}()
	return js.Global().Get("String").Invoke(v).String()
}
