package emulator

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestCORSPreflight(t *testing.T) {
	_, srv := newTestEmulator(t)
	for _, path := range []string{"/", "/" + DemoPoolID + "/.well-known/jwks.json"} {
		req, _ := http.NewRequest(http.MethodOptions, srv.URL+path, nil)
		req.Header.Set("Origin", "http://127.0.0.1:8080")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type,x-amz-target,x-amz-user-agent,cache-control")
		a := do(t, req)
		want := map[string]string{
			"Access-Control-Allow-Origin":   "*",
			"Access-Control-Allow-Methods":  CORSAllowMethods,
			"Access-Control-Allow-Headers":  "content-type,x-amz-target,x-amz-user-agent,cache-control",
			"Access-Control-Expose-Headers": "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date",
			"Access-Control-Max-Age":        "172800",
		}
		if a.status != 200 || len(a.body) != 0 {
			t.Errorf("%s: preflight = %d %q", path, a.status, a.body)
		}
		for k, v := range want {
			if got := a.header.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", path, k, got, v)
			}
		}
		if a.header.Get(HeaderRequestID) == "" {
			t.Errorf("%s: preflight without request id", path)
		}
	}
}

// TestCORSOnEveryAnswer: every answer but the control endpoints' (see
// TestControlRefusesOtherOrigins) carries the real service's CORS headers.
func TestCORSOnEveryAnswer(t *testing.T) {
	_, srv := newTestEmulator(t)
	tok := signIn(t, srv.URL, DemoUsername).AccessToken
	answers := map[string]answer{
		"success":   call(t, srv.URL, "GetUser", map[string]any{"AccessToken": tok}),
		"error":     call(t, srv.URL, "GetUser", map[string]any{"AccessToken": "x"}),
		"unknown":   call(t, srv.URL, "Nope", "{}"),
		"jwks":      control(t, srv.URL, "GET", "/"+DemoPoolID+"/.well-known/jwks.json", ""),
		"not found": control(t, srv.URL, "GET", "/nowhere", ""),
	}
	for name, a := range answers {
		if a.header.Get("Access-Control-Allow-Origin") != "*" || a.header.Get("Access-Control-Expose-Headers") != CORSExposeHeaders {
			t.Errorf("%s: CORS headers %v", name, a.header)
		}
		if a.header.Get(HeaderRequestID) == "" {
			t.Errorf("%s: no request id", name)
		}
	}
}

