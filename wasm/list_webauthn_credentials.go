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
		res := jsbridge.Object("credentials", jsbridge.Array(creds))
		if out.NextToken != nil {
			res.Set("nextToken", *out.NextToken)
		}
		return res, nil
	}, nil
}

func credentialValue(cr auth.WebAuthnCredential) js.Value {
	v := jsbridge.Object(
		"credentialId", cr.CredentialID,
		"friendlyCredentialName", cr.FriendlyCredentialName,
		"relyingPartyId", cr.RelyingPartyID,
	)
	if cr.AuthenticatorAttachment != nil {
		v.Set("authenticatorAttachment", *cr.AuthenticatorAttachment)
	}
	v.Set("authenticatorTransports", jsbridge.Strings(cr.AuthenticatorTransports))
	v.Set("createdAt", jsbridge.Date(cr.CreatedAt))
	return v
}
