package auth

import (
	"strings"
	"testing"
)

func TestConfigResolve(t *testing.T) {
	const pool, client = "us-east-1_AbC123", "exampleclientid0000000000a"
	tests := []struct {
		name     string
		cfg      Config
		region   string
		endpoint string
		wantErr  string // substring of the message; "" for success
	}{
		{"default endpoint", Config{UserPoolID: pool, ClientID: client}, "us-east-1", "https://cognito-idp.us-east-1.amazonaws.com/", ""},
		{"china partition", Config{UserPoolID: "cn-north-1_abc", ClientID: client}, "cn-north-1", "https://cognito-idp.cn-north-1.amazonaws.com.cn/", ""},
		{"region is up to the first underscore", Config{UserPoolID: "eu_west_1_abc", ClientID: client}, "eu", "https://cognito-idp.eu.amazonaws.com/", ""},
		{"https endpoint", Config{UserPoolID: pool, ClientID: client, Endpoint: "https://proxy.example.com/cognito"}, "us-east-1", "https://proxy.example.com/cognito", ""},
		{"http localhost", Config{UserPoolID: pool, ClientID: client, Endpoint: "http://localhost:9229"}, "us-east-1", "http://localhost:9229", ""},
		{"http LOCALHOST", Config{UserPoolID: pool, ClientID: client, Endpoint: "http://LOCALHOST:9229/"}, "us-east-1", "http://LOCALHOST:9229/", ""},
		{"http 127.0.0.1", Config{UserPoolID: pool, ClientID: client, Endpoint: "http://127.0.0.1:9229/"}, "us-east-1", "http://127.0.0.1:9229/", ""},
		{"http 127.8.9.10", Config{UserPoolID: pool, ClientID: client, Endpoint: "http://127.8.9.10/"}, "us-east-1", "http://127.8.9.10/", ""},
		{"http [::1]", Config{UserPoolID: pool, ClientID: client, Endpoint: "http://[::1]:9229/"}, "us-east-1", "http://[::1]:9229/", ""},

		{"missing pool id", Config{ClientID: client}, "", "", "userPoolId is required."},
		{"pool id without underscore", Config{UserPoolID: "useast1abc", ClientID: client}, "", "", `userPoolId must satisfy regular expression pattern: ^[\w-]+_[0-9a-zA-Z]+$ (got "useast1abc").`},
		{"pool id with a dot", Config{UserPoolID: "us-east-1_ab.c", ClientID: client}, "", "", "userPoolId must satisfy regular expression pattern"},
		{"pool id too long", Config{UserPoolID: "us-east-1_" + strings.Repeat("a", 50), ClientID: client}, "", "", "userPoolId must have length less than or equal to 55"},
		{"missing client id", Config{UserPoolID: pool}, "", "", "userPoolClientId is required."},
		{"client id with a dash", Config{UserPoolID: pool, ClientID: "abc-def"}, "", "", `userPoolClientId must satisfy regular expression pattern: ^[\w+]+$.`},
		{"http on a public host", Config{UserPoolID: pool, ClientID: client, Endpoint: "http://cognito.example.com/"}, "", "", "may use http:// only for localhost"},
		{"http on a private address", Config{UserPoolID: pool, ClientID: client, Endpoint: "http://192.168.1.2:9229/"}, "", "", "may use http:// only for localhost"},
		{"http on localhost.evil.com", Config{UserPoolID: pool, ClientID: client, Endpoint: "http://localhost.evil.com/"}, "", "", "may use http:// only for localhost"},
		{"ftp", Config{UserPoolID: pool, ClientID: client, Endpoint: "ftp://localhost/"}, "", "", "must be an http(s) URL"},
		{"relative", Config{UserPoolID: pool, ClientID: client, Endpoint: "/cognito"}, "", "", "must be an absolute http(s) URL"},
		{"no host", Config{UserPoolID: pool, ClientID: client, Endpoint: "https:///x"}, "", "", "must be an absolute http(s) URL"},
		{"credentials", Config{UserPoolID: pool, ClientID: client, Endpoint: "https://u:p@example.com/"}, "", "", "must not carry credentials"},
		{"query", Config{UserPoolID: pool, ClientID: client, Endpoint: "https://example.com/?a=b"}, "", "", "must not carry credentials, a query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := tt.cfg.resolve()
			if tt.wantErr != "" {
				e, ok := err.(*Error)
				if !ok {
					t.Fatalf("err = %v, want *Error", err)
				}
				if e.Name != NameNotConfigured || !strings.Contains(e.Message, tt.wantErr) {
					t.Fatalf("err = %s: %q, want %s containing %q", e.Name, e.Message, NameNotConfigured, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.region != tt.region || r.endpoint != tt.endpoint {
				t.Errorf("region, endpoint = %q, %q; want %q, %q", r.region, r.endpoint, tt.region, tt.endpoint)
			}
		})
	}
}

func TestNewNeedsTokenSourceAndHTTPClient(t *testing.T) {
	cfg := Config{UserPoolID: "us-east-1_a", ClientID: "c"}
	if _, err := New(cfg, nil, doFunc(nil)); err == nil {
		t.Error("New without a TokenSource succeeded")
	}
	if _, err := New(cfg, staticToken("t"), nil); err == nil {
		t.Error("New without an HTTPClient succeeded")
	}
}
