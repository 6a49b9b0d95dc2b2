package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// seedWithDevices is the demo seed with alice holding n devices, the demo's
// seven first.
func seedWithDevices(t *testing.T, n int) *emulator.Seed {
	t.Helper()
	seed := emulator.DemoSeed()
	u := &seed.UserPools[0].Users[0]
	if u.Username != emulator.DemoUsername {
		t.Fatalf("the demo seed's first user is %s", u.Username)
	}
	for i := len(u.Devices); i < n; i++ {
		u.Devices = append(u.Devices, emulator.SeedDevice{
			DeviceKey:  fmt.Sprintf("us-east-1_00000000-0000-4000-8000-%012d", i),
			Attributes: map[string]string{"device_name": fmt.Sprintf("Device %d", i)},
			CreateDate: 1700000000 + float64(i),
		})
	}
	return seed
}

// TestFetchDevicesAsksForSixty: fetchDevices is one page of up to 60
// (Amplify's Limit), so a user with 70 devices gets exactly the first 60,
// with no second request.
func TestFetchDevicesAsksForSixty(t *testing.T) {
	env := newSeededTestEnv(t, seedWithDevices(t, 70))
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	got, err := c.FetchDevices(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 60 {
		t.Fatalf("fetchDevices returned %d devices of 70, want the first 60", len(got))
	}
	if got[0].ID != demoUser(t).Devices[0].DeviceKey || got[59].ID != "us-east-1_00000000-0000-4000-8000-000000000059" {
		t.Errorf("fetchDevices returned %s … %s, want the first 60 in order", got[0].ID, got[59].ID)
	}
	if n := len(env.targets()); n != 1 {
		t.Errorf("%d requests, want 1 (no paging)", n)
	}
}

// TestEchoedTokenIsRedacted: an answer that echoes the access token back
// (a proxy, a verbose error) never brings it into the error, in its message,
// recovery suggestion or underlying error.
func TestEchoedTokenIsRedacted(t *testing.T) {
	env := newTestEnv(t)
	tok := env.signIn(t, emulator.DemoUsername).AccessToken
	c := env.client(t, staticToken(tok))
	env.fault(t, emulator.Fault{Status: 400, ErrorType: "NotAuthorizedException", Message: "bad token " + tok + " here"})
	_, err := c.ListDevices(context.Background(), ListDevicesInput{})
	e := asError(t, err, "NotAuthorizedException")
	if e.Message != "bad token [redacted] here" {
		t.Errorf("message %q, want the token replaced by [redacted]", e.Message)
	}
	all := fmt.Sprintf("%v %+v %s %s", err, e, e.Message, e.RecoverySuggestion)
	if e.Underlying != nil {
		all += e.Underlying.Error()
		for u := errors.Unwrap(e.Underlying); u != nil; u = errors.Unwrap(u) {
			all += u.Error()
		}
	}
	if strings.Contains(all, tok) {
		t.Errorf("the token shows in the error: %s", all)
	}
}

// TestRetryIsAmplifys: three attempts, with Amplify's back-off (100 ms·2ⁿ
// plus up to 100 ms of jitter) instead of the SDK's 1 s·2ⁿ. The delays are
// computed values, not measured time.
func TestRetryIsAmplifys(t *testing.T) {
	r := newRetryer()
	if n := r.MaxAttempts(); n != 3 {
		t.Errorf("MaxAttempts = %d, want 3", n)
	}
	for attempt := 1; attempt <= 2; attempt++ {
		base := 100 * time.Millisecond << attempt
		for range 50 {
			d, err := r.RetryDelay(attempt, errors.New("x"))
			if err != nil || d < base || d >= base+100*time.Millisecond {
				t.Fatalf("attempt %d: delay %v (%v), want %v plus under 100ms", attempt, d, err, base)
			}
		}
	}
	// A retry quota would stop retries after a bad spell of network.
	for range 600 {
		if _, err := r.GetRetryToken(context.Background(), errors.New("x")); err != nil {
			t.Fatalf("retry token refused after many failures: %v (no client-side quota wanted)", err)
		}
	}
}
