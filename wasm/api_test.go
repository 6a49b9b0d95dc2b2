//go:build js && wasm

package main

import (
	"context"
	"slices"
	"strings"
	"syscall/js"
	"testing"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/auth/authtest"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// epochMillis is Amplify's new Date(seconds * 1000).getTime().
func epochMillis(seconds float64) float64 { return float64(int64(seconds * 1000)) }

func checkDate(t *testing.T, what string, v js.Value, seconds float64) {
	t.Helper()
	if !v.InstanceOf(jsGlobal.Get("Date")) {
		t.Errorf("%s = %s, want a Date", what, stringify(v))
		return
	}
	if got, want := v.Call("getTime").Float(), epochMillis(seconds); got != want {
		t.Errorf("%s = %v ms, want %v", what, got, want)
	}
}

func TestStart(t *testing.T) {
	h := newHost(t) // checks: registered once, global key gone
	for _, m := range []string{"configure", "call"} {
		if h.api.Get(m).Type() != js.TypeFunction {
			t.Errorf("api.%s is not a function", m)
		}
	}
	if err := start([]string{"cognito-wasm"}, jsGlobal); err == nil {
		t.Error("start without a host key succeeded")
	}
	jsGlobal.Set("__notAHost", map[string]any{})
	if err := start([]string{"cognito-wasm", "__notAHost"}, jsGlobal); err == nil {
		t.Error("start with an object lacking register/getToken succeeded")
	}
	if !jsGlobal.Get("__notAHost").IsUndefined() {
		t.Error("start left the key on the global")
	}
	// A host that lacks one method is a broken build, not "no current device".
	jsGlobal.Set("__partHost", eval(`{register() {}, getToken: async () => null, clearDeviceMetadata: async () => {},
		createCredential: async () => ({})}`))
	err := start([]string{"cognito-wasm", "__partHost"}, jsGlobal)
	if err == nil || !strings.Contains(err.Error(), "getDeviceKey") {
		t.Errorf("start with a host lacking getDeviceKey: %v, want an error naming it", err)
	}
}

func TestCallBeforeConfigure(t *testing.T) {
	h := newHost(t)
	for m := range exports {
		_, reason, rejected := h.call(m, js.Undefined())
		mustReject(t, reason, rejected, auth.NameNotConfigured, "Auth UserPool not configured.")
	}
}

func TestConfigureErrors(t *testing.T) {
	tests := []struct {
		cfg, name, msg string
	}{
		{`{userPoolClientId: "abc"}`, auth.NameNotConfigured, "userPoolId is required."},
		{`{userPoolId: "nounderscore", userPoolClientId: "abc"}`, auth.NameNotConfigured, "userPoolId must satisfy regular expression pattern"},
		{`{userPoolId: "us-east-1_abc"}`, auth.NameNotConfigured, "userPoolClientId is required."},
		{`{userPoolId: "us-east-1_abc", userPoolClientId: "abc", userPoolEndpoint: "http://cognito.example.com"}`, auth.NameNotConfigured, "userPoolEndpoint may use http:// only for localhost"},
		{`{userPoolId: 5, userPoolClientId: "abc"}`, auth.NameInvalidParameter, "userPoolId must be a string (got number)."},
		{`"us-east-1_abc"`, auth.NameInvalidParameter, "input must be an object (got string)."},
	}
	for _, tt := range tests {
		t.Run(tt.cfg, func(t *testing.T) {
			h := newHost(t)
			h.configure(t, eval(`{userPoolId: "us-east-1_abc", userPoolClientId: "abc"}`))
			_, reason, rejected := settle(h.api.Call("configure", eval(tt.cfg)))
			mustReject(t, reason, rejected, tt.name, tt.msg)
			// A failed configure leaves the module unconfigured, not on the old pool.
			_, reason, rejected = h.call("listDevices", js.Undefined())
			mustReject(t, reason, rejected, auth.NameNotConfigured, "Auth UserPool not configured.")
		})
	}
}

func TestListWebAuthnCredentials(t *testing.T) {
	h := signedIn(t, emulator.DemoUsername)
	res := h.mustCall(t, "listWebAuthnCredentials", js.Undefined())
	if !undefinedKey(res, "nextToken") {
		t.Errorf("last page %s: want Amplify's nextToken key, undefined", stringify(res))
	}
	creds := res.Get("credentials")
	seed := demoUser(t, emulator.DemoUsername).WebAuthnCredentials
	if !isArray(creds) || creds.Length() != len(seed) {
		t.Fatalf("credentials = %s, want %d", stringify(creds), len(seed))
	}
	for i, s := range seed {
		c := creds.Index(i)
		if c.Get("credentialId").String() != s.CredentialID || c.Get("friendlyCredentialName").String() != s.FriendlyCredentialName ||
			c.Get("relyingPartyId").String() != s.RelyingPartyID || !slices.Equal(strs(c.Get("authenticatorTransports")), s.AuthenticatorTransports) {
			t.Errorf("credential %d = %s, want %+v", i, stringify(c), s)
		}
		if s.AuthenticatorAttachment == "" {
			if !undefinedKey(c, "authenticatorAttachment") {
				t.Errorf("credential %d has authenticatorAttachment %s, want the key, undefined", i, stringify(c.Get("authenticatorAttachment")))
			}
		} else if c.Get("authenticatorAttachment").String() != s.AuthenticatorAttachment {
			t.Errorf("credential %d authenticatorAttachment = %s", i, stringify(c.Get("authenticatorAttachment")))
		}
		checkDate(t, "createdAt", c.Get("createdAt"), s.CreatedAt)
	}
}

func TestPagingToTheEnd(t *testing.T) {
	h := signedIn(t, emulator.DemoUsername)
	alice := demoUser(t, emulator.DemoUsername)
	tests := []struct {
		method, list string
		pageSize     int
		wantSizes    []int
		wantIDs      []string
		idKey        string
	}{
		{"listWebAuthnCredentials", "credentials", 2, []int{2, 1}, nil, "credentialId"},
		{"listDevices", "devices", 3, []int{3, 3, 1}, nil, "id"},
	}
	for _, c := range alice.WebAuthnCredentials {
		tests[0].wantIDs = append(tests[0].wantIDs, c.CredentialID)
	}
	for _, d := range alice.Devices {
		tests[1].wantIDs = append(tests[1].wantIDs, d.DeviceKey)
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			input := js.ValueOf(map[string]any{"pageSize": tt.pageSize})
			var sizes []int
			var ids []string
			for len(sizes) <= len(tt.wantSizes) {
				res := h.mustCall(t, tt.method, input)
				list := res.Get(tt.list)
				sizes = append(sizes, list.Length())
				for i := 0; i < list.Length(); i++ {
					ids = append(ids, list.Index(i).Get(tt.idKey).String())
				}
				if res.Get("nextToken").IsUndefined() {
					break
				}
				input = js.ValueOf(map[string]any{"pageSize": tt.pageSize, "nextToken": res.Get("nextToken")})
			}
			if !slices.Equal(sizes, tt.wantSizes) || !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("pages %v with %v, want %v with %v", sizes, ids, tt.wantSizes, tt.wantIDs)
			}
		})
	}
}

