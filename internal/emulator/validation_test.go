package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// Cognito's constraint wording, for the table below.
const (
	notNull    = "Member must not be null"
	tokenPat   = "Member must satisfy regular expression pattern: ^[A-Za-z0-9-_=.]+$"
	clientPat  = `Member must satisfy regular expression pattern: ^[\w+]+$`
	nonSpace   = `Member must satisfy regular expression pattern: ^[\S]+$`
	devicePat  = `Member must satisfy regular expression pattern: ^[\w-]+_[0-9a-f-]+$`
	poolPat    = `Member must satisfy regular expression pattern: ^[\w-]+_[0-9a-zA-Z]+$`
	userPat    = `Member must satisfy regular expression pattern: ^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$`
	authFlows  = "Member must satisfy enum value set: [ADMIN_NO_SRP_AUTH, ADMIN_USER_PASSWORD_AUTH, CUSTOM_AUTH, REFRESH_TOKEN, REFRESH_TOKEN_AUTH, USER_AUTH, USER_PASSWORD_AUTH, USER_SRP_AUTH]"
	remembered = "Member must satisfy enum value set: [not_remembered, remembered]"
)

func minLen(n int) string {
	return fmt.Sprintf("Member must have length greater than or equal to %d", n)
}
func maxLen(n int) string { return fmt.Sprintf("Member must have length less than or equal to %d", n) }
func minVal(n int) string {
	return fmt.Sprintf("Member must have value greater than or equal to %d", n)
}
func maxVal(n int) string { return fmt.Sprintf("Member must have value less than or equal to %d", n) }

// shown, hidden and null are one violation each; hidden is for @sensitive
// members and everything inside them, whose value Cognito never echoes.
func shown(v, path, c string) string {
	return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", v, path, c)
}
func hidden(path, c string) string {
	return fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", path, c)
}
func null(path string) string {
	return fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", path, notNull)
}

func detected(vs ...string) string {
	if len(vs) == 1 {
		return "1 validation error detected: " + vs[0]
	}
	return fmt.Sprintf("%d validation errors detected: %s", len(vs), strings.Join(vs, "; "))
}

type constraintCase struct {
	op   string
	body map[string]any
	want string // InvalidParameterException message
}

