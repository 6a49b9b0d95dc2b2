package auth

import (
	"context"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// RememberDevice marks the current device as remembered
// (UpdateDeviceStatus), as Amplify's rememberDevice() does.
func (c *Client) RememberDevice(ctx context.Context) error {
	if ctx.Err() != nil {
		return fromContext(ctx)
	}
	key, err := c.currentDevice(ctx)
	if err != nil {
		return err
	}
	if key == "" {
		return c.noCurrentDevice(ctx)
	}
	const status = types.DeviceRememberedStatusTypeRemembered
	body := map[string]any{"DeviceKey": key, "DeviceRememberedStatus": string(status)}
	return c.call(ctx, "UpdateDeviceStatus", body, func(ctx context.Context, token string) error {
		_, err := c.api.UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{
			AccessToken: &token, DeviceKey: &key, DeviceRememberedStatus: status,
		})
		return err
	})
}
