package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

func TestSessionExpired(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	exp := func(d time.Duration) *claims { return &claims{Expires: float64(now.Add(d).UnixMilli()) / 1000} }
	for _, tt := range []struct {
		name       string
		access, id *claims
		drift      time.Duration
		want       bool
	}{
		{"an hour left", exp(time.Hour), nil, 0, false},
		{"expired", exp(-time.Second), nil, 0, true},
		{"within the 5 s tolerance", exp(4 * time.Second), nil, 0, true},
		{"just outside the tolerance", exp(6 * time.Second), nil, 0, false},
		{"the server's clock is 2 h ahead", exp(time.Hour), nil, 2 * time.Hour, true},
		{"the server's clock is 2 h behind", exp(-time.Hour), nil, -2 * time.Hour, false},
		{"the ID token has expired", exp(time.Hour), exp(-time.Minute), 0, true},
		{"both valid", exp(time.Hour), exp(time.Hour), 0, false},
		{"no exp claim", &claims{}, nil, 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := sessionExpired(tt.access, tt.id, tt.drift.Milliseconds(), now); got != tt.want {
				t.Errorf("sessionExpired = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecodeClaims(t *testing.T) {
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"exp":1700003600,"iat":1700000000}`))
	for _, tt := range []struct {
		token string
		ok    bool
	}{
		{"h." + payload + ".s", true},
		{"h." + payload + "==.s", true},
		{"h." + payload, false},
		{"h.!!!.s", false},
		{"h." + base64.RawURLEncoding.EncodeToString([]byte("not json")) + ".s", false},
	} {
		c, ok := decodeClaims(tt.token)
		if ok != tt.ok || ok && (c.Expires != 1700003600 || c.IssuedAt != 1700000000) {
			t.Errorf("decodeClaims(%q) = %+v, %v; want ok %v", tt.token, c, ok, tt.ok)
		}
	}
}

// memSession is a SessionStore in memory, counting its writes.
type memSession struct {
	mu     sync.Mutex
	s      *Session
	stores int
}

func (m *memSession) LoadSession(context.Context) (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.s == nil {
		return nil, nil
	}
	s := *m.s
	return &s, nil
}

func (m *memSession) StoreSession(_ context.Context, s Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.s = &s
	m.stores++
	return nil
}

func (m *memSession) get() Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return *m.s
}

// bodies records the JSON body of each request of one operation.
type bodies struct {
	mu     sync.Mutex
	target string
	seen   []map[string]any
}

func (b *bodies) Do(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.Header.Get(emulator.HeaderTarget), "."+b.target) {
		raw, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(raw))
		var m map[string]any
		json.Unmarshal(raw, &m)
		b.mu.Lock()
		b.seen = append(b.seen, m)
		b.mu.Unlock()
	}
	return http.DefaultClient.Do(r)
}

// sessionEnv signs alice in and keeps her session as Amplify would store
// it; expire moves the emulator's clock two hours on and the page's, as the
// stored drift sees it, three (a refresh must measure the drift anew).
type sessionEnv struct {
	*testEnv
	store *memSession
	sent  *bodies
	c     *Client
}

func newSessionEnv(t *testing.T, seed *emulator.Seed) *sessionEnv {
	t.Helper()
	env := newSeededTestEnv(t, seed)
	tok := env.signIn(t, emulator.DemoUsername)
	store := &memSession{s: &Session{Username: emulator.DemoUsername, AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken}}
	sent := &bodies{target: "GetTokensFromRefreshToken"}
	c, err := New(env.config(), staticToken("unused"), sent, WithAmplifySession(emulator.DemoClientID, store))
	if err != nil {
		t.Fatal(err)
	}
	return &sessionEnv{testEnv: env, store: store, sent: sent, c: c}
}

func (e *sessionEnv) expire() {
	e.emu.AdvanceClock(2 * time.Hour)
	e.store.mu.Lock()
	e.store.s.ClockDrift += (3 * time.Hour).Milliseconds()
	e.store.mu.Unlock()
}

// TestSessionRefresh: 1,000 concurrent calls on an expired session share one
// GetTokensFromRefreshToken, sent before any of them (Amplify's request:
// ClientId, RefreshToken, DeviceKey when the device is known); the new
// tokens and clock drift are written back once; the refresh token stays.
func TestSessionRefresh(t *testing.T) {
	e := newSessionEnv(t, nil)
	const device = "us-east-1_0b1c2d3e-4f50-4a61-8b72-c3d4e5f60718"
	e.store.s.DeviceKey = device
	before := e.store.get()
	e.expire()
	const n = 1000
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			if _, err := e.c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("a call failed: %v", err)
	}
	targets := e.targets()
	if len(targets) != n+1 || targets[0] != "GetTokensFromRefreshToken" || slices.Contains(targets[1:], "GetTokensFromRefreshToken") {
		t.Errorf("requests: %d, first %q; want one GetTokensFromRefreshToken, then %d ListWebAuthnCredentials", len(targets), targets[:min(3, len(targets))], n)
	}
	want := map[string]any{"ClientId": emulator.DemoClientID, "RefreshToken": before.RefreshToken, "DeviceKey": device}
	if len(e.sent.seen) != 1 || !mapsEqual(e.sent.seen[0], want) {
		var keys [][]string
		for _, b := range e.sent.seen {
			keys = append(keys, slices.Sorted(maps.Keys(b)))
		}
		t.Errorf("GetTokensFromRefreshToken bodies with keys %q, want one with ClientId, DeviceKey and the stored RefreshToken", keys)
	}
	after := e.store.get()
	if e.store.stores != 1 || after.AccessToken == before.AccessToken || after.RefreshToken != before.RefreshToken ||
		after.Username != before.Username || after.IDToken == "" {
		t.Errorf("stored %d times; session after the refresh: new access token %v, same refresh token %v, ID token %v",
			e.store.stores, after.AccessToken != before.AccessToken, after.RefreshToken == before.RefreshToken, after.IDToken != "")
	}
	if d := time.Duration(after.ClockDrift) * time.Millisecond; d < 2*time.Hour-time.Minute || d > 2*time.Hour+time.Minute {
		t.Errorf("stored clock drift %v, want about 2h (the emulator's clock is 2h ahead)", d)
	}
}

func mapsEqual(a, b map[string]any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// TestSessionRefreshRefused: a revoked refresh token gives Amplify's
// answer, UserUnAuthenticatedException, before the call is sent, and the
// stored session is left as it was.
func TestSessionRefreshRefused(t *testing.T) {
	e := newSessionEnv(t, nil)
	before := e.store.get()
	_, err := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.url)}).RevokeToken(context.Background(),
		&cip.RevokeTokenInput{Token: aws.String(before.RefreshToken), ClientId: aws.String(emulator.DemoClientID)})
	if err != nil {
		t.Fatal(err)
	}
	e.clearLog(t)
	e.expire()
	before = e.store.get()
	_, err = e.c.ListDevices(context.Background(), ListDevicesInput{})
	ae := asError(t, err, NameUnauthenticated)
	if ae.Message != "User needs to be authenticated to call this API." || !strings.Contains(ae.Underlying.Error(), "Refresh Token has been revoked") {
		t.Errorf("error %q, underlying %v", ae.Message, ae.Underlying)
	}
	if got := e.targets(); !slices.Equal(got, []string{"GetTokensFromRefreshToken"}) {
		t.Errorf("requests %q, want only the refused refresh", got)
	}
	if after := e.store.get(); after != before || e.store.stores != 0 {
		t.Errorf("the session changed after a refused refresh")
	}
	if strings.Contains(err.Error(), before.RefreshToken) || strings.Contains(ae.Underlying.Error(), before.RefreshToken) {
		t.Errorf("the error shows the refresh token")
	}
}

// TestSessionExpiredOnlyAtCognito: the page's clock says the token is valid
// but Cognito says it has expired: the module refreshes and retries once.
// With no refresh token stored the call fails with Cognito's answer after one
// request (what Amplify's call would have answered).
func TestSessionExpiredOnlyAtCognito(t *testing.T) {
	e := newSessionEnv(t, nil)
	e.emu.AdvanceClock(2 * time.Hour)
	if _, err := e.c.FetchDevices(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got, want := e.targets(), []string{"ListDevices", "GetTokensFromRefreshToken", "ListDevices"}; !slices.Equal(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}

	e = newSessionEnv(t, nil)
	e.store.s.RefreshToken = ""
	e.emu.AdvanceClock(2 * time.Hour)
	_, err := e.c.FetchDevices(context.Background())
	if ae := asError(t, err, "NotAuthorizedException"); ae.Message != "Access Token has expired" {
		t.Errorf("message %q", ae.Message)
	}
	if got := e.targets(); !slices.Equal(got, []string{"ListDevices"}) {
		t.Errorf("requests %q, want one ListDevices", got)
	}
}

// TestSessionRotation: a refresh token rotated by Cognito replaces the
// stored one, and the next refresh uses it.
func TestSessionRotation(t *testing.T) {
	seed := emulator.DemoSeed()
	seed.UserPools[0].Clients[0].RefreshTokenRotation = true
	e := newSessionEnv(t, seed)
	first := e.store.get().RefreshToken
	for round := range 2 {
		e.expire()
		if _, err := e.c.FetchDevices(context.Background()); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	if got := e.store.get().RefreshToken; got == first || got == "" {
		t.Errorf("the stored refresh token did not rotate")
	}
	if len(e.sent.seen) != 2 || e.sent.seen[0]["RefreshToken"] != first || e.sent.seen[1]["RefreshToken"] == first {
		t.Errorf("refreshes sent %d; the second must use the rotated token", len(e.sent.seen))
	}
}
