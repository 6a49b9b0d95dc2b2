package auth

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// fakeDevices is the page's device metadata: key "" means none.
type fakeDevices struct {
	mu      sync.Mutex
	key     string
	err     error // DeviceKey fails with it
	lookups int
	cleared int
}

func (f *fakeDevices) DeviceKey(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lookups++
	return f.key, f.err
}

func (f *fakeDevices) ClearDeviceMetadata(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cleared++
	f.key = ""
	return nil
}

func (env *testEnv) deviceClient(t *testing.T, tokens TokenSource, devices DeviceStore) *Client {
	t.Helper()
	c, err := New(env.config(), tokens, http.DefaultClient, WithDeviceStore(devices))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// deviceKeys lists alice's devices straight from the emulator with the SDK.
func (env *testEnv) deviceKeys(t *testing.T, token string) map[string]string {
	t.Helper()
	out, err := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(env.url)}).ListDevices(context.Background(),
		&cip.ListDevicesInput{AccessToken: &token, Limit: aws.Int32(60)})
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, d := range out.Devices {
		for _, a := range d.DeviceAttributes {
			if aws.ToString(a.Name) == "dev:device_remembered_status" {
				status[aws.ToString(d.DeviceKey)] = aws.ToString(a.Value)
			}
		}
	}
	return status
}

func TestForgetDevice(t *testing.T) {
	seed := demoUser(t).Devices
	current, other := seed[0].DeviceKey, seed[3].DeviceKey
	tests := []struct {
		name        string
		current     string  // the page's device metadata
		device      *string // input.device.id
		forgotten   string  // gone from the emulator afterwards
		wantCleared int
	}{
		{"current device", current, nil, current, 1},
		{"another device by id", current, &other, other, 0},
		{"the current device by id", current, &current, current, 1},
		{"a device by id, no current device", "", &other, other, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			token := env.signIn(t, emulator.DemoUsername).AccessToken
			devices := &fakeDevices{key: tt.current}
			c := env.deviceClient(t, staticToken(token), devices)
			if err := c.ForgetDevice(context.Background(), ForgetDeviceInput{DeviceID: tt.device}); err != nil {
				t.Fatal(err)
			}
			if got := env.targets(); !slices.Equal(got, []string{"ForgetDevice"}) {
				t.Errorf("requests = %v", got)
			}
			left := env.deviceKeys(t, token)
			if _, ok := left[tt.forgotten]; ok || len(left) != len(seed)-1 {
				t.Errorf("devices left %v, want all but %s", left, tt.forgotten)
			}
			if devices.cleared != tt.wantCleared || devices.lookups != 1 {
				t.Errorf("metadata looked up %d times, cleared %d times; want 1 and %d", devices.lookups, devices.cleared, tt.wantCleared)
			}
		})
	}
}

