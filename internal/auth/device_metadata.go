package auth

import (
	"context"
	"errors"
)

// DeviceStore is where Amplify keeps the current device's metadata after a
// sign-in on a pool that tracks devices (deviceKey, deviceGroupKey and
// randomPasswordKey in its token storage). In the wasm module it is the
// loader's host.getDeviceKey and host.clearDeviceMetadata.
type DeviceStore interface {
	// DeviceKey returns the current device's key, or "" when the storage
	// lacks any of the three values (Amplify's getDeviceMetadata is null then).
	DeviceKey(ctx context.Context) (string, error)
	// ClearDeviceMetadata removes the three values.
	ClearDeviceMetadata(ctx context.Context) error
}

// WithDeviceStore sets where forgetDevice and rememberDevice find the
// current device. Without one there is no current device.
func WithDeviceStore(s DeviceStore) Option { return func(c *Client) { c.devices = s } }

// NameDeviceMetadataNotFound is Amplify's error when an API needs the
// current device and the storage has none.
const NameDeviceMetadataNotFound = "DeviceMetadataNotFoundException"

func deviceMetadataNotFound() *Error {
	return &Error{
		Name:               NameDeviceMetadataNotFound,
		Message:            "Either deviceKey, deviceGroupKey or secretPassword were not found during the sign-in process.",
		RecoverySuggestion: "Make sure to not clear storage after calling the signIn API.",
	}
}

// currentDevice is the current device's key, "" when there is none.
func (c *Client) currentDevice(ctx context.Context) (string, error) {
	if c.devices == nil {
		return "", nil
	}
	ctx, cancel := context.WithTimeoutCause(ctx, callTimeout, errTimeout)
	defer cancel()
	key, err := c.devices.DeviceKey(ctx)
	if err != nil {
		return "", hostError(ctx, err)
	}
	return key, nil
}

func (c *Client) clearDeviceMetadata(ctx context.Context) error {
	if c.devices == nil {
		return nil
	}
	ctx, cancel := context.WithTimeoutCause(ctx, callTimeout, errTimeout)
	defer cancel()
	if err := c.devices.ClearDeviceMetadata(ctx); err != nil {
		return hostError(ctx, err)
	}
	return nil
}

// noCurrentDevice is the answer of an API that needs the current device
// when there is none. Amplify checks for a session first, so a signed-out
// user hears about that rather than about the device.
func (c *Client) noCurrentDevice(ctx context.Context) error {
	if _, e := c.sessionToken(ctx, false); e != nil {
		return e
	}
	return deviceMetadataNotFound()
}

// hostError names a failure of the host (the page's storage, the WebAuthn
// ceremony): the caller's abort or our timeout first, then the host's own
// error as it came.
func hostError(ctx context.Context, err error) *Error {
	if ctx.Err() != nil {
		return fromContext(ctx)
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Unknown(err)
}
