package emulator

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator/webauthntest"
	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// The page origin the test ceremonies run on: the demo pool's relying
// party is localhost.
const testOrigin = "http://localhost:8080"

// registrationEnv is a served emulator with a signed-in SDK client.
type registrationEnv struct {
	e   *Emulator
	url string
	c   *cip.Client
	at  *string // alice's access token
}

func newRegistrationEnv(t *testing.T, seed *Seed) *registrationEnv {
	t.Helper()
	e, err := New(seed, WithClock(func() time.Time { return testEpoch }))
	if err != nil {
		t.Fatal(err)
	}
	url := httptestServer(t, e)
	c := userClient(url)
	return &registrationEnv{e: e, url: url, c: c, at: sdkSignIn(t, c, DemoUsername).AccessToken}
}

// start runs StartWebAuthnRegistration and returns the options as JSON.
func (env *registrationEnv) start(t *testing.T, at *string) []byte {
	t.Helper()
	out, err := env.c.StartWebAuthnRegistration(context.Background(), &cip.StartWebAuthnRegistrationInput{AccessToken: at})
	if err != nil {
		t.Fatalf("StartWebAuthnRegistration: %v", err)
	}
	b, err := out.CredentialCreationOptions.MarshalSmithyDocument()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// complete sends a credential JSON back with CompleteWebAuthnRegistration.
func (env *registrationEnv) complete(t *testing.T, at *string, credential []byte) error {
	t.Helper()
	var v any
	if err := json.Unmarshal(credential, &v); err != nil {
		t.Fatal(err)
	}
	_, err := env.c.CompleteWebAuthnRegistration(context.Background(), &cip.CompleteWebAuthnRegistrationInput{
		AccessToken: at, Credential: document.NewLazyDocument(v),
	})
	return err
}

func (env *registrationEnv) list(t *testing.T) []types.WebAuthnCredentialDescription {
	t.Helper()
	out, err := env.c.ListWebAuthnCredentials(context.Background(), &cip.ListWebAuthnCredentialsInput{AccessToken: env.at})
	if err != nil {
		t.Fatal(err)
	}
	return out.Credentials
}

func register(t *testing.T, a *webauthntest.Authenticator, options []byte, c webauthntest.Ceremony) []byte {
	t.Helper()
	if c.Origin == "" {
		c.Origin = testOrigin
	}
	cred, err := a.Register(options, c)
	if err != nil {
		t.Fatal(err)
	}
	return cred
}

func TestSDKStartWebAuthnRegistrationOptions(t *testing.T) {
	env := newRegistrationEnv(t, nil)
	var opts struct {
		Challenge        string
		RP               struct{ ID, Name string }
		User             struct{ ID, Name, DisplayName string }
		PubKeyCredParams []struct {
			Type string
			Alg  int
		}
		Timeout            int
		ExcludeCredentials []struct {
			Type, ID   string
			Transports []string
		}
		AuthenticatorSelection struct {
			RequireResidentKey            bool
			ResidentKey, UserVerification string
		}
		Extensions map[string]any
	}
	raw := env.start(t, env.at)
	if err := json.Unmarshal(raw, &opts); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	challenge, err := base64.RawURLEncoding.DecodeString(opts.Challenge)
	if err != nil || len(challenge) < 16 {
		t.Errorf("challenge %q: %d bytes, %v", opts.Challenge, len(challenge), err)
	}
	alice := DemoSeed().UserPools[0].Users[0]
	userID, err := base64.RawURLEncoding.DecodeString(opts.User.ID)
	if err != nil || string(userID) != alice.Sub {
		t.Errorf("user.id %q decodes to %q, want the sub", opts.User.ID, userID)
	}
	if opts.RP.ID != DefaultRelyingPartyID || opts.RP.Name == "" || opts.User.Name != DemoUsername || opts.User.DisplayName != DemoUsername {
		t.Errorf("rp %+v user %+v", opts.RP, opts.User)
	}
	var algs []int
	for _, p := range opts.PubKeyCredParams {
		if p.Type != "public-key" {
			t.Errorf("pubKeyCredParams type %q", p.Type)
		}
		algs = append(algs, p.Alg)
	}
	if !slices.Equal(algs, []int{-7, -257}) || opts.Timeout != int(RegistrationTimeout.Milliseconds()) {
		t.Errorf("algorithms %v timeout %d", algs, opts.Timeout)
	}
	var excluded []string
	for _, c := range opts.ExcludeCredentials {
		excluded = append(excluded, c.ID)
		if c.Type != "public-key" {
			t.Errorf("excludeCredentials type %q", c.Type)
		}
	}
	var want []string
	for _, c := range alice.WebAuthnCredentials {
		want = append(want, c.CredentialID)
	}
	if !slices.Equal(excluded, want) || !slices.Equal(opts.ExcludeCredentials[1].Transports, alice.WebAuthnCredentials[1].AuthenticatorTransports) {
		t.Errorf("excludeCredentials %+v, want the ids %v", opts.ExcludeCredentials, want)
	}
	sel := opts.AuthenticatorSelection
	if !sel.RequireResidentKey || sel.ResidentKey != "required" || sel.UserVerification != DefaultUserVerification || opts.Extensions["credProps"] != true {
		t.Errorf("authenticatorSelection %+v extensions %v", sel, opts.Extensions)
	}
	if again := env.start(t, env.at); string(again) == string(raw) {
		t.Error("a second start gave the same options (the challenge must be fresh)")
	}
}

func TestSDKWebAuthnRegistrationListAndDelete(t *testing.T) {
	env := newRegistrationEnv(t, nil)
	ctx := context.Background()
	tests := []struct {
		name       string
		a          *webauthntest.Authenticator
		wantName   string
		wantAttach string
	}{
		{"none attestation, unknown provider", &webauthntest.Authenticator{}, "Passkey", "platform"},
		{"packed self attestation, iCloud Keychain", &webauthntest.Authenticator{
			Format: webauthntest.FormatPacked,
			AAGUID: [16]byte{0xfb, 0xfc, 0x30, 0x07, 0x15, 0x4e, 0x4e, 0xcc, 0x8c, 0x0b, 0x6e, 0x02, 0x05, 0x57, 0xd7, 0xbd},
		}, "iCloud Keychain", "platform"},
		{"security key", &webauthntest.Authenticator{Attachment: "cross-platform", Transports: []string{"usb", "nfc"}}, "Security key", "cross-platform"},
	}
	before := len(env.list(t))
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred := register(t, tt.a, env.start(t, env.at), webauthntest.Ceremony{})
			if err := env.complete(t, env.at, cred); err != nil {
				t.Fatalf("CompleteWebAuthnRegistration: %v", err)
			}
			var id struct{ ID string }
			json.Unmarshal(cred, &id)
			list := env.list(t)
			if len(list) != before+i+1 {
				t.Fatalf("%d credentials after registering, want %d", len(list), before+i+1)
			}
			got := list[len(list)-1]
			transports := tt.a.Transports
			if transports == nil {
				transports = []string{"internal"}
			}
			if aws.ToString(got.CredentialId) != id.ID || aws.ToString(got.FriendlyCredentialName) != tt.wantName ||
				aws.ToString(got.RelyingPartyId) != DefaultRelyingPartyID || aws.ToString(got.AuthenticatorAttachment) != tt.wantAttach ||
				!slices.Equal(got.AuthenticatorTransports, transports) || !got.CreatedAt.Equal(testEpoch) {
				t.Errorf("new credential %+v (id %s)", got, id.ID)
			}
			// The next registration must not offer the new passkey again.
			var opts struct{ ExcludeCredentials []struct{ ID string } }
			json.Unmarshal(env.start(t, env.at), &opts)
			if !slices.ContainsFunc(opts.ExcludeCredentials, func(c struct{ ID string }) bool { return c.ID == id.ID }) {
				t.Errorf("excludeCredentials %+v lacks the new credential", opts.ExcludeCredentials)
			}
		})
	}
	for _, c := range env.list(t)[before:] {
		if _, err := env.c.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{AccessToken: env.at, CredentialId: c.CredentialId}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(env.list(t)); n != before {
		t.Errorf("%d credentials after deleting the new ones, want %d", n, before)
	}
}

