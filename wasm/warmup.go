//go:build js && wasm

package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// Warm-up: after the first result of a page load, Chromium is given a reason
// to cache the module's compiled code, so that the next visit compiles less.
//
// V8 compiles a wasm function lazily, with its baseline compiler, when it
// first runs, and recompiles it with TurboFan only once it has run enough.
// It writes the module to its code cache only after ≥ 1,000 bytes of
// TurboFan code were produced (wasm_caching_threshold) and then 2 s passed
// without more (wasm_caching_timeout_ms); the entry holds the TurboFan code.
// A page that makes a few calls never gets there, so every visit compiles
// again. The warm-up runs the calls a page makes first — decode, validate,
// the SDK's serializers, middleware and deserializers, the shape mapping —
// against canned answers (no network, no token, no storage), enough times for
// V8 to tier them up, in short slices with pauses in between, and only
// while the page has made no call for a second: a call the page makes
// meanwhile waits at most for the one warm-up call in progress.
//
// It runs once per load, only where it helps: engines with
// navigator.userAgentData naming Chromium (V8's cache); Firefox and WebKit
// never run it. It is bounded by plan.iterations and plan.budget of work.
var warmUpPlan = warmUpConfig{
	quiet:      time.Second,          // no call started or running for this long
	iterations: 300,                  // rounds of warmUpCalls
	slice:      4 * time.Millisecond, // work between two pauses
	pause:      8 * time.Millisecond, // the event loop's (and the page's) share
	budget:     4 * time.Second,      // total work, whatever the iterations
}

type warmUpConfig struct {
	quiet      time.Duration
	iterations int
	slice      time.Duration
	pause      time.Duration
	budget     time.Duration
}

// warmUpCalls are the calls of one round, with their inputs.
var warmUpCalls = []struct {
	method string
	input  func() js.Value
}{
	{"listWebAuthnCredentials", func() js.Value { return jsbridge.Object("pageSize", 20) }},
	{"listDevices", func() js.Value { return jsbridge.Object("pageSize", 60) }},
	{"fetchDevices", js.Undefined},
	{"deleteWebAuthnCredential", func() js.Value { return jsbridge.Object("credentialId", "warm-up-credential-0") }},
}

// warmUp runs the warm-up once per load, where it helps, and only while
// the page makes no calls of its own.
type warmUp struct {
	once sync.Once
	plan warmUpConfig

	running  atomic.Int64 // the page's calls in progress
	lastCall atomic.Int64 // when the page's last call started (UnixNano)

	// now and sleep are time.Now and time.Sleep; tests replace them.
	now   func() time.Time
	sleep func(time.Duration)
}

func (w *warmUp) clock() time.Time {
	if w.now != nil {
		return w.now()
	}
	return time.Now()
}

func (w *warmUp) wait(d time.Duration) {
	if w.sleep != nil {
		w.sleep(d)
		return
	}
	time.Sleep(d)
}

// callStarted and callEnded bracket each of the page's calls.
func (w *warmUp) callStarted() {
	w.running.Add(1)
	w.lastCall.Store(w.clock().UnixNano())
}

func (w *warmUp) callEnded() { w.running.Add(-1) }

// afterResult is called after each successful call; the first starts the
// warm-up.
func (w *warmUp) afterResult() {
	w.once.Do(func() {
		if isChromium() {
			go w.run()
		}
	})
}

// idle waits until the page has had no call running or starting for
// plan.quiet.
func (w *warmUp) idle() {
	for {
		since := w.clock().Sub(time.Unix(0, w.lastCall.Load()))
		if w.running.Load() == 0 && since >= w.plan.quiet {
			return
		}
		w.wait(max(w.plan.quiet-since, w.plan.pause))
	}
}

