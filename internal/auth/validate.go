package auth

import (
	"context"
	"fmt"
	"math"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go/middleware"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// The one validation path: every SDK operation of a Client runs through
// checkInput, first in its middleware stack, so what is checked against the
// model is the SDK input the operation then serializes and sends. Nothing
// is sent, and no token is asked for, until the input is valid.

// addCheckInput puts checkInput at the front of an operation's stack:
// ahead of the SDK's own required-member check, which needs the token that
// checkInput puts in.
func (c *Client) addCheckInput(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("cognito-wasm.CheckInput", c.checkInput), middleware.Before)
}

func (c *Client) checkInput(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	if e := c.prepareInput(ctx, middleware.GetOperationName(ctx), in.Parameters); e != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, e
	}
	return next.HandleInitialize(ctx, in)
}

// prepareInput validates the input of op against the model (without its
// access token), then asks for the token, validates it without ever
// echoing it, and writes it into the input.
func (c *Client) prepareInput(ctx context.Context, op string, params any) *Error {
	members, token, err := inputMembers(params)
	if err != nil {
		return Unknown(err)
	}
	if e := validate(op, members, ""); e != nil {
		return e
	}
	if token == nil {
		return nil
	}
	t, e := c.accessToken(ctx)
	if e != nil {
		return e
	}
	if e := validate(op, members, t); e != nil {
		return redact(e, t)
	}
	*token = &t
	return nil
}

// inputMembers is an SDK input as the model's members (AccessToken left
// out) and where its AccessToken goes (nil for an input without one). One
// case per operation this package sends; inputs_test.go checks each case
// against the SDK struct and the model.
func inputMembers(params any) (map[string]any, **string, error) {
	m := map[string]any{}
	switch in := params.(type) {
	case *cip.ListWebAuthnCredentialsInput:
		putInt(m, "MaxResults", in.MaxResults)
		putString(m, "NextToken", in.NextToken)
		return m, &in.AccessToken, nil
	case *cip.DeleteWebAuthnCredentialInput:
		putString(m, "CredentialId", in.CredentialId)
		return m, &in.AccessToken, nil
	case *cip.StartWebAuthnRegistrationInput:
		return m, &in.AccessToken, nil
	case *cip.CompleteWebAuthnRegistrationInput:
		if in.Credential != nil {
			m["Credential"] = in.Credential // a document: the model only requires it
		}
		return m, &in.AccessToken, nil
	case *cip.ListDevicesInput:
		putInt(m, "Limit", in.Limit)
		putString(m, "PaginationToken", in.PaginationToken)
		return m, &in.AccessToken, nil
	case *cip.ForgetDeviceInput:
		putString(m, "DeviceKey", in.DeviceKey)
		return m, &in.AccessToken, nil
	case *cip.UpdateDeviceStatusInput:
		putString(m, "DeviceKey", in.DeviceKey)
		if in.DeviceRememberedStatus != "" {
			m["DeviceRememberedStatus"] = string(in.DeviceRememberedStatus)
		}
		return m, &in.AccessToken, nil
	case *cip.GetTokensFromRefreshTokenInput: // Amplify's session refresh (refresh_session.go)
		putString(m, "RefreshToken", in.RefreshToken)
		putString(m, "ClientId", in.ClientId)
		putString(m, "DeviceKey", in.DeviceKey)
		return m, nil, nil
	}
	return nil, nil, fmt.Errorf("auth: %T has no case in inputMembers, so it cannot be validated", params)
}

func putString(m map[string]any, name string, v *string) {
	if v != nil {
		m[name] = *v
	}
}

func putInt(m map[string]any, name string, v *int32) {
	if v != nil {
		m[name] = int64(*v)
	}
}

// validate checks members against op's input shape. Without the token
// (token == ""), violations of AccessToken are not reported; with it, only
// they are, as the rest has been checked already.
func validate(op string, members map[string]any, token string) *Error {
	body := members
	if token != "" {
		body = make(map[string]any, len(members)+1)
		for k, v := range members {
			body[k] = v
		}
		body["AccessToken"] = token
	}
	vs, err := model.ValidateInput(op, body)
	if err != nil {
		// The SDK's Go types make a value of the wrong kind impossible here.
		return Unknown(err)
	}
	kept := vs[:0]
	for _, v := range vs {
		if (v.Member == "AccessToken") == (token != "") {
			kept = append(kept, v)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return InvalidParameter("%s", violationsMessage(kept, publicNames))
}

// publicNames maps request members to the parameter names users pass.
var publicNames = map[string]string{
	"MaxResults":      "pageSize",
	"Limit":           "pageSize",
	"NextToken":       "nextToken",
	"PaginationToken": "nextToken",
	"CredentialId":    "credentialId",
	"DeviceKey":       "device.id",
	"AccessToken":     "access token",
}

// int32Member converts a public integer parameter for a member of op's
// input. A value beyond 32 bits does not fit the SDK's input, so it is
// rejected here, in the words of the member's range in the model.
func int32Member(op, member string, v *int) (*int32, error) {
	if v == nil {
		return nil, nil
	}
	if *v < math.MinInt32 || *v > math.MaxInt32 {
		name := publicNames[member]
		if o := model.LookupOperation(op); o != nil {
			if m := model.LookupShape(o.Input).Member(member); m != nil {
				if s := model.LookupShape(m.Target); s != nil && s.Min != nil && s.Max != nil {
					return nil, InvalidParameter("%s must be an integer from %d to %d.", name, *s.Min, *s.Max)
				}
			}
		}
		return nil, InvalidParameter("%s must be a 32-bit integer.", name)
	}
	n := int32(*v)
	return &n, nil
}
