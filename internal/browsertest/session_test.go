package browsertest

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// The tests of issue 12 run the pinned Amplify v6 and cognito-wasm side by
// side in one page, signed in by Amplify itself, against one emulator: each
// side makes the same call on the same stored session (the storage is put
// back between them) and what each sent, answered and left in storage is
// compared with what the other did, not with a copied expectation.

// cognitoEmu is an emulator and its URL: the shared one, or one with its
// own seed.
type cognitoEmu struct {
	*emulator.Emulator
	url string
}

func sharedEmulator(t *testing.T) cognitoEmu {
	resetEmulator(t)
	return cognitoEmu{emu, cognitoURL}
}

func seededEmulator(t *testing.T, seed *emulator.Seed) cognitoEmu {
	t.Helper()
	e, err := emulator.New(seed)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(func() {
		e.Close()
		srv.Close()
	})
	return cognitoEmu{e, srv.URL}
}

// log is the request log as "Target status", after clear.
func (c cognitoEmu) log() []string {
	var out []string
	for _, e := range c.Requests() {
		out = append(out, e.Target+" "+strconv.Itoa(e.Status))
	}
	return out
}

func (c cognitoEmu) clear(t *testing.T) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, c.url+"/_emulator/requests", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// session is a page where Amplify signed the demo user in, with its tokens
// in localStorage or (ssr) cookies, and cognito-wasm configured with no
// tokenProvider.
type session struct {
	t   *testing.T
	tb  *tab
	emu cognitoEmu
}

// sessionSetup is page-side code: load Amplify, configure it (ssr: cookie
// storage), sign in, and leave window.T with the storage helpers and the
// configured module.
const sessionSetup = loadAmplify + `
RefAmplify.Amplify.configure({ Auth: { Cognito: C } }, SSR ? { ssr: true } : undefined);
const signedIn = await RefAmplify.signIn({ username: USER, password: PASSWORD });
if (!signedIn.isSignedIn) throw new Error('Amplify did not sign in: ' + JSON.stringify(signedIn.nextStep));
const P = 'CognitoIdentityServiceProvider.' + C.userPoolClientId + '.';
const cookies = new RefAmplify.CookieStorage({ sameSite: 'lax' });
const cookieNames = () => (document.cookie ? document.cookie.split('; ') : []).map((c) => decodeURIComponent(c.split('=')[0]));
// Amplify's own storage classes read and write; only the key listing is ours.
const store = SSR
	? { keys: () => cookieNames().filter((k) => k.startsWith(P)), get: (k) => cookies.getItem(k),
		set: (k, v) => cookies.setItem(k, v), remove: (k) => cookies.removeItem(k) }
	: { keys: () => Object.keys(localStorage).filter((k) => k.startsWith(P)), get: async (k) => localStorage.getItem(k),
		set: async (k, v) => localStorage.setItem(k, v), remove: async (k) => localStorage.removeItem(k) };
const user = await store.get(P + 'LastAuthUser');
const T = (window.T = {
	P, user, store,
	key: (name) => P + user + '.' + name,
	snapshot: async () => {
		const o = {};
		for (const k of store.keys().sort()) o[k] = await store.get(k);
		return o;
	},
	restore: async (snap) => {
		for (const k of store.keys()) await store.remove(k);
		for (const [k, v] of Object.entries(snap)) await store.set(k, v);
	},
	// What hours on the page's clock do to both sides' expiry decision
	// (now + clockDrift vs exp): the page's clock cannot be moved for the
	// page and a Worker alike, the stored drift applies to both.
	shiftDrift: async (ms) => {
		const k = P + user + '.clockDrift';
		await store.set(k, String(Number.parseInt((await store.get(k)) ?? '0') + ms));
	},
});
T.cw = await import('/dist/index.mjs');
await T.cw.configure({ Auth: { Cognito: C } }, { worker: WORKER });
return user;
`

// onPage is the prelude of every later evaluation.
const onPage = `const T = window.T; const cw = T.cw;` + encodeJS

