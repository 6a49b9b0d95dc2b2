//go:build js && wasm

package main

import (
	"context"
	"syscall/js"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// listDevices({pageSize?, nextToken?}) → {devices: AWSAuthDevice[], nextToken?}.
func listDevices(c *auth.Client, input js.Value) (jsbridge.Func, error) {
	obj, err := jsbridge.InputObject(input)
	if err != nil {
		return nil, err
	}
	var in auth.ListDevicesInput
	if in.PageSize, err = obj.Int("pageSize"); err != nil {
		return nil, err
	}
	if in.NextToken, err = obj.String("nextToken"); err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		out, err := c.ListDevices(ctx, in)
		if err != nil {
			return js.Undefined(), err
		}
		// nextToken is always a key, undefined on the last page, as in
		// Amplify's listWebAuthnCredentials.
		return jsbridge.Object("devices", devicesValue(out.Devices), "nextToken", optional(out.NextToken)), nil
	}, nil
}

// fetchDevices() → AWSAuthDevice[]: Amplify's first page of up to 60.
func fetchDevices(c *auth.Client, _ js.Value) (jsbridge.Func, error) {
	return func(ctx context.Context) (js.Value, error) {
		devices, err := c.FetchDevices(ctx)
		if err != nil {
			return js.Undefined(), err
		}
		return devicesValue(devices), nil
	}, nil
}

// devicesValue builds Amplify's AWSAuthDevice objects: every key of
// Amplify's parseDevicesResponse, in its order, undefined where Cognito sent
// nothing.
func devicesValue(devices []auth.Device) js.Value {
	vs := make([]js.Value, len(devices))
	for i, d := range devices {
		vs[i] = jsbridge.Object(
			"id", d.ID,
			"name", optional(d.Name),
			"attributes", jsbridge.Record(d.Attributes),
			"createDate", optionalDate(d.CreateDate),
			"lastModifiedDate", optionalDate(d.LastModifiedDate),
			"lastAuthenticatedDate", optionalDate(d.LastAuthenticatedDate),
		)
	}
	return jsbridge.Array(vs)
}

// optional is *s as a JS string, or undefined: Amplify keeps the key.
func optional(s *string) js.Value {
	if s == nil {
		return js.Undefined()
	}
	return js.ValueOf(*s)
}

// optionalDate is *t as a JS Date, or undefined.
func optionalDate(t *time.Time) js.Value {
	if t == nil {
		return js.Undefined()
	}
	return jsbridge.Date(*t)
}
