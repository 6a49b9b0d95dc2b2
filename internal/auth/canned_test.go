package auth

// Tests with canned answers, for what the emulator never sends: a missing
// Credentials list, devices without keys or with empty attributes, an
// empty pagination token; and a look at the request itself.

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// canned answers every request with status and body, and records requests.
func canned(status int, body string, seen *[]*http.Request) HTTPClient {
	return doFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(strings.NewReader(string(b)))
		if seen != nil {
			*seen = append(*seen, r)
		}
		return &http.Response{
			StatusCode: status,
			Header:     http.Header{"Content-Type": {"application/x-amz-json-1.1"}, "X-Amzn-Requestid": {"canned-id"}},
			Body:       io.NopCloser(strings.NewReader(body)),
			Request:    r,
		}, nil
	})
}

func cannedClient(t *testing.T, hc HTTPClient) *Client {
	t.Helper()
	c, err := New(Config{UserPoolID: "eu-west-1_Pool", ClientID: "client"}, staticToken("tok.en"), hc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRequestIsUnsignedAndGoesToTheDefaultEndpoint(t *testing.T) {
	var seen []*http.Request
	c := cannedClient(t, canned(200, `{"Credentials": []}`, &seen))
	pageSize := 5
	if _, err := c.ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{PageSize: &pageSize}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 {
		t.Fatalf("%d requests, want 1", len(seen))
	}
	r := seen[0]
	if got := r.URL.String(); got != "https://cognito-idp.eu-west-1.amazonaws.com/" {
		t.Errorf("URL = %s", got)
	}
	if got := r.Header.Get("X-Amz-Target"); got != "AWSCognitoIdentityProviderService.ListWebAuthnCredentials" {
		t.Errorf("X-Amz-Target = %q", got)
	}
	for _, h := range []string{"Authorization", "X-Amz-Security-Token", "X-Amz-Date"} {
		if v := r.Header.Get(h); v != "" {
			t.Errorf("%s = %q: the request was signed", h, v)
		}
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body["AccessToken"] != "tok.en" || body["MaxResults"] != float64(5) {
		t.Errorf("body = %v", body)
	}
}

func TestMappingOfSparseAnswers(t *testing.T) {
	t.Run("no Credentials member", func(t *testing.T) {
		out, err := cannedClient(t, canned(200, `{"NextToken": ""}`, nil)).ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{})
		if err != nil {
			t.Fatal(err)
		}
		if out.Credentials == nil || len(out.Credentials) != 0 || out.NextToken != nil {
			t.Errorf("got %+v, want [] and no nextToken", out)
		}
	})
	t.Run("credential without attachment or transports", func(t *testing.T) {
		out, err := cannedClient(t, canned(200, `{"Credentials": [{"CredentialId": "c1", "FriendlyCredentialName": "n",
			"RelyingPartyId": "rp", "CreatedAt": 1700000000.5}]}`, nil)).ListWebAuthnCredentials(context.Background(), ListWebAuthnCredentialsInput{})
		if err != nil {
			t.Fatal(err)
		}
		c := out.Credentials[0]
		if c.AuthenticatorAttachment != nil || c.AuthenticatorTransports == nil || len(c.AuthenticatorTransports) != 0 ||
			!c.CreatedAt.Equal(time.UnixMilli(1700000000500)) {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("devices", func(t *testing.T) {
		out, err := cannedClient(t, canned(200, `{"Devices": [
			{"DeviceAttributes": [{"Name": "device_name", "Value": ""}, {"Name": "a", "Value": "1"}, {"Name": "b"}, {"Name": "", "Value": "x"}]},
			{"DeviceKey": "eu-west-1_ab-12", "DeviceAttributes": [{"Name": "device_name", "Value": "Phone"}, {"Name": "__proto__", "Value": "p"}],
			 "DeviceCreateDate": 1700000000.001, "DeviceLastModifiedDate": 1700000001, "DeviceLastAuthenticatedDate": 1700000002.999}
		], "PaginationToken": "next"}`, nil)).ListDevices(context.Background(), ListDevicesInput{})
		if err != nil {
			t.Fatal(err)
		}
		d0, d1 := out.Devices[0], out.Devices[1]
		if d0.ID != "" || d0.Name != nil || len(d0.Attributes) != 1 || d0.Attributes["a"] != "1" ||
			d0.CreateDate != nil || d0.LastModifiedDate != nil || d0.LastAuthenticatedDate != nil {
			t.Errorf("device 0 = %+v, want id \"\", no name, only a=1, no dates", d0)
		}
		if d1.ID != "eu-west-1_ab-12" || d1.Name == nil || *d1.Name != "Phone" || d1.Attributes["__proto__"] != "p" ||
			!d1.CreateDate.Equal(time.UnixMilli(1700000000001)) || !d1.LastModifiedDate.Equal(time.UnixMilli(1700000001000)) ||
			!d1.LastAuthenticatedDate.Equal(time.UnixMilli(1700000002999)) {
			t.Errorf("device 1 = %+v", d1)
		}
		if out.NextToken == nil || *out.NextToken != "next" {
			t.Errorf("nextToken = %v, want next", out.NextToken)
		}
	})
	t.Run("no Devices member", func(t *testing.T) {
		devs, err := cannedClient(t, canned(200, `{}`, nil)).FetchDevices(context.Background())
		if err != nil || devs == nil || len(devs) != 0 {
			t.Errorf("FetchDevices = %v, %v; want []", devs, err)
		}
	})
}

func TestTokenIsRedactedFromTransportErrors(t *testing.T) {
	// A transport that echoes the request body in its error, the worst case.
	echo := doFunc(func(r *http.Request) (*http.Response, error) {
		b, _ := io.ReadAll(r.Body)
		return nil, errors.New("could not send " + string(b))
	})
	_, err := cannedClient(t, echo).ListDevices(context.Background(), ListDevicesInput{})
	e := asError(t, err, NameNetwork)
	if strings.Contains(e.Error(), "tok.en") || strings.Contains(e.Underlying.Error(), "tok.en") {
		t.Errorf("token in error: %v / %v", e, e.Underlying)
	}
}
