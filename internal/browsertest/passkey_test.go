package browsertest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// localhostSite is the test site under the name "localhost": WebAuthn needs a
// relying party id that is the page's host, and an IP address cannot be one.
// The demo pool's relying party is localhost.
func localhostSite() string { return strings.Replace(site, "127.0.0.1", "localhost", 1) }

// platformAuthenticator is a passkey provider as a laptop has one: internal,
// discoverable credentials, user verification that succeeds, no prompt.
var platformAuthenticator = webauthn.VirtualAuthenticatorOptions{
	Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
	HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
}

// addAuthenticator turns on the tab's virtual WebAuthn environment (no real
// authenticator is ever asked) and plugs in one authenticator.
func (tb *tab) addAuthenticator(opts webauthn.VirtualAuthenticatorOptions) webauthn.AuthenticatorID {
	tb.t.Helper()
	var id webauthn.AuthenticatorID
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		res, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &opts})
		id = res.AuthenticatorID
		return err
	}))
	return id
}

// authenticatorCredentials are the ids (base64url, as the page sees them) of
// the credentials an authenticator holds.
func (tb *tab) authenticatorCredentials(id webauthn.AuthenticatorID) []string {
	tb.t.Helper()
	var ids []string
	tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: id})
		for _, c := range res.Credentials {
			ids = append(ids, base64.RawURLEncoding.EncodeToString(c.CredentialID))
		}
		return err
	}))
	return ids
}

// cwPrelude imports the ES module and configures it for the emulator's demo
// pool in the given mode (worker: a JS boolean).
func cwPrelude(worker string) string {
	return `const cw = await import('/dist/index.mjs');` + encodeJS + `
		const config = await (await fetch('/config.json')).json();
		await cw.configure({ Auth: { Cognito: config } }, { worker: ` + worker + ` });
	`
}

// TestAssociatePasskey registers a passkey with a virtual platform
// authenticator through associateWebAuthnCredential, sees it listed, tries
// the same authenticator again (it holds an excluded credential:
// PasskeyAlreadyExists) and deletes the new passkey, in both modes.
func TestAssociatePasskey(t *testing.T) {
	origin := localhostSite()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			resetEmulator(t)
			tb := newTab(t)
			tb.storeAmplifyTokensAt(origin)
			authenticator := tb.addAuthenticator(platformAuthenticator)
			var r struct {
				Associate, List, Again outcome
			}
			tb.eval(cwPrelude(mode.worker)+`
				const r = {};
				r.associate = await attempt(() => cw.associateWebAuthnCredential());
				r.list = await attempt(() => cw.listWebAuthnCredentials());
				r.again = await attempt(() => cw.associateWebAuthnCredential());
				return r;
			`, &r)
			wantJSON(t, "associateWebAuthnCredential()", r.Associate, "(undefined)")
			held := tb.authenticatorCredentials(authenticator)
			if len(held) != 1 {
				t.Fatalf("the authenticator holds %d credentials, want 1", len(held))
			}
			creds := seedCredentials()
			var list struct{ Credentials []credential }
			if r.List.Err != nil || json.Unmarshal(r.List.OK, &list) != nil || len(list.Credentials) != len(creds)+1 {
				t.Fatalf("listWebAuthnCredentials() after associating: %s %+v", r.List.OK, r.List.Err)
			}
			if !slices.EqualFunc(list.Credentials[:len(creds)], creds, func(a, b credential) bool { return a.CredentialID == b.CredentialID }) {
				t.Errorf("the seed's passkeys changed: %s", r.List.OK)
			}
			added := list.Credentials[len(creds)]
			if added.CredentialID != held[0] || added.RelyingPartyID != "localhost" || added.FriendlyCredentialName == "" ||
				added.AuthenticatorAttachment == nil || *added.AuthenticatorAttachment != "platform" ||
				!slices.Equal(added.AuthenticatorTransports, []string{"internal"}) || added.CreatedAt == nil {
				t.Errorf("new passkey %+v, want id %s from a platform authenticator", added, held[0])
			}
			wantErr(t, "associating the same authenticator again", r.Again, "PasskeyAlreadyExists", "Passkey already exists in authenticator.")
			if e := r.Again.Err; e != nil && (e.RecoverySuggestion != "Proceed with existing passkey or try again after deleting the credential." ||
				e.UnderlyingError == nil || e.UnderlyingError.Name != "InvalidStateError") {
				t.Errorf("PasskeyAlreadyExists: recovery %q, underlying %+v", e.RecoverySuggestion, e.UnderlyingError)
			}

			var after struct{ Delete, List outcome }
			tb.eval(cwPrelude(mode.worker)+`
				const r = {};
				r.delete = await attempt(() => cw.deleteWebAuthnCredential({ credentialId: `+jsString(added.CredentialID)+` }));
				r.list = await attempt(() => cw.listWebAuthnCredentials());
				return r;
			`, &after)
			wantJSON(t, "deleteWebAuthnCredential(the new passkey)", after.Delete, "(undefined)")
			wantJSON(t, "listWebAuthnCredentials() after deleting it", after.List, map[string]any{"credentials": creds})
		})
	}
}

// TestPasskeyCeremonyFailures: the browser's refusals reach the caller with
// Amplify's names: a user verification that fails (NotAllowedError:
// PasskeyRegistrationCanceled), a page on an IP address, which cannot be the
// relying party (SecurityError: RelyingPartyMismatch).
func TestPasskeyCeremonyFailures(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			resetEmulator(t)
			tb := newTab(t)
			tb.storeAmplifyTokensAt(localhostSite())
			opts := platformAuthenticator
			opts.IsUserVerified = false
			tb.addAuthenticator(opts)
			var canceled outcome
			tb.eval(cwPrelude(mode.worker)+`return await attempt(() => cw.associateWebAuthnCredential());`, &canceled)
			wantErr(t, "a failed user verification", canceled, "PasskeyRegistrationCanceled", "Passkey registration ceremony has been canceled.")
			if e := canceled.Err; e != nil && (e.UnderlyingError == nil || e.UnderlyingError.Name != "NotAllowedError" ||
				e.RecoverySuggestion != "User may have canceled the ceremony or another interruption has occurred. Check underlying error for details.") {
				t.Errorf("PasskeyRegistrationCanceled: recovery %q, underlying %+v", e.RecoverySuggestion, e.UnderlyingError)
			}

			tb2 := newTab(t)
			tb2.storeAmplifyTokensAt(site)
			tb2.addAuthenticator(platformAuthenticator)
			var mismatch outcome
			tb2.eval(cwPrelude(mode.worker)+`return await attempt(() => cw.associateWebAuthnCredential());`, &mismatch)
			wantErr(t, "a page on 127.0.0.1 for relying party localhost", mismatch, "RelyingPartyMismatch", "Relying party does not match current domain.")

			var n int
			tb.eval(cwPrelude(mode.worker)+`return (await cw.listWebAuthnCredentials()).credentials.length;`, &n)
			if n != len(seedCredentials()) {
				t.Errorf("%d passkeys after failed ceremonies, want the seed's %d", n, len(seedCredentials()))
			}
			if log := emu.Requests(); slices.ContainsFunc(log, func(e emulator.RequestLogEntry) bool { return e.Target == "CompleteWebAuthnRegistration" }) {
				t.Errorf("a failed ceremony completed a registration: %+v", log)
			}
		})
	}
}
