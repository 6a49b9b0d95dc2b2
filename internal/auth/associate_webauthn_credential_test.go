package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator/webauthntest"
)

// browserCreator is the ceremony of a page on origin with a software
// authenticator; fail, when set, is the browser's exception instead.
type browserCreator struct {
	a       *webauthntest.Authenticator
	origin  string
	rpID    string // authData's relying party, when it should be wrong
	fail    error
	options []byte // what it was given
	block   bool   // wait for the context instead (a user who never answers)
}

func (b *browserCreator) CreateCredential(ctx context.Context, options []byte) ([]byte, error) {
	b.options = options
	if b.block {
		<-ctx.Done()
		return nil, &Error{Name: "AbortError", Message: "signal is aborted without reason"}
	}
	if b.fail != nil {
		return nil, b.fail
	}
	cred, err := b.a.Register(options, webauthntest.Ceremony{Origin: b.origin, RPID: b.rpID})
	if errors.Is(err, webauthntest.ErrExcluded) {
		return nil, &Error{Name: "InvalidStateError", Message: "The user attempted to register an authenticator that contains one of the credentials already registered with the relying party."}
	}
	return cred, err
}

func (env *testEnv) passkeyClient(t *testing.T, token string, cc CredentialCreator) *Client {
	t.Helper()
	var opts []Option
	if cc != nil {
		opts = append(opts, WithCredentialCreator(cc))
	}
	c, err := New(env.config(), staticToken(token), http.DefaultClient, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAssociateWebAuthnCredential(t *testing.T) {
	env := newTestEnv(t)
	token := env.signIn(t, emulator.DemoUsername).AccessToken
	creator := &browserCreator{a: &webauthntest.Authenticator{Attachment: "cross-platform", Transports: []string{"usb"}}, origin: "http://localhost:5173"}
	c := env.passkeyClient(t, token, creator)
	if err := c.AssociateWebAuthnCredential(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := env.targets(); !slices.Equal(got, []string{"StartWebAuthnRegistration", "CompleteWebAuthnRegistration"}) {
		t.Errorf("requests = %v", got)
	}
	var opts struct {
		Challenge string
		RP        struct{ ID string }
	}
	if err := json.Unmarshal(creator.options, &opts); err != nil || opts.Challenge == "" || opts.RP.ID != emulator.DefaultRelyingPartyID {
		t.Errorf("the ceremony got options %s", creator.options)
	}
	out, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{})
	if err != nil {
		t.Fatal(err)
	}
	seed := demoUser(t).WebAuthnCredentials
	if len(out.Credentials) != len(seed)+1 {
		t.Fatalf("%d credentials after associating, want %d", len(out.Credentials), len(seed)+1)
	}
	got := out.Credentials[len(seed)]
	if got.FriendlyCredentialName != "Security key" || got.RelyingPartyID != emulator.DefaultRelyingPartyID ||
		got.AuthenticatorAttachment == nil || *got.AuthenticatorAttachment != "cross-platform" || !slices.Equal(got.AuthenticatorTransports, []string{"usb"}) {
		t.Errorf("new credential %+v", got)
	}

	// The same authenticator again: it holds an excluded credential.
	env.clearLog(t)
	e := asError(t, c.AssociateWebAuthnCredential(context.Background()), NamePasskeyAlreadyExists)
	if e.Message != "Passkey already exists in authenticator." || e.Underlying == nil {
		t.Errorf("error %+v", e)
	}
	if got := env.targets(); !slices.Equal(got, []string{"StartWebAuthnRegistration"}) {
		t.Errorf("requests = %v, want no CompleteWebAuthnRegistration", got)
	}
}

func TestAssociateWebAuthnCredentialFailures(t *testing.T) {
	env := newTestEnv(t)
	token := env.signIn(t, emulator.DemoUsername).AccessToken
	tests := []struct {
		name     string
		creator  CredentialCreator
		wantName string
		requests []string
	}{
		{"no WebAuthn here", nil, NamePasskeyNotSupported, []string{"StartWebAuthnRegistration"}},
		{"user cancels", &browserCreator{fail: &Error{Name: "NotAllowedError", Message: "The operation either timed out or was not allowed."}},
			NamePasskeyRegistrationCanceled, []string{"StartWebAuthnRegistration"}},
		{"page not on the relying party's domain", &browserCreator{fail: &Error{Name: "SecurityError", Message: "The relying party ID is not a registrable domain suffix of, nor equal to the current domain."}},
			NameRelyingPartyMismatch, []string{"StartWebAuthnRegistration"}},
		{"the service finds the relying party wrong", &browserCreator{a: &webauthntest.Authenticator{}, origin: "http://localhost", rpID: "example.com"},
			emulator.ErrWebAuthnRelyingPartyMismatch, []string{"StartWebAuthnRegistration", "CompleteWebAuthnRegistration"}},
		{"the service refuses the origin", &browserCreator{a: &webauthntest.Authenticator{}, origin: "https://evil.example"},
			emulator.ErrWebAuthnOriginNotAllowed, []string{"StartWebAuthnRegistration", "CompleteWebAuthnRegistration"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.clearLog(t)
			c := env.passkeyClient(t, token, tt.creator)
			asError(t, c.AssociateWebAuthnCredential(context.Background()), tt.wantName)
			if got := env.targets(); !slices.Equal(got, tt.requests) {
				t.Errorf("requests = %v, want %v", got, tt.requests)
			}
		})
	}

	t.Run("the caller aborts during the ceremony", func(t *testing.T) {
		env.clearLog(t)
		ctx, cancel := context.WithCancel(context.Background())
		creator := &browserCreator{block: true}
		c := env.passkeyClient(t, token, creator)
		done := make(chan error, 1)
		go func() { done <- c.AssociateWebAuthnCredential(ctx) }()
		<-env.arrived // StartWebAuthnRegistration reached the emulator
		cancel()
		asError(t, <-done, NameAbort)
		if got := env.targets(); !slices.Equal(got, []string{"StartWebAuthnRegistration"}) {
			t.Errorf("requests = %v", got)
		}
	})

	t.Run("signed out", func(t *testing.T) {
		env.clearLog(t)
		c := env.passkeyClient(t, "", &browserCreator{a: &webauthntest.Authenticator{}, origin: "http://localhost"})
		asError(t, c.AssociateWebAuthnCredential(context.Background()), NameUnauthenticated)
		if got := env.targets(); len(got) != 0 {
			t.Errorf("requests = %v", got)
		}
	})
}

func TestAssociateWebAuthnCredentialBadOptions(t *testing.T) {
	for _, body := range []string{
		`{"CredentialCreationOptions": {}}`,
		`{"CredentialCreationOptions": {"challenge": "", "user": {}, "rp": {}, "pubKeyCredParams": []}}`,
		`{"CredentialCreationOptions": {"challenge": "abc", "user": {}, "rp": {}, "pubKeyCredParams": null}}`,
		`{"CredentialCreationOptions": "options"}`,
		`{"CredentialCreationOptions": null}`,
	} {
		t.Run(body, func(t *testing.T) {
			var seen []*http.Request
			creator := &browserCreator{fail: errors.New("the ceremony must not start")}
			c, err := New(Config{UserPoolID: "eu-west-1_Pool", ClientID: "client"}, staticToken("tok.en"), canned(200, body, &seen), WithCredentialCreator(creator))
			if err != nil {
				t.Fatal(err)
			}
			e := asError(t, c.AssociateWebAuthnCredential(context.Background()), NameInvalidPasskeyRegistrationOptions)
			if e.Message != "Invalid passkey registration options." || e.RecoverySuggestion != misconfigurationRecovery {
				t.Errorf("error %+v", e)
			}
			if len(seen) != 1 || creator.options != nil {
				t.Errorf("%d requests, ceremony options %s; want only the start", len(seen), creator.options)
			}
		})
	}
}

// TestPasskeyRegistrationErrors is Amplify's handlePasskeyRegistrationError
// table: the browser's exception name → Amplify's error.
func TestPasskeyRegistrationErrors(t *testing.T) {
	tests := []struct {
		from           error
		name, message  string
		recovery       string
		underlyingName string // "" for none
	}{
		{&Error{Name: "InvalidStateError", Message: "m"}, NamePasskeyAlreadyExists, "Passkey already exists in authenticator.",
			"Proceed with existing passkey or try again after deleting the credential.", "InvalidStateError"},
		{&Error{Name: "NotAllowedError", Message: "m"}, NamePasskeyRegistrationCanceled, "Passkey registration ceremony has been canceled.",
			abortOrCancelRecovery, "NotAllowedError"},
		{&Error{Name: "AbortError", Message: "m"}, NamePasskeyOperationAborted, "Passkey operation has been aborted.",
			abortOrCancelRecovery, "AbortError"},
		{&Error{Name: "SecurityError", Message: "m"}, NameRelyingPartyMismatch, "Relying party does not match current domain.",
			"Ensure relying party identifier matches current domain.", "SecurityError"},
		{&Error{Name: "PasskeyNotSupported", Message: "m"}, NamePasskeyNotSupported, "Passkeys may not be supported on this device.",
			notSupportedRecovery, ""},
		{&Error{Name: "PasskeyRegistrationFailed", Message: "m"}, NamePasskeyRegistrationFailed, "Device failed to create passkey.",
			notSupportedRecovery, ""},
		{&Error{Name: "NotSupportedError", Message: "m"}, NamePasskeyUnknown, "An unknown error has occurred.", "", "NotSupportedError"},
		{&Error{Name: "TypeError", Message: "m"}, NamePasskeyUnknown, "An unknown error has occurred.", "", "TypeError"},
		{errors.New("not a browser error"), NamePasskeyUnknown, "An unknown error has occurred.", "", "Error"},
	}
	for _, tt := range tests {
		t.Run(tt.from.Error(), func(t *testing.T) {
			e := PasskeyRegistrationError(tt.from)
			if e.Name != tt.name || e.Message != tt.message || e.RecoverySuggestion != tt.recovery {
				t.Errorf("got %s %q (%q), want %s %q (%q)", e.Name, e.Message, e.RecoverySuggestion, tt.name, tt.message, tt.recovery)
			}
			switch {
			case tt.underlyingName == "" && e.Underlying != nil:
				t.Errorf("underlying %v, want none", e.Underlying)
			case tt.underlyingName == "":
			case e.Underlying == nil || e.Underlying.Error() != tt.from.Error() && e.Underlying.Error() != "m":
				t.Errorf("underlying %v", e.Underlying)
			default:
				var named interface{ ErrorName() string }
				name := "Error"
				if errors.As(e.Underlying, &named) {
					name = named.ErrorName()
				}
				if name != tt.underlyingName {
					t.Errorf("underlying name %q, want %q", name, tt.underlyingName)
				}
			}
		})
	}
}