// constraintCases has a row for every constraint of every operation the
// emulator serves; TestConstraintTableIsComplete checks that against the model.
func constraintCases() []constraintCase {
	long := strings.Repeat("a", 131073)
	key56 := "us-east-1_" + strings.Repeat("a", 46)
	pool56 := "us-east-1_" + strings.Repeat("A", 46)
	dk := "us-east-1_0a"
	var cs []constraintCase
	add := func(op string, body map[string]any, want ...string) {
		cs = append(cs, constraintCase{op, body, detected(want...)})
	}
	with := func(base map[string]any, kv ...any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}

	// InitiateAuth
	ia := map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "c"}
	add("InitiateAuth", map[string]any{}, null("authFlow"), null("clientId"))
	add("InitiateAuth", with(ia, "AuthFlow", "PASSWORD"), shown("PASSWORD", "authFlow", authFlows))
	add("InitiateAuth", with(ia, "ClientId", ""), hidden("clientId", minLen(1)), hidden("clientId", clientPat))
	add("InitiateAuth", with(ia, "ClientId", strings.Repeat("c", 129)), hidden("clientId", maxLen(128)))
	add("InitiateAuth", with(ia, "ClientId", "a-b"), hidden("clientId", clientPat))
	add("InitiateAuth", with(ia, "Session", "short"), hidden("session", minLen(20)))
	add("InitiateAuth", with(ia, "Session", strings.Repeat("s", 2049)), hidden("session", maxLen(2048)))
	add("InitiateAuth", with(ia, "AuthParameters", map[string]any{long: "x"}), hidden("authParameters.key", maxLen(131072)))
	add("InitiateAuth", with(ia, "AuthParameters", map[string]any{"SECRET_HASH": long}), hidden("authParameters.SECRET_HASH.value", maxLen(131072)))
	add("InitiateAuth", with(ia, "ClientMetadata", map[string]any{long: "x"}), shown(long, "clientMetadata.key", maxLen(131072)))
	add("InitiateAuth", with(ia, "ClientMetadata", map[string]any{"k": long}), shown(long, "clientMetadata.k.value", maxLen(131072)))
	add("InitiateAuth", with(ia, "AnalyticsMetadata", map[string]any{"AnalyticsEndpointId": long}), shown(long, "analyticsMetadata.analyticsEndpointId", maxLen(131072)))
	add("InitiateAuth", with(ia, "UserContextData", map[string]any{"EncodedData": long, "IpAddress": long}),
		hidden("userContextData.encodedData", maxLen(131072)), hidden("userContextData.ipAddress", maxLen(131072)))

	// Operations that take only an access token.
	for _, op := range []string{"GetUser", "GlobalSignOut", "ListWebAuthnCredentials", "ListDevices", "StartWebAuthnRegistration"} {
		add(op, map[string]any{}, null("accessToken"))
		add(op, map[string]any{"AccessToken": "a b"}, hidden("accessToken", tokenPat))
	}

	// ListWebAuthnCredentials
	at := map[string]any{"AccessToken": "x"}
	add("ListWebAuthnCredentials", with(at, "MaxResults", -1), shown("-1", "maxResults", minVal(0)))
	add("ListWebAuthnCredentials", with(at, "MaxResults", 21), shown("21", "maxResults", maxVal(20)))
	add("ListWebAuthnCredentials", with(at, "NextToken", ""), shown("", "nextToken", minLen(1)), shown("", "nextToken", nonSpace))
	add("ListWebAuthnCredentials", with(at, "NextToken", long), shown(long, "nextToken", maxLen(131072)))
	add("ListWebAuthnCredentials", with(at, "NextToken", "a b"), shown("a b", "nextToken", nonSpace))

	// DeleteWebAuthnCredential
	add("DeleteWebAuthnCredential", map[string]any{"CredentialId": "c"}, null("accessToken"))
	add("DeleteWebAuthnCredential", map[string]any{"AccessToken": "a b", "CredentialId": "c"}, hidden("accessToken", tokenPat))
	add("DeleteWebAuthnCredential", at, null("credentialId"))
	add("DeleteWebAuthnCredential", with(at, "CredentialId", long), shown(long, "credentialId", maxLen(131072)))

	// CompleteWebAuthnRegistration
	add("CompleteWebAuthnRegistration", map[string]any{}, null("accessToken"), null("credential"))
	add("CompleteWebAuthnRegistration", map[string]any{"AccessToken": "a b", "Credential": map[string]any{}}, hidden("accessToken", tokenPat))

	// ListDevices
	add("ListDevices", with(at, "Limit", -1), shown("-1", "limit", minVal(0)))
	add("ListDevices", with(at, "Limit", 61), shown("61", "limit", maxVal(60)))
	add("ListDevices", with(at, "PaginationToken", ""), shown("", "paginationToken", minLen(1)), shown("", "paginationToken", nonSpace))
	add("ListDevices", with(at, "PaginationToken", "a\tb"), shown("a\tb", "paginationToken", nonSpace))

	// GetDevice, ForgetDevice, UpdateDeviceStatus
	for _, op := range []string{"GetDevice", "ForgetDevice", "UpdateDeviceStatus"} {
		if op == "UpdateDeviceStatus" {
			add(op, map[string]any{"DeviceKey": dk}, null("accessToken"))
		}
		add(op, map[string]any{"AccessToken": "a b", "DeviceKey": dk}, hidden("accessToken", tokenPat))
		add(op, at, null("deviceKey"))
		add(op, with(at, "DeviceKey", ""), shown("", "deviceKey", minLen(1)), shown("", "deviceKey", devicePat))
		add(op, with(at, "DeviceKey", key56), shown(key56, "deviceKey", maxLen(55)))
		add(op, with(at, "DeviceKey", "us-east-1_XYZ"), shown("us-east-1_XYZ", "deviceKey", devicePat))
	}
	add("UpdateDeviceStatus", with(at, "DeviceKey", dk, "DeviceRememberedStatus", "maybe"), shown("maybe", "deviceRememberedStatus", remembered))

	// RevokeToken
	rt := map[string]any{"Token": "t", "ClientId": "c"}
	add("RevokeToken", map[string]any{}, null("clientId"), null("token"))
	add("RevokeToken", with(rt, "Token", "a b"), hidden("token", tokenPat))
	add("RevokeToken", with(rt, "ClientId", ""), hidden("clientId", minLen(1)), hidden("clientId", clientPat))
	add("RevokeToken", with(rt, "ClientId", strings.Repeat("c", 129)), hidden("clientId", maxLen(128)))
	add("RevokeToken", with(rt, "ClientId", "a b"), hidden("clientId", clientPat))
	add("RevokeToken", with(rt, "ClientSecret", "short"), hidden("clientSecret", minLen(24)))
	add("RevokeToken", with(rt, "ClientSecret", strings.Repeat("s", 65)), hidden("clientSecret", maxLen(64)))
	add("RevokeToken", with(rt, "ClientSecret", strings.Repeat("s", 24)+" "), hidden("clientSecret", clientPat))

	// GetTokensFromRefreshToken
	gt := map[string]any{"RefreshToken": "t", "ClientId": "c"}
	add("GetTokensFromRefreshToken", map[string]any{}, null("clientId"), null("refreshToken"))
	add("GetTokensFromRefreshToken", with(gt, "RefreshToken", "a b"), hidden("refreshToken", tokenPat))
	add("GetTokensFromRefreshToken", with(gt, "ClientId", ""), hidden("clientId", minLen(1)), hidden("clientId", clientPat))
	add("GetTokensFromRefreshToken", with(gt, "ClientId", strings.Repeat("c", 129)), hidden("clientId", maxLen(128)))
	add("GetTokensFromRefreshToken", with(gt, "ClientSecret", "short"), hidden("clientSecret", minLen(24)))
	add("GetTokensFromRefreshToken", with(gt, "ClientSecret", strings.Repeat("s", 65)), hidden("clientSecret", maxLen(64)))
	add("GetTokensFromRefreshToken", with(gt, "ClientSecret", strings.Repeat("s", 24)+" "), hidden("clientSecret", clientPat))
	add("GetTokensFromRefreshToken", with(gt, "DeviceKey", ""), shown("", "deviceKey", minLen(1)), shown("", "deviceKey", devicePat))
	add("GetTokensFromRefreshToken", with(gt, "DeviceKey", key56), shown(key56, "deviceKey", maxLen(55)))
	add("GetTokensFromRefreshToken", with(gt, "ClientMetadata", map[string]any{long: "x"}), shown(long, "clientMetadata.key", maxLen(131072)))
	add("GetTokensFromRefreshToken", with(gt, "ClientMetadata", map[string]any{"k": long}), shown(long, "clientMetadata.k.value", maxLen(131072)))

	// AdminListDevices (signed)
	al := map[string]any{"UserPoolId": DemoPoolID, "Username": "u"}
	add("AdminListDevices", map[string]any{}, null("userPoolId"), null("username"))
	add("AdminListDevices", with(al, "UserPoolId", ""), shown("", "userPoolId", minLen(1)), shown("", "userPoolId", poolPat))
	add("AdminListDevices", with(al, "UserPoolId", pool56), shown(pool56, "userPoolId", maxLen(55)))
	add("AdminListDevices", with(al, "UserPoolId", "nounderscore"), shown("nounderscore", "userPoolId", poolPat))
	add("AdminListDevices", with(al, "Username", ""), hidden("username", minLen(1)), hidden("username", userPat))
	add("AdminListDevices", with(al, "Username", strings.Repeat("u", 129)), hidden("username", maxLen(128)))
	add("AdminListDevices", with(al, "Username", "a b"), hidden("username", userPat))
	add("AdminListDevices", with(al, "Limit", -1), shown("-1", "limit", minVal(0)))
	add("AdminListDevices", with(al, "Limit", 61), shown("61", "limit", maxVal(60)))
	add("AdminListDevices", with(al, "PaginationToken", ""), shown("", "paginationToken", minLen(1)), shown("", "paginationToken", nonSpace))
	add("AdminListDevices", with(al, "PaginationToken", "a b"), shown("a b", "paginationToken", nonSpace))
	return cs
}

