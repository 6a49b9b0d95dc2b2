package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
)

// Session is Amplify v6's stored session, as its DefaultTokenStore keeps it
// under CognitoIdentityServiceProvider.<clientId>.<username>.<key>.
type Session struct {
	Username     string // LastAuthUser
	AccessToken  string
	IDToken      string // "" when none is stored
	RefreshToken string // "" when none is stored
	// ClockDrift is Amplify's clockDrift: the server's clock minus the
	// page's, in milliseconds, measured at the last sign-in or refresh.
	ClockDrift int64
	// DeviceKey is the current device's key when Amplify holds the device's
	// full metadata (deviceKey, deviceGroupKey, randomPasswordKey), the only
	// case in which Amplify's refresh sends it.
	DeviceKey string
}

// SessionStore reads and writes Amplify's session where Amplify keeps it
// (localStorage or cookies). In the wasm module it is the loader's
// host.loadSession and host.storeSession, on the page's main thread.
type SessionStore interface {
	// LoadSession returns the stored session, or nil when there is none.
	LoadSession(ctx context.Context) (*Session, error)
	// StoreSession writes refreshed tokens back as Amplify's storeTokens
	// does: LastAuthUser, accessToken, idToken, refreshToken, clockDrift.
	StoreSession(ctx context.Context, s Session) error
}

// WithAmplifySession replaces the TokenSource given to New with Amplify's
// own session in store, refreshed as Amplify's token orchestrator does:
// when the access or ID token has expired by the page's clock corrected by
// the stored clock drift, the call first gets new tokens with
// GetTokensFromRefreshToken and writes them back. clientID is the app
// client of the configuration.
func WithAmplifySession(clientID string, store SessionStore) Option {
	return func(c *Client) {
		c.tokens = &sessionTokens{c: c, clientID: clientID, store: store, now: time.Now}
	}
}

// errCannotRefresh: a refresh asked for after Cognito said "Access Token has
// expired" is impossible (no refresh token, or Cognito refused it). The call
// then fails with Cognito's own answer, as Amplify's would have.
var errCannotRefresh = errors.New("auth: the session cannot be refreshed")

// sessionTokens is the TokenSource over Amplify's stored session.
type sessionTokens struct {
	c        *Client
	clientID string
	store    SessionStore
	now      func() time.Time

	mu      sync.Mutex
	current *refreshCall // the refresh in flight, or the last that succeeded
	last    decoded      // the claims of the last session read
}

// decoded are a session's tokens and their claims: every call reads the
// session, which changes only at a refresh or sign-in.
type decoded struct {
	access, id string
	ac, ic     *claims
}

// refreshCall is one GetTokensFromRefreshToken shared by every caller that
// found the same expired session: from is its access token.
type refreshCall struct {
	from string
	done chan struct{}
	to   Session
	err  *Error
}

// Token returns the stored access token, refreshed first when Amplify would
// refresh it (or when forceRefresh: Cognito has just said it expired).
func (t *sessionTokens) Token(ctx context.Context, forceRefresh bool) (string, error) {
	s, err := t.store.LoadSession(ctx)
	if err != nil {
		return "", err
	}
	if s == nil || s.AccessToken == "" {
		return "", nil
	}
	access, id, ok := t.claims(s)
	if !ok {
		return "", nil // Amplify's loadTokens finds no session when a token does not decode
	}
	if !forceRefresh && !sessionExpired(access, id, s.ClockDrift, t.now()) {
		return s.AccessToken, nil
	}
	if forceRefresh && t.refreshedTo(s.AccessToken) {
		// Another call has just refreshed: this is newer than the token
		// Cognito refused.
		return s.AccessToken, nil
	}
	if s.RefreshToken == "" {
		if forceRefresh {
			return "", errCannotRefresh
		}
		return "", unauthenticated() // Amplify's tokenRefreshException
	}
	fresh, e := t.refresh(ctx, *s)
	if e != nil {
		if forceRefresh && e.Name == "NotAuthorizedException" {
			return "", errCannotRefresh
		}
		if e.Name == "NotAuthorizedException" {
			// Amplify's orchestrator turns a refused refresh into "no
			// session": the API then says the user is not signed in.
			u := unauthenticated()
			u.Underlying = e
			return "", u
		}
		return "", e
	}
	return fresh.AccessToken, nil
}

// claims decodes the session's access and ID tokens (id nil when there is
// none); ok is false when one does not decode.
func (t *sessionTokens) claims(s *Session) (access, id *claims, ok bool) {
	t.mu.Lock()
	d := t.last
	t.mu.Unlock()
	if d.ac != nil && d.access == s.AccessToken && d.id == s.IDToken {
		return d.ac, d.ic, true
	}
	if access, ok = decodeClaims(s.AccessToken); !ok {
		return nil, nil, false
	}
	if s.IDToken != "" {
		if id, ok = decodeClaims(s.IDToken); !ok {
			return nil, nil, false
		}
	}
	t.mu.Lock()
	t.last = decoded{access: s.AccessToken, id: s.IDToken, ac: access, ic: id}
	t.mu.Unlock()
	return access, id, true
}

