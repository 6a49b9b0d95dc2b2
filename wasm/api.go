//go:build js && wasm

package main

import (
	"context"
	"errors"
	"sync/atomic"
	"syscall/js"

	"github.com/hack-pad/safejs"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// export decodes one call's JS input (synchronously, at call time) into
// the work that runs the operation and builds its JS result.
type export func(c *auth.Client, input js.Value) (jsbridge.Func, error)

// exports are the API's methods, by their public (Amplify) names.
var exports = map[string]export{
	"listWebAuthnCredentials":     listWebAuthnCredentials,
	"deleteWebAuthnCredential":    deleteWebAuthnCredential,
	"listDevices":                 listDevices,
	"fetchDevices":                fetchDevices,
	"forgetDevice":                forgetDevice,
	"rememberDevice":              rememberDevice,
	"associateWebAuthnCredential": associateWebAuthnCredential,
}

// api is what host.register receives.
type api struct {
	host   js.Value
	http   auth.HTTPClient
	client atomic.Pointer[auth.Client] // nil until configure succeeds
	warm   warmUp
}

func newAPI(host js.Value, httpClient auth.HTTPClient) *api {
	return &api{host: host, http: httpClient, warm: warmUp{plan: warmUpPlan}}
}

// object builds {configure, call}. Their js.Funcs live as long as the
// runtime, so they are never released.
func (a *api) object() js.Value {
	return jsbridge.Object(
		"configure", js.FuncOf(func(_ js.Value, args []js.Value) any { return a.configure(arg(args, 0)) }),
		"call", js.FuncOf(func(_ js.Value, args []js.Value) any { return a.call(arg(args, 0), arg(args, 1), arg(args, 2)) }),
	)
}

// configure(cfg) → Promise<void>. The new client is in place when
// configure returns, so calls made after it use it. A failed configure
// leaves the module unconfigured rather than talking to the old pool.
func (a *api) configure(cfg js.Value) js.Value {
	return jsbridge.Call(js.Undefined(), func() (jsbridge.Func, error) {
		a.client.Store(nil)
		c, err := a.newClient(cfg)
		if err != nil {
			return nil, err
		}
		a.client.Store(c)
		return func(context.Context) (js.Value, error) { return js.Undefined(), nil }, nil
	})
}

func (a *api) newClient(cfg js.Value) (*auth.Client, error) {
	in, err := jsbridge.InputObject(cfg)
	if err != nil {
		return nil, err
	}
	var conf auth.Config
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"userPoolId", &conf.UserPoolID},
		{"userPoolClientId", &conf.ClientID},
		{"userPoolEndpoint", &conf.Endpoint},
	} {
		v, err := in.String(f.key)
		if err != nil {
			return nil, err
		}
		if v != nil {
			*f.dst = *v
		}
	}
	opts := []auth.Option{auth.WithDeviceStore(hostDevices{a.host}), auth.WithCredentialCreator(hostCredentials{a.host})}
	if amplifySession(cfg) {
		// No tokenProvider: Amplify's stored session, refreshed here.
		opts = append(opts, auth.WithAmplifySession(conf.ClientID, hostSession{a.host}))
	}
	return auth.New(conf, hostTokens{a.host}, a.http, opts...)
}

// amplifySession reports config.amplifySession === true: the loader got no
// tokenProvider, so the calls use Amplify's stored session.
func amplifySession(cfg js.Value) bool {
	if cfg.Type() != js.TypeObject {
		return false
	}
	v, err := safejs.Safe(cfg).Get("amplifySession")
	if err != nil {
		return false
	}
	b, err := v.Bool()
	return err == nil && b
}

// call(method, input, signal) → Promise of the method's Amplify result.
func (a *api) call(method, input, signal js.Value) js.Value {
	return jsbridge.Call(signal, func() (jsbridge.Func, error) {
		name := ""
		if method.Type() == js.TypeString {
			name = method.String()
		}
		exp, ok := exports[name]
		if !ok {
			return nil, auth.InvalidParameter("%q is not a cognito-wasm API method.", name)
		}
		c := a.client.Load()
		if c == nil {
			return nil, auth.NotConfigured()
		}
		fn, err := exp(c, input)
		if err != nil {
			return nil, err
		}
		// The work may hand the call's signal on to the host (the WebAuthn
		// ceremony is cancelled by it on the main thread).
		return func(ctx context.Context) (js.Value, error) {
			a.warm.callStarted()
			defer a.warm.callEnded()
			v, err := fn(context.WithValue(ctx, signalKey{}, signal))
			if err == nil {
				a.warm.afterResult()
			}
			return v, err
		}, nil
	})
}

// signalKey is the context key of the call's AbortSignal (a js.Value).
type signalKey struct{}

// callSignal is the AbortSignal the call was made with, or undefined.
func callSignal(ctx context.Context) js.Value {
	if s, ok := ctx.Value(signalKey{}).(js.Value); ok {
		return s
	}
	return js.Undefined()
}

// hostTokens is the token source: host.getToken(forceRefresh), which the
// loader runs on the page's main thread (tokenProvider or Amplify's
// localStorage keys) and which resolves to a JWT string or null.
type hostTokens struct{ host js.Value }

func (h hostTokens) Token(ctx context.Context, forceRefresh bool) (string, error) {
	return callHostString(ctx, h.host, "getToken", forceRefresh)
}

// jsError recovers the thrown JS value behind a safejs error.
func jsError(err error) js.Value {
	var je js.Error
	if errors.As(err, &je) {
		return je.Value
	}
	return js.ValueOf(err.Error())
}

func arg(args []js.Value, i int) js.Value {
	if i < len(args) {
		return args[i]
	}
	return js.Undefined()
}
