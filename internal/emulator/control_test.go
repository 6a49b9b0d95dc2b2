package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/smithy-go"
)

func addFault(t *testing.T, url, body string) {
	t.Helper()
	if a := control(t, url, "POST", "/_emulator/faults", body); a.status != http.StatusNoContent {
		t.Fatalf("POST faults %s: %d %s", body, a.status, a.body)
	}
}

func requestLog(t *testing.T, url string) []RequestLogEntry {
	t.Helper()
	return control(t, url, "GET", "/_emulator/requests", "").entries(t)
}

func TestFaultError(t *testing.T) {
	_, srv := newTestEmulator(t)
	tok := signIn(t, srv.URL, DemoUsername).AccessToken
	list := func() answer { return call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": tok}) }

	addFault(t, srv.URL, `{"target":"ListDevices","status":503,"errorType":"TooManyRequestsException","message":"Slow down.","times":2}`)
	wantError(t, list(), 503, "TooManyRequestsException", "Slow down.")
	if a := call(t, srv.URL, "GetUser", map[string]any{"AccessToken": tok}); a.status != 200 {
		t.Errorf("other target hit by the fault: %d", a.status)
	}
	wantError(t, list(), 503, "TooManyRequestsException", "Slow down.")
	if a := list(); a.status != 200 {
		t.Errorf("after times ran out: %d %s", a.status, a.body)
	}

	// Defaults: any target, once, 500 InternalErrorException; a client
	// error type without a status gets 400.
	addFault(t, srv.URL, `{}`)
	wantError(t, call(t, srv.URL, "GetUser", map[string]any{"AccessToken": tok}), 500, ErrInternal, MsgInternal)
	addFault(t, srv.URL, `{"target":"AWSCognitoIdentityProviderService.ListDevices","errorType":"LimitExceededException","message":"m","delayMs":1}`)
	wantError(t, list(), 400, "LimitExceededException", "m")

	// Faults also hit unknown targets, before any other check.
	addFault(t, srv.URL, `{"status":500,"errorType":"InternalErrorException","message":"boom"}`)
	wantError(t, call(t, srv.URL, "Nope", "garbage"), 500, ErrInternal, "boom")

	addFault(t, srv.URL, `{"times":5}`)
	if a := control(t, srv.URL, "DELETE", "/_emulator/faults", ""); a.status != http.StatusNoContent {
		t.Fatalf("DELETE faults: %d", a.status)
	}
	if a := list(); a.status != 200 {
		t.Errorf("after DELETE faults: %d", a.status)
	}

	for _, bad := range []string{`{"mode":"explode"}`, `{"target":"Nope"}`, `{"times":-1}`, `{"status":99}`, `{"delay":5}`, `not json`} {
		if a := control(t, srv.URL, "POST", "/_emulator/faults", bad); a.status != 400 || !strings.Contains(string(a.body), `"message"`) {
			t.Errorf("POST faults %s = %d %s, want 400", bad, a.status, a.body)
		}
	}
}

func TestFaultMalformed(t *testing.T) {
	_, srv := newTestEmulator(t)
	addFault(t, srv.URL, `{"target":"GetUser","mode":"malformed"}`)
	a := call(t, srv.URL, "GetUser", map[string]any{"AccessToken": "x"})
	if a.status != 200 || json.Valid(a.body) || a.header.Get("Content-Type") != ContentType || a.header.Get(HeaderRequestID) == "" {
		t.Errorf("malformed = %d %q %v", a.status, a.body, a.header)
	}
	// The unmodified SDK fails to decode it.
	tok := signIn(t, srv.URL, DemoUsername).AccessToken
	addFault(t, srv.URL, `{"target":"ListDevices","mode":"malformed"}`)
	_, err := userClient(srv.URL).ListDevices(context.Background(), &cip.ListDevicesInput{AccessToken: &tok})
	var de *smithy.DeserializationError
	if !errors.As(err, &de) {
		t.Errorf("SDK error = %v, want a deserialization error", err)
	}
	if log := requestLog(t, srv.URL); log[0].Status != 200 {
		t.Errorf("log = %+v", log)
	}
}

func TestFaultReset(t *testing.T) {
	_, srv := newTestEmulator(t)
	addFault(t, srv.URL, `{"target":"GetUser","mode":"reset"}`)
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader(`{"AccessToken":"x"}`))
	req.Header.Set(HeaderTarget, TargetPrefix+"GetUser")
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered %d", resp.StatusCode)
	}
	log := requestLog(t, srv.URL)
	if len(log) != 1 || log[0].Target != "GetUser" || log[0].Status != 0 {
		t.Errorf("log = %+v", log)
	}
	// The next request is served normally.
	wantError(t, call(t, srv.URL, "GetUser", map[string]any{"AccessToken": "x"}), 400, ErrNotAuthorized, MsgInvalidAccessToken)
}

