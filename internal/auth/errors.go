package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// Error is Amplify's AuthError as data. Every failure of an operation or of
// a configuration is an *Error; the JS bridge turns it into the plain object
// the loader rethrows.
type Error struct {
	Name               string // Cognito's error code, or one of the local names below
	Message            string
	RecoverySuggestion string
	HTTPStatusCode     int    // 0 when no response was received
	RequestID          string // x-amzn-RequestId of the failed response
	Underlying         error  // the cause, for underlyingError; never holds the token
}

// Names of the errors raised on this side of the wire. Service errors keep
// Cognito's names (NotAuthorizedException, ResourceNotFoundException, ...).
const (
	NameNotConfigured    = "AuthUserPoolException"
	NameUnauthenticated  = "UserUnAuthenticatedException"
	NameNetwork          = "NetworkError"
	NameAbort            = "AbortError"
	NameTimeout          = "TimeoutError"
	NameInvalidParameter = "InvalidParameterException"
	NameUnknown          = "UnknownError"
)

func (e *Error) Error() string { return e.Name + ": " + e.Message }
func (e *Error) Unwrap() error { return e.Underlying }

// NotConfigured is the error of a call made before configure() succeeded.
func NotConfigured() *Error {
	return &Error{
		Name:               NameNotConfigured,
		Message:            "Auth UserPool not configured.",
		RecoverySuggestion: "Call configure() with Auth.Cognito.userPoolId and userPoolClientId first.",
	}
}

func configError(format string, args ...any) *Error {
	return &Error{
		Name:               NameNotConfigured,
		Message:            fmt.Sprintf(format, args...),
		RecoverySuggestion: "Check Auth.Cognito in the configuration passed to configure().",
	}
}

func unauthenticated() *Error {
	return &Error{
		Name:               NameUnauthenticated,
		Message:            "User needs to be authenticated to call this API.",
		RecoverySuggestion: "Sign in before calling this API again.",
	}
}

// InvalidParameter is an input rejected before any request was sent. The
// message names the public parameter (pageSize, nextToken, credentialId).
func InvalidParameter(format string, args ...any) *Error {
	return &Error{Name: NameInvalidParameter, Message: fmt.Sprintf(format, args...)}
}

// Unknown wraps a failure that has no better name, such as a recovered panic.
func Unknown(cause error) *Error {
	return &Error{
		Name:               NameUnknown,
		Message:            "An unknown error has occurred.",
		RecoverySuggestion: "This may be a bug in cognito-wasm; please report it with the underlying error.",
		Underlying:         cause,
	}
}

// Aborted is the error of a call whose caller gave up (AbortSignal).
func Aborted(cause error) *Error {
	return &Error{Name: NameAbort, Message: "The operation was aborted.", Underlying: cause}
}

func timedOut(cause error) *Error {
	return &Error{
		Name:               NameTimeout,
		Message:            "The operation did not complete in time.",
		RecoverySuggestion: "Check the network connection and try again.",
		Underlying:         cause,
	}
}

// fromContext names a failure caused by a finished context: the caller's own
// cancel is an abort, a deadline (ours or the caller's) a timeout.
func fromContext(ctx context.Context) *Error {
	cause := context.Cause(ctx)
	if errors.Is(cause, context.DeadlineExceeded) || errors.Is(cause, errTimeout) {
		return timedOut(cause)
	}
	return Aborted(cause)
}

// fromSDK is the one mapping from what the SDK returns to AuthError fields.
func fromSDK(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var apiErr smithy.APIError
	var sendErr *smithyhttp.RequestSendError
	switch {
	case errors.As(err, &apiErr):
		e = &Error{Name: apiErr.ErrorCode(), Message: apiErr.ErrorMessage(), Underlying: apiErr}
	case errors.As(err, &sendErr):
		// The request did not get an HTTP answer (fetch rejected with a
		// TypeError, connection refused/reset), after every retry.
		e = &Error{
			Name:               NameNetwork,
			Message:            "A network error has occurred.",
			RecoverySuggestion: "Check the network connection and the user pool endpoint, then try again.",
			Underlying:         sendErr.Err,
		}
	default:
		// An answer the SDK could not read (malformed body, ...).
		e = Unknown(err)
	}
	var awsResp *awshttp.ResponseError
	var resp *smithyhttp.ResponseError
	if errors.As(err, &awsResp) {
		e.HTTPStatusCode, e.RequestID = awsResp.HTTPStatusCode(), awsResp.ServiceRequestID()
	} else if errors.As(err, &resp) {
		e.HTTPStatusCode = resp.HTTPStatusCode()
	}
	return e
}

// violationsMessage renders model violations with public names:
// "pageSize must have value less than or equal to 20 (got 21)".
// names maps a violation's Member (or "" for a bare value) to its public name.
func violationsMessage(vs []model.Violation, names map[string]string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		name, ok := names[v.Member]
		if !ok {
			name = v.Path
		}
		switch {
		case v.Value == nil:
			parts[i] = name + " is required"
		case v.Sensitive:
			parts[i] = name + " " + constraintText(v.Constraint)
		default:
			parts[i] = fmt.Sprintf("%s %s (got %s)", name, constraintText(v.Constraint), renderValue(v.Value))
		}
	}
	return strings.Join(parts, "; ") + "."
}

// constraintText turns "Member must have ..." into "must have ...".
func constraintText(c string) string {
	if rest, ok := strings.CutPrefix(c, "Member "); ok {
		return rest
	}
	return "must satisfy: " + c
}

// renderValue shows an offending value; long strings are cut so that a
// 131072-character token does not become a 131072-character message.
func renderValue(v any) string {
	s, ok := v.(string)
	if !ok {
		return fmt.Sprint(v)
	}
	const max = 40
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		return fmt.Sprintf("%q… (%d characters)", string(r[:max]), len(r))
	}
	return fmt.Sprintf("%q", s)
}

// redact keeps the tokens of a call out of an error that is about to leave
// the package, whatever produced it (the token is sent in the body, so no
// layer should echo it, but the guarantee must not rest on that).
func redact(e *Error, tokens ...string) *Error {
	for _, token := range tokens {
		if token == "" {
			continue
		}
		if strings.Contains(e.Message, token) {
			e.Message = strings.ReplaceAll(e.Message, token, "[redacted]")
		}
		if strings.Contains(e.RecoverySuggestion, token) {
			e.RecoverySuggestion = strings.ReplaceAll(e.RecoverySuggestion, token, "[redacted]")
		}
		if e.Underlying != nil && strings.Contains(e.Underlying.Error(), token) {
			e.Underlying = errors.New(strings.ReplaceAll(e.Underlying.Error(), token, "[redacted]"))
		}
	}
	return e
}