func newSession(t *testing.T, origin string, emu cognitoEmu, ssr bool, worker string) *session {
	t.Helper()
	tb := newTab(t)
	tb.do(navigate(origin + "/pages/blank.html"))
	cfg := mustJSON(map[string]string{
		"userPoolId": emulator.DemoPoolID, "userPoolClientId": emulator.DemoClientID, "userPoolEndpoint": emu.url,
	})
	var user string
	tb.eval(`const C = `+cfg+`, SSR = `+strconv.FormatBool(ssr)+`, WORKER = `+worker+
		`, USER = `+jsString(emulator.DemoUsername)+`, PASSWORD = `+jsString(emulator.DemoPassword)+`;`+sessionSetup, &user)
	if user != emulator.DemoUsername {
		t.Fatalf("LastAuthUser %q after Amplify's sign-in", user)
	}
	return &session{t: t, tb: tb, emu: emu}
}

// expire moves the emulator's clock two hours on and the page's (as the
// stored drift sees it) three: the access token has expired for both, and
// a refresh must measure the drift anew (about +2 h) to get it right.
func (s *session) expire() {
	s.emu.AdvanceClock(2 * time.Hour)
	s.tb.eval(onPage+`await T.shiftDrift(3 * 3600 * 1000);`, nil)
}

func (s *session) snapshot() map[string]string {
	var snap map[string]string
	s.tb.eval(onPage+`return await T.snapshot();`, &snap)
	return snap
}

func (s *session) restore(snap map[string]string) {
	s.tb.eval(onPage+`await T.restore(`+mustJSON(snap)+`);`, nil)
}

// run makes one call (page code, e.g. cw.fetchDevices()) and returns its
// outcome and the requests it sent.
func (s *session) run(call string) (outcome, []string) {
	s.t.Helper()
	s.emu.clear(s.t)
	var out outcome
	s.tb.eval(onPage+`return await attempt(() => `+call+`);`, &out)
	return out, s.emu.log()
}

// side is what one client did with one stored session.
type side struct {
	name  string
	out   outcome
	sent  []string
	store map[string]string
}

// bothFrom runs Amplify's call and the module's, each on the stored session
// snap.
func (s *session) bothFrom(snap map[string]string, amplifyCall, moduleCall string) (amp, mod side) {
	s.t.Helper()
	s.restore(snap)
	amp.name = "Amplify"
	amp.out, amp.sent = s.run(amplifyCall)
	amp.store = s.snapshot()
	s.restore(snap)
	mod.name = "cognito-wasm"
	mod.out, mod.sent = s.run(moduleCall)
	mod.store = s.snapshot()
	return amp, mod
}

func sameOutcome(t *testing.T, what string, amp, mod side) {
	t.Helper()
	if !slices.Equal(amp.sent, mod.sent) {
		t.Errorf("%s: requests differ:\n Amplify      %q\n cognito-wasm %q", what, amp.sent, mod.sent)
	}
	if (amp.out.Err == nil) != (mod.out.Err == nil) {
		t.Fatalf("%s: Amplify %s, cognito-wasm %s", what, describeOutcome(amp.out), describeOutcome(mod.out))
	}
	if amp.out.Err != nil {
		a, m := *amp.out.Err, *mod.out.Err
		if a.Name != m.Name || a.Message != m.Message || a.RecoverySuggestion != m.RecoverySuggestion {
			t.Errorf("%s: errors differ:\n Amplify      %s\n cognito-wasm %s", what, describeOutcome(amp.out), describeOutcome(mod.out))
		}
		return
	}
	if string(amp.out.OK) != string(mod.out.OK) {
		t.Errorf("%s: results differ:\n Amplify      %s\n cognito-wasm %s", what, amp.out.OK, mod.out.OK)
	}
}

func describeOutcome(o outcome) string {
	if o.Err != nil {
		return "rejected with " + mustJSON(o.Err)
	}
	return "resolved with " + string(o.OK)
}

