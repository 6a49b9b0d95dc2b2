package browsertest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/refclients"
)

// amplifySite serves the test site plus the real Amplify v6 bundle of
// internal/refclients at /refclients/amplify.js (window.RefAmplify).
func amplifySite(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ref, err := refclients.Build(ctx, refclients.Options{OutDir: t.TempDir()})
	if err != nil {
		t.Fatalf("building the Amplify bundle: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /refclients/", http.StripPrefix("/refclients/", http.FileServerFS(ref.FS())))
	mux.Handle("/", siteHandler())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// loadAmplify is page-side code: load the Amplify bundle (window.RefAmplify).
const loadAmplify = `
await new Promise((resolve, reject) => {
	const s = document.createElement('script');
	s.src = '/refclients/amplify.js';
	s.onload = resolve;
	s.onerror = () => reject(new Error('could not load amplify.js'));
	document.head.append(s);
});
`

// signInWithAmplify is page-side code: load Amplify, keep its session in
// sessionStorage (so that only Amplify itself can find it, not the module's
// default localStorage reader), configure it for the emulator and sign the
// demo user in with USER_PASSWORD_AUTH.
const signInWithAmplify = loadAmplify + `
const amplifyConfig = await (await fetch('/config.json')).json();
RefAmplify.configure({ Auth: { Cognito: amplifyConfig } });
RefAmplify.cognitoUserPoolsTokenProvider.setKeyValueStorage(sessionStorage);
const signedIn = await RefAmplify.signIn({ username: '` + emulator.DemoUsername + `', password: '` + emulator.DemoPassword + `' });
if (!signedIn.isSignedIn) throw new Error('Amplify did not sign in: ' + JSON.stringify(signedIn.nextStep));
`

// TestAmplifyTokenProvider signs in with real Amplify v6 and hands Amplify's
// cognitoUserPoolsTokenProvider to configure: the calls use Amplify's
// session; when Cognito answers "Access Token has expired" (the emulator's
// clock jumped two hours, Amplify's did not) the module asks Amplify for a
// forced refresh once and retries once; Amplify's device metadata (in the
// storage Amplify was given) is what rememberDevice and forgetDevice use and
// clear. In both modes.
func TestAmplifyTokenProvider(t *testing.T) {
	origin := amplifySite(t)
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			resetEmulator(t)
			tb := newTab(t)
			tb.do(navigate(origin + "/pages/blank.html"))
			var first outcome
			tb.eval(signInWithAmplify+cwPrelude(mode.worker)+`
				await cw.configure({ Auth: { Cognito: config } }, { tokenProvider: RefAmplify.cognitoUserPoolsTokenProvider });
				document.body.cw = cw;
				return await attempt(() => cw.listWebAuthnCredentials());
			`, &first)
			wantJSON(t, "listWebAuthnCredentials() with Amplify's token provider", first, map[string]any{"credentials": seedCredentials()})

			emu.AdvanceClock(2 * time.Hour)
			clearRequestLog(t)
			var refreshed outcome
			tb.eval(encodeJS+`const cw = document.body.cw; return await attempt(() => cw.fetchDevices());`, &refreshed)
			wantJSON(t, "fetchDevices() with an expired access token", refreshed, seedDevices())
			var got []string
			for _, e := range emu.Requests() {
				got = append(got, e.Target+" "+itoa(e.Status))
			}
			// Amplify 6.22 refreshes with GetTokensFromRefreshToken.
			if want := []string{"ListDevices 400", "GetTokensFromRefreshToken 200", "ListDevices 200"}; !slices.Equal(got, want) {
				t.Errorf("requests after the clock jump: %q, want %q", got, want)
			}

			current := demoUser().Devices[2].DeviceKey
			var devices struct {
				Remember, Forget outcome
				Amplify          any
				Keys             []*string
			}
			tb.eval(encodeJS+amplifyDeviceKeys+`
				const cw = document.body.cw;
				const r = {};
				storeDevice(sessionStorage, `+jsString(current)+`);
				r.remember = await attempt(() => cw.rememberDevice());
				r.forget = await attempt(() => cw.forgetDevice());
				r.amplify = await RefAmplify.cognitoUserPoolsTokenProvider.tokenOrchestrator.getDeviceMetadata();
				r.keys = deviceKeys(sessionStorage);
				return r;
			`, &devices)
			wantJSON(t, "rememberDevice() with Amplify's device metadata", devices.Remember, "(undefined)")
			wantJSON(t, "forgetDevice() with Amplify's device metadata", devices.Forget, "(undefined)")
			if devices.Amplify != nil || slices.ContainsFunc(devices.Keys, func(k *string) bool { return k != nil }) {
				t.Errorf("Amplify still has device metadata after forgetDevice(): %v %v", devices.Amplify, devices.Keys)
			}
			if _, ok := deviceStatus(t)[current]; ok {
				t.Errorf("the emulator still has %s after forgetDevice()", current)
			}
		})
	}
}

func clearRequestLog(t *testing.T) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, cognitoURL+"/_emulator/requests", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE /_emulator/requests: %s", resp.Status)
	}
}