func TestSDKWebAuthnRegistrationErrors(t *testing.T) {
	seedCred, err := base64.RawURLEncoding.DecodeString(DemoSeed().UserPools[0].Users[0].WebAuthnCredentials[0].CredentialID)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		ceremony webauthntest.Ceremony
		a        *webauthntest.Authenticator // nil: the default one
		// edit, when set, changes the credential JSON after the ceremony.
		edit func(cred map[string]any)
		code string
		msg  string
	}{
		{name: "unknown challenge", ceremony: webauthntest.Ceremony{Challenge: "bm90LWEtY2hhbGxlbmdlLW9mLW91cnM"},
			code: ErrWebAuthnChallengeNotFound, msg: MsgChallengeNotFound},
		{name: "page on another site", ceremony: webauthntest.Ceremony{Origin: "https://evil.example"},
			code: ErrWebAuthnOriginNotAllowed, msg: MsgOriginNotAllowed},
		{name: "page on an IP address", ceremony: webauthntest.Ceremony{Origin: "http://127.0.0.1:8080"},
			code: ErrWebAuthnOriginNotAllowed, msg: MsgOriginNotAllowed},
		{name: "plain http off localhost", ceremony: webauthntest.Ceremony{Origin: "http://localhost.example.com"},
			code: ErrWebAuthnOriginNotAllowed, msg: MsgOriginNotAllowed},
		{name: "credential for another relying party", ceremony: webauthntest.Ceremony{RPID: "example.com"},
			code: ErrWebAuthnRelyingPartyMismatch, msg: MsgRelyingPartyMismatch},
		{name: "algorithm the pool does not offer", ceremony: webauthntest.Ceremony{Algorithm: webauthntest.AlgEdDSA},
			code: ErrWebAuthnNotSupported, msg: MsgCredentialNotSupported},
		{name: "attestation format nobody knows", a: &webauthntest.Authenticator{Format: "x-custom"},
			code: ErrWebAuthnNotSupported, msg: MsgCredentialNotSupported},
		{name: "bad attestation signature", a: &webauthntest.Authenticator{Format: webauthntest.FormatPacked}, ceremony: webauthntest.Ceremony{BadSignature: true},
			code: ErrInvalidParameter, msg: MsgInvalidCredential},
		{name: "an assertion, not a creation", ceremony: webauthntest.Ceremony{Type: "webauthn.get"},
			code: ErrInvalidParameter, msg: MsgInvalidCredential},
		{name: "id already registered", ceremony: webauthntest.Ceremony{CredentialID: seedCred},
			code: ErrInvalidParameter, msg: MsgCredentialAlreadyExists},
		{name: "id that is not the attested one", edit: func(c map[string]any) { c["id"], c["rawId"] = "AAAA", "AAAA" },
			code: ErrInvalidParameter, msg: MsgInvalidCredential},
		{name: "not a credential", edit: func(c map[string]any) { delete(c, "response") },
			code: ErrInvalidParameter, msg: MsgInvalidCredential},
	}
	env := newRegistrationEnv(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.a
			if a == nil {
				a = &webauthntest.Authenticator{}
			}
			cred := register(t, a, env.start(t, env.at), tt.ceremony)
			if tt.edit != nil {
				var m map[string]any
				json.Unmarshal(cred, &m)
				tt.edit(m)
				cred, _ = json.Marshal(m)
			}
			wantAPIError(t, env.complete(t, env.at, cred), tt.code, tt.msg)
			if !model.LookupOperation("CompleteWebAuthnRegistration").HasError(tt.code) {
				t.Errorf("%s is not an error of CompleteWebAuthnRegistration in the model", tt.code)
			}
		})
	}
	if n := len(env.list(t)); n != 3 {
		t.Errorf("%d credentials after failed registrations, want the seed's 3", n)
	}
}

