package auth

import (
	"context"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// demoUser is alice in the emulator's demo seed: the expected values.
func demoUser(t *testing.T) emulator.SeedUser {
	t.Helper()
	for _, u := range emulator.DemoSeed().UserPools[0].Users {
		if u.Username == emulator.DemoUsername {
			return u
		}
	}
	t.Fatal("demo seed has no " + emulator.DemoUsername)
	return emulator.SeedUser{}
}

// epochTime is Amplify's new Date(seconds * 1000): float product, truncated.
func epochTime(seconds float64) time.Time {
	return time.UnixMilli(int64(seconds * 1000))
}

func epochTimePtr(seconds float64) *time.Time {
	if seconds == 0 {
		return nil
	}
	t := epochTime(seconds)
	return &t
}

func wantCredential(c emulator.SeedCredential) WebAuthnCredential {
	w := WebAuthnCredential{
		CredentialID:            c.CredentialID,
		FriendlyCredentialName:  c.FriendlyCredentialName,
		RelyingPartyID:          c.RelyingPartyID,
		AuthenticatorTransports: c.AuthenticatorTransports,
		CreatedAt:               epochTime(c.CreatedAt),
	}
	if c.AuthenticatorAttachment != "" {
		w.AuthenticatorAttachment = &c.AuthenticatorAttachment
	}
	return w
}

func wantDevice(d emulator.SeedDevice) Device {
	w := Device{
		ID:                    d.DeviceKey,
		Attributes:            d.Attributes,
		CreateDate:            epochTimePtr(d.CreateDate),
		LastAuthenticatedDate: epochTimePtr(d.LastAuthenticatedDate),
		LastModifiedDate:      epochTimePtr(d.LastModifiedDate),
	}
	if n, ok := d.Attributes["device_name"]; ok {
		w.Name = &n
	}
	return w
}

func sameTimes(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

func checkDevice(t *testing.T, got Device, want Device) {
	t.Helper()
	if got.ID != want.ID || !reflect.DeepEqual(got.Name, want.Name) || !reflect.DeepEqual(got.Attributes, want.Attributes) ||
		!sameTimes(got.CreateDate, want.CreateDate) || !sameTimes(got.LastAuthenticatedDate, want.LastAuthenticatedDate) ||
		!sameTimes(got.LastModifiedDate, want.LastModifiedDate) {
		t.Errorf("device\n got %+v\nwant %+v", got, want)
	}
}

func checkCredential(t *testing.T, got, want WebAuthnCredential) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) {
		t.Errorf("%s: CreatedAt = %v, want %v", want.CredentialID, got.CreatedAt, want.CreatedAt)
	}
	got.CreatedAt = want.CreatedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("credential\n got %+v\nwant %+v", got, want)
	}
}

func TestListWebAuthnCredentials(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))

	out, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{})
	if err != nil {
		t.Fatal(err)
	}
	seed := demoUser(t).WebAuthnCredentials
	if len(out.Credentials) != len(seed) || out.NextToken != nil {
		t.Fatalf("got %d credentials, nextToken %v; want %d and none", len(out.Credentials), out.NextToken, len(seed))
	}
	for i, s := range seed {
		checkCredential(t, out.Credentials[i], wantCredential(s))
	}
	if got := env.targets(); !slices.Equal(got, []string{"ListWebAuthnCredentials"}) {
		t.Errorf("requests = %v, want one ListWebAuthnCredentials", got)
	}
}