// wantRefreshed checks what a refresh left in storage against the session
// it started from: new access and ID tokens, the refresh token (rotated or
// not), the same user and sign-in details, and a clock drift of about how
// far the emulator's clock is ahead.
func wantRefreshed(t *testing.T, who string, before, after map[string]string, rotated bool, ahead time.Duration) {
	t.Helper()
	if !slices.Equal(sortedKeys(before), sortedKeys(after)) {
		t.Errorf("%s: storage keys %q after the refresh, were %q", who, sortedKeys(after), sortedKeys(before))
	}
	for _, name := range []string{"accessToken", "idToken"} {
		if after[demoKey(name)] == "" || after[demoKey(name)] == before[demoKey(name)] {
			t.Errorf("%s: %s not replaced", who, name)
		}
	}
	if r := after[demoKey("refreshToken")]; r == "" || (r != before[demoKey("refreshToken")]) == !rotated {
		t.Errorf("%s: refresh token changed %v, want %v", who, r != before[demoKey("refreshToken")], rotated)
	}
	if after[demoKey("signInDetails")] != before[demoKey("signInDetails")] {
		t.Errorf("%s: signInDetails %q, was %q", who, after[demoKey("signInDetails")], before[demoKey("signInDetails")])
	}
	drift, err := strconv.ParseInt(after[demoKey("clockDrift")], 10, 64)
	if err != nil || math.Abs(float64(drift-ahead.Milliseconds())) > 60_000 {
		t.Errorf("%s: clockDrift %q, want about %d (the emulator's clock is %v ahead)", who, after[demoKey("clockDrift")], ahead.Milliseconds(), ahead)
	}
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func demoKey(name string) string {
	return "CognitoIdentityServiceProvider." + emulator.DemoClientID + "." + emulator.DemoUsername + "." + name
}

// storages are where Amplify keeps the session: its default, and the
// cookies of Amplify.configure(config, { ssr: true }).
var storages = []struct {
	name string
	ssr  bool
}{{"localStorage", false}, {"cookies", true}}

// TestSessionRefreshLikeAmplify: signed in by Amplify, the access token
// expired, the refresh token valid, no tokenProvider: both sides send
// GetTokensFromRefreshToken and then the call, resolve with the same
// result and leave the same keys; Amplify then works with what the module
// wrote, without refreshing again. With cookies, the module's cookies have
// the attributes of Amplify's. Both storages, both modes.
func TestSessionRefreshLikeAmplify(t *testing.T) {
	origin := localhostName(amplifySite(t)) // Secure cookies (Amplify's ssr default) need a secure context
	for _, st := range storages {
		for _, mode := range modes {
			t.Run(st.name+"/"+mode.name, func(t *testing.T) {
				s := newSession(t, origin, sharedEmulator(t), st.ssr, mode.worker)
				var fresh outcome
				fresh, _ = s.run(`cw.listWebAuthnCredentials()`)
				wantJSON(t, "listWebAuthnCredentials() on Amplify's fresh session", fresh, map[string]any{"credentials": seedCredentials()})

				s.expire()
				expired := s.snapshot()
				amp, mod := s.bothFrom(expired, `RefAmplify.listWebAuthnCredentials()`, `cw.listWebAuthnCredentials()`)
				sameOutcome(t, "listWebAuthnCredentials() on an expired session", amp, mod)
				if want := []string{"GetTokensFromRefreshToken 200", "ListWebAuthnCredentials 200"}; !slices.Equal(mod.sent, want) {
					t.Errorf("cognito-wasm sent %q, want %q", mod.sent, want)
				}
				wantRefreshed(t, "Amplify", expired, amp.store, false, 2*time.Hour)
				wantRefreshed(t, "cognito-wasm", expired, mod.store, false, 2*time.Hour)
				var modCookies []*network.Cookie
				if st.ssr {
					modCookies = s.cookies()
				}

				// Amplify takes up the module's tokens as its own.
				ampAfter, sent := s.run(`RefAmplify.fetchDevices()`)
				wantJSON(t, "Amplify's fetchDevices() on the module's refreshed tokens", ampAfter, seedDevices())
				if want := []string{"ListDevices 200"}; !slices.Equal(sent, want) {
					t.Errorf("Amplify on the module's refreshed tokens sent %q, want %q", sent, want)
				}

				if st.ssr {
					s.restore(expired)
					s.run(`RefAmplify.listWebAuthnCredentials()`)
					sameCookieAttributes(t, s.cookies(), modCookies)
				}
			})
		}
	}
}

func localhostName(origin string) string { return strings.Replace(origin, "127.0.0.1", "localhost", 1) }

// cookies are the page's cookies with their attributes, from DevTools.
func (s *session) cookies() []*network.Cookie {
	var cs []*network.Cookie
	s.tb.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{})
		cs = res.Cookies
		return err
	}))
	return cs
}

