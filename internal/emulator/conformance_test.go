package emulator

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
	"github.com/golang-jwt/jwt/v5"
)

// These tests drive the emulator with the unmodified aws-sdk-go-v2 client:
// if the SDK can talk to it, so can the module under test.

func sdk(url string, creds aws.CredentialsProvider) *cip.Client {
	return cip.New(cip.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(url),
		Credentials:      creds,
		RetryMaxAttempts: 1,
	})
}

func userClient(url string) *cip.Client { return sdk(url, aws.AnonymousCredentials{}) }

func adminClient(url, key, secret string) *cip.Client {
	return sdk(url, credentials.NewStaticCredentialsProvider(key, secret, ""))
}

func sdkSignIn(t *testing.T, c *cip.Client, username string) *types.AuthenticationResultType {
	t.Helper()
	out, err := c.InitiateAuth(context.Background(), &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(DemoClientID),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": DemoPassword},
	})
	if err != nil {
		t.Fatalf("InitiateAuth: %v", err)
	}
	return out.AuthenticationResult
}

// wantAPIError checks an SDK error's code, message and HTTP status.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || ae.ErrorMessage() != msg {
		t.Errorf("err = %s %q, want %s %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("no HTTP response in %v", err)
	}
	if want := StatusFor(code); re.HTTPStatusCode() != want {
		t.Errorf("status = %d, want %d", re.HTTPStatusCode(), want)
	}
	if re.ServiceRequestID() == "" {
		t.Errorf("no request id")
	}
}

func TestSDKSignInTokensAndGetUser(t *testing.T) {
	_, srv := newTestEmulator(t)
	ctx := context.Background()
	c := userClient(srv.URL)
	res := sdkSignIn(t, c, DemoUsername)
	if res.ExpiresIn != AccessTokenTTL || aws.ToString(res.TokenType) != "Bearer" || aws.ToString(res.RefreshToken) == "" {
		t.Errorf("result = %+v", res)
	}

	// The access token verifies with the pool's published JWKS.
	a := control(t, srv.URL, http.MethodGet, "/"+DemoPoolID+"/.well-known/jwks.json", "")
	var set struct {
		Keys []struct{ Kid, Kty, Alg, Use, N, E string }
	}
	if err := json.Unmarshal(a.body, &set); err != nil || a.status != 200 || len(set.Keys) != 1 {
		t.Fatalf("jwks: %d %s %v", a.status, a.body, err)
	}
	k := set.Keys[0]
	n, _ := base64.RawURLEncoding.DecodeString(k.N)
	ev, _ := base64.RawURLEncoding.DecodeString(k.E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(ev).Int64())}
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(aws.ToString(res.AccessToken), claims, func(tok *jwt.Token) (any, error) {
		if tok.Header["kid"] != k.Kid {
			t.Errorf("kid = %v, want %s", tok.Header["kid"], k.Kid)
		}
		return pub, nil
	}, jwt.WithTimeFunc(func() time.Time { return testEpoch }))
	if err != nil || !tok.Valid {
		t.Fatalf("access token does not verify with the JWKS: %v", err)
	}
	iss := "https://cognito-idp.us-east-1.amazonaws.com/" + DemoPoolID
	want := map[string]any{
		"sub": "54a8f4c8-3071-70d2-9b5e-6a0f3c1d2e41", "iss": iss, "client_id": DemoClientID,
		"token_use": "access", "scope": ScopeUserAdmin, "username": DemoUsername,
		"iat": float64(testEpoch.Unix()), "auth_time": float64(testEpoch.Unix()),
		"exp": float64(testEpoch.Unix() + 3600),
	}
	for name, v := range want {
		if claims[name] != v {
			t.Errorf("claim %s = %v, want %v", name, claims[name], v)
		}
	}
	for _, name := range []string{"jti", "origin_jti", "event_id"} {
		if s, _ := claims[name].(string); len(s) != 36 {
			t.Errorf("claim %s = %v, want a UUID", name, claims[name])
		}
	}
	idc := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(aws.ToString(res.IdToken), idc); err != nil {
		t.Fatal(err)
	}
	if idc["token_use"] != "id" || idc["aud"] != DemoClientID || idc["cognito:username"] != DemoUsername ||
		idc["email"] != "alice@example.com" || idc["email_verified"] != true || idc["origin_jti"] != claims["origin_jti"] {
		t.Errorf("id token claims = %v", idc)
	}

	u, err := c.GetUser(ctx, &cip.GetUserInput{AccessToken: res.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(u.Username) != DemoUsername || aws.ToString(u.UserAttributes[0].Name) != "sub" ||
		aws.ToString(u.UserAttributes[0].Value) != claims["sub"] {
		t.Errorf("GetUser = %s %+v", aws.ToString(u.Username), u.UserAttributes)
	}

	_, err = c.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String(DemoClientID),
		AuthParameters: map[string]string{"USERNAME": DemoUsername, "PASSWORD": "wrong"},
	})
	wantAPIError(t, err, ErrNotAuthorized, MsgIncorrectCredentials)
}

