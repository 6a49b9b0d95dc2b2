package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// tokenOps are the operations that take the user's access token, with a
// body that is otherwise valid.
var tokenOps = map[string]func(tok string) map[string]any{
	"GetUser":                 func(tok string) map[string]any { return map[string]any{"AccessToken": tok} },
	"GlobalSignOut":           func(tok string) map[string]any { return map[string]any{"AccessToken": tok} },
	"ListWebAuthnCredentials": func(tok string) map[string]any { return map[string]any{"AccessToken": tok, "MaxResults": 2} },
	"DeleteWebAuthnCredential": func(tok string) map[string]any {
		return map[string]any{"AccessToken": tok, "CredentialId": "AXbG3qk7V9m2Yp0cRz8LwQ"}
	},
	"ListDevices":  func(tok string) map[string]any { return map[string]any{"AccessToken": tok, "Limit": 2} },
	"GetDevice":    func(tok string) map[string]any { return deviceBody(tok) },
	"ForgetDevice": func(tok string) map[string]any { return deviceBody(tok) },
	"UpdateDeviceStatus": func(tok string) map[string]any {
		m := deviceBody(tok)
		m["DeviceRememberedStatus"] = "remembered"
		return m
	},
}

func deviceBody(tok string) map[string]any {
	return map[string]any{"AccessToken": tok, "DeviceKey": DemoSeed().UserPools[0].Users[0].Devices[0].DeviceKey}
}

// opsWithUserNotFound declare UserNotFoundException in the model; the others
// answer a token for a vanished user with NotAuthorizedException.
var opsWithUserNotFound = map[string]bool{"GetUser": true, "ListDevices": true, "GetDevice": true, "ForgetDevice": true, "UpdateDeviceStatus": true}