// sameCookieAttributes compares the session cookies Amplify wrote with the
// module's: path, domain, Secure, HttpOnly, SameSite, and an expiry within
// a minute of each other (both: a year from the write).
func sameCookieAttributes(t *testing.T, amplify, module []*network.Cookie) {
	t.Helper()
	byName := map[string]*network.Cookie{}
	for _, c := range module {
		byName[c.Name] = c
	}
	seen := 0
	for _, a := range amplify {
		if !strings.HasPrefix(a.Name, "CognitoIdentityServiceProvider.") {
			continue
		}
		seen++
		m := byName[a.Name]
		if m == nil {
			t.Errorf("cookie %s: Amplify has it, the module's refresh left none", a.Name)
			continue
		}
		if a.Path != m.Path || a.Domain != m.Domain || a.Secure != m.Secure || a.HTTPOnly != m.HTTPOnly ||
			a.SameSite != m.SameSite || a.Session != m.Session || math.Abs(a.Expires-m.Expires) > 60 {
			t.Errorf("cookie %s: Amplify's %s, the module's %s", a.Name, cookieAttrs(a), cookieAttrs(m))
		}
	}
	if seen == 0 {
		t.Errorf("no session cookies after Amplify's refresh")
	}
}

func cookieAttrs(c *network.Cookie) string {
	return mustJSON(map[string]any{"path": c.Path, "domain": c.Domain, "secure": c.Secure, "httpOnly": c.HTTPOnly,
		"sameSite": c.SameSite, "session": c.Session, "expires": time.Unix(int64(c.Expires), 0).UTC().Format(time.RFC3339)})
}

// TestSessionRefusedLikeAmplify: the refresh token was revoked: both sides
// ask for new tokens once, are refused, send nothing else and reject with
// the same error. Amplify then clears the session from storage; the module
// leaves it (a deliberate difference, see the README).
func TestSessionRefusedLikeAmplify(t *testing.T) {
	origin := amplifySite(t)
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			s := newSession(t, origin, sharedEmulator(t), false, mode.worker)
			snap := s.snapshot()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := sdkClient().RevokeToken(ctx, &cip.RevokeTokenInput{
				Token: aws.String(snap[demoKey("refreshToken")]), ClientId: aws.String(emulator.DemoClientID),
			}); err != nil {
				t.Fatal(err)
			}
			s.expire()
			expired := s.snapshot()
			amp, mod := s.bothFrom(expired, `RefAmplify.listWebAuthnCredentials()`, `cw.listWebAuthnCredentials()`)
			sameOutcome(t, "listWebAuthnCredentials() with a revoked refresh token", amp, mod)
			if want := []string{"GetTokensFromRefreshToken 400"}; !slices.Equal(mod.sent, want) {
				t.Errorf("cognito-wasm sent %q, want %q", mod.sent, want)
			}
			if mod.out.Err == nil || mod.out.Err.Name != "UserUnAuthenticatedException" {
				t.Errorf("cognito-wasm: %s, want UserUnAuthenticatedException", describeOutcome(mod.out))
			}
			if !maps2Equal(mod.store, expired) {
				t.Errorf("cognito-wasm changed the storage after a refused refresh: %q, was %q", sortedKeys(mod.store), sortedKeys(expired))
			}
			if _, ok := amp.store[demoKey("refreshToken")]; ok {
				t.Errorf("Amplify kept the refresh token; the README says it clears the session")
			}
		})
	}
}

func maps2Equal(a, b map[string]string) bool { return mustJSON(a) == mustJSON(b) }

