package main

import (
	"strings"
	"testing"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

func TestDateRules(t *testing.T) {
	tests := []struct {
		seconds      float64
		amplify, sdk int64
	}{
		{1718102400.412, 1718102400412, 1718102400412},
		{1729000000.5, 1729000000500, 1729000000500},
		{1721000000.001, 1721000000001, 1721000000001},
		// Below a millisecond they part: Amplify's Date truncates, the SDK rounds.
		{1700000000.00075, 1700000000000, 1700000000001},
	}
	for _, tt := range tests {
		if got := amplifyDate(tt.seconds); got != tt.amplify {
			t.Errorf("amplifyDate(%v) = %d, want %d", tt.seconds, got, tt.amplify)
		}
		if got := sdkDate(tt.seconds); got != tt.sdk {
			t.Errorf("sdkDate(%v) = %d, want %d", tt.seconds, got, tt.sdk)
		}
	}
}

func TestParseAndCompare(t *testing.T) {
	seed := &emulator.Seed{UserPools: []emulator.SeedPool{{
		ID: "us-east-1_Example1",
		Users: []emulator.SeedUser{{
			Username: "alice",
			WebAuthnCredentials: []emulator.SeedCredential{
				{CredentialID: "c1", FriendlyCredentialName: "Key", RelyingPartyID: "localhost",
					AuthenticatorAttachment: "platform", AuthenticatorTransports: []string{"internal"}, CreatedAt: 1.5},
				{CredentialID: "c2", FriendlyCredentialName: "Phone", RelyingPartyID: "localhost", CreatedAt: 2},
			},
			Devices: []emulator.SeedDevice{{
				DeviceKey:  "us-east-1_d1",
				Attributes: map[string]string{"device_name": "Chrome", "empty": ""},
				CreateDate: 3, LastAuthenticatedDate: 4.25,
			}},
		}},
	}}}
	wantCreds, wantDevs, err := expectedFromSeed(seed, "us-east-1_Example1", "alice", amplifyDate)
	if err != nil {
		t.Fatal(err)
	}
	const amplifyCreds = `{"credentials":[
		{"credentialId":"c1","friendlyCredentialName":"Key","relyingPartyId":"localhost","authenticatorAttachment":"platform","authenticatorTransports":["internal"],"createdAt":{"$date":1500}},
		{"credentialId":"c2","friendlyCredentialName":"Phone","relyingPartyId":"localhost","authenticatorTransports":[],"createdAt":{"$date":2000}}]}`
	const sdkCreds = `{"$metadata":{"httpStatusCode":200},"Credentials":[
		{"CredentialId":"c1","FriendlyCredentialName":"Key","RelyingPartyId":"localhost","AuthenticatorAttachment":"platform","AuthenticatorTransports":["internal"],"CreatedAt":{"$date":1500}},
		{"CredentialId":"c2","FriendlyCredentialName":"Phone","RelyingPartyId":"localhost","CreatedAt":{"$date":2000}}]}`
	const amplifyDevs = `[{"id":"us-east-1_d1","name":"Chrome","attributes":{"device_name":"Chrome"},"createDate":{"$date":3000},"lastAuthenticatedDate":{"$date":4250}}]`
	const sdkDevs = `{"Devices":[{"DeviceKey":"us-east-1_d1","DeviceAttributes":[{"Name":"device_name","Value":"Chrome"},{"Name":"empty","Value":""}],
		"DeviceCreateDate":{"$date":3000},"DeviceLastAuthenticatedDate":{"$date":4250}}]}`

	tests := []struct {
		name     string
		parse    func(string) (any, error)
		data     string
		want     any
		wantDiff string // "" = same
		wantErr  string
	}{
		{"amplify credentials", credsOf(parseAmplifyCredentials), amplifyCreds, wantCreds, "", ""},
		{"sdk credentials", credsOf(parseSDKCredentials), sdkCreds, wantCreds, "", ""},
		{"amplify devices", devsOf(parseAmplifyDevices), amplifyDevs, wantDevs, "", ""},
		{"sdk devices", devsOf(parseSDKDevices), sdkDevs, wantDevs, "", ""},
		{"date as a number is not a Date", credsOf(parseAmplifyCredentials),
			strings.Replace(amplifyCreds, `{"$date":1500}`, `1500`, 1), nil, "", "cannot unmarshal"},
		{"date as a string is not a Date", credsOf(parseAmplifyCredentials),
			strings.Replace(amplifyCreds, `{"$date":1500}`, `{"iso":"x"}`, 1), nil, "", "not a Date"},
		{"no credentials array", credsOf(parseAmplifyCredentials), `{}`, nil, "", "no credentials array"},
		{"wrong name", credsOf(parseAmplifyCredentials), strings.Replace(amplifyCreds, `"Key"`, `"Kay"`, 1), wantCreds, "credentials[0]", ""},
		{"off by a millisecond", devsOf(parseAmplifyDevices), strings.Replace(amplifyDevs, `4250`, `4251`, 1), wantDevs, "devices[0]", ""},
		{"missing item", credsOf(parseSDKCredentials), `{"Credentials":[]}`, wantCreds, "0 items, want 2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.parse(tt.data)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var diffs []string
			switch g := got.(type) {
			case []credential:
				diffs = diffList("credentials", g, tt.want.([]credential), credID)
			case []device:
				diffs = diffList("devices", g, tt.want.([]device), devID)
			}
			if tt.wantDiff == "" && len(diffs) > 0 {
				t.Errorf("unexpected differences: %v", diffs)
			}
			if tt.wantDiff != "" && (len(diffs) == 0 || !strings.Contains(strings.Join(diffs, ";"), tt.wantDiff)) {
				t.Errorf("differences %v, want one about %q", diffs, tt.wantDiff)
			}
		})
	}
}

func credsOf(f func(string) ([]credential, error)) func(string) (any, error) {
	return func(s string) (any, error) { return f(s) }
}

func devsOf(f func(string) ([]device, error)) func(string) (any, error) {
	return func(s string) (any, error) { return f(s) }
}
