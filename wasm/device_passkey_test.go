//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"syscall/js"
	"testing"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator/webauthntest"
)

// platformHost is the loader's host with the page-side pieces the device
// and passkey calls use: Amplify's device metadata and the WebAuthn
// ceremony (here a software authenticator, or a scripted failure).
type platformHost struct {
	*testHost

	mu        sync.Mutex
	deviceKey string // "" resolves null
	cleared   int
	create    func(options, signal js.Value) js.Value // createCredential's promise
	signals   []js.Value                              // the signal each createCredential got
	started   chan struct{}                           // one value per createCredential call
}

func newPlatformHost(t *testing.T, username string) *platformHost {
	t.Helper()
	resetEmulator(t)
	p := &platformHost{testHost: &testHost{token: func(bool) js.Value { return js.Null() }}, started: make(chan struct{}, 16)}
	promise := jsGlobal.Get("Promise")
	funcs := map[string]js.Func{
		"register": js.FuncOf(func(_ js.Value, args []js.Value) any { p.api = args[0]; return nil }),
		"getToken": js.FuncOf(func(_ js.Value, args []js.Value) any {
			p.testHost.mu.Lock()
			defer p.testHost.mu.Unlock()
			p.tokenCalls = append(p.tokenCalls, args[0].Bool())
			return promise.Call("resolve", p.token(args[0].Bool()))
		}),
		"getDeviceKey": js.FuncOf(func(js.Value, []js.Value) any {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.deviceKey == "" {
				return promise.Call("resolve", js.Null())
			}
			return promise.Call("resolve", p.deviceKey)
		}),
		"loadSession":  js.FuncOf(func(js.Value, []js.Value) any { return promise.Call("resolve", js.Null()) }),
		"storeSession": js.FuncOf(func(js.Value, []js.Value) any { return promise.Call("resolve") }),
		"clearDeviceMetadata": js.FuncOf(func(js.Value, []js.Value) any {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.cleared++
			p.deviceKey = ""
			return promise.Call("resolve")
		}),
		"createCredential": js.FuncOf(func(_ js.Value, args []js.Value) any {
			p.mu.Lock()
			p.signals = append(p.signals, args[1])
			create := p.create
			p.mu.Unlock()
			p.started <- struct{}{}
			return create(args[0], args[1])
		}),
	}
	obj := map[string]any{}
	for name, f := range funcs {
		obj[name] = f
	}
	t.Cleanup(func() {
		for _, f := range funcs {
			f.Release()
		}
	})
	hostSeq++
	key := fmt.Sprintf("__cognitoWasmPlatformHost_%d", hostSeq)
	jsGlobal.Set(key, obj)
	if err := start([]string{"cognito-wasm", key}, jsGlobal); err != nil {
		t.Fatal(err)
	}
	p.configureEmulator(t)
	p.staticToken(signIn(t, username).AccessToken)
	return p
}

// authenticate makes createCredential run a software authenticator on a
// page at http://localhost:5173, as navigator.credentials.create and
// toJSON() would.
func (p *platformHost) authenticate(t *testing.T, a *webauthntest.Authenticator) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.create = func(options, _ js.Value) js.Value {
		cred, err := a.Register([]byte(jsJSON.Call("stringify", options).String()), webauthntest.Ceremony{Origin: "http://localhost:5173"})
		if err != nil {
			return eval(`Promise.reject(Object.assign(new Error(` + fmt.Sprintf("%q", err.Error()) + `), {name: "InvalidStateError"}))`)
		}
		return jsGlobal.Get("Promise").Call("resolve", jsJSON.Call("parse", string(cred)))
	}
}

func (p *platformHost) credentialIDs(t *testing.T) []string {
	t.Helper()
	creds := p.mustCall(t, "listWebAuthnCredentials", js.Undefined()).Get("credentials")
	var ids []string
	for i := 0; i < creds.Length(); i++ {
		ids = append(ids, creds.Index(i).Get("credentialId").String())
	}
	return ids
}

func (p *platformHost) deviceIDs(t *testing.T) []string {
	t.Helper()
	devices := p.mustCall(t, "fetchDevices", js.Undefined())
	var ids []string
	for i := 0; i < devices.Length(); i++ {
		ids = append(ids, devices.Index(i).Get("id").String())
	}
	return ids
}

