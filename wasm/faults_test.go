//go:build js && wasm

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
	"github.com/cognito-wasm/cognito-wasm/internal/auth/authtest"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/fetch"
	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// The fault matrix: every operation against every way the service or the
// network can fail, through the api object and the fetch transport under
// Node. Faults come from the emulator's /_emulator/faults; its request log
// counts the attempts each call made.

// faultOp is one API method and the Cognito operation it sends.
type faultOp struct {
	method, target string
	input          func() js.Value
}

func faultOps(t *testing.T) []faultOp {
	cred := demoUser(t, emulator.DemoUsername).WebAuthnCredentials[0].CredentialID
	return []faultOp{
		{"listWebAuthnCredentials", "ListWebAuthnCredentials", js.Undefined},
		{"deleteWebAuthnCredential", "DeleteWebAuthnCredential", func() js.Value { return js.ValueOf(map[string]any{"credentialId": cred}) }},
		{"listDevices", "ListDevices", func() js.Value { return js.ValueOf(map[string]any{"pageSize": 3}) }},
		{"fetchDevices", "ListDevices", js.Undefined},
	}
}

// How a fault case drives its call.
const (
	driveFault       = iota // queue the fault, make the call
	driveAbort              // queue a hang, abort the call's signal once the emulator holds it
	driveTimeout            // queue a hang; the call's deadline ends it
	driveUnreachable        // nothing listens at the endpoint (a stopped emulator)
)

type faultCase struct {
	name  string
	drive int
	fault authtest.Fault // Target is set per operation

	wantName   string
	wantMsg    string // "" for any
	wantStatus int    // metadata.httpStatusCode; 0: no metadata at all
	wantUnder  string // underlyingError.name; "" for any
	attempts   int    // requests the emulator saw for the call
	logStatus  int    // the status each of them was logged with (0: no answer)
}

// retried is how many attempts the SDK's retryer makes (internal/auth).
const retried = 3

// shortTimeout stands in for auth's callTimeout (30 s): both are a deadline
// on the call's context, and a caller's earlier one wins.
const shortTimeout = time.Second

var faultCases = []faultCase{
	{name: "500 is retried", fault: authtest.Fault{Status: 500, ErrorType: emulator.ErrInternal, Message: "boom"},
		wantName: emulator.ErrInternal, wantMsg: "boom", wantStatus: 500, wantUnder: emulator.ErrInternal, attempts: retried, logStatus: 500},
	{name: "503 is retried", fault: authtest.Fault{Status: 503, ErrorType: "ServiceUnavailableException", Message: "Service Unavailable"},
		wantName: "ServiceUnavailableException", wantMsg: "Service Unavailable", wantStatus: 503, attempts: retried, logStatus: 503},
	{name: "TooManyRequestsException is retried", fault: authtest.Fault{ErrorType: "TooManyRequestsException", Message: "Too many requests"},
		wantName: "TooManyRequestsException", wantMsg: "Too many requests", wantStatus: 400, attempts: retried, logStatus: 400},
	{name: "LimitExceededException is retried", fault: authtest.Fault{ErrorType: "LimitExceededException", Message: "Attempt limit exceeded"},
		wantName: "LimitExceededException", wantMsg: "Attempt limit exceeded", wantStatus: 400, attempts: retried, logStatus: 400},
	{name: "400 service error is not retried", fault: authtest.Fault{ErrorType: emulator.ErrNotAuthorized, Message: emulator.MsgAccessTokenRevoked},
		wantName: emulator.ErrNotAuthorized, wantMsg: emulator.MsgAccessTokenRevoked, wantStatus: 400, attempts: 1, logStatus: 400},
	{name: "malformed JSON is not retried", fault: authtest.Fault{Mode: emulator.FaultMalformed},
		wantName: auth.NameUnknown, wantMsg: "An unknown error has occurred.", wantStatus: 200, attempts: 1, logStatus: 200},
	{name: "truncated body is retried", fault: authtest.Fault{Mode: emulator.FaultTruncated},
		wantName: auth.NameNetwork, wantMsg: "A network error has occurred.", wantUnder: "TypeError", attempts: retried, logStatus: 200},
	{name: "connection reset is retried", fault: authtest.Fault{Mode: emulator.FaultReset},
		wantName: auth.NameNetwork, wantMsg: "A network error has occurred.", wantUnder: "TypeError", attempts: retried, logStatus: 0},
	{name: "hang aborted by the signal", drive: driveAbort, fault: authtest.Fault{Mode: emulator.FaultHang},
		wantName: auth.NameAbort, wantMsg: "The operation was aborted.", attempts: 1, logStatus: 0},
	{name: "hang ended by the call timeout", drive: driveTimeout, fault: authtest.Fault{Mode: emulator.FaultHang},
		wantName: auth.NameTimeout, wantMsg: "The operation did not complete in time.", attempts: 1, logStatus: 0},
	{name: "emulator stopped", drive: driveUnreachable,
		wantName: auth.NameNetwork, wantMsg: "A network error has occurred.", wantUnder: "TypeError", attempts: 0},
}