func TestSDKWebAuthnChallengeIsSingleUseAndExpires(t *testing.T) {
	env := newRegistrationEnv(t, nil)
	a := &webauthntest.Authenticator{}
	fresh := func() *webauthntest.Authenticator { return &webauthntest.Authenticator{} }

	// A failed attempt uses the challenge up too.
	options := env.start(t, env.at)
	bad := register(t, a, options, webauthntest.Ceremony{RPID: "example.com"})
	wantAPIError(t, env.complete(t, env.at, bad), ErrWebAuthnRelyingPartyMismatch, MsgRelyingPartyMismatch)
	good := register(t, a, options, webauthntest.Ceremony{})
	wantAPIError(t, env.complete(t, env.at, good), ErrWebAuthnChallengeNotFound, MsgChallengeNotFound)

	// A success too.
	cred := register(t, a, env.start(t, env.at), webauthntest.Ceremony{})
	if err := env.complete(t, env.at, cred); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, env.complete(t, env.at, cred), ErrWebAuthnChallengeNotFound, MsgChallengeNotFound)

	// One that waited longer than the ceremony's timeout has expired.
	late := register(t, fresh(), env.start(t, env.at), webauthntest.Ceremony{})
	env.e.AdvanceClock(RegistrationTimeout)
	at := sdkSignIn(t, env.c, DemoUsername).AccessToken // a token valid at the new time
	wantAPIError(t, env.complete(t, at, late), ErrWebAuthnChallengeNotFound, MsgChallengeNotFound)

	// Another user cannot complete alice's registration.
	options = env.start(t, at)
	bob := sdkSignIn(t, env.c, DemoEmptyUsername).AccessToken
	wantAPIError(t, env.complete(t, bob, register(t, fresh(), options, webauthntest.Ceremony{})), ErrWebAuthnChallengeNotFound, MsgChallengeNotFound)
}