func TestForgetDevice(t *testing.T) {
	seed := demoUser(t, emulator.DemoUsername).Devices
	tests := []struct {
		name        string
		input       string
		current     string
		gone        string
		wantCleared int
	}{
		{"the current device", `undefined`, seed[0].DeviceKey, seed[0].DeviceKey, 1},
		{"device without an id is the current one, as in Amplify", `{device: {}}`, seed[1].DeviceKey, seed[1].DeviceKey, 1},
		{"another device by id", `{device: {id: "` + seed[2].DeviceKey + `"}}`, seed[0].DeviceKey, seed[2].DeviceKey, 0},
		{"by id with no current device", `{device: {id: "` + seed[3].DeviceKey + `"}}`, "", seed[3].DeviceKey, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPlatformHost(t, emulator.DemoUsername)
			p.deviceKey = tt.current
			if v := p.mustCall(t, "forgetDevice", eval(tt.input)); !v.IsUndefined() {
				t.Errorf("resolved with %s, want undefined", stringify(v))
			}
			if p.cleared != tt.wantCleared {
				t.Errorf("device metadata cleared %d times, want %d", p.cleared, tt.wantCleared)
			}
			ids := p.deviceIDs(t)
			if slices.Contains(ids, tt.gone) || len(ids) != len(seed)-1 {
				t.Errorf("devices after forgetting %s: %v", tt.gone, ids)
			}
		})
	}
}