func TestDeleteThenList(t *testing.T) {
	h := signedIn(t, emulator.DemoUsername)
	seed := demoUser(t, emulator.DemoUsername).WebAuthnCredentials
	input := js.ValueOf(map[string]any{"credentialId": seed[1].CredentialID})
	if v := h.mustCall(t, "deleteWebAuthnCredential", input); !v.IsUndefined() {
		t.Errorf("delete resolved with %s, want undefined", stringify(v))
	}
	creds := h.mustCall(t, "listWebAuthnCredentials", js.Undefined()).Get("credentials")
	var ids []string
	for i := 0; i < creds.Length(); i++ {
		ids = append(ids, creds.Index(i).Get("credentialId").String())
	}
	if want := []string{seed[0].CredentialID, seed[2].CredentialID}; !slices.Equal(ids, want) {
		t.Errorf("after delete: %v, want %v", ids, want)
	}

	_, reason, rejected := h.call("deleteWebAuthnCredential", input)
	reason = mustReject(t, reason, rejected, "ResourceNotFoundException", emulator.MsgCredentialNotFound)
	md := reason.Get("metadata")
	if md.Get("httpStatusCode").Int() != 400 || md.Get("requestId").Type() != js.TypeString || md.Get("requestId").String() == "" {
		t.Errorf("metadata = %s, want status 400 and a request id", stringify(md))
	}
}