func TestSDKCredentialsPagingAndDelete(t *testing.T) {
	_, srv := newTestEmulator(t)
	ctx := context.Background()
	c := userClient(srv.URL)
	at := sdkSignIn(t, c, DemoUsername).AccessToken
	seed := DemoSeed().UserPools[0].Users[0].WebAuthnCredentials

	var got []types.WebAuthnCredentialDescription
	var pages int
	var next *string
	for {
		out, err := c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: at, MaxResults: aws.Int32(1), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, out.Credentials...)
		if next = out.NextToken; next == nil {
			break
		}
	}
	if pages != 3 || len(got) != 3 {
		t.Fatalf("%d credentials in %d pages, want 3 in 3", len(got), pages)
	}
	for i, c := range got {
		s := seed[i]
		if aws.ToString(c.CredentialId) != s.CredentialID || aws.ToString(c.FriendlyCredentialName) != s.FriendlyCredentialName ||
			aws.ToString(c.RelyingPartyId) != s.RelyingPartyID || aws.ToString(c.AuthenticatorAttachment) != s.AuthenticatorAttachment ||
			!slices.Equal(c.AuthenticatorTransports, s.AuthenticatorTransports) ||
			c.CreatedAt.UnixMilli() != int64(s.CreatedAt*1000+0.5) {
			t.Errorf("credential %d = %+v, want %+v", i, c, s)
		}
	}

	del := seed[1].CredentialID
	if _, err := c.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: at, CredentialId: &del}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Credentials) != 2 || out.NextToken != nil || slices.ContainsFunc(out.Credentials, func(c types.WebAuthnCredentialDescription) bool {
		return aws.ToString(c.CredentialId) == del
	}) {
		t.Errorf("after delete: %d credentials, next %v", len(out.Credentials), out.NextToken)
	}
	_, err = c.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: at, CredentialId: &del})
	wantAPIError(t, err, ErrResourceNotFound, MsgCredentialNotFound)
}

func TestSDKDevicesPagingForgetUpdate(t *testing.T) {
	_, srv := newTestEmulator(t)
	ctx := context.Background()
	c := userClient(srv.URL)
	at := sdkSignIn(t, c, DemoUsername).AccessToken
	seed := DemoSeed().UserPools[0].Users[0].Devices

	var keys []string
	var sizes []int
	var next *string
	for {
		out, err := c.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: at, Limit: aws.Int32(3), PaginationToken: next})
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(out.Devices))
		for _, d := range out.Devices {
			keys = append(keys, aws.ToString(d.DeviceKey))
		}
		if next = out.PaginationToken; next == nil {
			break
		}
	}
	var want []string
	for _, d := range seed {
		want = append(want, d.DeviceKey)
	}
	if !slices.Equal(sizes, []int{3, 3, 1}) || !slices.Equal(keys, want) {
		t.Fatalf("pages %v keys %v, want [3 3 1] %v", sizes, keys, want)
	}

	key := seed[1].DeviceKey
	got, err := c.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: at, DeviceKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	d := got.Device
	if d.DeviceLastAuthenticatedDate.UnixMilli() != 1731950000125 || d.DeviceLastModifiedDate.UnixMilli() != 1718500000500 {
		t.Errorf("dates = %v %v", d.DeviceLastAuthenticatedDate, d.DeviceLastModifiedDate)
	}
	if i := slices.IndexFunc(d.DeviceAttributes, func(a types.AttributeType) bool { return aws.ToString(a.Name) == "device_name" }); i < 0 || aws.ToString(d.DeviceAttributes[i].Value) != "Safari on iPhone" {
		t.Errorf("attributes = %+v", d.DeviceAttributes)
	}

	if _, err := c.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{AccessToken: at, DeviceKey: &key, DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered}); err != nil {
		t.Fatal(err)
	}
	got, err = c.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: at, DeviceKey: &key})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Device.DeviceLastModifiedDate.Equal(testEpoch) || !slices.ContainsFunc(got.Device.DeviceAttributes, func(a types.AttributeType) bool {
		return aws.ToString(a.Name) == "dev:device_remembered_status" && aws.ToString(a.Value) == "not_remembered"
	}) {
		t.Errorf("after UpdateDeviceStatus: %v %+v", got.Device.DeviceLastModifiedDate, got.Device.DeviceAttributes)
	}

	if _, err := c.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: at, DeviceKey: &key}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetDevice(ctx, &cip.GetDeviceInput{AccessToken: at, DeviceKey: &key})
	wantAPIError(t, err, ErrResourceNotFound, MsgDeviceNotFound)
	_, err = c.ForgetDevice(ctx, &cip.ForgetDeviceInput{AccessToken: at, DeviceKey: &key})
	wantAPIError(t, err, ErrResourceNotFound, MsgDeviceNotFound)
	out, err := c.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Devices) != 6 || slices.ContainsFunc(out.Devices, func(d types.DeviceType) bool { return aws.ToString(d.DeviceKey) == key }) {
		t.Errorf("after forget: %d devices", len(out.Devices))
	}
}

