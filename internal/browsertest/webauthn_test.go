package browsertest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"
)

// TestCreateCredentialOnMainThread checks the loader's host.createCredential
// with a stand-in Go program and a virtual authenticator: the WebAuthn
// ceremony runs on the page (Workers have no navigator.credentials) and its
// JSON result reaches Go, and the caller's AbortSignal cancels it, in both
// modes. The page is on localhost, since an IP address cannot be a relying
// party.
func TestCreateCredentialOnMainThread(t *testing.T) {
	wasmURL := buildTestWasm(t, "credwasm")
	origin := strings.Replace(site, "127.0.0.1", "localhost", 1)
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			tb := newTab(t)
			tb.do(navigate(origin + "/pages/esm.html"))
			var authenticator webauthn.AuthenticatorID
			tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
					return err
				}
				res, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
					Options: &webauthn.VirtualAuthenticatorOptions{
						Protocol: webauthn.AuthenticatorProtocolCtap2, Transport: webauthn.AuthenticatorTransportInternal,
						HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
					},
				})
				authenticator = res.AuthenticatorID
				return err
			}))
			var created outcome
			tb.eval(`const cw = await import('/dist/index.mjs');`+encodeJS+`
				const config = await (await fetch('/config.json')).json();
				await cw.configure({ Auth: { Cognito: config } }, { wasmURL: `+jsString(wasmURL)+`, worker: `+mode.worker+` });
				return await attempt(() => cw.associateWebAuthnCredential());
			`, &created)
			if created.Err != nil {
				t.Fatalf("associateWebAuthnCredential: %s: %s", created.Err.Name, created.Err.Message)
			}
			var text string
			var cred struct {
				ID, RawID, Type string
				Response        struct {
					ClientDataJSON, AttestationObject string
					Transports                        []string
				}
			}
			if err := json.Unmarshal(created.OK, &text); err != nil || json.Unmarshal([]byte(text), &cred) != nil {
				t.Fatalf("the credential came back as %s", created.OK)
			}
			clientData, err := base64.RawURLEncoding.DecodeString(cred.Response.ClientDataJSON)
			var cd struct{ Type, Challenge, Origin string }
			if err != nil || json.Unmarshal(clientData, &cd) != nil {
				t.Fatalf("clientDataJSON %q: %v", cred.Response.ClientDataJSON, err)
			}
			if cred.Type != "public-key" || cred.ID == "" || cred.ID != cred.RawID || cred.Response.AttestationObject == "" ||
				cd.Type != "webauthn.create" || cd.Challenge != "Y29nbml0by13YXNtLWNoYWxsZW5nZQ" || cd.Origin != origin {
				t.Errorf("credential %+v with client data %+v", cred, cd)
			}

			// No user presence from now on: only the caller's abort can end the ceremony.
			tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, webauthn.SetAutomaticPresenceSimulation, webauthn.SetAutomaticPresenceSimulationParams{
					AuthenticatorID: authenticator, Enabled: false,
				})
				return err
			}))
			var aborted outcome
			tb.eval(`const cw = await import('/dist/index.mjs');`+encodeJS+`
				const controller = new AbortController();
				// Abort once the browser's ceremony has begun (it then waits for
				// a user presence that never comes), not at a guessed time.
				const create = navigator.credentials.create.bind(navigator.credentials);
				let begun;
				const ceremony = new Promise((resolve) => { begun = resolve; });
				navigator.credentials.create = (options) => { begun(); return create(options); };
				const call = attempt(() => cw.associateWebAuthnCredential({ signal: controller.signal }));
				await ceremony;
				controller.abort();
				const result = await call;
				delete navigator.credentials.create;
				return result;
			`, &aborted)
			wantErr(t, "an aborted WebAuthn ceremony", aborted, "AbortError", "")
		})
	}
}