// signedCall sends an IAM-signed request with the default key pair.
func signedCall(t *testing.T, url, op string, body []byte) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ContentType)
	req.Header.Set(HeaderTarget, TargetPrefix+op)
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: DefaultAccessKeyID, SecretAccessKey: DefaultSecretAccessKey}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), SigningName, "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

func TestConstraints(t *testing.T) {
	_, srv := newTestEmulator(t)
	for i, c := range constraintCases() {
		name := fmt.Sprintf("%s/%d", c.op, i)
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(c.body)
			if err != nil {
				t.Fatal(err)
			}
			var a answer
			if model.LookupOperation(c.op).SigV4 {
				a = signedCall(t, srv.URL, c.op, b)
			} else {
				a = call(t, srv.URL, c.op, b)
			}
			wantError(t, a, 400, ErrInvalidParameter, c.want)
		})
	}
}

// TestConstraintTableIsComplete lists every constraint the model puts on
// the inputs of the operations the emulator serves, and checks that some
// row of constraintCases violates it.
func TestConstraintTableIsComplete(t *testing.T) {
	covered := map[string]bool{}
	for _, c := range constraintCases() {
		b, _ := json.Marshal(c.body)
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var m map[string]any
		if err := d.Decode(&m); err != nil {
			t.Fatal(err)
		}
		vs, err := model.ValidateInput(c.op, m)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			covered[c.op+" "+normPath(v.Path)+" "+kindOf(v.Constraint)] = true
		}
	}
	var want []string
	for op := range operations {
		want = append(want, constraintsOf(op, model.LookupOperation(op).Input, "", false)...)
	}
	slices.Sort(want)
	var missing []string
	for _, w := range want {
		if !covered[w] {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Errorf("constraints with no row in constraintCases:\n%s", strings.Join(missing, "\n"))
	}
	t.Logf("%d constraints, %d covered", len(want), len(covered))
	if len(want) < 60 {
		t.Errorf("only %d constraints found in the model; the walk is broken", len(want))
	}
}

