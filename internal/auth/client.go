package auth

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// TokenSource returns the signed-in user's access token ("" when there is
// none). forceRefresh asks for a fresh token after Cognito rejected the
// current one as expired. In the wasm module this is host.getToken.
type TokenSource interface {
	Token(ctx context.Context, forceRefresh bool) (string, error)
}

// TokenFunc adapts a function to TokenSource.
type TokenFunc func(ctx context.Context, forceRefresh bool) (string, error)

// Token calls f.
func (f TokenFunc) Token(ctx context.Context, forceRefresh bool) (string, error) {
	return f(ctx, forceRefresh)
}

// HTTPClient is what the SDK sends requests with: the fetch transport in
// the wasm module, a net/http client in native tests.
type HTTPClient = cip.HTTPClient

// Client runs the user-pool operations for one configuration.
type Client struct {
	api     *cip.Client
	tokens  TokenSource
	timeout time.Duration

	devices DeviceStore       // nil: no device metadata anywhere
	creator CredentialCreator // nil: no WebAuthn on this platform
}

// Option gives a Client what some operations need from where it runs.
type Option func(*Client)

// New validates cfg and builds the SDK client directly from Options: no
// shared config files, no environment, no credentials (the operations here
// are unsigned; the access token travels in the body).
func New(cfg Config, tokens TokenSource, httpClient HTTPClient, opts ...Option) (*Client, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	if tokens == nil || httpClient == nil {
		return nil, errors.New("auth: New needs a TokenSource and an HTTPClient")
	}
	api := cip.New(cip.Options{
		Region:       r.region,
		BaseEndpoint: aws.String(r.endpoint),
		HTTPClient:   httpClient,
		Retryer:      newRetryer(),
		Logger:       logging.Nop{},
	})
	c := &Client{api: api, tokens: tokens, timeout: r.timeout}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// newRetryer is the SDK's standard retryer (3 attempts; 5xx, throttling and
// connection errors) with two browser-minded changes: Amplify's back-off
// (100 ms·2^attempt plus up to 100 ms jitter) instead of the SDK's
// 1 s·2^attempt, and no client-side retry quota, which in a long-lived page
// would silently stop all retries after a bad spell of network.
func newRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.RateLimiter = ratelimit.None
		o.Backoff = retry.BackoffDelayerFunc(func(attempt int, _ error) (time.Duration, error) {
			return 100*time.Millisecond<<attempt + rand.N(100*time.Millisecond), nil
		})
	})
}

var errTimeout = fmt.Errorf("cognito-wasm: the call took longer than its timeout: %w", context.DeadlineExceeded)

// call is the path every operation shares: validate the request it would
// send (with the public parameter names in errors) before anything else,
// get the token, run send once, and once more with a refreshed token when
// Cognito says the token expired.
func (c *Client) call(ctx context.Context, op string, body map[string]any, send func(ctx context.Context, token string) error) error {
	if e := validate(op, body, false); e != nil {
		return e
	}
	ctx, cancel := context.WithTimeoutCause(ctx, c.timeout, errTimeout)
	defer cancel()
	if ctx.Err() != nil { // aborted before it started: not even a token lookup
		return fromContext(ctx)
	}

	token, e := c.token(ctx, op, body, false)
	if e != nil {
		return e
	}
	err := send(ctx, token)
	expired := token
	if isExpired(err) && ctx.Err() == nil {
		if token, e = c.token(ctx, op, body, true); e != nil {
			if errors.Is(e, errCannotRefresh) {
				return redact(fromSDK(err), expired) // Cognito's answer stands
			}
			return redact(e, expired)
		}
		err = send(ctx, token)
	}
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return redact(fromContext(ctx), expired, token)
	}
	return redact(fromSDK(err), expired, token)
}

// token asks the source for a token and checks it against the model's
// AccessToken constraints (without ever echoing it).
func (c *Client) token(ctx context.Context, op string, body map[string]any, forceRefresh bool) (string, *Error) {
	token, e := c.sessionToken(ctx, forceRefresh)
	if e != nil {
		return "", e
	}
	withToken := maps.Clone(body)
	withToken["AccessToken"] = token
	if e := validate(op, withToken, true); e != nil {
		return "", redact(e, token)
	}
	return token, nil
}

// sessionToken asks the source for the signed-in user's token: none is
// UserUnAuthenticatedException.
func (c *Client) sessionToken(ctx context.Context, forceRefresh bool) (string, *Error) {
	token, err := c.tokens.Token(ctx, forceRefresh)
	if ctx.Err() != nil {
		return "", redact(fromContext(ctx), token)
	}
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return "", redact(e, token)
		}
		u := unauthenticated()
		u.Underlying = err
		return "", redact(u, token)
	}
	if token == "" {
		return "", unauthenticated()
	}
	return token, nil
}

// validate checks body against the operation's input shape in the model.
// Before the token is known, violations of AccessToken are not reported.
func validate(op string, body map[string]any, withToken bool) *Error {
	vs, err := model.ValidateInput(op, body)
	var serr *model.SerializationError
	if errors.As(err, &serr) {
		return serializationError(op, serr)
	}
	if err != nil {
		return Unknown(err)
	}
	kept := vs[:0]
	for _, v := range vs {
		if v.Member != "AccessToken" || withToken {
			kept = append(kept, v)
		}
	}
	if len(kept) == 0 {
		return nil
	}
	return InvalidParameter("%s", violationsMessage(kept, publicNames))
}

// serializationError explains a value of the wrong kind for its member, in
// terms of the member's shape in the model. Inputs reach this only for
// integers outside 32 bits; the JS bridge has already checked JS types.
func serializationError(op string, serr *model.SerializationError) *Error {
	member := upperFirst(serr.Path)
	name, ok := publicNames[member]
	if !ok {
		name = serr.Path
	}
	if o := model.LookupOperation(op); o != nil {
		if m := model.LookupShape(o.Input).Member(member); m != nil {
			if s := model.LookupShape(m.Target); s != nil && s.Kind == model.KindInteger && s.Min != nil && s.Max != nil {
				return InvalidParameter("%s must be an integer from %d to %d.", name, *s.Min, *s.Max)
			}
		}
	}
	return InvalidParameter("%s has the wrong type: %s.", name, serr.Msg)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// isExpired reports Cognito's answer to an expired access token.
func isExpired(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "NotAuthorizedException" &&
		apiErr.ErrorMessage() == "Access Token has expired"
}