// TestSessionRotationLikeAmplify: on an app client that rotates refresh
// tokens, the module and Amplify take turns refreshing one session: each
// refresh succeeds with the refresh token the other one stored, so the
// rotated token replaced the old one on both sides. A session put back
// with a replaced refresh token then fails alike on both sides.
func TestSessionRotationLikeAmplify(t *testing.T) {
	origin := amplifySite(t)
	seed := emulator.DemoSeed()
	seed.UserPools[0].Clients[0].RefreshTokenRotation = true
	s := newSession(t, origin, seededEmulator(t, seed), false, "true")
	want := []string{"GetTokensFromRefreshToken 200", "ListWebAuthnCredentials 200"}
	var first map[string]string
	for i, call := range []string{`cw.listWebAuthnCredentials()`, `RefAmplify.listWebAuthnCredentials()`, `cw.listWebAuthnCredentials()`} {
		s.expire()
		before := s.snapshot()
		if first == nil {
			first = before
		}
		out, sent := s.run(call)
		if out.Err != nil || !slices.Equal(sent, want) {
			t.Fatalf("refresh %d (%s) on the other side's rotated token: %s, sent %q", i+1, call, describeOutcome(out), sent)
		}
		wantRefreshed(t, call, before, s.snapshot(), true, time.Duration(i+1)*2*time.Hour)
	}
	amp, mod := s.bothFrom(first, `RefAmplify.listWebAuthnCredentials()`, `cw.listWebAuthnCredentials()`)
	sameOutcome(t, "a refresh token replaced by rotation", amp, mod)
	if mod.out.Err == nil || mod.out.Err.Name != "RefreshTokenReuseException" {
		t.Errorf("cognito-wasm: %s, want RefreshTokenReuseException", describeOutcome(mod.out))
	}
}

// TestSessionConcurrentRefreshLikeAmplify: 1,000 calls made at once on an
// expired session all resolve after one refresh, on each side. Worker mode
// only: the shared refresh is the Go side's, the same in both modes, and
// the run costs 20 s on a loaded machine.
func TestSessionConcurrentRefreshLikeAmplify(t *testing.T) {
	const n = 1000
	origin := amplifySite(t)
	for _, mode := range modes[:1] {
		t.Run(mode.name, func(t *testing.T) {
			s := newSession(t, origin, sharedEmulator(t), false, mode.worker)
			s.expire()
			expired := s.snapshot()
			count := func(call string) (failed int, refreshes, calls int) {
				s.restore(expired)
				s.emu.clear(t)
				s.tb.eval(onPage+`
					const outs = await Promise.all(Array.from({ length: `+strconv.Itoa(n)+` }, () => attempt(() => `+call+`)));
					return outs.filter((o) => o.err).length;
				`, &failed)
				for _, e := range s.emu.log() {
					if strings.HasPrefix(e, "GetTokensFromRefreshToken ") {
						refreshes++
					} else {
						calls++
					}
				}
				return failed, refreshes, calls
			}
			af, ar, ac := count(`RefAmplify.listWebAuthnCredentials()`)
			mf, mr, mc := count(`cw.listWebAuthnCredentials()`)
			t.Logf("%d calls: Amplify %d refreshes, %d calls, %d failed; cognito-wasm %d refreshes, %d calls, %d failed", n, ar, ac, af, mr, mc, mf)
			if mf != 0 || mc != n || mr != 1 {
				t.Errorf("cognito-wasm: %d failed, %d refreshes, %d calls; want 0, 1, %d", mf, mr, mc, n)
			}
			if af != mf || ac != mc || ar < mr {
				t.Errorf("Amplify: %d failed, %d refreshes, %d calls; cognito-wasm %d, %d, %d", af, ar, ac, mf, mr, mc)
			}
		})
	}
}

// keysJS is page-side code: shape(v) is v's skeleton, every own key kept
// (undefined ones too) with its value's type, so that two results compare
// by their keys and kinds.
const keysJS = `
const shape = (v) => v instanceof Date ? 'Date'
	: Array.isArray(v) ? v.map(shape)
	: v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).map((k) => [k, shape(v[k])]))
	: typeof v;
`

