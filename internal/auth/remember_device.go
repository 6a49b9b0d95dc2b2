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
	_, err = call(ctx, c, c.api.UpdateDeviceStatus, &cip.UpdateDeviceStatusInput{
		DeviceKey:              &key,
		DeviceRememberedStatus: types.DeviceRememberedStatusTypeRemembered,
	})
	return err
}