var mapValuePath = regexp.MustCompile(`\.[^.]+\.value$`)

func normPath(p string) string { return mapValuePath.ReplaceAllString(p, ".*.value") }

func kindOf(constraint string) string {
	for _, k := range []struct{ prefix, kind string }{
		{notNull, "required"},
		{"Member must have length greater", "minLen"},
		{"Member must have length less", "maxLen"},
		{"Member must satisfy regular expression", "pattern"},
		{"Member must satisfy enum", "enum"},
		{"Member must have value greater", "min"},
		{"Member must have value less", "max"},
	} {
		if strings.HasPrefix(constraint, k.prefix) {
			return k.kind
		}
	}
	return constraint
}

// constraintsOf walks a shape as the model's validator does and names each
// constraint that some value can violate ("op path kind").
func constraintsOf(op, shape, path string, required bool) []string {
	s := model.LookupShape(shape)
	var out []string
	add := func(kind string) { out = append(out, op+" "+path+" "+kind) }
	if required {
		add("required")
	}
	switch s.Kind {
	case model.KindStructure:
		for _, m := range s.Members {
			p := strings.ToLower(m.Name[:1]) + m.Name[1:]
			if path != "" {
				p = path + "." + p
			}
			out = append(out, constraintsOf(op, m.Target, p, m.Required)...)
		}
	case model.KindMap:
		out = append(out, constraintsOf(op, s.Key, path+".key", false)...)
		out = append(out, constraintsOf(op, s.Elem, path+".*.value", false)...)
	case model.KindString, model.KindEnum:
		if s.MinLen != nil && *s.MinLen > 0 {
			add("minLen")
		}
		if s.MaxLen != nil {
			add("maxLen")
		}
		if s.Pattern != "" {
			add("pattern")
		}
		if s.Kind == model.KindEnum {
			add("enum")
		}
	case model.KindInteger:
		if s.Min != nil {
			add("min")
		}
		if s.Max != nil {
			add("max")
		}
	}
	return out
}

func TestSerializationErrors(t *testing.T) {
	_, srv := newTestEmulator(t)
	tests := []struct {
		op, body, msg string
	}{
		{"ListWebAuthnCredentials", `{"AccessToken":"x","MaxResults":"5"}`, "STRING_VALUE can not be converted to an Integer"},
		{"ListWebAuthnCredentials", `{"AccessToken":"x","MaxResults":1.5}`, "NUMBER_VALUE can not be converted to an Integer"},
		{"ListDevices", `{"AccessToken":7}`, "NUMBER_VALUE can not be converted to a String"},
		{"InitiateAuth", `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"c","AuthParameters":["x"]}`, "START_ARRAY can not be converted to a Map"},
		{"GetUser", `[]`, "START_ARRAY can not be converted to a structure"},
		{"GetUser", `"x"`, "STRING_VALUE can not be converted to a structure"},
		{"GetUser", `{"AccessToken":`, "Request body is not valid JSON."},
		{"GetUser", `{"AccessToken":"x"} {}`, "Request body has data after the JSON value."},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			wantError(t, call(t, srv.URL, tt.op, tt.body), 400, ErrSerialization, tt.msg)
		})
	}
}
