package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// IAM-signed operations (AdminListDevices) are checked the way AWS checks
// them: the emulator signs the same request again with the secret it holds
// for the access key, using the SDK's own signer, and compares.

const (
	sigv4Algorithm = "AWS4-HMAC-SHA256"
	amzDateFormat  = "20060102T150405Z"
	maxSigningSkew = 5 * time.Minute
)

var signer = v4.NewSigner()

func (e *Emulator) verifySigV4(r *http.Request, body []byte) error {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return NewError(ErrMissingAuthenticationToken, MsgMissingAuthenticationToken)
	}
	algo, rest, _ := strings.Cut(auth, " ")
	if algo != sigv4Algorithm {
		return NewError(ErrIncompleteSignature, MsgUnsupportedAlgorithm(algo))
	}
	params := map[string]string{}
	for _, kv := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		params[k] = v
	}
	var missing []string
	for _, p := range []string{"Credential", "Signature", "SignedHeaders"} {
		if params[p] == "" {
			missing = append(missing, MsgAuthorizationParameterMissing(p))
		}
	}
	amzDate := r.Header.Get("X-Amz-Date")
	if amzDate == "" {
		missing = append(missing, MsgAuthorizationDateMissing)
	}
	if len(missing) > 0 {
		return NewError(ErrIncompleteSignature, strings.Join(missing, " "))
	}
	signingTime, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return NewError(ErrIncompleteSignature, MsgBadAmzDate(amzDate))
	}

	// Credential=AKID/20240101/us-east-1/cognito-idp/aws4_request
	scope := strings.Split(params["Credential"], "/")
	if len(scope) != 5 {
		return NewError(ErrIncompleteSignature, MsgCredentialScopeRegion)
	}
	keyID, date, region, service, term := scope[0], scope[1], scope[2], scope[3], scope[4]
	if term != "aws4_request" {
		return NewError(ErrInvalidSignature, MsgCredentialScopeTerminator(term))
	}
	if service != SigningName {
		return NewError(ErrInvalidSignature, MsgCredentialScopeService(SigningName))
	}
	if want := signingTime.Format("20060102"); date != want {
		return NewError(ErrInvalidSignature, MsgCredentialScopeDate(date, want, amzDate))
	}
	secret, ok := e.iamKeys[keyID]
	if !ok {
		return NewError(ErrUnrecognizedClient, MsgUnrecognizedClient)
	}
	now := e.wallNow().UTC()
	switch {
	case signingTime.Before(now.Add(-maxSigningSkew)):
		return NewError(ErrInvalidSignature, MsgSignatureExpired(amzDate, now.Add(-maxSigningSkew).Format(amzDateFormat), now.Format(amzDateFormat)))
	case signingTime.After(now.Add(maxSigningSkew)):
		return NewError(ErrInvalidSignature, MsgSignatureNotYetCurrent(amzDate, now.Add(maxSigningSkew).Format(amzDateFormat), now.Format(amzDateFormat)))
	}

	// Rebuild the request from the headers the client says it signed.
	re := &http.Request{
		Method: r.Method,
		URL:    &url.URL{Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery},
		Host:   r.Host,
		Header: http.Header{},
	}
	for _, h := range strings.Split(params["SignedHeaders"], ";") {
		switch h {
		case "host", "x-amz-date":
			// The signer takes these from Host and signingTime.
		case "content-length":
			re.ContentLength = int64(len(body))
		default:
			re.Header[http.CanonicalHeaderKey(h)] = r.Header.Values(h)
		}
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: secret}
	if err := signer.SignHTTP(r.Context(), creds, re, hex.EncodeToString(sum[:]), service, region, signingTime); err != nil {
		return fmt.Errorf("sigv4: re-sign: %w", err)
	}
	want := map[string]string{}
	_, wrest, _ := strings.Cut(re.Header.Get("Authorization"), " ")
	for _, kv := range strings.Split(wrest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
		want[k] = v
	}
	if want["SignedHeaders"] != params["SignedHeaders"] ||
		!hmac.Equal([]byte(want["Signature"]), []byte(params["Signature"])) {
		return NewError(ErrInvalidSignature, MsgInvalidSignature)
	}
	return nil
}
