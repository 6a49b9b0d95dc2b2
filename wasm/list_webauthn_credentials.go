//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// listWebAuthnCredentials({pageSize?, nextToken?}) →
// {credentials: AuthWebAuthnCredential[], nextToken?}.
func listWebAuthnCredentials(c *auth.Client, input js.Value) (jsbridge.Func, error) {
	obj, err := jsbridge.InputObject(input)
	if err != nil {
		return nil, err
	}
	var in auth.ListWebAuthnCredentialsInput
	if in.PageSize, err = obj.Int("pageSize"); err != nil {
		return nil, err
	}
	if in.NextToken, err = obj.String("nextToken"); err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		out, err := c.ListWebAuthnCredentials(ctx, in)
		if err != nil {
			return js.Undefined(), err
		}
		creds := make([]js.Value, len(out.Credentials))
		for i, cr := range out.Credentials {
			creds[i] = credentialValue(cr)
		}
		// Amplify's { credentials, nextToken }: the key is there, undefined
		// on the last page.
		return jsbridge.Object("credentials", jsbridge.Array(creds), "nextToken", optional(out.NextToken)), nil
	}, nil
}

// credentialValue is Amplify's AuthWebAuthnCredential: its keys in its
// order, authenticatorAttachment undefined when Cognito sent none.
func credentialValue(cr auth.WebAuthnCredential) js.Value {
	return jsbridge.Object(
		"credentialId", cr.CredentialID,
		"friendlyCredentialName", cr.FriendlyCredentialName,
		"relyingPartyId", cr.RelyingPartyID,
		"authenticatorAttachment", optional(cr.AuthenticatorAttachment),
		"authenticatorTransports", jsbridge.Strings(cr.AuthenticatorTransports),
		"createdAt", jsbridge.Date(cr.CreatedAt),
	)
}