func TestSDKEmptyUser(t *testing.T) {
	_, srv := newTestEmulator(t)
	ctx := context.Background()
	c := userClient(srv.URL)
	at := sdkSignIn(t, c, DemoEmptyUsername).AccessToken
	creds, err := c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: at})
	if err != nil || len(creds.Credentials) != 0 || creds.NextToken != nil {
		t.Errorf("credentials = %+v, %v", creds, err)
	}
	devs, err := c.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: at, Limit: aws.Int32(60)})
	if err != nil || len(devs.Devices) != 0 || devs.PaginationToken != nil {
		t.Errorf("devices = %+v, %v", devs, err)
	}
}

func TestSDKRefreshGlobalSignOutRevoke(t *testing.T) {
	_, srv := newTestEmulator(t)
	ctx := context.Background()
	c := userClient(srv.URL)
	first := sdkSignIn(t, c, DemoUsername)

	refresh := func(rt *string) (*types.AuthenticationResultType, error) {
		out, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeRefreshTokenAuth, ClientId: aws.String(DemoClientID),
			AuthParameters: map[string]string{"REFRESH_TOKEN": aws.ToString(rt)},
		})
		if err != nil {
			return nil, err
		}
		return out.AuthenticationResult, nil
	}
	refreshed, err := refresh(first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if refreshed.RefreshToken != nil || aws.ToString(refreshed.AccessToken) == aws.ToString(first.AccessToken) {
		t.Errorf("refresh result = %+v", refreshed)
	}
	if _, err := c.GetUser(ctx, &cip.GetUserInput{AccessToken: refreshed.AccessToken}); err != nil {
		t.Fatalf("refreshed token: %v", err)
	}
	_, err = refresh(aws.String("not-a-refresh-token"))
	wantAPIError(t, err, ErrNotAuthorized, MsgInvalidRefreshToken)

	// RevokeToken ends one sign-in and its access tokens, not the others.
	second := sdkSignIn(t, c, DemoUsername)
	_, err = c.RevokeToken(ctx, &cip.RevokeTokenInput{Token: second.RefreshToken, ClientId: aws.String(DemoClientID)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: second.AccessToken})
	wantAPIError(t, err, ErrNotAuthorized, MsgAccessTokenRevoked)
	_, err = refresh(second.RefreshToken)
	wantAPIError(t, err, ErrNotAuthorized, MsgRefreshTokenRevoked)
	if _, err := c.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: first.AccessToken}); err != nil {
		t.Errorf("other sign-in after RevokeToken: %v", err)
	}
	_, err = c.RevokeToken(ctx, &cip.RevokeTokenInput{Token: first.AccessToken, ClientId: aws.String(DemoClientID)})
	wantAPIError(t, err, ErrUnsupportedTokenType, MsgUnsupportedTokenType)
	_, err = c.RevokeToken(ctx, &cip.RevokeTokenInput{Token: first.RefreshToken, ClientId: aws.String("otherclient")})
	wantAPIError(t, err, ErrUnauthorized, MsgInvalidToken)

	// GlobalSignOut ends every sign-in of the user.
	if _, err := c.GlobalSignOut(ctx, &cip.GlobalSignOutInput{AccessToken: first.AccessToken}); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []*string{first.AccessToken, refreshed.AccessToken} {
		_, err = c.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: tok})
		wantAPIError(t, err, ErrNotAuthorized, MsgAccessTokenRevoked)
	}
	_, err = refresh(first.RefreshToken)
	wantAPIError(t, err, ErrNotAuthorized, MsgRefreshTokenRevoked)
	bob := sdkSignIn(t, c, DemoEmptyUsername)
	if _, err := c.GetUser(ctx, &cip.GetUserInput{AccessToken: bob.AccessToken}); err != nil {
		t.Errorf("another user after GlobalSignOut: %v", err)
	}
	if _, err := c.GetUser(ctx, &cip.GetUserInput{AccessToken: sdkSignIn(t, c, DemoUsername).AccessToken}); err != nil {
		t.Errorf("new sign-in after GlobalSignOut: %v", err)
	}
}