// run does the rounds; done counts them and failed the calls that did not
// succeed (for tests: a failing call would warm the error path instead).
// Each call is preceded by a wait for idleness, so a call the page makes
// meanwhile waits at most for the one warm-up call in progress.
func (w *warmUp) run() (done, failed int) {
	w.idle()
	c, err := auth.New(auth.Config{UserPoolID: "us-east-1_WarmUp0", ClientID: "warmupclient00000000000000"},
		auth.TokenFunc(func(context.Context, bool) (string, error) { return "warm.up.token", nil }), cannedHTTP{})
	if err != nil {
		return 0, 1
	}
	var spent time.Duration
	sliceStart := time.Now()
	for done < w.plan.iterations && spent < w.plan.budget {
		for _, call := range warmUpCalls {
			fn, err := exports[call.method](c, call.input())
			if err == nil {
				_, err = fn(context.Background())
			}
			if err != nil {
				failed++
			}
			if d := time.Since(sliceStart); d >= w.plan.slice {
				spent += d
				time.Sleep(w.plan.pause) // returns to the event loop
				w.idle()
				sliceStart = time.Now()
			}
		}
		done++
	}
	return done, failed
}

// isChromium reports whether navigator.userAgentData lists Chromium (in
// Chromium browsers' pages and workers; absent in Firefox, WebKit, Node).
func isChromium() bool {
	nav := js.Global().Get("navigator")
	if nav.Type() != js.TypeObject {
		return false
	}
	uad := nav.Get("userAgentData")
	if uad.Type() != js.TypeObject {
		return false
	}
	brands := uad.Get("brands")
	if brands.Type() != js.TypeObject {
		return false
	}
	for i, n := 0, brands.Length(); i < n; i++ {
		if b := brands.Index(i).Get("brand"); b.Type() == js.TypeString && b.String() == "Chromium" {
			return true
		}
	}
	return false
}

// cannedHTTP answers each operation as the user pool would, from memory.
type cannedHTTP struct{}

func (cannedHTTP) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	op := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	body, ok := cannedAnswers[op]
	if !ok {
		body = "{}"
	}
	return &http.Response{
		Status:     "200 OK",
		StatusCode: http.StatusOK,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			"Content-Type":     {"application/x-amz-json-1.1"},
			"X-Amzn-Requestid": {"00000000-0000-4000-8000-000000000000"},
			"Date":             {time.Now().UTC().Format(http.TimeFormat)},
		},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

// cannedAnswers are shaped like the emulator's seed user: 3 passkeys and 7
// devices with attributes.
var cannedAnswers = map[string]string{
	"ListWebAuthnCredentials": `{"Credentials":[` +
		`{"CredentialId":"Y3JlZGVudGlhbC0x","FriendlyCredentialName":"Laptop","RelyingPartyId":"localhost","AuthenticatorAttachment":"platform","AuthenticatorTransports":["internal","hybrid"],"CreatedAt":1.7e9},` +
		`{"CredentialId":"Y3JlZGVudGlhbC0y","FriendlyCredentialName":"Phone","RelyingPartyId":"localhost","AuthenticatorAttachment":"cross-platform","AuthenticatorTransports":["hybrid"],"CreatedAt":1.70001e9},` +
		`{"CredentialId":"Y3JlZGVudGlhbC0z","FriendlyCredentialName":"Key","RelyingPartyId":"localhost","AuthenticatorTransports":["usb","nfc"],"CreatedAt":1.70002e9}]}`,
	"ListDevices": `{"Devices":[` + strings.Repeat(`{"DeviceKey":"us-east-1_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",`+
		`"DeviceAttributes":[{"Name":"device_name","Value":"Chrome on Linux"},{"Name":"last_ip_used","Value":"127.0.0.1"},{"Name":"device_status","Value":"valid"}],`+
		`"DeviceCreateDate":1.7e9,"DeviceLastAuthenticatedDate":1.70001e9,"DeviceLastModifiedDate":1.70002e9},`, 6) +
		`{"DeviceKey":"us-east-1_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f1","DeviceAttributes":[{"Name":"device_name","Value":"Firefox"}],"DeviceCreateDate":1.7e9}],"PaginationToken":"next"}`,
}