func TestFetchDevices(t *testing.T) {
	h := signedIn(t, emulator.DemoUsername)
	devices := h.mustCall(t, "fetchDevices", js.Undefined())
	seed := demoUser(t, emulator.DemoUsername).Devices
	if !isArray(devices) || devices.Length() != len(seed) {
		t.Fatalf("fetchDevices = %s, want %d devices", stringify(devices), len(seed))
	}
	for i, s := range seed {
		d := devices.Index(i)
		if keys := strs(jsObject.Call("keys", d)); !slices.Equal(keys, deviceKeys) {
			t.Errorf("device %d keys %q, want Amplify's %q", i, keys, deviceKeys)
		}
		if d.Get("id").String() != s.DeviceKey || d.Get("name").String() != s.Attributes["device_name"] {
			t.Errorf("device %d = %s", i, stringify(d))
		}
		attrs := d.Get("attributes")
		if keys := jsObject.Call("keys", attrs); keys.Length() != len(s.Attributes) {
			t.Errorf("device %d attributes = %s, want %v", i, stringify(attrs), s.Attributes)
		}
		for k, v := range s.Attributes {
			if attrs.Get(k).String() != v {
				t.Errorf("device %d attribute %s = %s, want %q", i, k, stringify(attrs.Get(k)), v)
			}
		}
		checkDate(t, "createDate", d.Get("createDate"), s.CreateDate)
		checkDate(t, "lastAuthenticatedDate", d.Get("lastAuthenticatedDate"), s.LastAuthenticatedDate)
		checkDate(t, "lastModifiedDate", d.Get("lastModifiedDate"), s.LastModifiedDate)
	}
	if log := requestLog(t); len(log) != 1 || log[0].Target != "ListDevices" {
		t.Errorf("log = %+v, want one ListDevices", log)
	}
}

// deviceKeys are the keys of Amplify's AWSAuthDevice, in its order.
var deviceKeys = []string{"id", "name", "attributes", "createDate", "lastModifiedDate", "lastAuthenticatedDate"}

// undefinedKey: v has key as an own property whose value is undefined.
func undefinedKey(v js.Value, key string) bool { return hasOwn(v, key) && v.Get(key).IsUndefined() }

func TestUserWithNothing(t *testing.T) {
	h := signedIn(t, emulator.DemoEmptyUsername)
	for _, c := range []struct{ method, list string }{{"listWebAuthnCredentials", "credentials"}, {"listDevices", "devices"}, {"fetchDevices", ""}} {
		v := h.mustCall(t, c.method, js.Undefined())
		if c.list != "" {
			if !undefinedKey(v, "nextToken") {
				t.Errorf("%s: want the nextToken key, undefined", c.method)
			}
			v = v.Get(c.list)
		}
		if !isArray(v) || v.Length() != 0 {
			t.Errorf("%s = %s, want []", c.method, stringify(v))
		}
	}
}

