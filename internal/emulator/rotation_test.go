package emulator

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestRefreshTokenRotation: on an app client with refreshTokenRotation, each
// GetTokensFromRefreshToken answers with a new refresh token, which works
// once in turn, while the one it replaced is refused with
// RefreshTokenReuseException; without the option nothing rotates.
func TestRefreshTokenRotation(t *testing.T) {
	seed := DemoSeed()
	seed.UserPools[0].Clients[0].RefreshTokenRotation = true
	_, srv := newSeededTestEmulator(t, seed)
	ctx := context.Background()
	c := userClient(srv.URL)
	refresh := func(rt *string) (*cip.GetTokensFromRefreshTokenOutput, error) {
		return c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{RefreshToken: rt, ClientId: aws.String(DemoClientID)})
	}
	first := sdkSignIn(t, c, DemoUsername).RefreshToken
	out, err := refresh(first)
	if err != nil {
		t.Fatal(err)
	}
	second := out.AuthenticationResult.RefreshToken
	if aws.ToString(second) == "" || aws.ToString(second) == aws.ToString(first) {
		t.Fatalf("rotated refresh token %q (was %q), want a new one", aws.ToString(second), aws.ToString(first))
	}
	_, err = refresh(first)
	wantAPIError(t, err, ErrRefreshTokenReuse, MsgRefreshTokenReused)
	out, err = refresh(second)
	if err != nil {
		t.Fatalf("the rotated refresh token: %v", err)
	}
	if third := out.AuthenticationResult.RefreshToken; aws.ToString(third) == aws.ToString(second) {
		t.Errorf("second rotation kept the refresh token")
	}
	// Revoking the current token still ends the session.
	if _, err := c.RevokeToken(ctx, &cip.RevokeTokenInput{Token: out.AuthenticationResult.RefreshToken, ClientId: aws.String(DemoClientID)}); err != nil {
		t.Fatal(err)
	}
	_, err = refresh(out.AuthenticationResult.RefreshToken)
	wantAPIError(t, err, ErrNotAuthorized, MsgRefreshTokenRevoked)
}