// TestResultKeysLikeAmplify: every result has exactly the keys of
// Amplify's, in Amplify's order, undefined where Amplify's are: the last
// page's nextToken, a passkey without authenticatorAttachment, a device
// without name or dates (added to the seed). listDevices, which Amplify
// lacks, has the shape of Amplify's listWebAuthnCredentials with Amplify's
// devices. Both modes.
func TestResultKeysLikeAmplify(t *testing.T) {
	origin := amplifySite(t)
	seed := emulator.DemoSeed()
	alice := &seed.UserPools[0].Users[0]
	alice.Devices = append(alice.Devices, emulator.SeedDevice{DeviceKey: "us-east-1_7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"})
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			s := newSession(t, origin, seededEmulator(t, seed), false, mode.worker)
			var got struct{ Amplify, Module map[string]json.RawMessage }
			s.tb.eval(onPage+keysJS+`
				const calls = (api, listDevices) => [
					() => api.listWebAuthnCredentials({ pageSize: 2 }),
					async () => api.listWebAuthnCredentials({ pageSize: 2, nextToken: (await api.listWebAuthnCredentials({ pageSize: 2 })).nextToken }),
					() => api.fetchDevices(),
					listDevices,
				];
				const run = async (api, listDevices) => {
					const out = {};
					const names = ['first page', 'last page', 'fetchDevices', 'devices page'];
					const fs = calls(api, listDevices);
					for (let i = 0; i < fs.length; i++) out[names[i]] = shape(await fs[i]());
					return out;
				};
				// Amplify has no listDevices: its shape is listWebAuthnCredentials' with fetchDevices' devices.
				const amplifyDevicesPage = async () => ({ devices: await RefAmplify.fetchDevices(), nextToken: undefined });
				return {
					Amplify: await run(RefAmplify, amplifyDevicesPage),
					Module: await run(cw, () => cw.listDevices({ pageSize: 60 })),
				};
			`, &got)
			for name, a := range got.Amplify {
				if aj, mj := string(a), string(got.Module[name]); aj != mj {
					t.Errorf("%s: keys differ:\n Amplify      %s\n cognito-wasm %s", name, aj, mj)
				}
			}
			last := got.Module["last page"]
			if !strings.Contains(string(last), `"nextToken":"undefined"`) {
				t.Errorf("last page %s: want the nextToken key, undefined", last)
			}
			devices := got.Module["fetchDevices"]
			if !strings.Contains(string(devices), `"name":"undefined","attributes":{},"createDate":"undefined"`) {
				t.Errorf("fetchDevices %s: want the bare device's keys, undefined", devices)
			}
		})
	}
}

// TestPasskeyErrorNamesLikeAmplify: the browser's WebAuthn refusal as
// polyfills and extensions throw it, a DOMException with an empty message:
// Amplify's associateWebAuthnCredential and the module's reject with the
// same name, message, recovery suggestion and underlying name. Both modes.
func TestPasskeyErrorNamesLikeAmplify(t *testing.T) {
	origin := localhostName(amplifySite(t))
	names := []string{"NotAllowedError", "InvalidStateError", "AbortError", "SecurityError", "NotSupportedError"}
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			s := newSession(t, origin, sharedEmulator(t), false, mode.worker)
			for _, name := range names {
				s.tb.eval(`navigator.credentials.create = () => Promise.reject(new DOMException('', `+jsString(name)+`));`, nil)
				amp, ampSent := s.run(`RefAmplify.associateWebAuthnCredential()`)
				mod, modSent := s.run(`cw.associateWebAuthnCredential()`)
				sameOutcome(t, name+" without a message", side{out: amp, sent: ampSent}, side{out: mod, sent: modSent})
				if a, m := amp.Err, mod.Err; a != nil && m != nil && (a.UnderlyingError == nil) != (m.UnderlyingError == nil) ||
					a != nil && m != nil && a.UnderlyingError != nil && m.UnderlyingError != nil && a.UnderlyingError.Name != m.UnderlyingError.Name {
					t.Errorf("%s: underlying errors differ: Amplify %+v, cognito-wasm %+v", name, a.UnderlyingError, m.UnderlyingError)
				}
				if mod.Err == nil || mod.Err.Name == "Unknown" && name != "NotSupportedError" {
					t.Errorf("%s: cognito-wasm %s", name, describeOutcome(mod))
				}
			}
		})
	}
}
