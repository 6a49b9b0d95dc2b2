package auth

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
)

// TokenSource returns the signed-in user's access token ("" when there is
// none). forceRefresh asks for a fresh token after Cognito rejected the
// current one as expired. In the wasm module this is host.getToken.
type TokenSource interface {
	Token(ctx context.Context, forceRefresh bool) (string, error)
}

// TokenFunc adapts a function to TokenSource (the wasm module's warm-up, tests).
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
	api    *cip.Client
	tokens TokenSource

	devices DeviceStore       // nil: no device metadata anywhere
	creator CredentialCreator // nil: no WebAuthn on this platform
}

// Option gives a Client what some operations need from where it runs.
type Option func(*Client)

// New validates cfg and builds the SDK client directly from Options: no
// shared config files, no environment, no credentials (the operations here
// are unsigned; the access token travels in the body). Every operation's
// stack starts with checkInput (validate.go).
func New(cfg Config, tokens TokenSource, httpClient HTTPClient, opts ...Option) (*Client, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	if tokens == nil || httpClient == nil {
		return nil, errors.New("auth: New needs a TokenSource and an HTTPClient")
	}
	c := &Client{tokens: tokens}
	c.api = cip.New(cip.Options{
		Region:       r.region,
		BaseEndpoint: aws.String(r.endpoint),
		HTTPClient:   httpClient,
		Retryer:      newRetryer(),
		Logger:       logging.Nop{},
		APIOptions:   []func(*middleware.Stack) error{c.addCheckInput},
	})
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

// call is the path every operation shares: run the SDK operation op on in
// (its stack validates in, then asks for the token: validate.go), and once
// more with a refreshed token when Cognito says the token expired; every
// failure becomes an *Error without the tokens of the call in it.
//
// In and Out are the SDK's pointer types, so that all operations share one
// instantiation of call.
func call[In, Out any](ctx context.Context, c *Client, op func(context.Context, In, ...func(*cip.Options)) (Out, error), in In) (Out, error) {
	var none Out
	ctx, cancel := context.WithTimeoutCause(ctx, callTimeout, errTimeout)
	defer cancel()
	if ctx.Err() != nil { // aborted before it started: not even a token lookup
		return none, fromContext(ctx)
	}
	s := &callTokens{}
	ctx = context.WithValue(ctx, callTokensKey{}, s)
	out, err := op(ctx, in)
	if isExpired(err) && ctx.Err() == nil {
		s.forceRefresh = true
		first := err
		out, err = op(ctx, in)
		if errors.Is(err, errCannotRefresh) {
			err = first // no refresh possible: Cognito's answer stands, as in Amplify
		}
	}
	if err == nil {
		return out, nil
	}
	if ctx.Err() != nil {
		return none, redact(fromContext(ctx), s.handedOut...)
	}
	return none, redact(fromSDK(err), s.handedOut...)
}

// callTokens is what one call's checkInput needs to know about tokens:
// whether to ask for a refreshed one, and which it has handed out (to be
// kept out of the call's error).
type callTokens struct {
	forceRefresh bool
	handedOut    []string
}

type callTokensKey struct{}

// accessToken asks the source for the token an operation sends: a
// refreshed one when the call's first attempt found it expired.
func (c *Client) accessToken(ctx context.Context) (string, *Error) {
	s, _ := ctx.Value(callTokensKey{}).(*callTokens)
	if s == nil {
		s = &callTokens{}
	}
	token, e := c.sessionToken(ctx, s.forceRefresh)
	if token != "" {
		s.handedOut = append(s.handedOut, token)
	}
	return token, e
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

// isExpired reports Cognito's answer to an expired access token.
func isExpired(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode() == "NotAuthorizedException" &&
		apiErr.ErrorMessage() == "Access Token has expired"
}