func TestSDKWebAuthnRegistrationPoolSettings(t *testing.T) {
	seed := func(edit func(p *SeedPool)) *Seed {
		s := DemoSeed()
		s.UserPools[0].Clients = append(s.UserPools[0].Clients, SeedClient{
			ID: "otherappclient000000000002", ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH"},
		})
		edit(&s.UserPools[0])
		return s
	}
	ctx := context.Background()

	t.Run("passkeys not enabled", func(t *testing.T) {
		env := newRegistrationEnv(t, seed(func(p *SeedPool) { p.WebAuthnEnabled = aws.Bool(false) }))
		_, err := env.c.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: env.at})
		wantAPIError(t, err, ErrWebAuthnNotEnabled, MsgWebAuthnNotEnabled)
		wantAPIError(t, env.complete(t, env.at, []byte(`{}`)), ErrWebAuthnNotEnabled, MsgWebAuthnNotEnabled)
	})

	t.Run("user verification required", func(t *testing.T) {
		env := newRegistrationEnv(t, seed(func(p *SeedPool) { p.WebAuthnUserVerification = "required" }))
		options := env.start(t, env.at)
		if !strings.Contains(string(options), `"userVerification":"required"`) {
			t.Errorf("options %s do not require user verification", options)
		}
		cred := register(t, &webauthntest.Authenticator{NoUserVerification: true}, options, webauthntest.Ceremony{})
		wantAPIError(t, env.complete(t, env.at, cred), ErrWebAuthnNotSupported, MsgCredentialNotSupported)
		cred = register(t, &webauthntest.Authenticator{}, env.start(t, env.at), webauthntest.Ceremony{})
		if err := env.complete(t, env.at, cred); err != nil {
			t.Errorf("with user verification: %v", err)
		}
	})

	t.Run("another relying party", func(t *testing.T) {
		env := newRegistrationEnv(t, seed(func(p *SeedPool) { p.WebAuthnRelyingPartyID = "example.com" }))
		options := env.start(t, env.at)
		wantAPIError(t, env.complete(t, env.at, register(t, &webauthntest.Authenticator{}, options, webauthntest.Ceremony{})),
			ErrWebAuthnOriginNotAllowed, MsgOriginNotAllowed)
		cred := register(t, &webauthntest.Authenticator{}, env.start(t, env.at), webauthntest.Ceremony{Origin: "https://app.example.com"})
		if err := env.complete(t, env.at, cred); err != nil {
			t.Errorf("from a subdomain of the relying party: %v", err)
		}
		if list := env.list(t); aws.ToString(list[len(list)-1].RelyingPartyId) != "example.com" {
			t.Errorf("relying party of the new credential: %s", aws.ToString(list[len(list)-1].RelyingPartyId))
		}
	})

	t.Run("token of another app client", func(t *testing.T) {
		env := newRegistrationEnv(t, seed(func(*SeedPool) {}))
		out, err := env.c.InitiateAuth(ctx, &cip.InitiateAuthInput{
			AuthFlow: types.AuthFlowTypeUserPasswordAuth, ClientId: aws.String("otherappclient000000000002"),
			AuthParameters: map[string]string{"USERNAME": DemoUsername, "PASSWORD": DemoPassword},
		})
		if err != nil {
			t.Fatal(err)
		}
		cred := register(t, &webauthntest.Authenticator{}, env.start(t, env.at), webauthntest.Ceremony{})
		wantAPIError(t, env.complete(t, out.AuthenticationResult.AccessToken, cred), ErrWebAuthnClientMismatch, MsgClientMismatch)
	})

	t.Run("limit per user", func(t *testing.T) {
		env := newRegistrationEnv(t, seed(func(*SeedPool) {}))
		pending := env.start(t, env.at)
		for n := len(env.list(t)); n < MaxPasskeysPerUser; n++ {
			// One authenticator each: an authenticator refuses options that exclude its credential.
			if err := env.complete(t, env.at, register(t, &webauthntest.Authenticator{}, env.start(t, env.at), webauthntest.Ceremony{})); err != nil {
				t.Fatalf("passkey %d: %v", n+1, err)
			}
		}
		_, err := env.c.StartWebAuthnRegistration(ctx, &cip.StartWebAuthnRegistrationInput{AccessToken: env.at})
		wantAPIError(t, err, ErrLimitExceeded, MsgCredentialLimitExceeded)
		// A registration started before the limit was reached fails at the end.
		wantAPIError(t, env.complete(t, env.at, register(t, &webauthntest.Authenticator{}, pending, webauthntest.Ceremony{})), ErrLimitExceeded, MsgCredentialLimitExceeded)
	})
}

func TestSeedPasskeySettings(t *testing.T) {
	for _, tt := range []struct{ name, json, want string }{
		{"relying party is an IP", `{"userPools":[{"id":"us-east-1_A","clients":[],"users":[],"webAuthnRelyingPartyId":"127.0.0.1"}]}`, "webAuthnRelyingPartyId"},
		{"user verification", `{"userPools":[{"id":"us-east-1_A","clients":[],"users":[],"webAuthnUserVerification":"always"}]}`, "webAuthnUserVerification"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseSeed([]byte(tt.json)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseSeed = %v, want an error about %s", err, tt.want)
			}
		})
	}
	if _, err := ParseSeed([]byte(`{"userPools":[{"id":"us-east-1_A","clients":[],"users":[],"webAuthnRelyingPartyId":"auth.example.com","webAuthnUserVerification":"required","webAuthnEnabled":true}]}`)); err != nil {
		t.Errorf("valid passkey settings: %v", err)
	}
}