func TestListWebAuthnCredentialsPaging(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	var ids []string
	pageSize := 2
	in := ListWebAuthnCredentialsInput{PageSize: &pageSize}
	for pages := 0; ; pages++ {
		if pages == 3 {
			t.Fatal("still paging after 3 pages of 2 for 3 credentials")
		}
		out, err := c.ListWebAuthnCredentials(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Credentials) > pageSize {
			t.Fatalf("page of %d, want at most %d", len(out.Credentials), pageSize)
		}
		for _, cr := range out.Credentials {
			ids = append(ids, cr.CredentialID)
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	var want []string
	for _, s := range demoUser(t).WebAuthnCredentials {
		want = append(want, s.CredentialID)
	}
	if !slices.Equal(ids, want) {
		t.Errorf("paged ids = %v, want %v", ids, want)
	}
}

func TestDeleteWebAuthnCredentialThenList(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	seed := demoUser(t).WebAuthnCredentials
	id := seed[0].CredentialID
	if err := c.DeleteWebAuthnCredential(context.Background(), DeleteWebAuthnCredentialInput{CredentialID: &id}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, cr := range out.Credentials {
		ids = append(ids, cr.CredentialID)
	}
	if want := []string{seed[1].CredentialID, seed[2].CredentialID}; !slices.Equal(ids, want) {
		t.Errorf("after delete: %v, want %v", ids, want)
	}

	// Deleting it again: Cognito's ResourceNotFoundException, with the
	// wire's status and request id.
	err = c.DeleteWebAuthnCredential(context.Background(), DeleteWebAuthnCredentialInput{CredentialID: &id})
	e := asError(t, err, "ResourceNotFoundException")
	if e.HTTPStatusCode != http.StatusBadRequest || e.RequestID == "" || e.Message == "" {
		t.Errorf("error = %+v, want status 400, a request id and a message", e)
	}
}

func TestListDevicesPaging(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	seed := demoUser(t).Devices
	pageSize := 3
	in := ListDevicesInput{PageSize: &pageSize}
	var got []Device
	var sizes []int
	for len(sizes) < 5 {
		out, err := c.ListDevices(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(out.Devices))
		got = append(got, out.Devices...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if want := []int{3, 3, 1}; !slices.Equal(sizes, want) {
		t.Fatalf("page sizes = %v, want %v", sizes, want)
	}
	for i, d := range seed {
		checkDevice(t, got[i], wantDevice(d))
	}
	if n := len(env.targets()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestFetchDevices(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	got, err := c.FetchDevices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seed := demoUser(t).Devices
	if len(got) != len(seed) {
		t.Fatalf("%d devices, want %d", len(got), len(seed))
	}
	for i, d := range seed {
		checkDevice(t, got[i], wantDevice(d))
	}
}

func TestUserWithNothing(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoEmptyUsername).AccessToken))
	creds, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{})
	if err != nil {
		t.Fatal(err)
	}
	devs, err := c.ListDevices(context.Background(), ListDevicesInput{})
	if err != nil {
		t.Fatal(err)
	}
	fetched, err := c.FetchDevices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Empty lists, not nil: they become [] in JS.
	if creds.Credentials == nil || len(creds.Credentials) != 0 || creds.NextToken != nil ||
		devs.Devices == nil || len(devs.Devices) != 0 || devs.NextToken != nil || fetched == nil || len(fetched) != 0 {
		t.Errorf("got %+v, %+v, %+v; want empty non-nil lists and no next tokens", creds, devs, fetched)
	}
}

func TestServiceErrors(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken("not.a.jwt"))
	_, err := c.ListDevices(context.Background(), ListDevicesInput{})
	e := asError(t, err, "NotAuthorizedException")
	if e.Message != emulator.MsgInvalidAccessToken || e.HTTPStatusCode != 400 || e.RequestID == "" {
		t.Errorf("error = %+v, want %q, 400 and a request id", e, emulator.MsgInvalidAccessToken)
	}
	if strings.Contains(e.Error(), "not.a.jwt") || strings.Contains(e.Underlying.Error(), "not.a.jwt") {
		t.Errorf("the token appears in the error: %v / %v", e, e.Underlying)
	}
}

func TestExpiredTokenIsRefreshedOnce(t *testing.T) {
	env := newTestEnv(t)
	old := env.signIn(t, emulator.DemoUsername)
	env.emu.AdvanceClock(2 * emulator.AccessTokenTTL * time.Second)
	fresh := env.signIn(t, emulator.DemoUsername)

	tokens := &recordingTokens{tokens: map[bool]string{false: old.AccessToken, true: fresh.AccessToken}}
	c := env.client(t, tokens)
	out, err := c.ListDevices(context.Background(), ListDevicesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Devices) != len(demoUser(t).Devices) {
		t.Errorf("%d devices after refresh, want %d", len(out.Devices), len(demoUser(t).Devices))
	}
	if !slices.Equal(tokens.calls, []bool{false, true}) {
		t.Errorf("getToken calls = %v, want [false true]", tokens.calls)
	}
	if got := env.targets(); !slices.Equal(got, []string{"ListDevices", "ListDevices"}) {
		t.Errorf("requests = %v, want ListDevices twice", got)
	}
}

func TestStillExpiredAfterRefreshStopsAfterOneRetry(t *testing.T) {
	env := newTestEnv(t)
	old := env.signIn(t, emulator.DemoUsername)
	env.emu.AdvanceClock(2 * emulator.AccessTokenTTL * time.Second)

	tokens := &recordingTokens{tokens: map[bool]string{false: old.AccessToken, true: old.AccessToken}}
	c := env.client(t, tokens)
	err := c.DeleteWebAuthnCredential(context.Background(), DeleteWebAuthnCredentialInput{CredentialID: new(string)})
	e := asError(t, err, "NotAuthorizedException")
	if e.Message != emulator.MsgAccessTokenExpired {
		t.Errorf("message = %q, want %q", e.Message, emulator.MsgAccessTokenExpired)
	}
	if !slices.Equal(tokens.calls, []bool{false, true}) {
		t.Errorf("getToken calls = %v, want [false true]", tokens.calls)
	}
	if got := env.targets(); !slices.Equal(got, []string{"DeleteWebAuthnCredential", "DeleteWebAuthnCredential"}) {
		t.Errorf("requests = %v, want two attempts", got)
	}
}

func TestBadInputSendsNothing(t *testing.T) {
	n := func(v int) *int { return &v }
	s := func(v string) *string { return &v }
	tests := []struct {
		name string
		call func(c *Client) error
		want string
	}{
		{"pageSize 21", func(c *Client) error {
			_, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{PageSize: n(21)})
			return err
		}, "pageSize must have value less than or equal to 20 (got 21)."},
		{"pageSize -1", func(c *Client) error {
			_, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{PageSize: n(-1)})
			return err
		}, "pageSize must have value greater than or equal to 0 (got -1)."},
		{"pageSize beyond 32 bits", func(c *Client) error {
			_, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{PageSize: n(1 << 40)})
			return err
		}, "pageSize must be an integer from 0 to 20."},
		{"empty nextToken", func(c *Client) error {
			_, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{NextToken: s("")})
			return err
		}, `nextToken must have length greater than or equal to 1 (got ""); nextToken must satisfy regular expression pattern: ^[\S]+$ (got "").`},
		{"devices pageSize 61", func(c *Client) error {
			_, err := c.ListDevices(context.Background(), ListDevicesInput{PageSize: n(61)})
			return err
		}, "pageSize must have value less than or equal to 60 (got 61)."},
		{"devices nextToken with a space", func(c *Client) error {
			_, err := c.ListDevices(context.Background(), ListDevicesInput{NextToken: s("a b")})
			return err
		}, `nextToken must satisfy regular expression pattern: ^[\S]+$ (got "a b").`},
		{"no credentialId", func(c *Client) error {
			return c.DeleteWebAuthnCredential(context.Background(), DeleteWebAuthnCredentialInput{})
		}, "credentialId is required."},
		{"credentialId too long", func(c *Client) error {
			return c.DeleteWebAuthnCredential(context.Background(), DeleteWebAuthnCredentialInput{CredentialID: s(strings.Repeat("a", 131073))})
		}, "credentialId must have length less than or equal to 131072"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			tokens := &recordingTokens{tokens: map[bool]string{false: "abc"}}
			e := asError(t, tt.call(env.client(t, tokens)), NameInvalidParameter)
			if !strings.HasPrefix(e.Message, tt.want) {
				t.Errorf("message = %q, want prefix %q", e.Message, tt.want)
			}
			if len(tokens.calls) != 0 {
				t.Errorf("the token source was asked %d times before the input was valid", len(tokens.calls))
			}
			if got := env.targets(); len(got) != 0 {
				t.Errorf("requests sent: %v", got)
			}
		})
	}
}