func TestSDKAdminListDevices(t *testing.T) {
	_, srv := newTestEmulator(t)
	ctx := context.Background()
	admin := adminClient(srv.URL, DefaultAccessKeyID, DefaultSecretAccessKey)
	in := func(next *string) *cip.AdminListDevicesInput {
		return &cip.AdminListDevicesInput{UserPoolId: aws.String(DemoPoolID), Username: aws.String(DemoUsername), Limit: aws.Int32(4), PaginationToken: next}
	}
	first, err := admin.AdminListDevices(ctx, in(nil))
	if err != nil {
		t.Fatal(err)
	}
	second, err := admin.AdminListDevices(ctx, in(first.PaginationToken))
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Devices) != 4 || len(second.Devices) != 3 || second.PaginationToken != nil {
		t.Errorf("pages of %d and %d devices, next %v", len(first.Devices), len(second.Devices), second.PaginationToken)
	}

	_, err = userClient(srv.URL).AdminListDevices(ctx, in(nil))
	wantAPIError(t, err, ErrMissingAuthenticationToken, MsgMissingAuthenticationToken)
	_, err = adminClient(srv.URL, "AKIDUNKNOWN", DefaultSecretAccessKey).AdminListDevices(ctx, in(nil))
	wantAPIError(t, err, ErrUnrecognizedClient, MsgUnrecognizedClient)
	_, err = adminClient(srv.URL, DefaultAccessKeyID, "wrong-secret").AdminListDevices(ctx, in(nil))
	wantAPIError(t, err, ErrInvalidSignature, MsgInvalidSignature)

	_, err = admin.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String("us-east-1_Nope"), Username: aws.String(DemoUsername)})
	wantAPIError(t, err, ErrResourceNotFound, MsgPoolNotFound("us-east-1_Nope"))
	_, err = admin.AdminListDevices(ctx, &cip.AdminListDevicesInput{UserPoolId: aws.String(DemoPoolID), Username: aws.String("nobody")})
	wantAPIError(t, err, ErrUserNotFound, MsgUserNotFound)

	// A ListDevices token is not an AdminListDevices token.
	at := sdkSignIn(t, userClient(srv.URL), DemoUsername).AccessToken
	ld, err := userClient(srv.URL).ListDevices(ctx, &cip.ListDevicesInput{AccessToken: at, Limit: aws.Int32(4)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = admin.AdminListDevices(ctx, in(ld.PaginationToken))
	wantAPIError(t, err, ErrInvalidParameter, MsgInvalidPaginationToken)
}

func TestSDKIAMCredentialsFromSeed(t *testing.T) {
	seed := DemoSeed()
	seed.IAMCredentials = []IAMCredential{{AccessKeyID: "AKIDSEEDED", SecretAccessKey: "seeded-secret"}}
	e, err := New(seed)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptestServer(t, e)
	in := &cip.AdminListDevicesInput{UserPoolId: aws.String(DemoPoolID), Username: aws.String(DemoUsername)}
	if _, err := adminClient(srv, "AKIDSEEDED", "seeded-secret").AdminListDevices(context.Background(), in); err != nil {
		t.Errorf("seeded key: %v", err)
	}
	_, err = adminClient(srv, DefaultAccessKeyID, DefaultSecretAccessKey).AdminListDevices(context.Background(), in)
	wantAPIError(t, err, ErrUnrecognizedClient, MsgUnrecognizedClient)
}