func TestBadInputsSendNothing(t *testing.T) {
	h := signedIn(t, emulator.DemoUsername)
	tests := []struct {
		method, input, msg string
	}{
		{"listWebAuthnCredentials", `{pageSize: 21}`, "pageSize must have value less than or equal to 20 (got 21)."},
		{"listWebAuthnCredentials", `{pageSize: NaN}`, "pageSize must be an integer (got NaN)."},
		{"listWebAuthnCredentials", `{pageSize: Infinity}`, "pageSize must be an integer (got Infinity)."},
		{"listWebAuthnCredentials", `{pageSize: 1.5}`, "pageSize must be an integer (got 1.5)."},
		{"listWebAuthnCredentials", `{pageSize: "2"}`, "pageSize must be a number (got string)."},
		{"listWebAuthnCredentials", `{pageSize: 4294967296}`, "pageSize must be an integer from 0 to 20."},
		{"listWebAuthnCredentials", `{nextToken: ""}`, "nextToken must have length greater than or equal to 1"},
		{"listWebAuthnCredentials", `"all"`, "input must be an object (got string)."},
		{"listDevices", `{pageSize: 61}`, "pageSize must have value less than or equal to 60 (got 61)."},
		{"listDevices", `{pageSize: -1}`, "pageSize must have value greater than or equal to 0 (got -1)."},
		{"listDevices", `{nextToken: 42}`, "nextToken must be a string (got number)."},
		{"listDevices", `{nextToken: "a b"}`, `nextToken must satisfy regular expression pattern: ^[\S]+$ (got "a b").`},
		{"deleteWebAuthnCredential", `undefined`, "credentialId is required."},
		{"deleteWebAuthnCredential", `{}`, "credentialId is required."},
		{"deleteWebAuthnCredential", `{credentialId: null}`, "credentialId is required."},
		{"deleteWebAuthnCredential", `{credentialId: 7}`, "credentialId must be a string (got number)."},
		{"deleteWebAuthnCredential", `Object.create({credentialId: "inherited"})`, "credentialId is required."},
		{"deleteWebAuthnCredential", `[1]`, "input must be an object (got array)."},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.input, func(t *testing.T) {
			_, reason, rejected := h.call(tt.method, eval(tt.input))
			mustReject(t, reason, rejected, auth.NameInvalidParameter, tt.msg)
		})
	}
	t.Run("bad signal", func(t *testing.T) {
		_, reason, rejected := h.call("listDevices", js.Undefined(), js.ValueOf("abort"))
		mustReject(t, reason, rejected, auth.NameInvalidParameter, "signal must be an AbortSignal (got string).")
	})
	if log := requestLog(t); len(log) != 0 {
		t.Errorf("requests sent for bad inputs: %+v", log)
	}
	if calls := h.calls(); len(calls) != 0 {
		t.Errorf("getToken called %d times for bad inputs", len(calls))
	}
}

func TestLocalErrors(t *testing.T) {
	resetEmulator(t)
	h := newHost(t)
	h.configureEmulator(t)

	_, reason, rejected := h.call("listWebAuthnCredentials", js.Undefined())
	reason = mustReject(t, reason, rejected, auth.NameUnauthenticated, "User needs to be authenticated to call this API.")
	if got := reason.Get("recoverySuggestion").String(); got != "Sign in before calling this API again." {
		t.Errorf("recoverySuggestion = %q", got)
	}

	h.mu.Lock()
	h.token = func(bool) js.Value {
		return eval(`Promise.reject({name: "NotAuthorizedException", message: "Refresh Token has expired"})`)
	}
	h.mu.Unlock()
	_, reason, rejected = h.call("listDevices", js.Undefined())
	mustReject(t, reason, rejected, "NotAuthorizedException", "Refresh Token has expired")

	// Signed out: Amplify's session check comes before the device lookup
	// and the passkey ceremony.
	h.staticToken("")
	for _, m := range []string{"forgetDevice", "rememberDevice", "associateWebAuthnCredential"} {
		_, reason, rejected = h.call(m, js.Undefined())
		mustReject(t, reason, rejected, auth.NameUnauthenticated, "User needs to be authenticated to call this API.")
	}
	_, reason, rejected = h.call("signOut", js.Undefined())
	mustReject(t, reason, rejected, auth.NameInvalidParameter, `"signOut" is not a cognito-wasm API method.`)

	if log := requestLog(t); len(log) != 0 {
		t.Errorf("requests sent: %+v", log)
	}
}

