package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestValidateInput(t *testing.T) {
	long := strings.Repeat("x", 131073)
	tests := []struct {
		op, body string
		want     string // Message(violations), "" for none
		serr     string // serialization error
	}{
		{"ListWebAuthnCredentials", `{"AccessToken":"a.b.c"}`, "", ""},
		{"ListWebAuthnCredentials", `{"AccessToken":"a.b.c","MaxResults":21}`,
			"1 validation error detected: Value '21' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20", ""},
		{"ListWebAuthnCredentials", `{"AccessToken":"a.b.c","MaxResults":-1}`,
			"1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0", ""},
		{"ListWebAuthnCredentials", `{"AccessToken":"a.b.c","NextToken":""}`,
			"2 validation errors detected: Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'nextToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\S]+$", ""},
		{"ListWebAuthnCredentials", `{}`,
			"1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null", ""},
		{"ListWebAuthnCredentials", `{"AccessToken":"a b"}`,
			"1 validation error detected: Value at 'accessToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[A-Za-z0-9-_=.]+$", ""},
		{"ListWebAuthnCredentials", `{"AccessToken":"x","MaxResults":"5"}`, "", "STRING_VALUE can not be converted to an Integer"},
		{"ListWebAuthnCredentials", `{"AccessToken":"x","MaxResults":1.5}`, "", "NUMBER_VALUE can not be converted to an Integer"},
		{"ListWebAuthnCredentials", `{"AccessToken":7}`, "", "NUMBER_VALUE can not be converted to a String"},
		{"DeleteWebAuthnCredential", `{"AccessToken":"x","CredentialId":""}`, "", ""},
		{"DeleteWebAuthnCredential", `{"AccessToken":"x","CredentialId":"` + long + `"}`,
			"1 validation error detected: Value '" + long + "' at 'credentialId' failed to satisfy constraint: Member must have length less than or equal to 131072", ""},
		{"ListDevices", `{"AccessToken":"x","Limit":61}`,
			"1 validation error detected: Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60", ""},
		{"ListDevices", `{"AccessToken":"x","Limit":60,"PaginationToken":"abc"}`, "", ""},
		{"ForgetDevice", `{"DeviceKey":"nope"}`,
			"1 validation error detected: Value 'nope' at 'deviceKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w-]+_[0-9a-f-]+$", ""},
		{"UpdateDeviceStatus", `{"AccessToken":"x","DeviceKey":"us-east-1_0a","DeviceRememberedStatus":"maybe"}`,
			"1 validation error detected: Value 'maybe' at 'deviceRememberedStatus' failed to satisfy constraint: Member must satisfy enum value set: [not_remembered, remembered]", ""},
		{"AdminListDevices", `{"UserPoolId":"bad","Username":"alice"}`,
			"1 validation error detected: Value 'bad' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w-]+_[0-9a-zA-Z]+$", ""},
		{"InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc","AuthParameters":{"USERNAME":"a","PASSWORD":"b"}}`, "", ""},
		// A value inside a sensitive map is never shown.
		{"InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"abc","AuthParameters":{"PASSWORD":"` + long + `"}}`,
			"1 validation error detected: Value at 'authParameters.PASSWORD.value' failed to satisfy constraint: Member must have length less than or equal to 131072", ""},
	}
	for _, tt := range tests {
		t.Run(tt.op+" "+truncate(tt.body), func(t *testing.T) {
			vs, err := ValidateInput(tt.op, decode(t, tt.body))
			if tt.serr != "" {
				var se *SerializationError
				if !errors.As(err, &se) || se.Msg != tt.serr {
					t.Fatalf("err = %v, want serialization error %q", err, tt.serr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if len(vs) > 0 {
				got = Message(vs)
			}
			if got != tt.want {
				t.Errorf("message\n got %q\nwant %q", truncate(got), truncate(tt.want))
			}
		})
	}
}

func truncate(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

func TestOperations(t *testing.T) {
	for _, name := range []string{"ListWebAuthnCredentials", "DeleteWebAuthnCredential", "ListDevices", "AdminListDevices",
		"InitiateAuth", "GetUser", "GetDevice", "ForgetDevice", "UpdateDeviceStatus", "GlobalSignOut", "RevokeToken",
		"StartWebAuthnRegistration", "CompleteWebAuthnRegistration"} {
		op := LookupOperation(name)
		if op == nil {
			t.Fatalf("operation %s missing", name)
		}
		if !op.HasError("InternalErrorException") || !op.HasError("OperationNotEnabledException") {
			t.Errorf("%s: errors %v lack InternalErrorException or OperationNotEnabledException", name, op.Errors)
		}
		if LookupShape(op.Input) == nil || LookupShape(op.Output) == nil {
			t.Errorf("%s: input or output shape missing", name)
		}
	}
	if !LookupOperation("AdminListDevices").SigV4 || LookupOperation("ListDevices").SigV4 {
		t.Error("only AdminListDevices must require SigV4")
	}
	if f := LookupShape("InternalErrorException").Fault; f != "server" {
		t.Errorf("InternalErrorException fault = %q", f)
	}
}

// TestGeneratedUpToDate regenerates the table and compares it with the
// committed one, so an edit to the model or the generator cannot drift.
func TestGeneratedUpToDate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "model_gen.go")
	cmd := exec.Command("go", "run", "./gen", "-model", "cognito-idp-model-subset.json", "-out", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generate: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("model_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("model_gen.go is stale: run go generate ./internal/model")
	}
}

// TestPatternMemo checks that remembering the last long match never lets a
// different value through: only an identical string skips the regexp.
func TestPatternMemo(t *testing.T) {
	const p = `^[A-Za-z0-9-_=.]+$`
	good := strings.Repeat("a.b-c_d=", 16)
	bad := good[:len(good)-1] + " "
	for i, tt := range []struct {
		s    string
		want bool
	}{{good, true}, {good, true}, {bad, false}, {good, true}, {bad, false}, {"short", true}, {"sh rt", false}} {
		if got := matches(p, tt.s); got != tt.want {
			t.Errorf("%d: matches(%.12q...) = %v, want %v", i, tt.s, got, tt.want)
		}
	}
}
