package browsertest

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

func navigate(url string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(url) }

// modes are the two ways the runtime runs. wasmFetchedByPage tells them apart:
// in a Worker the .wasm is fetched by the worker, so the page's resource
// timing does not list it.
var modes = []struct {
	name              string
	query             string // for script.html
	worker            string // JS value of options.worker
	wasmFetchedByPage int
}{
	{"worker", "", "true", 0},
	{"page", "?worker=false", "false", 1},
}

const wasmFetchedByPageJS = `return performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/cognito-wasm.wasm')).length;`

// TestScriptTag loads dist/cognito-wasm.js with a plain <script> tag, lets the
// page's inline code configure it against the emulator, then exercises every
// call, in both modes, in every engine.
func TestScriptTag(t *testing.T) {
	for _, mode := range engineModes() {
		t.Run(mode.name, func(t *testing.T) {
			resetEmulator(t)
			tb := mode.engine.newPage(t)
			storeAmplifyTokensIn(t, tb, site)
			tb.open(site + "/pages/script.html" + mode.query)
			tb.waitFor(`document.body.dataset.state !== undefined`)
			var state map[string]string
			tb.eval(`return { ...document.body.dataset }`, &state)
			if state["state"] != "ready" {
				t.Fatalf("page state %q: %s", state["state"], state["error"])
			}
			if want := len(seedCredentials()); state["early"] != itoa(want) {
				t.Errorf("call made before configure resolved: %s credentials, want %d", state["early"], want)
			}
			var inPage int
			tb.eval(wasmFetchedByPageJS, &inPage)
			if inPage != mode.wasmFetchedByPage {
				t.Errorf("the page fetched the .wasm %d times, want %d (mode %s)", inPage, mode.wasmFetchedByPage, mode.name)
			}
			if tab, ok := tb.(*tab); ok {
				tab.screenshot("script-tag-" + mode.mode)
			}
			checkAPI(t, tb, `const cw = CognitoWasm;`)
			checkGlobals(t, tb, "CognitoWasm")
		})
	}
}

// TestESModule imports dist/index.mjs in a page and runs the same calls. The
// .wasm comes with a wrong MIME type, so the loader's fallback from
// instantiateStreaming is what loads it. It also covers calls before
// configure, the token provider option and reconfiguring. It runs in every
// engine (engines_test.go).
func TestESModule(t *testing.T) {
	for _, mode := range engineModes() {
		t.Run(mode.name, func(t *testing.T) {
			resetEmulator(t)
			tb := mode.engine.newPage(t)
			token := signIn(t)
			tb.open(site + "/pages/esm.html")
			tb.waitFor(`document.body.dataset.state === 'loaded'`)
			const cw = `const cw = await import('/octet/dist/index.mjs');`
			var before struct {
				NotConfigured outcome `json:"notConfigured"`
				NoToken       outcome `json:"noToken"`
				GetTokens     outcome `json:"getTokens"`
				Function      outcome `json:"function"`
				BadConfig     outcome `json:"badConfig"`
				AfterBad      outcome `json:"afterBad"`
			}
			tb.eval(cw+encodeJS+`
				const config = await (await fetch('/config.json')).json();
				const r = {};
				r.notConfigured = await attempt(() => cw.listDevices());
				// No token source has a token (nobody signed in on this origin).
				await cw.configure({ Auth: { Cognito: config } }, { worker: `+mode.worker+` });
				r.noToken = await attempt(() => cw.fetchDevices());
				// Amplify's token provider interface.
				await cw.configure({ Auth: { Cognito: config } }, { tokenProvider: {
					getTokens: async () => ({ accessToken: { toString: () => `+jsString(token)+` } }) } });
				r.getTokens = await attempt(() => cw.listWebAuthnCredentials());
				await cw.configure({ Auth: { Cognito: config } }, { tokenProvider: async () => `+jsString(token)+` });
				r.function = await attempt(() => cw.fetchDevices());
				r.badConfig = await attempt(() => cw.configure({ Auth: { Cognito: { ...config, userPoolId: 'not a pool id' } } }));
				r.afterBad = await attempt(() => cw.listDevices());
				await cw.configure({ Auth: { Cognito: config } }, { tokenProvider: async () => `+jsString(token)+` });
				return r;
			`, &before)
			wantErr(t, "call before configure", before.NotConfigured, "AuthUserPoolException", "Auth UserPool not configured.")
			wantErr(t, "no token", before.NoToken, "UserUnAuthenticatedException", "User needs to be authenticated to call this API.")
			if before.NoToken.Err != nil && before.NoToken.Err.RecoverySuggestion != "Sign in before calling this API again." {
				t.Errorf("no token: recoverySuggestion %q", before.NoToken.Err.RecoverySuggestion)
			}
			wantJSON(t, "listWebAuthnCredentials with getTokens()", before.GetTokens, map[string]any{"credentials": seedCredentials()})
			wantJSON(t, "fetchDevices with a token function", before.Function, seedDevices())
			wantErr(t, "configure with a bad pool id", before.BadConfig, "AuthUserPoolException", "")
			if e := before.BadConfig.Err; e != nil && !strings.Contains(e.Message, "userPoolId") {
				t.Errorf("configure with a bad pool id: message %q does not name userPoolId", e.Message)
			}
			wantErr(t, "call after a failed configure", before.AfterBad, "AuthUserPoolException", "Auth UserPool not configured.")

			var inPage int
			tb.eval(wasmFetchedByPageJS, &inPage)
			if inPage != mode.wasmFetchedByPage {
				t.Errorf("the page fetched the .wasm %d times, want %d (mode %s)", inPage, mode.wasmFetchedByPage, mode.name)
			}
			checkAPI(t, tb, cw)
			checkGlobals(t, tb)
		})
	}
}

