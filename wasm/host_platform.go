//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/hack-pad/safejs"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// What the device and passkey operations need from the page, through the
// loader's host (which runs it on the main thread, also in Worker mode).

// hostDevices is Amplify's device metadata: host.getDeviceKey() resolves to
// the current device's key or null, host.clearDeviceMetadata() removes it.
type hostDevices struct{ host js.Value }

func (h hostDevices) DeviceKey(ctx context.Context) (string, error) {
	return callHostString(ctx, h.host, "getDeviceKey") // "": no current device
}

func (h hostDevices) ClearDeviceMetadata(ctx context.Context) error {
	_, err := callHost(ctx, h.host, "clearDeviceMetadata")
	return err
}

// hostCredentials runs the WebAuthn ceremony: host.createCredential(options,
// signal) resolves to the credential's toJSON() form. The call's own signal
// goes along, so aborting the call also ends the browser's ceremony.
type hostCredentials struct{ host js.Value }

func (h hostCredentials) CreateCredential(ctx context.Context, options []byte) ([]byte, error) {
	jsJSON := js.Global().Get("JSON")
	opts, err := safejs.Safe(jsJSON).Call("parse", string(options))
	if err != nil {
		return nil, auth.Unknown(fmt.Errorf("credential creation options: %w", err))
	}
	p, err := safejs.Safe(h.host).Call("createCredential", safejs.Unsafe(opts), callSignal(ctx))
	if err != nil {
		return nil, jsbridge.FromJSError(jsError(err))
	}
	v, reason, rejected, err := jsbridge.Settle(ctx, safejs.Unsafe(p))
	if err != nil {
		return nil, err
	}
	if rejected {
		return nil, ceremonyError(reason)
	}
	text, err := safejs.Safe(jsJSON).Call("stringify", v)
	if err != nil || text.Type() != safejs.TypeString {
		return nil, &auth.Error{Name: auth.NamePasskeyRegistrationFailed, Message: "the credential has no JSON form"}
	}
	s, _ := text.String()
	return []byte(s), nil
}

// ceremonyError keeps the name of what the ceremony threw (a DOMException
// such as NotAllowedError) even when its message is empty, as polyfills and
// extensions leave it: Amplify maps passkey errors by name alone.
func ceremonyError(reason js.Value) error {
	prop := func(key string) string {
		v, err := safejs.Safe(reason).Get(key)
		if err != nil || v.Type() != safejs.TypeString {
			return ""
		}
		s, _ := v.String()
		return s
	}
	if reason.Type() == js.TypeObject {
		if name := prop("name"); name != "" {
			return &auth.Error{Name: name, Message: prop("message")}
		}
	}
	return jsbridge.FromJSError(reason)
}

// callHost calls host[method](args...) and waits for its promise (or plain
// value). start has checked that the host has every method (hostMethods).
func callHost(ctx context.Context, host js.Value, method string, args ...any) (js.Value, error) {
	p, err := safejs.Safe(host).Call(method, args...)
	if err != nil {
		return js.Undefined(), jsbridge.FromJSError(jsError(err))
	}
	return jsbridge.Await(ctx, safejs.Unsafe(p))
}

// callHostString is callHost for a method that resolves to a string or
// null (then "").
func callHostString(ctx context.Context, host js.Value, method string, args ...any) (string, error) {
	v, err := callHost(ctx, host, method, args...)
	if err != nil {
		return "", err
	}
	switch v.Type() {
	case js.TypeString:
		return v.String(), nil
	case js.TypeNull, js.TypeUndefined:
		return "", nil
	}
	return "", auth.Unknown(fmt.Errorf("host.%s resolved to a %s, not a string or null", method, v.Type()))
}
