//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// associateWebAuthnCredential() → undefined: registers a new passkey, the
// ceremony running on the page's main thread (host.createCredential).
func associateWebAuthnCredential(c *auth.Client, _ js.Value) (jsbridge.Func, error) {
	return func(ctx context.Context) (js.Value, error) {
		return js.Undefined(), c.AssociateWebAuthnCredential(ctx)
	}, nil
}