// TestRawHeaderNames reads the answer off the wire: the header names keep
// the real service's capitalisation.
func TestRawHeaderNames(t *testing.T) {
	_, srv := newTestEmulator(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"AccessToken":"x"}`
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: %s\r\nX-Amz-Target: %sGetUser\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s",
		ContentType, TargetPrefix, len(body), body)
	raw, err := io.ReadAll(bufio.NewReader(conn))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"HTTP/1.1 400 ", "\r\nx-amzn-ErrorType: NotAuthorizedException:\r\n", "\r\nx-amzn-RequestId: ", "\r\nDate: ",
		`{"__type":"NotAuthorizedException","message":"Invalid Access Token"}`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("answer lacks %q:\n%s", want, raw)
		}
	}
}

func TestEmptySuccessAndTimestamps(t *testing.T) {
	_, srv := newTestEmulator(t)
	tok := signIn(t, srv.URL, DemoUsername).AccessToken
	devices := DemoSeed().UserPools[0].Users[0].Devices

	a := call(t, srv.URL, "ListWebAuthnCredentials", map[string]any{"AccessToken": tok})
	// Epoch seconds as JSON numbers, fractions kept.
	for _, want := range []string{`"CreatedAt":1718102400.412`, `"CreatedAt":1722470400}`, `"CreatedAt":1729000000.5`} {
		if !strings.Contains(string(a.body), want) {
			t.Errorf("credentials lack %s: %s", want, a.body)
		}
	}
	// The credential without an attachment leaves the member out.
	if n := strings.Count(string(a.body), "AuthenticatorAttachment"); n != 2 {
		t.Errorf("%d AuthenticatorAttachment members, want 2", n)
	}
	a = call(t, srv.URL, "GetDevice", map[string]any{"AccessToken": tok, "DeviceKey": devices[4].DeviceKey})
	if !strings.Contains(string(a.body), `"DeviceCreateDate":1721000000.001`) || !strings.Contains(string(a.body), `"DeviceLastAuthenticatedDate":1731000000.999`) {
		t.Errorf("device dates: %s", a.body)
	}
	for _, c := range []struct {
		op   string
		body map[string]any
	}{
		{"UpdateDeviceStatus", map[string]any{"AccessToken": tok, "DeviceKey": devices[0].DeviceKey, "DeviceRememberedStatus": "not_remembered"}},
		{"ForgetDevice", map[string]any{"AccessToken": tok, "DeviceKey": devices[0].DeviceKey}},
		{"DeleteWebAuthnCredential", map[string]any{"AccessToken": tok, "CredentialId": "AXbG3qk7V9m2Yp0cRz8LwQ"}},
		{"GlobalSignOut", map[string]any{"AccessToken": tok}},
	} {
		a := call(t, srv.URL, c.op, c.body)
		if a.status != 200 || string(a.body) != "{}" || a.header.Get("Content-Type") != ContentType || a.header.Get(HeaderRequestID) == "" {
			t.Errorf("%s = %d %q %v", c.op, a.status, a.body, a.header)
		}
	}
	// bob has no devices: the optional Devices member is left out; the
	// required Credentials member is an empty list.
	bob := signIn(t, srv.URL, DemoEmptyUsername).AccessToken
	if a := call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": bob}); string(a.body) != "{}" {
		t.Errorf("bob's devices = %s", a.body)
	}
	if a := call(t, srv.URL, "ListWebAuthnCredentials", map[string]any{"AccessToken": bob}); string(a.body) != `{"Credentials":[]}` {
		t.Errorf("bob's credentials = %s", a.body)
	}
}

func TestUnknownOperations(t *testing.T) {
	_, srv := newTestEmulator(t)
	for _, target := range []string{"", "AWSCognitoIdentityProviderService.Nope", "AWSCognitoIdentityProviderService.StartWebAuthnAuthentication", "DynamoDB_20120810.ListTables", "AWSCognitoIdentityProviderService."} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader("{}"))
		if target != "" {
			req.Header.Set(HeaderTarget, target)
		}
		wantError(t, do(t, req), 400, ErrUnknownOperation, MsgUnknownOperation(target))
	}
	wantError(t, control(t, srv.URL, "GET", "/", ""), 400, ErrUnknownOperation, MsgUnknownOperation("GET /"))
	wantError(t, control(t, srv.URL, "GET", "/us-east-1_Nope/.well-known/jwks.json", ""), 404, ErrResourceNotFound, MsgPoolNotFound("us-east-1_Nope"))
}

func TestPaginationTokens(t *testing.T) {
	_, srv := newTestEmulator(t)
	alice := signIn(t, srv.URL, DemoUsername).AccessToken
	bob := signIn(t, srv.URL, DemoEmptyUsername).AccessToken
	devices := DemoSeed().UserPools[0].Users[0].Devices

	a := call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": alice, "Limit": 3})
	devTok, _ := a.json(t)["PaginationToken"].(string)
	a = call(t, srv.URL, "ListWebAuthnCredentials", map[string]any{"AccessToken": alice, "MaxResults": 1})
	credTok, _ := a.json(t)["NextToken"].(string)
	if devTok == "" || credTok == "" {
		t.Fatal("no pagination tokens")
	}
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	bad := []struct {
		name, op, token, member, at string
	}{
		{"tampered payload", "ListDevices", flip(devTok, 3), "PaginationToken", alice},
		{"tampered mac", "ListDevices", flip(devTok, len(devTok)-3), "PaginationToken", alice},
		{"garbage", "ListDevices", "garbage", "PaginationToken", alice},
		{"other user", "ListDevices", devTok, "PaginationToken", bob},
		{"other operation", "ListDevices", credTok, "PaginationToken", alice},
		{"other operation", "ListWebAuthnCredentials", devTok, "NextToken", alice},
	}
	for _, b := range bad {
		t.Run(b.name+"/"+b.op, func(t *testing.T) {
			a := call(t, srv.URL, b.op, map[string]any{"AccessToken": b.at, b.member: b.token})
			wantError(t, a, 400, ErrInvalidParameter, MsgInvalidPaginationToken)
		})
	}

	// Forgetting the first device of the next page does not skip any other.
	a = call(t, srv.URL, "ForgetDevice", map[string]any{"AccessToken": alice, "DeviceKey": devices[3].DeviceKey})
	if a.status != 200 {
		t.Fatal(string(a.body))
	}
	a = call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": alice, "Limit": 3, "PaginationToken": devTok})
	var page listDevicesOutput
	if err := json.Unmarshal(a.body, &page); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, d := range page.Devices {
		keys = append(keys, d.DeviceKey)
	}
	want := []string{devices[4].DeviceKey, devices[5].DeviceKey, devices[6].DeviceKey}
	if strings.Join(keys, ",") != strings.Join(want, ",") || page.PaginationToken != nil {
		t.Errorf("page after delete = %v next %v, want %v", keys, page.PaginationToken, want)
	}
}

// TestConcurrentRequests runs many requests at once; with -race it checks
// the state is guarded, and the end state shows no update was lost.
func TestConcurrentRequests(t *testing.T) {
	_, srv := newTestEmulator(t)
	tok := signIn(t, srv.URL, DemoUsername).AccessToken
	devices := DemoSeed().UserPools[0].Users[0].Devices
	creds := DemoSeed().UserPools[0].Users[0].WebAuthnCredentials
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	check := func(a answer, what string) {
		if a.status != 200 {
			errs <- fmt.Sprintf("%s: %d %s", what, a.status, a.body)
		}
	}
	for _, d := range devices {
		wg.Go(func() {
			check(call(t, srv.URL, "UpdateDeviceStatus", map[string]any{"AccessToken": tok, "DeviceKey": d.DeviceKey, "DeviceRememberedStatus": "remembered"}), "update")
			check(call(t, srv.URL, "ForgetDevice", map[string]any{"AccessToken": tok, "DeviceKey": d.DeviceKey}), "forget")
		})
	}
	for _, c := range creds {
		wg.Go(func() {
			check(call(t, srv.URL, "DeleteWebAuthnCredential", map[string]any{"AccessToken": tok, "CredentialId": c.CredentialID}), "delete")
		})
	}
	for range 8 {
		wg.Go(func() {
			check(call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": tok, "Limit": 2}), "list devices")
			check(call(t, srv.URL, "ListWebAuthnCredentials", map[string]any{"AccessToken": tok, "MaxResults": 1}), "list credentials")
			signIn(t, srv.URL, DemoEmptyUsername)
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if a := call(t, srv.URL, "ListDevices", map[string]any{"AccessToken": tok}); string(a.body) != "{}" {
		t.Errorf("devices left: %s", a.body)
	}
	if a := call(t, srv.URL, "ListWebAuthnCredentials", map[string]any{"AccessToken": tok}); string(a.body) != `{"Credentials":[]}` {
		t.Errorf("credentials left: %s", a.body)
	}
	if n := len(control(t, srv.URL, "GET", "/_emulator/requests", "").entries(t)); n != 1+2*len(devices)+len(creds)+8*3+2 {
		t.Errorf("request log has %d entries", n)
	}
}

func (a answer) entries(t *testing.T) []RequestLogEntry {
	t.Helper()
	var out []RequestLogEntry
	if err := json.Unmarshal(a.body, &out); err != nil {
		t.Fatalf("log %q: %v", a.body, err)
	}
	return out
}

// TestInternalErrors: an operation that fails unexpectedly, or panics,
// answers 500 InternalErrorException like the service, and is logged so.
func TestInternalErrors(t *testing.T) {
	for name, op := range map[string]opFunc{
		"error": func(*Emulator, *request) (any, error) { return nil, fmt.Errorf("disk on fire") },
		"panic": func(*Emulator, *request) (any, error) { panic("boom") },
	} {
		_, srv := newTestEmulator(t, withOperation("GetUser", op))
		wantError(t, call(t, srv.URL, "GetUser", map[string]any{"AccessToken": "x"}), 500, ErrInternal, MsgInternal)
		if log := requestLog(t, srv.URL); len(log) != 1 || log[0].Status != 500 {
			t.Errorf("%s: log = %+v", name, log)
		}
	}
}
