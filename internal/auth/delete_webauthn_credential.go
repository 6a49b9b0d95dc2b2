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
	body := map[string]any{}
	if in.CredentialID != nil {
		body["CredentialId"] = *in.CredentialID
	}
	return c.call(ctx, "DeleteWebAuthnCredential", body, func(ctx context.Context, token string) error {
		_, err := c.api.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{
			AccessToken:  &token,
			CredentialId: in.CredentialID,
		})
		return err
	})
}
