package auth

import (
	"bytes"
	"context"
	"encoding/json"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
)

// CredentialCreator runs the WebAuthn registration ceremony: options is
// Cognito's CredentialCreationOptions (PublicKeyCredentialCreationOptionsJSON,
// binary fields base64url), the result the new credential's JSON form
// (PublicKeyCredential.toJSON()). A failure is an *Error named after the
// browser's DOMException. In the wasm module it is host.createCredential,
// which runs navigator.credentials.create on the page's main thread and is
// cancelled by the call's AbortSignal.
type CredentialCreator interface {
	CreateCredential(ctx context.Context, options []byte) ([]byte, error)
}

// WithCredentialCreator sets how associateWebAuthnCredential creates the
// credential. Without one, passkeys are not supported.
func WithCredentialCreator(cc CredentialCreator) Option { return func(c *Client) { c.creator = cc } }

// AssociateWebAuthnCredential registers a new passkey for the signed-in
// user, as Amplify's associateWebAuthnCredential() does:
// StartWebAuthnRegistration, the ceremony, CompleteWebAuthnRegistration.
func (c *Client) AssociateWebAuthnCredential(ctx context.Context) error {
	start, err := call(ctx, c, c.api.StartWebAuthnRegistration, &cip.StartWebAuthnRegistrationInput{})
	if err != nil {
		return err
	}
	options, e := creationOptions(start.CredentialCreationOptions)
	if e != nil {
		return e
	}

	// The ceremony waits for the user, so only the caller's signal and the
	// options' own timeout bound it, not callTimeout.
	if c.creator == nil {
		return PasskeyError(NamePasskeyNotSupported, nil)
	}
	raw, err := c.creator.CreateCredential(ctx, options)
	if err != nil {
		if ctx.Err() != nil {
			return fromContext(ctx) // the caller's abort, not the ceremony's own
		}
		return PasskeyRegistrationError(err)
	}
	var credential any
	if err := json.Unmarshal(raw, &credential); err != nil || credential == nil {
		return PasskeyError(NamePasskeyRegistrationFailed, nil)
	}

	_, err = call(ctx, c, c.api.CompleteWebAuthnRegistration, &cip.CompleteWebAuthnRegistrationInput{
		Credential: document.NewLazyDocument(credential),
	})
	return err
}

// creationOptions returns the options document as JSON after Amplify's
// assertValidCredentialCreationOptions: challenge, user, rp and
// pubKeyCredParams must be there (JavaScript-truthy).
func creationOptions(doc document.Interface) ([]byte, *Error) {
	invalid := PasskeyError(NameInvalidPasskeyRegistrationOptions, nil)
	if doc == nil {
		return nil, invalid
	}
	raw, err := doc.MarshalSmithyDocument()
	if err != nil {
		return nil, invalid
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var opts map[string]any
	if err := d.Decode(&opts); err != nil {
		return nil, invalid
	}
	for _, k := range []string{"challenge", "user", "rp", "pubKeyCredParams"} {
		if !truthy(opts[k]) {
			return nil, invalid
		}
	}
	return raw, nil
}

// truthy is JavaScript's Boolean(v) for a decoded JSON value.
func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case json.Number:
		f, err := v.Float64()
		return err != nil || f != 0 // beyond float64's range is not zero either
	}
	return true // objects and arrays, even empty ones
}
