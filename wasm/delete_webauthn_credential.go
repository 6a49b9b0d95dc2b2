//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// deleteWebAuthnCredential({credentialId}) → undefined.
func deleteWebAuthnCredential(c *auth.Client, input js.Value) (jsbridge.Func, error) {
	obj, err := jsbridge.InputObject(input)
	if err != nil {
		return nil, err
	}
	var in auth.DeleteWebAuthnCredentialInput
	if in.CredentialID, err = obj.String("credentialId"); err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		return js.Undefined(), c.DeleteWebAuthnCredential(ctx, in)
	}, nil
}