// checkAPI runs every call against the demo seed in a configured, signed-in
// page; prelude binds `cw` to the package's exports.
func checkAPI(t *testing.T, tb browserPage, prelude string) {
	t.Helper()
	var r struct {
		All        outcome   `json:"all"`
		Page1      outcome   `json:"page1"`
		Page2      outcome   `json:"page2"`
		TooBig     outcome   `json:"tooBig"`
		Devices    []outcome `json:"devices"`
		Fetched    outcome   `json:"fetched"`
		Delete     outcome   `json:"delete"`
		AfterDel   outcome   `json:"afterDelete"`
		DelMissing outcome   `json:"deleteMissing"`
		DelNoID    outcome   `json:"deleteNoId"`
		PreAborted outcome   `json:"preAborted"`
		Forget     outcome   `json:"forget"`
		AfterForg  outcome   `json:"afterForget"`
	}
	creds, devs := seedCredentials(), seedDevices()
	tb.eval(prelude+encodeJS+`
		const r = {};
		r.all = await attempt(() => cw.listWebAuthnCredentials());
		r.page1 = await attempt(() => cw.listWebAuthnCredentials({ pageSize: 2 }));
		r.page2 = await attempt(() => cw.listWebAuthnCredentials({ pageSize: 2, nextToken: r.page1.ok?.nextToken }));
		r.tooBig = await attempt(() => cw.listWebAuthnCredentials({ pageSize: 21 }));
		r.devices = [];
		let nextToken;
		do {
			const page = await attempt(() => cw.listDevices({ pageSize: 3, nextToken }));
			r.devices.push(page);
			nextToken = page.ok?.nextToken;
		} while (nextToken && r.devices.length < 10);
		r.fetched = await attempt(() => cw.fetchDevices());
		r.delete = await attempt(() => cw.deleteWebAuthnCredential({ credentialId: `+jsString(creds[0].CredentialID)+` }));
		r.afterDelete = await attempt(() => cw.listWebAuthnCredentials());
		r.deleteMissing = await attempt(() => cw.deleteWebAuthnCredential({ credentialId: 'no-such-credential' }));
		r.deleteNoId = await attempt(() => cw.deleteWebAuthnCredential({}));
		r.preAborted = await attempt(() => cw.listDevices({}, { signal: AbortSignal.abort() }));
		r.forget = await attempt(() => cw.forgetDevice({ device: { id: `+jsString(devs[0].ID)+` } }));
		r.afterForget = await attempt(() => cw.fetchDevices());
		return r;
	`, &r)

	wantJSON(t, "listWebAuthnCredentials()", r.All, map[string]any{"credentials": creds})
	var page1 struct {
		Credentials []credential `json:"credentials"`
		NextToken   string       `json:"nextToken"`
	}
	if r.Page1.Err != nil || json.Unmarshal(r.Page1.OK, &page1) != nil || page1.NextToken == "" || !reflect.DeepEqual(page1.Credentials, creds[:2]) {
		t.Errorf("listWebAuthnCredentials({pageSize: 2}) = %s %+v; want the first 2 credentials and a nextToken", r.Page1.OK, r.Page1.Err)
	}
	wantJSON(t, "listWebAuthnCredentials(page 2)", r.Page2, map[string]any{"credentials": creds[2:]})
	wantErr(t, "listWebAuthnCredentials({pageSize: 21})", r.TooBig, "InvalidParameterException", "")
	if r.TooBig.Err != nil && !strings.Contains(r.TooBig.Err.Message, "pageSize") {
		t.Errorf("pageSize 21: message %q does not name pageSize", r.TooBig.Err.Message)
	}

	var paged []device
	for i, p := range r.Devices {
		var page struct {
			Devices   []device `json:"devices"`
			NextToken *string  `json:"nextToken"`
		}
		if p.Err != nil || json.Unmarshal(p.OK, &page) != nil {
			t.Fatalf("listDevices page %d: %s %+v", i+1, p.OK, p.Err)
		}
		if last := i == len(r.Devices)-1; last != (page.NextToken == nil) {
			t.Errorf("listDevices page %d of %d: nextToken %v", i+1, len(r.Devices), page.NextToken)
		}
		paged = append(paged, page.Devices...)
	}
	if want := (len(devs) + 2) / 3; len(r.Devices) != want {
		t.Errorf("listDevices({pageSize: 3}) took %d pages, want %d", len(r.Devices), want)
	}
	if !reflect.DeepEqual(paged, devs) {
		t.Errorf("listDevices pages:\n got %s\nwant %s", mustJSON(paged), mustJSON(devs))
	}
	wantJSON(t, "fetchDevices()", r.Fetched, devs)

	wantJSON(t, "deleteWebAuthnCredential()", r.Delete, "(undefined)")
	wantJSON(t, "listWebAuthnCredentials() after the delete", r.AfterDel, map[string]any{"credentials": creds[1:]})
	wantErr(t, "deleting a missing credential", r.DelMissing, "ResourceNotFoundException", "")
	if e := r.DelMissing.Err; e != nil && (e.Metadata == nil || e.Metadata.HTTPStatusCode != 400 || e.Metadata.RequestID == "") {
		t.Errorf("service error metadata = %+v, want httpStatusCode 400 and a requestId", e.Metadata)
	}
	wantErr(t, "deleteWebAuthnCredential({})", r.DelNoID, "InvalidParameterException", "")
	if e := r.DelNoID.Err; e != nil && !strings.Contains(e.Message, "credentialId") {
		t.Errorf("deleteWebAuthnCredential({}): message %q does not name credentialId", e.Message)
	}
	wantErr(t, "an already aborted call", r.PreAborted, "AbortError", "")

	wantJSON(t, "forgetDevice()", r.Forget, "(undefined)")
	wantJSON(t, "fetchDevices() after forgetDevice", r.AfterForg, devs[1:])

	checkAbortInFlight(t, tb, prelude)
	checkExpiredSession(t, tb, prelude)
}

