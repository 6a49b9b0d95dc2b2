package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	ciptypes "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// session is a signed-in user's tokens, stored in the page the way Amplify
// v6 stores them, so Amplify, the SDK page and cognito-wasm's default token
// source all find the same session.
type session struct {
	clientID, username            string
	access, id, refresh           string
	signInDetailsJSON, clockDrift string
}

// signIn runs USER_PASSWORD_AUTH against the emulator with the Go SDK. The
// bench pages then start signed in without loading any sign-in code, so
// each measures only the calls (the fidelity check signs in with Amplify
// itself).
func signIn(ctx context.Context, endpoint, poolID, clientID, username, password string) (*session, error) {
	region, _, _ := strings.Cut(poolID, "_")
	c := cip.New(cip.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  aws.AnonymousCredentials{},
	})
	out, err := c.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       ciptypes.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(clientID),
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", username, err)
	}
	r := out.AuthenticationResult
	if r == nil || r.AccessToken == nil {
		return nil, fmt.Errorf("sign in %s: no tokens (challenge %q)", username, out.ChallengeName)
	}
	details, _ := json.Marshal(map[string]string{"loginId": username, "authFlowType": "USER_PASSWORD_AUTH"})
	return &session{
		clientID: clientID, username: username,
		access: *r.AccessToken, id: aws.ToString(r.IdToken), refresh: aws.ToString(r.RefreshToken),
		signInDetailsJSON: string(details), clockDrift: "0",
	}, nil
}

// storage returns Amplify v6's localStorage entries for the session.
func (s *session) storage() map[string]string {
	p := "CognitoIdentityServiceProvider." + s.clientID
	u := p + "." + s.username + "."
	return map[string]string{
		p + ".LastAuthUser": s.username,
		u + "accessToken":   s.access,
		u + "idToken":       s.id,
		u + "refreshToken":  s.refresh,
		u + "clockDrift":    s.clockDrift,
		u + "signInDetails": s.signInDetailsJSON,
	}
}