func TestForgetAndRememberDeviceErrors(t *testing.T) {
	env := newTestEnv(t)
	token := env.signIn(t, emulator.DemoUsername).AccessToken
	bad, unknown := "not-a-device-key", "us-east-1_00000000-0000-4000-8000-000000000000"
	tests := []struct {
		name     string
		tokens   TokenSource
		devices  *fakeDevices
		run      func(*Client) error
		wantName string
		wantMsg  string
		requests []string
	}{
		{"forget: no current device", staticToken(token), &fakeDevices{},
			func(c *Client) error { return c.ForgetDevice(context.Background(), ForgetDeviceInput{}) },
			NameDeviceMetadataNotFound, "Either deviceKey, deviceGroupKey or secretPassword were not found during the sign-in process.", nil},
		{"remember: no current device", staticToken(token), &fakeDevices{},
			func(c *Client) error { return c.RememberDevice(context.Background()) },
			NameDeviceMetadataNotFound, "Either deviceKey, deviceGroupKey or secretPassword were not found during the sign-in process.", nil},
		{"forget: signed out and no device (the session is checked first)", staticToken(""), &fakeDevices{},
			func(c *Client) error { return c.ForgetDevice(context.Background(), ForgetDeviceInput{}) },
			NameUnauthenticated, "User needs to be authenticated to call this API.", nil},
		{"remember: signed out", staticToken(""), &fakeDevices{key: demoUser(t).Devices[0].DeviceKey},
			func(c *Client) error { return c.RememberDevice(context.Background()) },
			NameUnauthenticated, "User needs to be authenticated to call this API.", nil},
		{"forget: malformed id", staticToken(token), &fakeDevices{},
			func(c *Client) error { return c.ForgetDevice(context.Background(), ForgetDeviceInput{DeviceID: &bad}) },
			NameInvalidParameter, `device.id must satisfy regular expression pattern: ^[\w-]+_[0-9a-f-]+$ (got "not-a-device-key").`, nil},
		{"forget: unknown device", staticToken(token), &fakeDevices{},
			func(c *Client) error {
				return c.ForgetDevice(context.Background(), ForgetDeviceInput{DeviceID: &unknown})
			},
			"ResourceNotFoundException", emulator.MsgDeviceNotFound, []string{"ForgetDevice"}},
		{"remember: the storage fails", staticToken(token), &fakeDevices{err: &Error{Name: "SecurityError", Message: "storage is blocked"}},
			func(c *Client) error { return c.RememberDevice(context.Background()) },
			"SecurityError", "storage is blocked", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.clearLog(t)
			c := env.deviceClient(t, tt.tokens, tt.devices)
			e := asError(t, tt.run(c), tt.wantName)
			if e.Message != tt.wantMsg {
				t.Errorf("message = %q, want %q", e.Message, tt.wantMsg)
			}
			if tt.wantName == NameDeviceMetadataNotFound && e.RecoverySuggestion != "Make sure to not clear storage after calling the signIn API." {
				t.Errorf("recoverySuggestion = %q", e.RecoverySuggestion)
			}
			if got := env.targets(); !slices.Equal(got, tt.requests) {
				t.Errorf("requests = %v, want %v", got, tt.requests)
			}
			if tt.devices.cleared != 0 {
				t.Errorf("metadata cleared after a failure")
			}
		})
	}
	t.Run("aborted before the call", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		devices := &fakeDevices{key: demoUser(t).Devices[0].DeviceKey}
		c := env.deviceClient(t, staticToken(token), devices)
		for _, err := range []error{c.ForgetDevice(ctx, ForgetDeviceInput{}), c.RememberDevice(ctx)} {
			asError(t, err, NameAbort)
		}
		if devices.lookups != 0 {
			t.Errorf("device metadata looked up %d times for aborted calls", devices.lookups)
		}
	})
}

func TestRememberDevice(t *testing.T) {
	env := newTestEnv(t)
	token := env.signIn(t, emulator.DemoUsername).AccessToken
	key := demoUser(t).Devices[2].DeviceKey
	// Start from a device Cognito does not remember.
	_, err := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(env.url)}).UpdateDeviceStatus(context.Background(),
		&cip.UpdateDeviceStatusInput{AccessToken: &token, DeviceKey: &key, DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered})
	if err != nil {
		t.Fatal(err)
	}
	if got := env.deviceKeys(t, token)[key]; got != "not_remembered" {
		t.Fatalf("status before = %q", got)
	}
	env.clearLog(t)

	c := env.deviceClient(t, staticToken(token), &fakeDevices{key: key})
	if err := c.RememberDevice(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := env.targets(); !slices.Equal(got, []string{"UpdateDeviceStatus"}) {
		t.Errorf("requests = %v", got)
	}
	if got := env.deviceKeys(t, token)[key]; got != "remembered" {
		t.Errorf("status after rememberDevice = %q, want remembered", got)
	}
}

func TestDeviceOperationsWithoutAStore(t *testing.T) {
	env := newTestEnv(t)
	c := env.client(t, staticToken(env.signIn(t, emulator.DemoUsername).AccessToken))
	asError(t, c.RememberDevice(context.Background()), NameDeviceMetadataNotFound)
	other := demoUser(t).Devices[1].DeviceKey
	if err := c.ForgetDevice(context.Background(), ForgetDeviceInput{DeviceID: &other}); err != nil {
		t.Errorf("forgetDevice by id without a device store: %v", err)
	}
}
