package browsertest

import (
	"context"
	"embed"
	"encoding/json"
	"io/fs"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

//go:embed testdata/pages
var pages embed.FS

// strictCSP allows scripts and Workers from the page's origin and WebAssembly;
// no inline script, no eval, no blob: workers.
const strictCSP = "script-src 'self' 'wasm-unsafe-eval'"

// cspPolicies are the policies the csp-* pages can ask for with ?csp=<name>;
// the emulator stands for Cognito's origin.
var cspPolicies = map[string]func() string{
	// The policy README.md and js/README.md recommend.
	"documented": func() string {
		return "default-src 'self'; " + strictCSP + "; worker-src 'self'; connect-src 'self' " + cognitoURL
	},
	// The same without worker-src: script-src applies to Workers.
	"no-worker-src": func() string { return "default-src 'self'; " + strictCSP + "; connect-src 'self' " + cognitoURL },
	// No Worker of any kind: the runtime must run on the page.
	"no-worker": func() string {
		return "default-src 'self'; " + strictCSP + "; worker-src 'none'; connect-src 'self' " + cognitoURL
	},
}

// siteHandler serves the test pages:
//
//	/config.json      the emulator's demo pool, as internal/demoserver serves it
//	/pages/...        testdata/pages (csp-*.html?csp=<name> under cspPolicies[name])
//	/dist/...         js/dist
//	/octet/dist/...   js/dist with the .wasm sent as application/octet-stream,
//	                  which instantiateStreaming refuses
//	/testwasm/...     wasm programs the tests build (see buildTestWasm)
func siteHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /config.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(poolConfig())
	})
	sub, _ := fs.Sub(pages, "testdata/pages")
	files := http.FileServerFS(sub)
	mux.Handle("GET /pages/", http.StripPrefix("/pages/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "csp-") && strings.HasSuffix(r.URL.Path, ".html") {
			policy, ok := cspPolicies[r.URL.Query().Get("csp")]
			if !ok {
				http.Error(w, "unknown ?csp", http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Security-Policy", policy())
		}
		files.ServeHTTP(w, r)
	})))
	mux.Handle("GET /dist/", http.StripPrefix("/dist/", noCache(http.FileServer(http.Dir(distDir)))))
	mux.Handle("GET /octet/dist/", http.StripPrefix("/octet/dist/", noCache(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/octet-stream")
		}
		http.FileServer(http.Dir(distDir)).ServeHTTP(w, r)
	}))))
	mux.Handle("GET /testwasm/", http.StripPrefix("/testwasm/", http.FileServer(http.Dir(testWasmDir))))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	return mux
}

func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// poolConfig is Amplify's Auth.Cognito for the emulator's demo pool.
func poolConfig() map[string]string {
	return map[string]string{
		"userPoolId":       emulator.DemoPoolID,
		"userPoolClientId": emulator.DemoClientID,
		"userPoolEndpoint": cognitoURL,
	}
}

// signIn gets an access token for the demo user from the emulator with the
// SDK, as an app's sign-in would.
func signIn(t *testing.T) string {
	t.Helper()
	client := cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(cognitoURL)})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		AuthFlow:       types.AuthFlowTypeUserPasswordAuth,
		ClientId:       aws.String(emulator.DemoClientID),
		AuthParameters: map[string]string{"USERNAME": emulator.DemoUsername, "PASSWORD": emulator.DemoPassword},
	})
	if err != nil {
		t.Fatalf("signing in to the emulator: %v", err)
	}
	return aws.ToString(out.AuthenticationResult.AccessToken)
}

// storeAmplifyTokens signs the demo user in and leaves the access token where
// Amplify v6 keeps it (the module's default token source), on the test site's
// origin in the tab's browser context.
func (tb *tab) storeAmplifyTokens() {
	tb.t.Helper()
	tb.storeAmplifyTokensAt(site)
}

// storeAmplifyTokensAt does it for another origin, which must serve
// /pages/blank.html.
func (tb *tab) storeAmplifyTokensAt(origin string) {
	tb.t.Helper()
	token := signIn(tb.t)
	tb.do(navigate(origin + "/pages/blank.html"))
	tb.storeToken(token)
}