func TestRememberDevice(t *testing.T) {
	p := newPlatformHost(t, emulator.DemoUsername)
	p.deviceKey = demoUser(t, emulator.DemoUsername).Devices[4].DeviceKey
	if err := control.ClearRequests(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := p.mustCall(t, "rememberDevice", js.Undefined()); !v.IsUndefined() {
		t.Errorf("resolved with %s", stringify(v))
	}
	if log := requestLog(t); len(log) != 1 || log[0].Target != "UpdateDeviceStatus" || log[0].Status != 200 {
		t.Errorf("log = %+v, want one UpdateDeviceStatus", log)
	}
}

func TestDeviceErrors(t *testing.T) {
	p := newPlatformHost(t, emulator.DemoUsername)
	for _, m := range []string{"forgetDevice", "rememberDevice"} {
		_, reason, rejected := p.call(m, js.Undefined())
		reason = mustReject(t, reason, rejected, auth.NameDeviceMetadataNotFound,
			"Either deviceKey, deviceGroupKey or secretPassword were not found during the sign-in process.")
		if got := reason.Get("recoverySuggestion").String(); got != "Make sure to not clear storage after calling the signIn API." {
			t.Errorf("%s: recoverySuggestion %q", m, got)
		}
	}
	for _, tt := range []struct{ input, msg string }{
		{`{device: 5}`, "device must be an object (got number)."},
		{`{device: {id: 5}}`, "device.id must be a string (got number)."},
		{`{device: {id: ""}}`, "device.id must have length greater than or equal to 1"},
		{`{device: {id: "nope"}}`, `device.id must satisfy regular expression pattern: ^[\w-]+_[0-9a-f-]+$ (got "nope").`},
	} {
		_, reason, rejected := p.call("forgetDevice", eval(tt.input))
		mustReject(t, reason, rejected, auth.NameInvalidParameter, tt.msg)
	}
	if log := requestLog(t); len(log) != 0 {
		t.Errorf("requests sent: %+v", log)
	}
}

func TestAssociateWebAuthnCredential(t *testing.T) {
	p := newPlatformHost(t, emulator.DemoUsername)
	a := &webauthntest.Authenticator{}
	p.authenticate(t, a)
	before := p.credentialIDs(t)
	signal := jsGlobal.Get("AbortController").New().Get("signal")
	_, reason, rejected := p.call("associateWebAuthnCredential", js.Undefined(), signal)
	if rejected {
		t.Fatalf("rejected: %s", stringify(reason))
	}
	if len(p.signals) != 1 || !p.signals[0].Equal(signal) {
		t.Errorf("createCredential got signals %v, want the call's own", p.signals)
	}
	after := p.credentialIDs(t)
	if len(after) != len(before)+1 || !slices.Equal(after[:len(before)], before) {
		t.Errorf("credentials %v after associating, before %v", after, before)
	}

	// The same authenticator again: the browser says InvalidStateError.
	_, reason, rejected = p.call("associateWebAuthnCredential", js.Undefined())
	reason = mustReject(t, reason, rejected, auth.NamePasskeyAlreadyExists, "Passkey already exists in authenticator.")
	if u := reason.Get("underlyingError"); u.Get("name").String() != "InvalidStateError" {
		t.Errorf("underlyingError = %s", stringify(u))
	}
	if got := p.credentialIDs(t); len(got) != len(after) {
		t.Errorf("%d credentials after a failed association, want %d", len(got), len(after))
	}
}

func TestAssociateWebAuthnCredentialFailures(t *testing.T) {
	p := newPlatformHost(t, emulator.DemoUsername)
	for _, tt := range []struct{ rejection, name, msg, recovery string }{
		{`{name: "NotAllowedError", message: "The operation either timed out or was not allowed."}`,
			auth.NamePasskeyRegistrationCanceled, "Passkey registration ceremony has been canceled.",
			"User may have canceled the ceremony or another interruption has occurred. Check underlying error for details."},
		{`{name: "SecurityError", message: "This is an invalid domain."}`,
			auth.NameRelyingPartyMismatch, "Relying party does not match current domain.", "Ensure relying party identifier matches current domain."},
		{`{name: "PasskeyNotSupported", message: "Passkeys are not supported in this browser or context."}`,
			auth.NamePasskeyNotSupported, "Passkeys may not be supported on this device.",
			"Passkeys may not be supported on this device. Ensure your application is running in a secure context (HTTPS) and Web Authentication API is supported."},
		{`{name: "UnknownError", message: "The authenticator broke."}`, auth.NamePasskeyUnknown, "An unknown error has occurred.", ""},
		// Polyfills and extensions throw DOMExceptions without a message:
		// Amplify maps them by name all the same.
		{`new DOMException("", "NotAllowedError")`, auth.NamePasskeyRegistrationCanceled, "Passkey registration ceremony has been canceled.",
			"User may have canceled the ceremony or another interruption has occurred. Check underlying error for details."},
		{`Object.assign(new Error(), {name: "InvalidStateError"})`, auth.NamePasskeyAlreadyExists, "Passkey already exists in authenticator.",
			"Proceed with existing passkey or try again after deleting the credential."},
		{`{name: "AbortError", message: ""}`, auth.NamePasskeyOperationAborted, "Passkey operation has been aborted.",
			"User may have canceled the ceremony or another interruption has occurred. Check underlying error for details."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p.mu.Lock()
			p.create = func(js.Value, js.Value) js.Value { return eval(`Promise.reject(` + tt.rejection + `)`) }
			p.mu.Unlock()
			_, reason, rejected := p.call("associateWebAuthnCredential", js.Undefined())
			reason = mustReject(t, reason, rejected, tt.name, tt.msg)
			if got := reason.Get("recoverySuggestion"); tt.recovery == "" && !got.IsUndefined() || tt.recovery != "" && got.String() != tt.recovery {
				t.Errorf("recoverySuggestion = %s", stringify(got))
			}
		})
	}

	t.Run("aborted during the ceremony", func(t *testing.T) {
		// As the loader does: the ceremony ends when the call's signal fires.
		p.mu.Lock()
		p.create = func(_, signal js.Value) js.Value {
			return eval(`(signal) => new Promise((_, reject) => signal.addEventListener("abort",
				() => reject(Object.assign(new Error("signal is aborted without reason"), {name: "AbortError"}))))`).Invoke(signal)
		}
		p.mu.Unlock()
		if err := control.ClearRequests(context.Background()); err != nil {
			t.Fatal(err)
		}
		ac := jsGlobal.Get("AbortController").New()
		for len(p.started) > 0 { // earlier ceremonies
			<-p.started
		}
		promise := p.api.Call("call", "associateWebAuthnCredential", js.Undefined(), ac.Get("signal"))
		<-p.started // the JS event loop runs while this goroutine waits
		ac.Call("abort")
		_, reason, rejected := settle(promise)
		mustReject(t, reason, rejected, auth.NameAbort, "The operation was aborted.")
		if log := requestLog(t); len(log) != 1 || log[0].Target != "StartWebAuthnRegistration" {
			t.Errorf("log = %+v, want only the start", log)
		}
	})
}
