package auth

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// ListWebAuthnCredentialsInput is Amplify's {pageSize?, nextToken?}.
type ListWebAuthnCredentialsInput struct {
	PageSize  *int // MaxResults, 0..20
	NextToken *string
}

// ListWebAuthnCredentialsOutput is Amplify's {credentials, nextToken?}.
type ListWebAuthnCredentialsOutput struct {
	Credentials []WebAuthnCredential // never nil
	NextToken   *string              // nil at the last page
}

// WebAuthnCredential is Amplify's AuthWebAuthnCredential.
type WebAuthnCredential struct {
	CredentialID            string
	FriendlyCredentialName  string
	RelyingPartyID          string
	AuthenticatorAttachment *string
	AuthenticatorTransports []string // never nil
	CreatedAt               time.Time
}

// ListWebAuthnCredentials lists the signed-in user's passkeys.
func (c *Client) ListWebAuthnCredentials(ctx context.Context, in ListWebAuthnCredentialsInput) (*ListWebAuthnCredentialsOutput, error) {
	maxResults, err := int32Member("ListWebAuthnCredentials", "MaxResults", in.PageSize)
	if err != nil {
		return nil, err
	}
	out, err := call(ctx, c, c.api.ListWebAuthnCredentials, &cip.ListWebAuthnCredentialsInput{
		MaxResults: maxResults,
		NextToken:  in.NextToken,
	})
	if err != nil {
		return nil, err
	}
	return &ListWebAuthnCredentialsOutput{
		Credentials: mapCredentials(out.Credentials),
		NextToken:   nonEmpty(out.NextToken),
	}, nil
}

func mapCredentials(in []types.WebAuthnCredentialDescription) []WebAuthnCredential {
	out := make([]WebAuthnCredential, len(in))
	for i, c := range in {
		out[i] = WebAuthnCredential{
			CredentialID:            aws.ToString(c.CredentialId),
			FriendlyCredentialName:  aws.ToString(c.FriendlyCredentialName),
			RelyingPartyID:          aws.ToString(c.RelyingPartyId),
			AuthenticatorAttachment: c.AuthenticatorAttachment,
			AuthenticatorTransports: append([]string{}, c.AuthenticatorTransports...),
			CreatedAt:               aws.ToTime(c.CreatedAt),
		}
	}
	return out
}

// nonEmpty drops an empty pagination token: Amplify's nextToken is absent
// at the end, and "" would be rejected as the next request's token anyway.
func nonEmpty(s *string) *string {
	if s == nil || *s == "" {
		return nil
	}
	return s
}