func TestFaultHang(t *testing.T) {
	started := make(chan struct{}, 1)
	e, srv := newTestEmulator(t, withHangHook(func() { started <- struct{}{} }))
	send := func(ctx context.Context) <-chan error {
		done := make(chan error, 1)
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/", strings.NewReader("{}"))
			req.Header.Set(HeaderTarget, TargetPrefix+"ListDevices")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
			}
			done <- err
		}()
		return done
	}

	// The client gives up: the request ends, the log showed it pending.
	addFault(t, srv.URL, `{"mode":"hang","target":"ListDevices"}`)
	ctx, cancel := context.WithCancel(context.Background())
	done := send(ctx)
	<-started
	if log := requestLog(t, srv.URL); len(log) != 1 || log[0].Target != "ListDevices" || log[0].Status != 0 {
		t.Errorf("log while hanging = %+v", log)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled hang: %v", err)
	}

	// Shutting down releases a hanging request: its connection is dropped.
	addFault(t, srv.URL, `{"mode":"hang"}`)
	done = send(context.Background())
	<-started
	e.Close()
	if err := <-done; err == nil {
		t.Error("hang released by Close answered")
	}
}

func TestRequestLog(t *testing.T) {
	_, srv := newTestEmulator(t)
	tok := signIn(t, srv.URL, DemoUsername).AccessToken
	call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": tok})
	call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": tok, "Limit": 61})
	call(t, srv.URL, "Nope", "{}")
	a := control(t, srv.URL, "GET", "/_emulator/requests", "")
	if a.header.Get("Content-Type") != "application/json" {
		t.Errorf("Content-Type = %q", a.header.Get("Content-Type"))
	}
	if strings.Contains(string(a.body), tok) || strings.Contains(string(a.body), "eyJ") {
		t.Errorf("log holds a token: %s", a.body)
	}
	log := a.entries(t)
	want := []RequestLogEntry{
		{"InitiateAuth", 200, ""}, {"ListDevices", 200, ""}, {"ListDevices", 400, ""}, {"Nope", 400, ""},
	}
	if len(log) != len(want) {
		t.Fatalf("log = %+v", log)
	}
	for i, w := range want {
		got := log[i]
		at, err := time.Parse(time.RFC3339, got.Time)
		if got.Target != w.Target || got.Status != w.Status || err != nil || !at.Equal(testEpoch) {
			t.Errorf("entry %d = %+v, want %s %d at %s", i, got, w.Target, w.Status, testEpoch)
		}
	}
	if a := control(t, srv.URL, "DELETE", "/_emulator/requests", ""); a.status != http.StatusNoContent {
		t.Fatalf("DELETE requests: %d", a.status)
	}
	if a := control(t, srv.URL, "GET", "/_emulator/requests", ""); string(a.body) != "[]" {
		t.Errorf("after DELETE: %s", a.body)
	}
}

func TestReset(t *testing.T) {
	_, srv := newTestEmulator(t)
	tok := signIn(t, srv.URL, DemoUsername).AccessToken
	user := DemoSeed().UserPools[0].Users[0]
	call(t, srv.URL, "DeleteWebAuthnCredential", map[string]any{"AccessToken": tok, "CredentialId": user.WebAuthnCredentials[0].CredentialID})
	call(t, srv.URL, "ForgetDevice", map[string]any{"AccessToken": tok, "DeviceKey": user.Devices[0].DeviceKey})
	call(t, srv.URL, "GlobalSignOut", map[string]any{"AccessToken": tok})
	addFault(t, srv.URL, `{"target":"GetUser","times":3}`)
	control(t, srv.URL, "POST", "/_emulator/clock", `{"advanceSeconds":60}`)

	if a := control(t, srv.URL, "POST", "/_emulator/reset", ""); a.status != http.StatusNoContent {
		t.Fatalf("reset: %d %s", a.status, a.body)
	}
	if log := requestLog(t, srv.URL); len(log) != 0 {
		t.Errorf("log after reset = %+v", log)
	}
	tok = signIn(t, srv.URL, DemoUsername).AccessToken
	if a := call(t, srv.URL, "GetUser", map[string]any{"AccessToken": tok}); a.status != 200 {
		t.Errorf("fault survived reset: %d", a.status)
	}
	var creds struct{ Credentials []credentialOut }
	json.Unmarshal(call(t, srv.URL, "ListWebAuthnCredentials", map[string]any{"AccessToken": tok}).body, &creds)
	var devs listDevicesOutput
	json.Unmarshal(call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": tok}).body, &devs)
	if len(creds.Credentials) != 3 || len(devs.Devices) != 7 {
		t.Errorf("after reset: %d credentials, %d devices", len(creds.Credentials), len(devs.Devices))
	}
	if got := control(t, srv.URL, "GET", "/_emulator/clock", "").json(t)["offsetSeconds"]; got != 0.0 {
		t.Errorf("clock offset after reset = %v", got)
	}
}

func TestControlRouting(t *testing.T) {
	_, srv := newTestEmulator(t)
	if a := control(t, srv.URL, "GET", "/_emulator/nope", ""); a.status != 404 {
		t.Errorf("unknown endpoint: %d", a.status)
	}
	a := control(t, srv.URL, "PUT", "/_emulator/faults", "{}")
	if a.status != 405 || a.header.Get("Allow") != "POST, DELETE" {
		t.Errorf("PUT faults: %d Allow %q", a.status, a.header.Get("Allow"))
	}
	if a := control(t, srv.URL, "GET", "/_emulator/reset", ""); a.status != 405 {
		t.Errorf("GET reset: %d", a.status)
	}
}
