//go:build js && wasm && cognitowasm_testhooks

package main

import (
	"context"
	"os"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// Test hooks, compiled in only with -tags cognitowasm_testhooks: the browser
// tests build such a module to see what the real one does when a call
// panics or the Go program ends; the shipped module never has them. A call
// whose input has the own property cognitoWasmTestPanic panics in its
// goroutine; one with cognitoWasmTestExit ends the program with exit code 3.
func init() {
	for name, exp := range exports {
		exports[name] = withTestHooks(exp)
	}
}

func withTestHooks(exp export) export {
	return func(c *auth.Client, input js.Value) (jsbridge.Func, error) {
		switch {
		case hasOwnTrue(input, "cognitoWasmTestPanic"):
			return func(context.Context) (js.Value, error) { panic("cognito-wasm test hook: panic") }, nil
		case hasOwnTrue(input, "cognitoWasmTestExit"):
			return func(context.Context) (js.Value, error) {
				os.Exit(3)
				return js.Undefined(), nil
			}, nil
		}
		return exp(c, input)
	}
}

func hasOwnTrue(v js.Value, key string) bool {
	if v.Type() != js.TypeObject {
		return false
	}
	own := js.Global().Get("Object").Get("prototype").Get("hasOwnProperty").Call("call", v, key)
	return own.Bool() && v.Get(key).Truthy()
}