// checkAbortInFlight aborts a call while the emulator holds its request, and
// checks that the abort reached the request (the browser dropped it).
func checkAbortInFlight(t *testing.T, tb browserPage, prelude string) {
	t.Helper()
	if err := emu.AddFault(emulator.Fault{Target: "ListDevices", Mode: "hang", Times: 1}); err != nil {
		t.Fatal(err)
	}
	req := watchNext("ListDevices")
	// The pending call and its controller wait on the body element, not on a global.
	tb.eval(prelude+encodeJS+`
		const controller = new AbortController();
		document.body.abortTest = { controller, call: attempt(() => cw.listDevices({}, { signal: controller.signal })) };
	`, nil)
	waitClosed(t, req.arrived, "the call's request to reach the emulator")
	var r outcome
	tb.eval(`
		const { controller, call } = document.body.abortTest;
		delete document.body.abortTest;
		controller.abort();
		return await call;
	`, &r)
	wantErr(t, "an aborted call in flight", r, "AbortError", "")
	waitClosed(t, req.finished, "the aborted call's request to be dropped")
}

// checkExpiredSession moves the emulator's clock past the token's expiry: the
// call fails with Cognito's error after one retry with a refreshed token.
func checkExpiredSession(t *testing.T, tb browserPage, prelude string) {
	t.Helper()
	emu.AdvanceClock(2 * time.Hour)
	var r outcome
	tb.eval(prelude+encodeJS+`return await attempt(() => cw.listWebAuthnCredentials());`, &r)
	wantErr(t, "a call with an expired token", r, "NotAuthorizedException", "Access Token has expired")
}

// checkGlobals fails unless the page's global object gained exactly want.
func checkGlobals(t *testing.T, tb browserPage, want ...string) {
	t.Helper()
	var added []string
	tb.eval(`
		const before = new Set(JSON.parse(document.documentElement.dataset.globals));
		return Object.getOwnPropertyNames(globalThis).filter((name) => !before.has(name));
	`, &added)
	slices.Sort(added)
	if !slices.Equal(added, want) && !(len(added) == 0 && len(want) == 0) {
		t.Errorf("globals added by the package: %q, want %q", added, want)
	}
}

func wantErr(t *testing.T, what string, got outcome, name, message string) {
	t.Helper()
	if got.Err == nil {
		t.Errorf("%s: resolved with %s, want rejection %s", what, got.OK, name)
		return
	}
	e := got.Err
	if e.Name != name || (message != "" && e.Message != message) {
		t.Errorf("%s: rejected with %s: %q, want %s: %q", what, e.Name, e.Message, name, message)
	}
	if !e.AuthError || !e.Error {
		t.Errorf("%s: rejection is not an AuthError instance (instanceof AuthError %v, Error %v)", what, e.AuthError, e.Error)
	}
}

func wantJSON(t *testing.T, what string, got outcome, want any) {
	t.Helper()
	if got.Err != nil {
		t.Errorf("%s: rejected with %s: %s", what, got.Err.Name, got.Err.Message)
		return
	}
	var g, w any
	if err := json.Unmarshal(got.OK, &g); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	json.Unmarshal([]byte(mustJSON(want)), &w)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %s\nwant %s", what, got.OK, mustJSON(want))
	}
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