// faultResult is what one call of the matrix did.
type faultResult struct {
	reason   js.Value
	rejected bool
	value    js.Value
	log      []authtest.LogEntry // the emulator's entries for this call
	err      error               // a failure of the test's own machinery
}

func TestFaultMatrix(t *testing.T) {
	ops := faultOps(t)
	var tokens []string
	for _, fc := range faultCases {
		t.Run(fc.name, func(t *testing.T) {
			resetEmulator(t)
			token := signIn(t, emulator.DemoUsername).AccessToken
			tokens = append(tokens, token)
			results := runFaultCase(t, fc, ops, token)
			for i, op := range ops {
				t.Run(op.method, func(t *testing.T) { checkFaultResult(t, fc, results[i], token) })
			}
		})
	}
	// Whatever happened above, the log holds no token (it holds no bodies).
	raw := controlGET(t, "/_emulator/requests")
	for _, tok := range tokens {
		if strings.Contains(raw, tok) {
			t.Errorf("the emulator's request log contains an access token")
		}
	}
}

// runFaultCase makes every operation's call under the fault. Operations with
// different targets run at the same time (their faults and log entries
// cannot mix); those sharing a target (listDevices, fetchDevices) take turns,
// so each call's log entries are its own.
func runFaultCase(t *testing.T, fc faultCase, ops []faultOp, token string) []faultResult {
	t.Helper()
	cfg := auth.Config{UserPoolID: emulator.DemoPoolID, ClientID: emulator.DemoClientID, Endpoint: emulatorURL}
	if fc.drive == driveUnreachable {
		cfg.Endpoint = closedPortURL(t)
	}
	a := newTestAPI(t, cfg, token)
	obj := a.object()

	results := make([]faultResult, len(ops))
	byTarget := map[string][]int{}
	var order []string
	for i, op := range ops {
		if byTarget[op.target] == nil {
			order = append(order, op.target)
		}
		byTarget[op.target] = append(byTarget[op.target], i)
	}
	var wg sync.WaitGroup
	for _, target := range order {
		wg.Go(func() {
			for _, i := range byTarget[target] {
				results[i] = runFaultCall(fc, a, obj, ops[i])
			}
		})
	}
	wg.Wait()
	return results
}

func runFaultCall(fc faultCase, a *api, obj js.Value, op faultOp) (r faultResult) {
	ctx := context.Background()
	before, err := targetLog(ctx, op.target)
	if err != nil {
		return faultResult{err: err}
	}
	if fc.drive != driveUnreachable {
		f := fc.fault
		f.Target = op.target
		f.Times = fc.attempts
		if err := control.AddFault(ctx, f); err != nil {
			return faultResult{err: err}
		}
	}
	var signal js.Value
	var ac js.Value
	if fc.drive == driveAbort {
		ac = jsGlobal.Get("AbortController").New()
		signal = ac.Get("signal")
	}
	switch fc.drive {
	case driveTimeout:
		// A JS call cannot carry a deadline, so the export's work runs
		// here with one, and its error becomes the rejection as in a call.
		fn, err := exports[op.method](a.client.Load(), op.input())
		if err != nil {
			return faultResult{err: err}
		}
		tctx, cancel := context.WithTimeout(ctx, shortTimeout)
		r.value, err = fn(tctx)
		cancel()
		if r.rejected = err != nil; r.rejected {
			r.reason = jsbridge.RejectValue(err)
		}
	default:
		p := obj.Call("call", op.method, op.input(), signal)
		if fc.drive == driveAbort {
			if err := waitHeld(ctx, op.target, len(before)); err != nil {
				return faultResult{err: err}
			}
			ac.Call("abort")
		}
		r.value, r.reason, r.rejected = settle(p)
	}
	after, err := targetLog(ctx, op.target)
	if err != nil {
		return faultResult{err: err}
	}
	r.log = after[len(before):]
	if fc.drive == driveUnreachable {
		r.log = after // nothing may reach the emulator at all
		if len(before) != 0 {
			r.err = fmt.Errorf("%d requests for %s in the log before the call", len(before), op.target)
		}
	}
	return r
}