func TestServiceErrorKeepsTokenOut(t *testing.T) {
	resetEmulator(t)
	h := newHost(t)
	h.configureEmulator(t)
	const bad = "eyJraWQiOi.not-a-real.token"
	h.staticToken(bad)
	_, reason, rejected := h.call("listDevices", js.Undefined())
	reason = mustReject(t, reason, rejected, "NotAuthorizedException", emulator.MsgInvalidAccessToken)
	if md := reason.Get("metadata"); md.Get("httpStatusCode").Int() != 400 || md.Get("requestId").String() == "" {
		t.Errorf("metadata = %s", stringify(md))
	}
	if strings.Contains(stringify(reason), bad) {
		t.Errorf("the token appears in the rejection: %s", stringify(reason))
	}

	// A service that echoes the token back (here the emulator's fault, as a
	// proxy or a verbose error page might): the rejection still never shows
	// it, in the message, the underlying error or anywhere else.
	if err := control.AddFault(context.Background(), authtest.Fault{
		Mode: "error", Status: 400, ErrorType: "NotAuthorizedException", Message: "Invalid Access Token " + bad + " (echoed)",
	}); err != nil {
		t.Fatal(err)
	}
	_, reason, rejected = h.call("listDevices", js.Undefined())
	reason = mustReject(t, reason, rejected, "NotAuthorizedException", "Invalid Access Token [redacted] (echoed)")
	all := stringify(reason) + " " + reason.Get("message").String() + " " + reason.Get("stack").String()
	if u := reason.Get("underlyingError"); u.Truthy() {
		all += " " + u.Get("message").String() + " " + stringify(u)
	}
	if strings.Contains(all, bad) {
		t.Errorf("the echoed token appears in the rejection: %s", all)
	}
}

func TestExpiredTokenIsRefreshedOnce(t *testing.T) {
	resetEmulator(t)
	h := newHost(t)
	h.configureEmulator(t)
	old := signIn(t, emulator.DemoUsername).AccessToken
	if err := control.AdvanceClock(context.Background(), 2*emulator.AccessTokenTTL); err != nil {
		t.Fatal(err)
	}
	fresh := signIn(t, emulator.DemoUsername).AccessToken
	h.mu.Lock()
	h.token = func(force bool) js.Value {
		if force {
			return js.ValueOf(fresh)
		}
		return js.ValueOf(old)
	}
	h.mu.Unlock()

	res := h.mustCall(t, "listWebAuthnCredentials", js.Undefined())
	if n := res.Get("credentials").Length(); n != len(demoUser(t, emulator.DemoUsername).WebAuthnCredentials) {
		t.Errorf("%d credentials after the refresh", n)
	}
	if got := h.calls(); !slices.Equal(got, []bool{false, true}) {
		t.Errorf("getToken calls = %v, want [false true]", got)
	}
	if log := requestLog(t); len(log) != 2 || log[0].Status != 400 || log[1].Status != 200 {
		t.Errorf("log = %+v, want a 400 (expired) then a 200", log)
	}
}

func TestAbortHangingRequest(t *testing.T) {
	h := signedIn(t, emulator.DemoUsername)
	addFault(t, authtest.Fault{Target: "ListDevices", Mode: emulator.FaultHang})
	ac := jsGlobal.Get("AbortController").New()
	p := h.api.Call("call", "listDevices", js.Undefined(), ac.Get("signal"))

	// Wait until the emulator holds the request (logged, no status yet).
	for i := 0; ; i++ {
		if log := requestLog(t); len(log) == 1 && log[0].Status == 0 {
			break
		}
		if i == 1000 {
			t.Fatal("the request never reached the emulator")
		}
	}
	ac.Call("abort")
	_, reason, rejected := settle(p)
	mustReject(t, reason, rejected, auth.NameAbort, "The operation was aborted.")
	if log := requestLog(t); len(log) != 1 {
		t.Errorf("log = %+v, want the one aborted request (no retry)", log)
	}
}

