package emulator

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// TestSDKGetTokensFromRefreshToken drives the refresh operation Amplify v6
// uses with the unmodified SDK: new tokens for a live refresh token,
// Cognito's refusals for unknown, other-client, revoked and expired ones.
func TestSDKGetTokensFromRefreshToken(t *testing.T) {
	e, srv := newTestEmulator(t)
	ctx := context.Background()
	c := userClient(srv.URL)
	first := sdkSignIn(t, c, DemoUsername)
	refresh := func(rt *string, client string) (*cip.GetTokensFromRefreshTokenOutput, error) {
		return c.GetTokensFromRefreshToken(ctx, &cip.GetTokensFromRefreshTokenInput{
			RefreshToken: rt, ClientId: aws.String(client),
			DeviceKey: aws.String("us-east-1_0b1c2d3e-4f50-4a61-8b72-c3d4e5f60718"), // Amplify sends it; it is accepted
		})
	}

	out, err := refresh(first.RefreshToken, DemoClientID)
	if err != nil {
		t.Fatal(err)
	}
	res := out.AuthenticationResult
	if res == nil || aws.ToString(res.AccessToken) == "" || aws.ToString(res.IdToken) == "" ||
		aws.ToString(res.AccessToken) == aws.ToString(first.AccessToken) || res.RefreshToken != nil || res.ExpiresIn != AccessTokenTTL {
		t.Fatalf("refresh result = %+v", res)
	}
	if _, err := c.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken}); err != nil {
		t.Fatalf("refreshed token: %v", err)
	}

	_, err = refresh(aws.String("not-a-refresh-token"), DemoClientID)
	wantAPIError(t, err, ErrNotAuthorized, MsgInvalidRefreshToken)
	_, err = refresh(first.RefreshToken, "unknownclient")
	wantAPIError(t, err, ErrResourceNotFound, MsgClientNotFound("unknownclient"))

	if _, err := c.RevokeToken(ctx, &cip.RevokeTokenInput{Token: first.RefreshToken, ClientId: aws.String(DemoClientID)}); err != nil {
		t.Fatal(err)
	}
	_, err = refresh(first.RefreshToken, DemoClientID)
	wantAPIError(t, err, ErrNotAuthorized, MsgRefreshTokenRevoked)

	second := sdkSignIn(t, c, DemoUsername)
	e.AdvanceClock(31 * 24 * time.Hour) // past the refresh token's 30 days
	_, err = refresh(second.RefreshToken, DemoClientID)
	wantAPIError(t, err, ErrNotAuthorized, MsgRefreshTokenExpired)
}
