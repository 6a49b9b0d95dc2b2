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
		res := jsbridge.Object("devices", devicesValue(out.Devices))
		if out.NextToken != nil {
			res.Set("nextToken", *out.NextToken)
		}
		return res, nil
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

func devicesValue(devices []auth.Device) js.Value {
	vs := make([]js.Value, len(devices))
	for i, d := range devices {
		v := jsbridge.Object("id", d.ID, "attributes", jsbridge.Record(d.Attributes))
		for _, date := range []struct {
			key string
			t   *time.Time
		}{
			{"createDate", d.CreateDate},
			{"lastAuthenticatedDate", d.LastAuthenticatedDate},
			{"lastModifiedDate", d.LastModifiedDate},
		} {
			if date.t != nil {
				v.Set(date.key, jsbridge.Date(*date.t))
			}
		}
		if d.Name != nil {
			v.Set("name", *d.Name)
		}
		vs[i] = v
	}
	return jsbridge.Array(vs)
}