// refreshedTo reports whether token is what the last refresh produced.
func (t *sessionTokens) refreshedTo(token string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.current
	if r == nil {
		return false
	}
	select {
	case <-r.done:
		return r.err == nil && r.to.AccessToken == token
	default:
		return false
	}
}

// refresh runs one GetTokensFromRefreshToken for s, or joins the one in
// flight for the same session, or takes the result of the one that has
// just replaced it. The request does not end with the caller that started
// it: it has the client's own time limit, and each caller waits for it only
// as long as its own context lasts.
func (t *sessionTokens) refresh(ctx context.Context, s Session) (Session, *Error) {
	t.mu.Lock()
	r := t.current
	if r == nil || r.from != s.AccessToken {
		r = &refreshCall{from: s.AccessToken, done: make(chan struct{})}
		t.current = r
		go t.run(context.WithoutCancel(ctx), r, s)
	}
	t.mu.Unlock()
	select {
	case <-r.done:
		return r.to, r.err
	case <-ctx.Done():
		return Session{}, fromContext(ctx)
	}
}

// run performs the refresh of r and writes the new tokens back. A failed
// refresh is forgotten, so that a later call tries again.
func (t *sessionTokens) run(ctx context.Context, r *refreshCall, s Session) {
	ctx, cancel := context.WithTimeoutCause(ctx, callTimeout, errTimeout)
	defer cancel()
	r.to, r.err = t.getTokens(ctx, s)
	if r.err == nil {
		if err := t.store.StoreSession(ctx, r.to); err != nil {
			r.err = fromSDK(err) // the host's *Error, or Unknown
		}
	}
	if r.err != nil {
		r.err = redact(r.err, s.AccessToken, s.RefreshToken, r.to.AccessToken, r.to.IDToken, r.to.RefreshToken)
		t.mu.Lock()
		if t.current == r {
			t.current = nil
		}
		t.mu.Unlock()
	}
	close(r.done)
}

// getTokens is Amplify's refreshAuthTokens: GetTokensFromRefreshToken with
// the client id, the refresh token and the device key when Amplify has the
// device's metadata; the new clock drift from the new access token's iat; a
// refresh token Cognito rotated replaces the old one.
func (t *sessionTokens) getTokens(ctx context.Context, s Session) (Session, *Error) {
	in := &cip.GetTokensFromRefreshTokenInput{ClientId: &t.clientID, RefreshToken: &s.RefreshToken}
	if s.DeviceKey != "" {
		in.DeviceKey = &s.DeviceKey
	}
	out, err := t.c.api.GetTokensFromRefreshToken(ctx, in)
	if err != nil {
		if ctx.Err() != nil {
			return Session{}, fromContext(ctx)
		}
		return Session{}, fromSDK(err)
	}
	res := out.AuthenticationResult
	if res == nil || res.AccessToken == nil {
		return Session{}, Unknown(errors.New("GetTokensFromRefreshToken returned no access token"))
	}
	access, ok := decodeClaims(*res.AccessToken)
	if !ok || access.IssuedAt == 0 {
		// Amplify: iatNotFoundException, "a bug from the service".
		return Session{}, &Error{Name: "iatNotFoundException", Message: "iat not found in access token"}
	}
	fresh := Session{
		Username:     s.Username,
		AccessToken:  *res.AccessToken,
		RefreshToken: s.RefreshToken,
		ClockDrift:   int64(access.IssuedAt*1000) - t.now().UnixMilli(),
		DeviceKey:    s.DeviceKey,
	}
	if res.IdToken != nil {
		fresh.IDToken = *res.IdToken
	}
	if res.RefreshToken != nil && *res.RefreshToken != "" {
		fresh.RefreshToken = *res.RefreshToken
	}
	return fresh, nil
}

// claims are the JWT claims the expiry decision reads.
type claims struct {
	Expires  float64 `json:"exp"`
	IssuedAt float64 `json:"iat"`
}

// decodeClaims reads a JWT's payload as Amplify's decodeJWT does (three
// dot-separated parts, the second base64url JSON), without checking the
// signature: the page trusts its own storage, Cognito checks the token.
func decodeClaims(token string) (*claims, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, false
	}
	var c claims
	if json.Unmarshal(raw, &c) != nil {
		return nil, false
	}
	return &c, true
}

// expiryTolerance is isTokenExpired's default tolerance: a token that
// expires within 5 s counts as expired.
const expiryTolerance = 5 * time.Second

// sessionExpired is Amplify's TokenOrchestrator.getTokens decision, taken
// before anything is sent: the access token, or the ID token when there is
// one, has expired against the page's clock corrected by the stored drift
// (isTokenExpired: now + clockDrift + 5 s > exp; no exp counts as expired).
func sessionExpired(access, id *claims, clockDriftMillis int64, now time.Time) bool {
	at := now.UnixMilli() + clockDriftMillis + expiryTolerance.Milliseconds()
	expired := func(c *claims) bool { return float64(at) > c.Expires*1000 }
	return expired(access) || (id != nil && expired(id))
}
