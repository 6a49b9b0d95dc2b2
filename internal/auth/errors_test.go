package auth

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// responseError wraps err the way the SDK's deserializers do.
func responseError(status int, requestID string, err error) error {
	return &smithy.OperationError{ServiceID: "Cognito Identity Provider", OperationName: "ListDevices",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: err},
			RequestID:     requestID,
		}}
}

func TestFromSDK(t *testing.T) {
	local := InvalidParameter("pageSize must be a number (got string).")
	tests := []struct {
		name       string
		err        error
		wantName   string
		wantMsg    string
		wantStatus int
		wantReqID  string
		underlying bool
	}{
		{
			name:     "service error keeps name, message, status and request id",
			err:      responseError(400, "req-1", &smithy.GenericAPIError{Code: "NotAuthorizedException", Message: "Invalid Access Token"}),
			wantName: "NotAuthorizedException", wantMsg: "Invalid Access Token", wantStatus: 400, wantReqID: "req-1", underlying: true,
		},
		{
			name:     "server error after retries",
			err:      fmt.Errorf("exceeded maximum number of attempts, 3, %w", responseError(500, "req-2", &smithy.GenericAPIError{Code: "InternalErrorException", Message: "An internal error occurred."})),
			wantName: "InternalErrorException", wantMsg: "An internal error occurred.", wantStatus: 500, wantReqID: "req-2", underlying: true,
		},
		{
			name:     "no answer is a network error",
			err:      &smithy.OperationError{Err: &smithyhttp.RequestSendError{Err: errors.New("fetch: TypeError: Failed to fetch")}},
			wantName: NameNetwork, wantMsg: "A network error has occurred.", underlying: true,
		},
		{
			name:     "unreadable answer is unknown, with its status",
			err:      responseError(200, "req-3", &smithy.DeserializationError{Err: errors.New("unexpected EOF")}),
			wantName: NameUnknown, wantMsg: "An unknown error has occurred.", wantStatus: 200, wantReqID: "req-3", underlying: true,
		},
		{
			name:     "an *Error passes through",
			err:      fmt.Errorf("wrapped: %w", local),
			wantName: NameInvalidParameter, wantMsg: local.Message,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := fromSDK(tt.err)
			if e.Name != tt.wantName || e.Message != tt.wantMsg || e.HTTPStatusCode != tt.wantStatus || e.RequestID != tt.wantReqID {
				t.Errorf("fromSDK = {%s %q %d %q}, want {%s %q %d %q}", e.Name, e.Message, e.HTTPStatusCode, e.RequestID,
					tt.wantName, tt.wantMsg, tt.wantStatus, tt.wantReqID)
			}
			if (e.Underlying != nil) != tt.underlying {
				t.Errorf("Underlying = %v, want present: %v", e.Underlying, tt.underlying)
			}
		})
	}
}

func TestViolationsMessage(t *testing.T) {
	long := strings.Repeat("x", 100)
	tests := []struct {
		name string
		vs   []model.Violation
		want string
	}{
		{"range", []model.Violation{{Member: "MaxResults", Value: int64(21), Constraint: "Member must have value less than or equal to 20"}},
			"pageSize must have value less than or equal to 20 (got 21)."},
		{"missing", []model.Violation{{Member: "CredentialId", Constraint: "Member must not be null"}},
			"credentialId is required."},
		{"sensitive value is never shown", []model.Violation{{Member: "AccessToken", Value: "se cret", Sensitive: true, Constraint: "Member must satisfy regular expression pattern: ^[A-Za-z0-9-_=.]+$"}},
			"access token must satisfy regular expression pattern: ^[A-Za-z0-9-_=.]+$."},
		{"long values are cut", []model.Violation{{Member: "PaginationToken", Value: long, Constraint: "Member must satisfy x"}},
			`nextToken must satisfy x (got "` + long[:40] + `"… (100 characters)).`},
		{"several", []model.Violation{
			{Member: "Limit", Value: int64(-1), Constraint: "Member must have value greater than or equal to 0"},
			{Member: "PaginationToken", Value: "", Constraint: "Member must have length greater than or equal to 1"}},
			`pageSize must have value greater than or equal to 0 (got -1); nextToken must have length greater than or equal to 1 (got "").`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := violationsMessage(tt.vs, publicNames); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	const token = "eyJhbGciOi.payload.sig"
	e := redact(&Error{Name: "X", Message: "bad " + token, Underlying: errors.New("body: {\"AccessToken\":\"" + token + "\"}")}, token)
	if strings.Contains(e.Message, token) || strings.Contains(e.Underlying.Error(), token) {
		t.Fatalf("token survived redact: %q / %q", e.Message, e.Underlying)
	}
	if !strings.Contains(e.Underlying.Error(), "[redacted]") {
		t.Errorf("underlying = %q, want the token replaced by [redacted]", e.Underlying)
	}
}
