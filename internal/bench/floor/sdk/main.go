//go:build js && wasm

// Command sdk is the benchmark's second floor: aws-sdk-go-v2's
// cognitoidentityprovider client over the project's fetch transport
// (internal/fetch), one SDK call per call, with the SDK's defaults and no
// project validation or mapping; it resolves with the number of items
// returned. The bench builds it like the shipped module (the
// internal/sdkpatch modfile, -trimpath -ldflags=-s -w).
package main

import (
	"context"
	"syscall/js"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognito-wasm/cognito-wasm/internal/bench/floor/host"
	"github.com/cognito-wasm/cognito-wasm/internal/fetch"
)

func main() {
	host.Serve(func(cfg host.Config) host.Handler {
		client := cip.New(cip.Options{Region: cfg.Region, BaseEndpoint: aws.String(cfg.Endpoint), HTTPClient: &fetch.Client{}})
		return func(ctx context.Context, req host.Request) (js.Value, error) { return call(ctx, client, req) }
	})
}

func call(ctx context.Context, client *cip.Client, req host.Request) (js.Value, error) {
	tok := aws.String(req.Token)
	n := 0
	switch req.Target {
	case "ListWebAuthnCredentials":
		out, err := client.ListWebAuthnCredentials(ctx, &cip.ListWebAuthnCredentialsInput{AccessToken: tok})
		if err != nil {
			return js.Undefined(), err
		}
		n = len(out.Credentials)
	case "ListDevices":
		out, err := client.ListDevices(ctx, &cip.ListDevicesInput{AccessToken: tok, Limit: aws.Int32(int32(req.Body["Limit"].(int)))})
		if err != nil {
			return js.Undefined(), err
		}
		n = len(out.Devices)
	case "DeleteWebAuthnCredential":
		if _, err := client.DeleteWebAuthnCredential(ctx, &cip.DeleteWebAuthnCredentialInput{
			AccessToken: tok, CredentialId: aws.String(req.Body["CredentialId"].(string)),
		}); err != nil {
			return js.Undefined(), err
		}
	}
	return js.ValueOf(map[string]any{"items": n}), nil
}
