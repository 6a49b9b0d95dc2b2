//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"math"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// hostSession is Amplify's stored session, read and written by the loader
// on the page's main thread (localStorage or cookies, wherever Amplify keeps
// it): host.loadSession() resolves to {username, accessToken, idToken?,
// refreshToken?, clockDrift?, deviceKey?} or null; host.storeSession(s)
// writes refreshed tokens back in Amplify's format.
type hostSession struct{ host js.Value }

func (h hostSession) LoadSession(ctx context.Context) (*auth.Session, error) {
	v, err := callHost(ctx, h.host, "loadSession")
	if err != nil || v.Type() != js.TypeObject {
		return nil, err // undefined or null: no session
	}
	in, err := jsbridge.InputObject(v)
	if err != nil {
		return nil, auth.Unknown(fmt.Errorf("host.loadSession: %w", err))
	}
	var s auth.Session
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"username", &s.Username},
		{"accessToken", &s.AccessToken},
		{"idToken", &s.IDToken},
		{"refreshToken", &s.RefreshToken},
		{"deviceKey", &s.DeviceKey},
	} {
		p, err := in.String(f.key)
		if err != nil {
			return nil, auth.Unknown(fmt.Errorf("host.loadSession: %w", err))
		}
		if p != nil {
			*f.dst = *p
		}
	}
	if d := v.Get("clockDrift"); d.Type() == js.TypeNumber && !math.IsNaN(d.Float()) && !math.IsInf(d.Float(), 0) {
		s.ClockDrift = int64(d.Float())
	}
	return &s, nil
}

func (h hostSession) StoreSession(ctx context.Context, s auth.Session) error {
	v := jsbridge.Object(
		"username", s.Username,
		"accessToken", s.AccessToken,
		"refreshToken", s.RefreshToken,
		"clockDrift", float64(s.ClockDrift),
	)
	if s.IDToken != "" {
		v.Set("idToken", s.IDToken)
	}
	_, err := callHost(ctx, h.host, "storeSession", v)
	return err
}
