//go:build js && wasm

package jsbridge

import (
	"context"
	"errors"
	"sync/atomic"
	"syscall/js"

	"github.com/hack-pad/safejs"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
)

// ErrAborted is the cause of a context ended by the call's AbortSignal.
var ErrAborted = errors.New("the call's AbortSignal was aborted")

// liveFuncs counts the js.Funcs this package made for single calls and has
// not released yet; tests check it returns to zero.
var liveFuncs atomic.Int64

func funcOf(fn func(this js.Value, args []js.Value) any) js.Func {
	liveFuncs.Add(1)
	return js.FuncOf(fn)
}

func releaseFunc(f js.Func) {
	f.Release()
	liveFuncs.Add(-1)
}

// signalContext returns a context cancelled (cause ErrAborted) when signal
// fires, and a release that removes the listener and frees its js.Func.
func signalContext(signal js.Value) (context.Context, func(), error) {
	ctx, cancel := context.WithCancelCause(context.Background())
	if signal.IsUndefined() || signal.IsNull() {
		return ctx, func() { cancel(nil) }, nil
	}
	s := safejs.Safe(signal)
	add, errAdd := method(s, "addEventListener")
	remove, errRemove := method(s, "removeEventListener")
	aborted, errAborted := property(signal, "aborted")
	if errAdd != nil || errRemove != nil || errAborted != nil {
		cancel(nil)
		return nil, nil, auth.InvalidParameter("signal must be an AbortSignal (got %s).", typeOf(signal))
	}
	if a, _ := safejs.Safe(aborted).Truthy(); a {
		cancel(ErrAborted)
		return ctx, func() {}, nil
	}
	onAbort := funcOf(func(js.Value, []js.Value) any {
		cancel(ErrAborted)
		return nil
	})
	if _, err := add.Call("call", signal, "abort", onAbort); err != nil {
		releaseFunc(onAbort)
		cancel(nil)
		return nil, nil, auth.InvalidParameter("signal must be an AbortSignal: addEventListener failed.")
	}
	release := func() {
		_, _ = remove.Call("call", signal, "abort", onAbort)
		releaseFunc(onAbort)
		cancel(nil)
	}
	return ctx, release, nil
}

func method(v safejs.Value, name string) (safejs.Value, error) {
	if t := typeOf(safejs.Unsafe(v)); t != "object" && t != "function" {
		return safejs.Value{}, errors.New("not an object")
	}
	p, err := property(safejs.Unsafe(v), name)
	if err != nil {
		return safejs.Value{}, err
	}
	m := safejs.Safe(p)
	if m.Type() != safejs.TypeFunction {
		return m, errors.New(name + " is not a function")
	}
	return m, nil
}
