// Package auth is the Cognito side of cognito-wasm: configuration, the SDK
// client, one file per operation (Amplify's input → the SDK input → one SDK
// call, whose stack validates that input against the model and adds the
// token (validate.go) → Amplify's shape) and the single mapping of failures
// to Amplify's AuthError. It is plain Go: the same code runs natively in
// tests and in the wasm module.
package auth

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// callTimeout bounds each Cognito operation of a call (its token lookup,
// every attempt and the back-off between them) and each read or clear of
// the device metadata; a caller's earlier deadline still wins. Amplify has
// no such bound; without one a request that never answers would leave the
// caller's Promise pending forever.
const callTimeout = 30 * time.Second

// Config is what configure() receives.
type Config struct {
	UserPoolID string // "<region>_<id>", e.g. "us-east-1_AbC123"
	ClientID   string // the app client id
	Endpoint   string // optional; default https://cognito-idp.<region>.amazonaws.com/
}

// resolved is a validated Config.
type resolved struct {
	region   string
	endpoint string
}

// resolve validates c the way Amplify reads Auth.Cognito: the region is the
// user pool id up to its first "_". Errors name the public config key.
func (c Config) resolve() (resolved, error) {
	if err := checkConfigValue("userPoolId", "UserPoolIdType", c.UserPoolID); err != nil {
		return resolved{}, err
	}
	if err := checkConfigValue("userPoolClientId", "ClientIdType", c.ClientID); err != nil {
		return resolved{}, err
	}
	r := resolved{region: c.UserPoolID[:strings.IndexByte(c.UserPoolID, '_')]}
	if c.Endpoint == "" {
		r.endpoint = defaultEndpoint(r.region)
		return r, nil
	}
	ep, err := checkEndpoint(c.Endpoint)
	if err != nil {
		return resolved{}, err
	}
	r.endpoint = ep
	return r, nil
}

// defaultEndpoint is Amplify's: cognito-idp.<region>.<dns suffix>/, where
// the China regions live under amazonaws.com.cn.
func defaultEndpoint(region string) string {
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://cognito-idp." + region + "." + suffix + "/"
}

func checkConfigValue(key, shape, v string) error {
	if v == "" {
		return configError("%s is required.", key)
	}
	vs, err := model.Validate(shape, v)
	if err != nil {
		return fmt.Errorf("auth: validating %s: %w", key, err)
	}
	if len(vs) > 0 {
		return configError("%s", violationsMessage(vs, map[string]string{"": key}))
	}
	return nil
}

// checkEndpoint accepts an absolute http(s) URL; plain http only for loopback
// hosts, because the access token travels in the request body.
func checkEndpoint(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "" {
		return "", configError("userPoolEndpoint must be an absolute http(s) URL (got %q).", raw)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", configError("userPoolEndpoint must not carry credentials, a query or a fragment (got %q).", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", configError("userPoolEndpoint may use http:// only for localhost, 127.0.0.0/8 or [::1] (got %q); use https://.", raw)
		}
	default:
		return "", configError("userPoolEndpoint must be an http(s) URL (got %q).", raw)
	}
	return u.String(), nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
