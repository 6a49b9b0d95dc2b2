//go:build js && wasm

package main

import (
	"context"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// forgetDevice({device?: {id}}) → undefined. Without device.id it forgets
// the current device (host.getDeviceKey) and clears its metadata.
func forgetDevice(c *auth.Client, input js.Value) (jsbridge.Func, error) {
	obj, err := jsbridge.InputObject(input)
	if err != nil {
		return nil, err
	}
	device, err := obj.Object("device")
	if err != nil {
		return nil, err
	}
	var in auth.ForgetDeviceInput
	if in.DeviceID, err = device.String("id"); err != nil {
		return nil, err
	}
	return func(ctx context.Context) (js.Value, error) {
		return js.Undefined(), c.ForgetDevice(ctx, in)
	}, nil
}
