package auth

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
)

// ListDevicesInput is {pageSize?, nextToken?}.
type ListDevicesInput struct {
	PageSize  *int // Limit, 0..60
	NextToken *string
}

// ListDevicesOutput is {devices, nextToken?}.
type ListDevicesOutput struct {
	Devices   []Device // never nil
	NextToken *string  // nil at the last page
}

// Device is Amplify's AWSAuthDevice.
type Device struct {
	ID                    string            // DeviceKey, "" when Cognito sent none
	Name                  *string           // the device_name attribute
	Attributes            map[string]string // non-empty name/value pairs; never nil
	CreateDate            *time.Time
	LastAuthenticatedDate *time.Time
	LastModifiedDate      *time.Time
}

// fetchDevicesLimit is what Amplify's fetchDevices asks for: one page of up
// to 60, no paging.
const fetchDevicesLimit = 60

// ListDevices lists the signed-in user's remembered/tracked devices.
func (c *Client) ListDevices(ctx context.Context, in ListDevicesInput) (*ListDevicesOutput, error) {
	limit, err := int32Member("ListDevices", "Limit", in.PageSize)
	if err != nil {
		return nil, err
	}
	out, err := call(ctx, c, c.api.ListDevices, &cip.ListDevicesInput{Limit: limit, PaginationToken: in.NextToken})
	if err != nil {
		return nil, err
	}
	return &ListDevicesOutput{Devices: mapDevices(out.Devices), NextToken: nonEmpty(out.PaginationToken)}, nil
}

// FetchDevices is Amplify's fetchDevices(): the first page of up to 60.
func (c *Client) FetchDevices(ctx context.Context) ([]Device, error) {
	limit := fetchDevicesLimit
	out, err := c.ListDevices(ctx, ListDevicesInput{PageSize: &limit})
	if err != nil {
		return nil, err
	}
	return out.Devices, nil
}

// mapDevices is Amplify's parseDevicesResponse.
func mapDevices(in []types.DeviceType) []Device {
	out := make([]Device, len(in))
	for i, d := range in {
		dev := Device{
			ID:                    aws.ToString(d.DeviceKey),
			Attributes:            map[string]string{},
			CreateDate:            d.DeviceCreateDate,
			LastAuthenticatedDate: d.DeviceLastAuthenticatedDate,
			LastModifiedDate:      d.DeviceLastModifiedDate,
		}
		for _, a := range d.DeviceAttributes {
			name, value := aws.ToString(a.Name), aws.ToString(a.Value)
			if name == "" || value == "" {
				continue
			}
			dev.Attributes[name] = value
			if name == "device_name" {
				dev.Name = &value
			}
		}
		out[i] = dev
	}
	return out
}
