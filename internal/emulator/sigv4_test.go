package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

func TestSigV4Failures(t *testing.T) {
	wall := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	_, srv := newTestEmulator(t, withWallClock(func() time.Time { return wall }))
	body := []byte(`{"UserPoolId":"` + DemoPoolID + `","Username":"alice"}`)

	signed := func(at time.Time, service, region string, edit func(*http.Request)) answer {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", bytes.NewReader(body))
		req.Header.Set("Content-Type", ContentType)
		req.Header.Set(HeaderTarget, TargetPrefix+"AdminListDevices")
		sum := sha256.Sum256(body)
		creds := aws.Credentials{AccessKeyID: DefaultAccessKeyID, SecretAccessKey: DefaultSecretAccessKey}
		if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, at); err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(req)
		}
		return do(t, req)
	}

	if a := signed(wall, SigningName, "us-east-1", nil); a.status != 200 {
		t.Fatalf("good signature: %d %s", a.status, a.body)
	}
	if a := signed(wall.Add(4*time.Minute), SigningName, "eu-west-1", nil); a.status != 200 {
		t.Errorf("other region, 4 min skew: %d %s", a.status, a.body)
	}
	tests := []struct {
		name string
		a    answer
		typ  string
		msg  string
	}{
		{"expired", signed(wall.Add(-6*time.Minute), SigningName, "us-east-1", nil), ErrInvalidSignature,
			"Signature expired: 20260102T025805Z is now earlier than 20260102T025905Z (20260102T030405Z - 5 min.)"},
		{"not yet current", signed(wall.Add(6*time.Minute), SigningName, "us-east-1", nil), ErrInvalidSignature,
			"Signature not yet current: 20260102T031005Z is still later than 20260102T030905Z (20260102T030405Z + 5 min.)"},
		{"other service", signed(wall, "s3", "us-east-1", nil), ErrInvalidSignature,
			"Credential should be scoped to correct service: 'cognito-idp'."},
		{"body changed", signed(wall, SigningName, "us-east-1", func(r *http.Request) {
			b := bytes.Replace(body, []byte("alice"), []byte("bob00"), 1)
			r.Body = readCloser(b)
		}), ErrInvalidSignature, MsgInvalidSignature},
		{"signed header changed", signed(wall, SigningName, "us-east-1", func(r *http.Request) {
			r.Header.Set("Content-Type", "application/json")
		}), ErrInvalidSignature, MsgInvalidSignature},
		{"date changed", signed(wall, SigningName, "us-east-1", func(r *http.Request) {
			r.Header.Set("X-Amz-Date", "20260102T030406Z")
		}), ErrInvalidSignature, MsgInvalidSignature},
		{"scope date", signed(wall, SigningName, "us-east-1", func(r *http.Request) {
			r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20260102/", "/20260101/", 1))
		}), ErrInvalidSignature,
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260101' != '20260102', from '20260102T030405Z'."},
		{"no signature", signed(wall, SigningName, "us-east-1", func(r *http.Request) {
			auth := r.Header.Get("Authorization")
			r.Header.Set("Authorization", auth[:strings.Index(auth, ", Signature=")])
		}), ErrIncompleteSignature, "Authorization header requires 'Signature' parameter."},
		{"no date", signed(wall, SigningName, "us-east-1", func(r *http.Request) { r.Header.Del("X-Amz-Date") }), ErrIncompleteSignature,
			"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."},
		{"other algorithm", signed(wall, SigningName, "us-east-1", func(r *http.Request) { r.Header.Set("Authorization", "Bearer abc") }),
			ErrIncompleteSignature, "Unsupported AWS 'algorithm': 'Bearer'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantError(t, tt.a, 400, tt.typ, tt.msg) })
	}
}
