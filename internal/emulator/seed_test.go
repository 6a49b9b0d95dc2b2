package emulator

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }

// contractSeed is the seed example of the public contract.
const contractSeed = `{ "userPools": [ {
    "id": "us-east-1_Example1",
    "clients": [ { "id": "exampleclientid0000000000a", "explicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] } ],
    "users": [ {
      "username": "alice", "password": "Passw0rd!", "attributes": { "email": "alice@example.com" },
      "webAuthnCredentials": [ { "credentialId": "cred1", "friendlyCredentialName": "Laptop", "relyingPartyId": "localhost",
          "authenticatorAttachment": "platform", "authenticatorTransports": ["internal"], "createdAt": 1732000000.123 } ],
      "devices": [ { "deviceKey": "us-east-1_0b1c2d3e-0000", "attributes": { "device_name": "Chrome on Linux" },
          "createDate": 1732000000.5, "lastModifiedDate": 1732000100, "lastAuthenticatedDate": 1732000200 } ]
    } ] } ] }`

func TestLoadSeedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(path, []byte(contractSeed), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSeedFile(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(s)
	if err != nil {
		t.Fatal(err)
	}
	url := httptestServer(t, e)
	a := call(t, url, "InitiateAuth", map[string]any{"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "exampleclientid0000000000a",
		"AuthParameters": map[string]string{"USERNAME": "alice", "PASSWORD": "Passw0rd!"}})
	tok, _ := a.json(t)["AuthenticationResult"].(map[string]any)["AccessToken"].(string)
	a = call(t, url, "ListDevices", map[string]any{"AccessToken": tok})
	if !strings.Contains(string(a.body), `"DeviceCreateDate":1732000000.5`) {
		t.Errorf("devices = %s", a.body)
	}
	if _, err := LoadSeedFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file loaded")
	}
}

func TestParseSeedRejects(t *testing.T) {
	tests := map[string]string{
		"unknown field":    `{"userPools":[{"id":"us-east-1_A","clientz":[]}]}`,
		"bad pool id":      `{"userPools":[{"id":"nounderscore"}]}`,
		"duplicate pool":   `{"userPools":[{"id":"us-east-1_A"},{"id":"us-east-1_A"}]}`,
		"bad client id":    `{"userPools":[{"id":"us-east-1_A","clients":[{"id":"a-b"}]}]}`,
		"bad flow":         `{"userPools":[{"id":"us-east-1_A","clients":[{"id":"c","explicitAuthFlows":["USER_PASSWORD_AUTH"]}]}]}`,
		"duplicate user":   `{"userPools":[{"id":"us-east-1_A","users":[{"username":"a"},{"username":"A"}]}]}`,
		"bad device key":   `{"userPools":[{"id":"us-east-1_A","users":[{"username":"a","devices":[{"deviceKey":"nope"}]}]}]}`,
		"duplicate device": `{"userPools":[{"id":"us-east-1_A","users":[{"username":"a","devices":[{"deviceKey":"r_1"}]},{"username":"b","devices":[{"deviceKey":"r_1"}]}]}]}`,
		"duplicate cred":   `{"userPools":[{"id":"us-east-1_A","users":[{"username":"a","webAuthnCredentials":[{"credentialId":"x"},{"credentialId":"x"}]}]}]}`,
		"half a key pair":  `{"userPools":[],"iamCredentials":[{"accessKeyId":"AKID"}]}`,
		"trailing data":    `{"userPools":[]} {}`,
		"not json":         `userPools`,
	}
	for name, in := range tests {
		if _, err := ParseSeed([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := DemoSeed().Validate(); err != nil {
		t.Errorf("demo seed: %v", err)
	}
}