func TestTokenProblemsSendNothing(t *testing.T) {
	const bad = "has spaces in.it"
	tests := []struct {
		name     string
		tokens   TokenSource
		wantName string
		wantMsg  string
	}{
		{"no token", staticToken(""), NameUnauthenticated, "User needs to be authenticated to call this API."},
		{"token source fails", TokenFunc(func(context.Context, bool) (string, error) { return "", errorString("storage unavailable") }),
			NameUnauthenticated, "User needs to be authenticated to call this API."},
		{"token source fails with an AuthError", TokenFunc(func(context.Context, bool) (string, error) {
			return "", &Error{Name: "NotAuthorizedException", Message: "Refresh Token has expired"}
		}), "NotAuthorizedException", "Refresh Token has expired"},
		{"malformed token", staticToken(bad), NameInvalidParameter, "access token must satisfy regular expression pattern: ^[A-Za-z0-9-_=.]+$."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			_, err := env.client(t, tt.tokens).ListDevices(context.Background(), ListDevicesInput{})
			e := asError(t, err, tt.wantName)
			if e.Message != tt.wantMsg {
				t.Errorf("message = %q, want %q", e.Message, tt.wantMsg)
			}
			if strings.Contains(e.Error(), bad) {
				t.Errorf("the token appears in %q", e.Error())
			}
			if got := env.targets(); len(got) != 0 {
				t.Errorf("requests sent: %v", got)
			}
		})
	}
}