func TestAbortedBeforeTheCall(t *testing.T) {
	h := signedIn(t, emulator.DemoUsername)
	_, reason, rejected := h.call("fetchDevices", js.Undefined(), eval("AbortSignal.abort()"))
	mustReject(t, reason, rejected, auth.NameAbort, "")
	if log := requestLog(t); len(log) != 0 {
		t.Errorf("requests sent: %+v", log)
	}
	if calls := h.calls(); len(calls) != 0 {
		t.Errorf("getToken called %d times", len(calls))
	}
}

func TestRetriedServerError(t *testing.T) {
	h := signedIn(t, emulator.DemoUsername)
	addFault(t, authtest.Fault{Target: "ListDevices", Status: 500, ErrorType: emulator.ErrInternal, Message: "boom", Times: 1})
	res := h.mustCall(t, "listDevices", js.Undefined())
	if n := res.Get("devices").Length(); n != len(demoUser(t, emulator.DemoUsername).Devices) {
		t.Errorf("%d devices", n)
	}
	if log := requestLog(t); len(log) != 2 || log[0].Status != 500 || log[1].Status != 200 {
		t.Errorf("log = %+v, want a 500 then a 200", log)
	}
}

func TestNetworkError(t *testing.T) {
	h := newHost(t)
	h.configure(t, js.ValueOf(map[string]any{
		"userPoolId": emulator.DemoPoolID, "userPoolClientId": emulator.DemoClientID, "userPoolEndpoint": "http://127.0.0.1:1/",
	}))
	h.staticToken("abc.def.ghi")
	_, reason, rejected := h.call("listDevices", js.Undefined())
	reason = mustReject(t, reason, rejected, auth.NameNetwork, "A network error has occurred.")
	if u := reason.Get("underlyingError"); u.Get("name").String() != "TypeError" || u.Get("message").String() == "" {
		t.Errorf("underlyingError = %s, want fetch's TypeError", stringify(u))
	}
	if hasOwn(reason, "metadata") {
		t.Errorf("metadata on an error without a response: %s", stringify(reason))
	}
}

func TestPanicRejectsAndTheRuntimeKeepsServing(t *testing.T) {
	h := signedIn(t, emulator.DemoUsername)
	exports["panicForTest"] = func(*auth.Client, js.Value) (jsbridge.Func, error) {
		return func(context.Context) (js.Value, error) { panic("something broke") }, nil
	}
	defer delete(exports, "panicForTest")
	_, reason, rejected := h.call("panicForTest", js.Undefined())
	reason = mustReject(t, reason, rejected, auth.NameUnknown, "An unknown error has occurred.")
	if !strings.Contains(reason.Get("underlyingError").Get("message").String(), "something broke") {
		t.Errorf("underlyingError = %s", stringify(reason.Get("underlyingError")))
	}
	h.mustCall(t, "listDevices", js.Undefined())
}

// fakeSignalJS is an AbortSignal look-alike that counts its listeners.
const fakeSignalJS = `(() => {
  const s = { aborted: false, added: 0, removed: 0, live: new Set() };
  s.addEventListener = (type, fn) => { s.added++; s.live.add(fn); };
  s.removeEventListener = (type, fn) => { if (s.live.delete(fn)) s.removed++; };
  return s;
})()`

func TestCallsLeaveNoListeners(t *testing.T) {
	h := newHost(t)
	h.configureEmulator(t) // getToken resolves null: the whole path, no request
	signal := eval(fakeSignalJS)
	const calls = 1000
	for i := 0; i < calls; i++ {
		_, reason, rejected := h.call("fetchDevices", js.Undefined(), signal)
		if !rejected || reason.Get("name").String() != auth.NameUnauthenticated {
			t.Fatalf("call %d: %s", i, stringify(reason))
		}
	}
	if added, removed := signal.Get("added").Int(), signal.Get("removed").Int(); added != calls || removed != calls {
		t.Errorf("abort listeners added %d, removed %d; want %d each", added, removed, calls)
	}
}
