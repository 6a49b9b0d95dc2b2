// Package authtest holds what the tests of internal/auth, internal/fetch
// and wasm share: signing in on the emulator through the SDK (never
// hand-written wire JSON) and the emulator's control endpoints. It is plain
// Go taking any HTTP client, so the same code runs natively (net/http) and
// under Node (the fetch transport).
package authtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go/logging"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// EmulatorURL is $COGNITO_EMULATOR_URL, which `make test` sets through
// `go run ./internal/emulator/withemulator`. Tests that need it fail (not
// skip) without it.
func EmulatorURL() (string, error) {
	u := strings.TrimRight(os.Getenv("COGNITO_EMULATOR_URL"), "/")
	if u == "" {
		return "", fmt.Errorf("COGNITO_EMULATOR_URL is not set: run these tests with `make test` " +
			"(or: go run ./internal/emulator/withemulator -- env GOOS=js GOARCH=wasm PATH=\"$(go env GOROOT)/lib/wasm:$PATH\" go test ./wasm/... ./internal/fetch/... ./internal/jsbridge/...)")
	}
	return u, nil
}

// Tokens is the result of a sign-in.
type Tokens struct {
	AccessToken  string
	RefreshToken string
}

// SignIn runs InitiateAuth USER_PASSWORD_AUTH through the SDK.
func SignIn(ctx context.Context, endpoint string, hc cip.HTTPClient, username, password string) (Tokens, error) {
	return initiate(ctx, endpoint, hc, types.AuthFlowTypeUserPasswordAuth,
		map[string]string{"USERNAME": username, "PASSWORD": password})
}

// Refresh runs InitiateAuth REFRESH_TOKEN_AUTH through the SDK.
func Refresh(ctx context.Context, endpoint string, hc cip.HTTPClient, refreshToken string) (string, error) {
	t, err := initiate(ctx, endpoint, hc, types.AuthFlowTypeRefreshTokenAuth,
		map[string]string{"REFRESH_TOKEN": refreshToken})
	return t.AccessToken, err
}

func initiate(ctx context.Context, endpoint string, hc cip.HTTPClient, flow types.AuthFlowType, params map[string]string) (Tokens, error) {
	api := cip.New(cip.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(endpoint),
		HTTPClient:       hc,
		RetryMaxAttempts: 1,
		Logger:           logging.Nop{},
	})
	out, err := api.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       flow,
		ClientId:       aws.String(emulator.DemoClientID),
		AuthParameters: params,
	})
	if err != nil {
		return Tokens{}, fmt.Errorf("InitiateAuth %s: %w", flow, err)
	}
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
		return Tokens{}, fmt.Errorf("InitiateAuth %s: no tokens in the answer", flow)
	}
	return Tokens{
		AccessToken:  aws.ToString(out.AuthenticationResult.AccessToken),
		RefreshToken: aws.ToString(out.AuthenticationResult.RefreshToken),
	}, nil
}

// Control drives the emulator's /_emulator/ endpoints.
type Control struct {
	URL  string // the emulator's base URL, no trailing slash
	HTTP cip.HTTPClient
}

// LogEntry is one line of GET /_emulator/requests.
type LogEntry struct {
	Target string `json:"target"`
	Status int    `json:"status"`
}

// Fault is the body of POST /_emulator/faults.
type Fault struct {
	Target    string `json:"target,omitempty"`
	Mode      string `json:"mode,omitempty"`
	Status    int    `json:"status,omitempty"`
	ErrorType string `json:"errorType,omitempty"`
	Message   string `json:"message,omitempty"`
	Times     int    `json:"times,omitempty"`
}

// Requests returns the Cognito requests the emulator received, oldest first.
func (c Control) Requests(ctx context.Context) ([]LogEntry, error) {
	var log []LogEntry
	err := c.do(ctx, http.MethodGet, "requests", nil, &log)
	return log, err
}

// Targets returns the request log as operation names.
func (c Control) Targets(ctx context.Context) ([]string, error) {
	log, err := c.Requests(ctx)
	targets := make([]string, len(log))
	for i, e := range log {
		targets[i] = e.Target
	}
	return targets, err
}

// ClearRequests empties the request log.
func (c Control) ClearRequests(ctx context.Context) error {
	return c.do(ctx, http.MethodDelete, "requests", nil, nil)
}

// AddFault queues a fault.
func (c Control) AddFault(ctx context.Context, f Fault) error {
	return c.do(ctx, http.MethodPost, "faults", f, nil)
}

// Reset reloads the seed and drops faults, the log and the clock offset.
func (c Control) Reset(ctx context.Context) error {
	return c.do(ctx, http.MethodPost, "reset", nil, nil)
}

// AdvanceClock moves the emulator's clock forward (tokens expire).
func (c Control) AdvanceClock(ctx context.Context, seconds float64) error {
	return c.do(ctx, http.MethodPost, "clock", map[string]float64{"advanceSeconds": seconds}, nil)
}

func (c Control) do(ctx context.Context, method, route string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL+"/_emulator/"+route, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("%s /_emulator/%s: %w", method, route, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s /_emulator/%s: %s: %s", method, route, resp.Status, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}
