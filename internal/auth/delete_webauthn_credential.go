package auth

import (
	"context"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// DeleteWebAuthnCredentialInput is Amplify's {credentialId}.
type DeleteWebAuthnCredentialInput struct {
	CredentialID *string // required
}

// DeleteWebAuthnCredential deletes one of the signed-in user's passkeys.
func (c *Client) DeleteWebAuthnCredential(ctx context.Context, in DeleteWebAuthnCredentialInput) error {
	_, err := call(ctx, c, c.api.DeleteWebAuthnCredential, &cip.DeleteWebAuthnCredentialInput{CredentialId: in.CredentialID})
	return err
}
