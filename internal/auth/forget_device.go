package auth

import (
	"context"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// ForgetDeviceInput is Amplify's {device?: {id}}.
type ForgetDeviceInput struct {
	DeviceID *string // nil: the current device
}

// ForgetDevice forgets a device of the signed-in user, the current one when
// in.DeviceID is nil. As in Amplify, forgetting the current device also
// clears its metadata from the storage.
func (c *Client) ForgetDevice(ctx context.Context, in ForgetDeviceInput) error {
	if ctx.Err() != nil {
		return fromContext(ctx)
	}
	current, err := c.currentDevice(ctx)
	if err != nil {
		return err
	}
	key := current
	if in.DeviceID != nil {
		key = *in.DeviceID
	} else if current == "" {
		return c.noCurrentDevice(ctx)
	}
	if _, err := call(ctx, c, c.api.ForgetDevice, &cip.ForgetDeviceInput{DeviceKey: &key}); err != nil {
		return err
	}
	if key == current {
		return c.clearDeviceMetadata(ctx)
	}
	return nil
}