func checkFaultResult(t *testing.T, fc faultCase, r faultResult, token string) {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	reason := mustReject(t, r.reason, r.rejected, fc.wantName, fc.wantMsg)
	md := reason.Get("metadata")
	switch {
	case fc.wantStatus == 0 && hasOwn(reason, "metadata"):
		t.Errorf("metadata %s on an error without an HTTP answer", stringify(md))
	case fc.wantStatus != 0 && (md.Type() != js.TypeObject || md.Get("httpStatusCode").Int() != fc.wantStatus ||
		md.Get("requestId").Type() != js.TypeString || md.Get("requestId").String() == ""):
		t.Errorf("metadata = %s, want httpStatusCode %d and a requestId", stringify(md), fc.wantStatus)
	}
	if u := reason.Get("underlyingError"); fc.wantUnder != "" && (u.Type() != js.TypeObject || u.Get("name").String() != fc.wantUnder) {
		t.Errorf("underlyingError = %s, want name %s", stringify(u), fc.wantUnder)
	}
	attempts := len(r.log)
	if fc.drive == driveTimeout {
		// The timer may (rarely, on a loaded machine) fire before the request
		// reaches the emulator; what must never happen is a second attempt.
		if attempts > 1 {
			t.Errorf("%d attempts after a timeout, want at most 1: %+v", attempts, r.log)
		}
	} else if attempts != fc.attempts {
		t.Errorf("the emulator saw %d attempts %+v, want %d", attempts, r.log, fc.attempts)
	}
	for _, e := range r.log {
		if e.Status != fc.logStatus {
			t.Errorf("log = %+v, want each attempt logged with status %d", r.log, fc.logStatus)
			break
		}
	}
	if s := stringify(reason); strings.Contains(s, token) {
		t.Errorf("the rejection contains the access token: %s", s)
	}
}

// newTestAPI is a fresh api whose client is built from cfg directly (so a
// test may point it at a closed port), with a token source that always
// answers token.
func newTestAPI(t *testing.T, cfg auth.Config, token string) *api {
	t.Helper()
	host := eval(`{ getToken: () => Promise.resolve(` + jsString(token) + `) }`)
	a := newAPI(host, &fetch.Client{})
	c, err := auth.New(cfg, hostTokens{host}, a.http)
	if err != nil {
		t.Fatal(err)
	}
	a.client.Store(c)
	return a
}

func jsString(s string) string { return jsJSON.Call("stringify", s).String() }

// closedPortURL is an http URL on 127.0.0.1 where nothing listens any more.
func closedPortURL(t *testing.T) string {
	t.Helper()
	p := eval(`new Promise((resolve, reject) => {
		const srv = require("net").createServer();
		srv.on("error", reject);
		srv.listen(0, "127.0.0.1", () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
	})`)
	port, reason, rejected := settle(p)
	if rejected {
		t.Fatalf("finding a free port: %s", stringify(reason))
	}
	return fmt.Sprintf("http://127.0.0.1:%d/", port.Int())
}

// targetLog is the emulator's request log for one operation.
func targetLog(ctx context.Context, target string) ([]authtest.LogEntry, error) {
	log, err := control.Requests(ctx)
	if err != nil {
		return nil, err
	}
	var out []authtest.LogEntry
	for _, e := range log {
		if e.Target == target {
			out = append(out, e)
		}
	}
	return out, nil
}

// waitHeld waits until the emulator holds a request for target beyond the
// first n (logged, no answer yet). Each check is a round trip to the
// emulator; the 20 s guard only turns a lost request into a failure.
func waitHeld(ctx context.Context, target string, n int) error {
	guard := time.Now().Add(20 * time.Second)
	for {
		log, err := targetLog(ctx, target)
		if err != nil {
			return err
		}
		if len(log) > n && log[n].Status == 0 {
			return nil
		}
		if time.Now().After(guard) {
			return fmt.Errorf("the %s request never reached the emulator (log %+v)", target, log)
		}
	}
}

// controlGET returns the raw body of a control endpoint.
func controlGET(t *testing.T, path string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, emulatorURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&fetch.Client{}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