func TestTokenFailures(t *testing.T) {
	e, srv := newTestEmulator(t)
	mintEdit := func(edit func(map[string]any)) string {
		t.Helper()
		tok, err := e.MintAccessToken(DemoPoolID, DemoClientID, DemoUsername, edit)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	signWith := func(method jwt.SigningMethod, key any, kid string) string {
		t.Helper()
		claims := jwt.MapClaims{}
		if _, _, err := jwt.NewParser().ParseUnverified(mintEdit(nil), claims); err != nil {
			t.Fatal(err)
		}
		tok := jwt.NewWithClaims(method, claims)
		tok.Header["kid"] = kid
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	poolKid := func() string {
		k, err := keyFor(DemoPoolID)
		if err != nil {
			t.Fatal(err)
		}
		return k.kid
	}()
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	revoked := func() string {
		t.Helper()
		tk, err := e.SignIn(DemoPoolID, DemoClientID, DemoUsername)
		if err != nil {
			t.Fatal(err)
		}
		if a := call(t, srv.URL, "RevokeToken", map[string]any{"Token": tk.RefreshToken, "ClientId": DemoClientID}); a.status != 200 {
			t.Fatalf("RevokeToken: %d %s", a.status, a.body)
		}
		return tk.AccessToken
	}

	cases := []struct {
		name  string
		token func() string
		msg   string
	}{
		{"not a JWT", func() string { return "abc.def" }, MsgInvalidAccessToken},
		{"tampered signature", func() string {
			tok := mintEdit(nil)
			i := strings.LastIndexByte(tok, '.') + 5
			c := byte('A')
			if tok[i] == 'A' {
				c = 'B'
			}
			return tok[:i] + string(c) + tok[i+1:]
		}, MsgInvalidAccessToken},
		{"tampered claims", func() string {
			parts := strings.Split(mintEdit(nil), ".")
			other := strings.Split(mintEdit(func(c map[string]any) { c["username"] = "bob" }), ".")
			return parts[0] + "." + other[1] + "." + parts[2]
		}, MsgInvalidAccessToken},
		{"unknown key", func() string { return signWith(jwt.SigningMethodRS256, otherKey, "unknown-kid") }, MsgInvalidAccessToken},
		{"other key under the pool's kid", func() string { return signWith(jwt.SigningMethodRS256, otherKey, poolKid) }, MsgInvalidAccessToken},
		{"HS256", func() string { return signWith(jwt.SigningMethodHS256, []byte("secret"), poolKid) }, MsgInvalidAccessToken},
		{"alg none", func() string { return signWith(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, poolKid) }, MsgInvalidAccessToken},
		{"id token", func() string {
			tk, err := e.SignIn(DemoPoolID, DemoClientID, DemoUsername)
			if err != nil {
				t.Fatal(err)
			}
			return tk.IDToken
		}, MsgInvalidAccessToken},
		{"token_use id", func() string { return mintEdit(func(c map[string]any) { c["token_use"] = "id" }) }, MsgInvalidAccessToken},
		{"other issuer", func() string {
			return mintEdit(func(c map[string]any) { c["iss"] = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other" })
		}, MsgInvalidAccessToken},
		{"unknown client", func() string { return mintEdit(func(c map[string]any) { c["client_id"] = "someotherclient" }) }, MsgInvalidAccessToken},
		{"no exp", func() string { return mintEdit(func(c map[string]any) { delete(c, "exp") }) }, MsgInvalidAccessToken},
		{"expired", func() string {
			return mintEdit(func(c map[string]any) { c["exp"] = testEpoch.Unix() })
		}, MsgAccessTokenExpired},
		{"no scope", func() string { return mintEdit(func(c map[string]any) { delete(c, "scope") }) }, MsgMissingScope},
		{"other scope", func() string { return mintEdit(func(c map[string]any) { c["scope"] = "openid email" }) }, MsgMissingScope},
		{"revoked", revoked, MsgAccessTokenRevoked},
	}
	for op, body := range tokenOps {
		for _, c := range cases {
			t.Run(op+"/"+c.name, func(t *testing.T) {
				wantError(t, call(t, srv.URL, op, body(c.token())), 400, ErrNotAuthorized, c.msg)
			})
		}
		t.Run(op+"/unknown user", func(t *testing.T) {
			tok := mintEdit(func(c map[string]any) { c["username"] = "nobody" })
			typ := ErrNotAuthorized
			if opsWithUserNotFound[op] {
				typ = ErrUserNotFound
			}
			wantError(t, call(t, srv.URL, op, body(tok)), 400, typ, MsgUserNotFound)
		})
	}
	// GetDevice and ForgetDevice have an optional AccessToken in the model.
	for _, op := range []string{"GetDevice", "ForgetDevice"} {
		b := deviceBody("")
		delete(b, "AccessToken")
		wantError(t, call(t, srv.URL, op, b), 400, ErrInvalidParameter, MsgMissingAccessToken)
	}
}

// TestClockExpiresTokens moves the clock with the control endpoint and
// checks the token's life ends exactly at exp.
func TestClockExpiresTokens(t *testing.T) {
	_, srv := newTestEmulator(t)
	tok := signIn(t, srv.URL, DemoUsername).AccessToken
	list := func() answer { return call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": tok}) }

	if a := control(t, srv.URL, "POST", "/_emulator/clock", `{"advanceSeconds": 3599}`); a.status != 200 {
		t.Fatalf("clock: %d %s", a.status, a.body)
	}
	if a := list(); a.status != 200 {
		t.Fatalf("one second before exp: %d %s", a.status, a.body)
	}
	a := control(t, srv.URL, "POST", "/_emulator/clock", `{"advanceSeconds": 1}`)
	if got := a.json(t); got["now"] != testEpoch.Add(time.Hour).Format(time.RFC3339Nano) || got["offsetSeconds"] != 3600.0 {
		t.Errorf("clock answer = %v", got)
	}
	wantError(t, list(), 400, ErrNotAuthorized, MsgAccessTokenExpired)

	// A refresh after expiry gives a working token at the new time.
	a = call(t, srv.URL, "InitiateAuth", map[string]any{
		"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": DemoClientID,
		"AuthParameters": map[string]string{"REFRESH_TOKEN": signIn(t, srv.URL, DemoUsername).RefreshToken},
	})
	if a.status != 200 {
		t.Fatalf("refresh: %d %s", a.status, a.body)
	}
	fresh := a.json(t)["AuthenticationResult"].(map[string]any)["AccessToken"].(string)
	if a := call(t, srv.URL, "GetUser", map[string]any{"AccessToken": fresh}); a.status != 200 {
		t.Errorf("refreshed token: %d %s", a.status, a.body)
	}

	// Refresh tokens last 30 days.
	rt := signIn(t, srv.URL, DemoUsername).RefreshToken
	control(t, srv.URL, "POST", "/_emulator/clock", `{"advanceSeconds": 2592000}`)
	wantError(t, call(t, srv.URL, "InitiateAuth", map[string]any{
		"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": DemoClientID,
		"AuthParameters": map[string]string{"REFRESH_TOKEN": rt},
	}), 400, ErrNotAuthorized, MsgRefreshTokenExpired)

	// Reset puts the clock back: the first token is valid again.
	if a := control(t, srv.URL, "POST", "/_emulator/reset", ""); a.status != 204 {
		t.Fatalf("reset: %d", a.status)
	}
	if a := list(); a.status != 200 {
		t.Errorf("after reset: %d %s", a.status, a.body)
	}
	for _, body := range []string{`{"advanceSeconds": -1}`, `{}`, `{"advance": 1}`, `x`} {
		if a := control(t, srv.URL, "POST", "/_emulator/clock", body); a.status != 400 {
			t.Errorf("clock %s: %d", body, a.status)
		}
	}
}

func TestInitiateAuthErrors(t *testing.T) {
	seed := DemoSeed()
	seed.UserPools[0].Clients = append(seed.UserPools[0].Clients, SeedClient{ID: "refreshonlyclient", ExplicitAuthFlows: []string{"ALLOW_REFRESH_TOKEN_AUTH"}})
	e, err := New(seed, WithClock(func() time.Time { return testEpoch }))
	if err != nil {
		t.Fatal(err)
	}
	url := httptestServer(t, e)
	auth := func(flow, client string, params map[string]string) answer {
		return call(t, url, "InitiateAuth", map[string]any{"AuthFlow": flow, "ClientId": client, "AuthParameters": params})
	}
	pw := map[string]string{"USERNAME": DemoUsername, "PASSWORD": DemoPassword}
	wantError(t, auth("USER_PASSWORD_AUTH", "nosuchclient", pw), 400, ErrResourceNotFound, MsgClientNotFound("nosuchclient"))
	wantError(t, auth("USER_PASSWORD_AUTH", "refreshonlyclient", pw), 400, ErrInvalidParameter, MsgFlowNotEnabled("USER_PASSWORD_AUTH"))
	wantError(t, auth("USER_SRP_AUTH", DemoClientID, pw), 400, ErrInvalidParameter, MsgFlowNotEnabled("USER_SRP_AUTH"))
	wantError(t, auth("ADMIN_USER_PASSWORD_AUTH", DemoClientID, pw), 400, ErrInvalidParameter, MsgAdminFlowNotAllowed)
	wantError(t, auth("USER_PASSWORD_AUTH", DemoClientID, map[string]string{"PASSWORD": "x"}), 400, ErrInvalidParameter, MsgMissingAuthParameter("USERNAME"))
	wantError(t, auth("USER_PASSWORD_AUTH", DemoClientID, map[string]string{"USERNAME": "x"}), 400, ErrInvalidParameter, MsgMissingAuthParameter("PASSWORD"))
	wantError(t, auth("USER_PASSWORD_AUTH", DemoClientID, map[string]string{"USERNAME": "nobody", "PASSWORD": DemoPassword}), 400, ErrNotAuthorized, MsgIncorrectCredentials)
	wantError(t, auth("REFRESH_TOKEN_AUTH", DemoClientID, nil), 400, ErrInvalidParameter, MsgMissingAuthParameter("REFRESH_TOKEN"))

	// A refresh token only works with the client it was issued to.
	rt := signIn(t, url, DemoUsername).RefreshToken
	wantError(t, auth("REFRESH_TOKEN_AUTH", "refreshonlyclient", map[string]string{"REFRESH_TOKEN": rt}), 400, ErrNotAuthorized, MsgInvalidRefreshToken)
	if a := auth("REFRESH_TOKEN", DemoClientID, map[string]string{"REFRESH_TOKEN": rt}); a.status != 200 {
		t.Errorf("legacy REFRESH_TOKEN flow: %d %s", a.status, a.body)
	}
	// Usernames are case-insensitive; the token carries the stored name.
	a := auth("USER_PASSWORD_AUTH", DemoClientID, map[string]string{"USERNAME": "ALICE", "PASSWORD": DemoPassword})
	if a.status != 200 {
		t.Fatalf("ALICE: %d %s", a.status, a.body)
	}
	if got := a.json(t)["ChallengeParameters"]; got == nil {
		t.Errorf("no ChallengeParameters in %s", a.body)
	}
}
