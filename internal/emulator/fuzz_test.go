package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzHandler feeds arbitrary targets and bodies to the emulator. Whatever
// comes in, the answer is a well-formed Cognito success or error with the
// right headers, and never echoes the access token. The seed corpus runs in
// plain `go test`.
func FuzzHandler(f *testing.F) {
	e, err := New(nil, WithClock(func() time.Time { return testEpoch }))
	if err != nil {
		f.Fatal(err)
	}
	tk, err := e.SignIn(DemoPoolID, DemoClientID, DemoUsername)
	if err != nil {
		f.Fatal(err)
	}
	dev := DemoSeed().UserPools[0].Users[0].Devices[2].DeviceKey
	at := `"AccessToken":"` + tk.AccessToken + `"`
	seeds := []struct{ op, body string }{
		{"InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + DemoClientID + `","AuthParameters":{"USERNAME":"alice","PASSWORD":"Passw0rd!"}}`},
		{"InitiateAuth", `{"AuthFlow":"REFRESH_TOKEN_AUTH","ClientId":"` + DemoClientID + `","AuthParameters":{"REFRESH_TOKEN":"` + tk.RefreshToken + `"}}`},
		{"InitiateAuth", `{"AuthFlow":"CUSTOM_AUTH","ClientId":"x","AuthParameters":{}}`},
		{"GetUser", `{` + at + `}`},
		{"ListWebAuthnCredentials", `{` + at + `,"MaxResults":1}`},
		{"ListWebAuthnCredentials", `{` + at + `,"MaxResults":21,"NextToken":""}`},
		{"DeleteWebAuthnCredential", `{` + at + `,"CredentialId":"nope"}`},
		{"ListDevices", `{` + at + `,"Limit":2,"PaginationToken":"eyJv.abc"}`},
		{"GetDevice", `{` + at + `,"DeviceKey":"` + dev + `"}`},
		{"UpdateDeviceStatus", `{` + at + `,"DeviceKey":"` + dev + `","DeviceRememberedStatus":"not_remembered"}`},
		{"ForgetDevice", `{"DeviceKey":"` + dev + `"}`},
		{"GlobalSignOut", `{"AccessToken":"a.b.c"}`},
		{"RevokeToken", `{"Token":"` + tk.RefreshToken + `","ClientId":"other"}`},
		{"AdminListDevices", `{"UserPoolId":"` + DemoPoolID + `","Username":"alice"}`},
		{"ListDevices", `{"AccessToken":[1,{"a":null}],"Limit":1e400}`},
		{"ListDevices", `{"Limit":9223372036854775808}`},
		{"GetUser", `{"AccessToken":"\u0000\ud800"}`},
		{"GetUser", `{"AccessToken":"x"`},
		{"GetUser", ``},
		{"GetUser", `null`},
		{"Nope", `{}`},
		{"", `{}`},
	}
	for _, s := range seeds {
		f.Add(s.op, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Host = "127.0.0.1:9229" // httptest's example.com would be refused as a rebinding
		req.Header.Set("Content-Type", ContentType)
		req.Header.Set(HeaderTarget, TargetPrefix+op)
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		checkAnswer(t, rec, op, body, tk.AccessToken)
	})
}

func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder, op string, body []byte, token string) {
	t.Helper()
	h := rec.Header()
	if len(h[HeaderRequestID]) != 1 || h[HeaderRequestID][0] == "" {
		t.Errorf("no %s", HeaderRequestID)
	}
	if h.Get("Content-Type") != ContentType || h.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("headers = %v", h)
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out == nil {
		t.Fatalf("answer %d is not a JSON object: %q", rec.Code, rec.Body.Bytes())
	}
	if rec.Code == http.StatusOK {
		if _, ok := operations[op]; !ok {
			t.Errorf("%q answered 200", op)
		}
		if h[HeaderErrorType] != nil {
			t.Errorf("success with %s", HeaderErrorType)
		}
		return
	}
	typ, _ := out["__type"].(string)
	msg, isString := out["message"].(string)
	if typ == "" || !isString || len(out) != 2 {
		t.Fatalf("error body = %q", rec.Body.Bytes())
	}
	if got := h[HeaderErrorType]; len(got) != 1 || got[0] != ErrorTypeHeader(typ) {
		t.Errorf("%s = %v for %s", HeaderErrorType, got, typ)
	}
	if rec.Code != StatusFor(typ) {
		t.Errorf("status %d for %s", rec.Code, typ)
	}
	if strings.Contains(msg, token) && bytes.Contains(body, []byte(token)) {
		t.Errorf("%s message echoes the access token", typ)
	}
}