// storeToken leaves the access token where Amplify v6 keeps it, on the
// current page's origin.
func (tb *tab) storeToken(token string) {
	tb.t.Helper()
	prefix := "CognitoIdentityServiceProvider." + emulator.DemoClientID
	tb.eval(`
		localStorage.setItem(`+jsString(prefix+".LastAuthUser")+`, `+jsString(emulator.DemoUsername)+`);
		localStorage.setItem(`+jsString(prefix+"."+emulator.DemoUsername+".accessToken")+`, `+jsString(token)+`);
	`, nil)
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// resetEmulator gives each test the seed's state, clock and no faults.
func resetEmulator(t *testing.T) {
	t.Helper()
	emu.Reset()
	t.Cleanup(emu.Reset)
}

// testWasmDir holds wasm programs built by tests (see buildTestWasm); TestMain
// makes it.
var testWasmDir string

// ---- expected values, from the emulator's seed, in Amplify v6's shapes ----

// jsDate is how the pages encode a Date: {"$date": ISO string}; nil if absent.
type jsDate struct {
	Date string `json:"$date"`
}

// amplifyDate is Amplify's `new Date(seconds * 1000)`: float64 product, cut to
// whole milliseconds as the Date constructor does.
func amplifyDate(seconds float64) *jsDate {
	if seconds == 0 {
		return nil
	}
	ms := math.Trunc(seconds * 1000)
	return &jsDate{time.UnixMilli(int64(ms)).UTC().Format("2006-01-02T15:04:05.000Z")}
}

type credential struct {
	CredentialID            string   `json:"credentialId"`
	FriendlyCredentialName  string   `json:"friendlyCredentialName"`
	RelyingPartyID          string   `json:"relyingPartyId"`
	AuthenticatorAttachment *string  `json:"authenticatorAttachment,omitempty"`
	AuthenticatorTransports []string `json:"authenticatorTransports"`
	CreatedAt               *jsDate  `json:"createdAt"`
}

type device struct {
	ID                    string            `json:"id"`
	Name                  *string           `json:"name,omitempty"`
	Attributes            map[string]string `json:"attributes"`
	CreateDate            *jsDate           `json:"createDate,omitempty"`
	LastAuthenticatedDate *jsDate           `json:"lastAuthenticatedDate,omitempty"`
	LastModifiedDate      *jsDate           `json:"lastModifiedDate,omitempty"`
}

func demoUser() emulator.SeedUser {
	for _, p := range emulator.DemoSeed().UserPools {
		for _, u := range p.Users {
			if p.ID == emulator.DemoPoolID && u.Username == emulator.DemoUsername {
				return u
			}
		}
	}
	panic("demo user not in the demo seed")
}

func seedCredentials() []credential {
	var out []credential
	for _, c := range demoUser().WebAuthnCredentials {
		cr := credential{
			CredentialID:            c.CredentialID,
			FriendlyCredentialName:  c.FriendlyCredentialName,
			RelyingPartyID:          c.RelyingPartyID,
			AuthenticatorTransports: c.AuthenticatorTransports,
			CreatedAt:               amplifyDate(c.CreatedAt),
		}
		if c.AuthenticatorAttachment != "" {
			cr.AuthenticatorAttachment = aws.String(c.AuthenticatorAttachment)
		}
		out = append(out, cr)
	}
	return out
}

func seedDevices() []device {
	var out []device
	for _, d := range demoUser().Devices {
		dv := device{
			ID:                    d.DeviceKey,
			Attributes:            map[string]string{},
			CreateDate:            amplifyDate(d.CreateDate),
			LastAuthenticatedDate: amplifyDate(d.LastAuthenticatedDate),
			LastModifiedDate:      amplifyDate(d.LastModifiedDate),
		}
		for k, v := range d.Attributes {
			if v != "" {
				dv.Attributes[k] = v
			}
		}
		if name, ok := d.Attributes["device_name"]; ok {
			dv.Name = aws.String(name)
		}
		out = append(out, dv)
	}
	return out
}

// encodeJS is page-side code: enc(v) turns a result into JSON-safe data (Dates
// as {$date}), and attempt(f) runs a call into {ok: value} or {err: {...}} with
// what the rejection was (an AuthError? an Error?).
const encodeJS = `
const enc = (v) => v instanceof Date ? { $date: v.toISOString() }
  : Array.isArray(v) ? v.map(enc)
  : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)]))
  : v;
const attempt = async (f) => {
  try {
    const v = await f();
    return { ok: v === undefined ? '(undefined)' : enc(v) };
  } catch (e) {
    return { err: { name: e.name, message: e.message, recoverySuggestion: e.recoverySuggestion,
      metadata: e.metadata, authError: e instanceof cw.AuthError, error: e instanceof Error,
      underlyingError: e.underlyingError && { name: e.underlyingError.name, message: e.underlyingError.message } } };
  }
};
`

// outcome is attempt()'s result.
type outcome struct {
	OK  json.RawMessage `json:"ok"`
	Err *authError      `json:"err"`
}

type authError struct {
	Name               string `json:"name"`
	Message            string `json:"message"`
	RecoverySuggestion string `json:"recoverySuggestion"`
	Metadata           *struct {
		HTTPStatusCode int    `json:"httpStatusCode"`
		RequestID      string `json:"requestId"`
	} `json:"metadata"`
	AuthError       bool `json:"authError"`
	Error           bool `json:"error"`
	UnderlyingError *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"underlyingError"`
}
