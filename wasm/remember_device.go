//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// rememberDevice() → undefined: the current device becomes remembered.
func rememberDevice(c *auth.Client, _ js.Value) (jsbridge.Func, error) {
	return func(ctx context.Context) (js.Value, error) {
		return js.Undefined(), c.RememberDevice(ctx)
	}, nil
}