type errorString string

func (e errorString) Error() string { return string(e) }

func TestRetriedServerError(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	env.fault(t, emulator.Fault{Target: "ListWebAuthnCredentials", Status: 500, ErrorType: "InternalErrorException", Message: "boom", Times: 1})
	if _, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{}); err != nil {
		t.Fatalf("one 500 then success: %v", err)
	}
	if got := env.emu.Requests(); len(got) != 2 || got[0].Status != 500 || got[1].Status != 200 {
		t.Errorf("log = %+v, want a 500 then a 200", got)
	}
}

func TestServerErrorAfterThreeAttempts(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	env.fault(t, emulator.Fault{Status: 500, ErrorType: "InternalErrorException", Message: "boom", Times: 5})
	_, err := c.ListDevices(context.Background(), ListDevicesInput{})
	e := asError(t, err, "InternalErrorException")
	if e.Message != "boom" || e.HTTPStatusCode != 500 || e.RequestID == "" {
		t.Errorf("error = %+v, want boom, 500 and a request id", e)
	}
	if n := len(env.targets()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestConnectionResetIsANetworkError(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	env.fault(t, emulator.Fault{Mode: emulator.FaultReset, Times: 5})
	_, err := c.ListDevices(context.Background(), ListDevicesInput{})
	e := asError(t, err, NameNetwork)
	if e.Message != "A network error has occurred." || e.Underlying == nil || e.HTTPStatusCode != 0 {
		t.Errorf("error = %+v, want the network message, an underlying error and no status", e)
	}
	if n := len(env.targets()); n != 3 {
		t.Errorf("%d attempts, want 3 (network errors are retried)", n)
	}
}

func TestMalformedAnswerIsUnknown(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	env.fault(t, emulator.Fault{Mode: emulator.FaultMalformed})
	_, err := c.ListDevices(context.Background(), ListDevicesInput{})
	e := asError(t, err, NameUnknown)
	if e.HTTPStatusCode != 200 || e.Underlying == nil {
		t.Errorf("error = %+v, want status 200 and the decode error underneath", e)
	}
}

func TestAbortHangingRequest(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	env.fault(t, emulator.Fault{Mode: emulator.FaultHang})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-env.arrived // the request is at the emulator, which holds it
		cancel()
	}()
	_, err := c.ListDevices(ctx, ListDevicesInput{})
	asError(t, err, NameAbort)
	if n := len(env.targets()); n != 1 {
		t.Errorf("%d attempts, want 1 (an abort is not retried)", n)
	}
}

func TestTimeout(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	env.fault(t, emulator.Fault{Mode: emulator.FaultHang})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.ListWebAuthnCredentials(ctx, ListWebAuthnCredentialsInput{})
	asError(t, err, NameTimeout)
	if n := len(env.targets()); n != 1 {
		t.Errorf("%d attempts, want 1 (nothing is retried after the deadline)", n)
	}
}

// TestCallTimeout checks that a call without a deadline of its own runs
// under callTimeout: the token source sees the call's deadline.
func TestCallTimeout(t *testing.T) {
	env := newTestEnv(t)
	tok := env.signIn(t, emulator.DemoUsername).AccessToken
	var left time.Duration
	c := env.client(t, TokenFunc(func(ctx context.Context, _ bool) (string, error) {
		if d, ok := ctx.Deadline(); ok {
			left = time.Until(d)
		}
		return tok, nil
	}))
	if _, err := c.ListDevices(context.Background(), ListDevicesInput{}); err != nil {
		t.Fatal(err)
	}
	if left <= 0 || left > callTimeout {
		t.Errorf("the token source saw %v left of the call, want a deadline within %v", left, callTimeout)
	}
}
