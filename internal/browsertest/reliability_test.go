package browsertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// richJS is encodeJS plus richAttempt, which keeps, for the token check,
// everything a rejection shows: String(e), its stack, and the whole
// underlyingError.
const richJS = encodeJS + `
const show = (v) => { try { return JSON.stringify(v) + ' ' + String(v); } catch (e) { return String(v); } };
const richAttempt = async (f) => {
  try {
    const v = await f();
    return { ok: v === undefined ? '(undefined)' : enc(v) };
  } catch (e) {
    const r = await attempt(() => Promise.reject(e));
    r.err.text = [String(e), e && e.stack, show(e && e.underlyingError), show(e && e.metadata), show(e && e.recoverySuggestion)].join('\n');
    return r;
  }
};
`

// richOutcome is richAttempt's result.
type richOutcome struct {
	OK  json.RawMessage `json:"ok"`
	Err *struct {
		authError
		Text string `json:"text"`
	} `json:"err"`
	Log []emulator.RequestLogEntry `json:"log"` // the emulator's entries for the call
}

func (r richOutcome) outcome() outcome {
	o := outcome{OK: r.OK}
	if r.Err != nil {
		o.Err = &r.Err.authError
	}
	return o
}

func (r richOutcome) text() string {
	if r.Err == nil {
		return string(r.OK)
	}
	b, _ := json.Marshal(r.Err.authError)
	return string(b) + "\n" + r.Err.Text
}

// browserOps are the operations of the matrix, as page code: call(options).
const browserOpsJS = `
const ops = [
  { method: 'listWebAuthnCredentials', target: 'ListWebAuthnCredentials', call: (o) => cw.listWebAuthnCredentials({}, o) },
  { method: 'deleteWebAuthnCredential', target: 'DeleteWebAuthnCredential', call: (o) => cw.deleteWebAuthnCredential({ credentialId: CRED }, o) },
  { method: 'listDevices', target: 'ListDevices', call: (o) => cw.listDevices({ pageSize: 3 }, o) },
  { method: 'fetchDevices', target: 'ListDevices', call: (o) => cw.fetchDevices(o) },
];
// Runs f(op) for every op: those with different targets at once, those
// sharing one in turn; returns {method: result}.
const eachOp = async (f) => {
  const groups = new Map();
  for (const op of ops) groups.set(op.target, [...(groups.get(op.target) || []), op]);
  const out = {};
  await Promise.all([...groups.values()].map(async (group) => {
    for (const op of group) out[op.method] = await f(op);
  }));
  return out;
};
`

var browserOps = []string{"listWebAuthnCredentials", "deleteWebAuthnCredential", "listDevices", "fetchDevices"}

// browserFault is one row of the in-browser fault matrix, driven from the
// page through the emulator's control endpoints.
type browserFault struct {
	name       string
	fault      string // POST /_emulator/faults body, without target and times
	times      int    // also the attempts expected, unless maxSeen is set
	maxSeen    int    // the emulator may see up to this many requests (Chromium's own resends)
	abort      bool   // abort the call once the emulator holds it
	wantName   string
	wantStatus int // metadata.httpStatusCode; 0: no metadata
	wantUnder  string
	logStatus  int
}

var browserFaults = []browserFault{
	{name: "500", fault: `{"status":500,"errorType":"InternalErrorException","message":"boom"}`, times: 3,
		wantName: "InternalErrorException", wantStatus: 500, wantUnder: "InternalErrorException", logStatus: 500},
	{name: "400", fault: `{"errorType":"NotAuthorizedException","message":"Access Token has been revoked"}`, times: 1,
		wantName: "NotAuthorizedException", wantStatus: 400, logStatus: 400},
	{name: "malformed", fault: `{"mode":"malformed"}`, times: 1, wantName: "UnknownError", wantStatus: 200, logStatus: 200},
	{name: "truncated", fault: `{"mode":"truncated"}`, times: 3, wantName: "NetworkError", wantUnder: "TypeError", logStatus: 200},
	// Chromium itself re-sends a request whose reused keep-alive connection
	// was reset, once per pooled connection (up to 6 per host), before fetch
	// sees the error: 3 attempts reach the emulator as 3 to 3×7 requests.
	{name: "reset", fault: `{"mode":"reset"}`, times: 3 * 7, maxSeen: 3 * 7, wantName: "NetworkError", wantUnder: "TypeError", logStatus: 0},
	{name: "hang aborted", fault: `{"mode":"hang"}`, times: 1, abort: true, wantName: "AbortError", logStatus: 0},
}

// corsRefuser is a loopback "endpoint" without CORS: preflights get no
// Access-Control-* headers (preflight refused), or pass while the answer to
// the POST has none (response refused). It counts what reaches it.
type corsRefuser struct {
	srv           *httptest.Server
	passPreflight bool
	mu            sync.Mutex
	options       int
	posts         map[string]int // by X-Amz-Target operation
}

func startCORSRefuser(t *testing.T, passPreflight bool) *corsRefuser {
	c := &corsRefuser{passPreflight: passPreflight, posts: map[string]int{}}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if r.Method == http.MethodOptions {
			c.options++
			if c.passPreflight {
				w.Header().Set("Access-Control-Allow-Origin", "*")
				w.Header().Set("Access-Control-Allow-Methods", "POST")
				w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		c.posts[strings.TrimPrefix(r.Header.Get("X-Amz-Target"), emulator.TargetPrefix)]++
		w.Header().Set("Content-Type", emulator.ContentType)
		w.Write([]byte(`{}`))
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *corsRefuser) counts() (options int, posts map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	posts = map[string]int{}
	for k, v := range c.posts {
		posts[k] = v
	}
	return c.options, posts
}

// TestBrowserFaults runs the fault matrix in Chromium through the public API,
// in both modes: service errors, malformed and truncated answers, resets and
// an aborted hang from the emulator's faults (attempts counted in its log);
// an emulator that stopped; and an endpoint without CORS, refused at the
// preflight and at the answer. Then it proves the access token never showed:
// not in any rejection (message, stack, underlyingError, metadata), the
// page's or the worker's console and DevTools log, the emulator's request
// log or its server's error log.
func TestBrowserFaults(t *testing.T) {
	t.Parallel() // its own emulator and tab: it can overlap the other reliability tests
	cred := seedCredentials()[0].CredentialID
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			pe := startPrivateEmulator(t)
			token := pe.signIn(t)
			tokens := []string{token}
			tb := newTab(t)
			obs := newObserver()
			tb.do(navigate(site + "/pages/blank.html"))
			tb.observe(obs)
			prelude := `const cw = await import('/dist/index.mjs'); const EMU = ` + jsString(pe.url) + `; const CRED = ` + jsString(cred) + `;` + richJS + browserOpsJS
			configure := func(config string) {
				tb.t.Helper()
				tb.eval(prelude+`
					await cw.configure({ Auth: { Cognito: `+config+` } },
						{ worker: `+mode.worker+`, tokenProvider: async () => document.body.dataset.token || null });
				`, nil)
			}
			setToken := func(tok string) {
				tb.t.Helper()
				tb.eval(`document.body.dataset.token = `+jsString(tok)+`;`, nil)
			}
			setToken(token)
			configure(pe.config())
			var workers int
			if mode.name == "worker" {
				// Watch the worker's console too, from before the first fault.
				if workers = len(tb.workers(obs)); workers != 1 {
					t.Fatalf("%d workers in Worker mode, want 1", workers)
				}
			}
			var texts []string
			var requestLogs string

			// 1. The emulator's faults, every operation each.
			faults := map[string]map[string]richOutcome{}
			for _, f := range browserFaults {
				var got map[string]richOutcome
				tb.eval(prelude+`
					const log = async (target) => (await (await fetch(EMU + '/_test-page-control/requests')).json()).filter((e) => e.target === target);
					return await eachOp(async (op) => {
						const before = (await log(op.target)).length;
						const fault = { ...`+f.fault+`, target: op.target, times: `+itoa(f.times)+` };
						const added = await fetch(EMU + '/_test-page-control/faults', { method: 'POST', body: JSON.stringify(fault) });
						if (added.status !== 204) throw new Error('fault refused: ' + await added.text());
						const controller = new AbortController();
						const call = richAttempt(() => op.call({ signal: controller.signal }));
						if (`+fmt.Sprint(f.abort)+`) {
							const guard = Date.now() + 20000;
							while ((await log(op.target)).length === before) {
								if (Date.now() > guard) throw new Error(op.target + ' never reached the emulator');
							}
							controller.abort();
						}
						const r = await call;
						r.log = (await log(op.target)).slice(before);
						return r;
					});
				`, &got)
				faults[f.name] = got
				// Faults a call did not use up must not reach the next row.
				requestLogs += pe.logJSON()
				pe.emu.Reset()
			}
			for _, f := range browserFaults {
				for _, m := range browserOps {
					r := faults[f.name][m]
					what := f.name + " " + m
					wantErr(t, what, r.outcome(), f.wantName, "")
					texts = append(texts, r.text())
					if r.Err == nil {
						continue
					}
					md := r.Err.Metadata
					if f.wantStatus == 0 && md != nil {
						t.Errorf("%s: metadata %+v on an error without an HTTP answer", what, md)
					}
					if f.wantStatus != 0 && (md == nil || md.HTTPStatusCode != f.wantStatus || md.RequestID == "") {
						t.Errorf("%s: metadata %+v, want httpStatusCode %d and a requestId (exposed by CORS)", what, md, f.wantStatus)
					}
					if u := r.Err.UnderlyingError; f.wantUnder != "" && (u == nil || u.Name != f.wantUnder) {
						t.Errorf("%s: underlyingError %+v, want %s", what, u, f.wantUnder)
					}
					if f.maxSeen == 0 && len(r.Log) != f.times {
						t.Errorf("%s: the emulator saw %d attempts %+v, want %d", what, len(r.Log), r.Log, f.times)
					}
					if f.maxSeen != 0 && (len(r.Log) < 3 || len(r.Log) > f.maxSeen) {
						t.Errorf("%s: the emulator saw %d requests, want 3 attempts (at most %d requests with Chromium's resends)", what, len(r.Log), f.maxSeen)
					}
					for _, e := range r.Log {
						if e.Status != f.logStatus {
							t.Errorf("%s: log %+v, want every attempt logged %d", what, r.Log, f.logStatus)
							break
						}
					}
				}
			}

			// 2. Bad tokens that reach Cognito: forged, and expired (one
			// refresh, which gives the same expired token, then the error).
			forged := "eyJraWQiOiJmb3JnZWQifQ.eyJzdWIiOiJmb3JnZWQifQ.c2lnbmF0dXJlLWZvcmdlZA"
			tokens = append(tokens, forged)
			setToken(forged)
			var forgedOut map[string]richOutcome
			tb.eval(prelude+`return await eachOp((op) => richAttempt(() => op.call()));`, &forgedOut)
			setToken(token)
			pe.emu.AdvanceClock(2 * time.Hour)
			var expiredOut map[string]richOutcome
			tb.eval(prelude+`return await eachOp((op) => richAttempt(() => op.call()));`, &expiredOut)
			for _, m := range browserOps {
				wantErr(t, "forged token "+m, forgedOut[m].outcome(), "NotAuthorizedException", "Invalid Access Token")
				wantErr(t, "expired token "+m, expiredOut[m].outcome(), "NotAuthorizedException", "Access Token has expired")
				texts = append(texts, forgedOut[m].text(), expiredOut[m].text())
			}
			requestLogs += pe.logJSON()

			// 3. The emulator stops: a call that worked before now fails
			// with NetworkError, after 3 attempts.
			stopped := startPrivateEmulator(t)
			stoppedToken := stopped.signIn(t)
			tokens = append(tokens, stoppedToken)
			setToken(stoppedToken)
			configure(stopped.config())
			var before outcome
			tb.eval(prelude+`return await attempt(() => cw.fetchDevices());`, &before)
			wantJSON(t, "fetchDevices before the emulator stopped", before, seedDevices())
			stopped.stop()
			var stoppedOut map[string]richOutcome
			tb.eval(prelude+`return await eachOp((op) => richAttempt(() => op.call()));`, &stoppedOut)
			for _, m := range browserOps {
				r := stoppedOut[m]
				wantErr(t, "emulator stopped "+m, r.outcome(), "NetworkError", "A network error has occurred.")
				if r.Err != nil && (r.Err.Metadata != nil || r.Err.UnderlyingError == nil || r.Err.UnderlyingError.Name != "TypeError") {
					t.Errorf("emulator stopped %s: metadata %+v, underlyingError %+v; want none and fetch's TypeError", m, r.Err.Metadata, r.Err.UnderlyingError)
				}
				texts = append(texts, r.text())
			}

			// 4. CORS refusals: the browser hides the answer, the call fails
			// with NetworkError after 3 attempts (counted by the server).
			setToken(token)
			for _, passPreflight := range []bool{false, true} {
				c := startCORSRefuser(t, passPreflight)
				configure(mustJSON(map[string]string{
					"userPoolId": emulator.DemoPoolID, "userPoolClientId": emulator.DemoClientID, "userPoolEndpoint": c.srv.URL,
				}))
				var out map[string]richOutcome
				tb.eval(prelude+`return await eachOp((op) => richAttempt(() => op.call()));`, &out)
				what := "CORS refused at the preflight "
				if passPreflight {
					what = "CORS refused at the answer "
				}
				for _, m := range browserOps {
					wantErr(t, what+m, out[m].outcome(), "NetworkError", "A network error has occurred.")
					texts = append(texts, out[m].text())
				}
				options, posts := c.counts()
				if !passPreflight && (options != 3*len(browserOps) || len(posts) != 0) {
					t.Errorf("%s: %d preflights and POSTs %v, want %d preflights (3 attempts per call) and no POST", what, options, posts, 3*len(browserOps))
				}
				if want := map[string]int{"ListWebAuthnCredentials": 3, "DeleteWebAuthnCredential": 3, "ListDevices": 6}; passPreflight && fmt.Sprint(posts) != fmt.Sprint(want) {
					t.Errorf("%s: POSTs %v, want %v (3 attempts per call)", what, posts, want)
				}
			}

			// The token check over everything observable.
			if mode.name == "worker" {
				tb.workers(obs) // attaching again replays the worker's console; probes it
			}
			observed := map[string]string{
				"the rejections":               strings.Join(texts, "\n"),
				"the console and DevTools log": obs.text(),
				"the emulator's request log":   requestLogs + stopped.logJSON(),
				"the emulator's error log":     pe.errLog.String() + stopped.errLog.String(),
				"the page's problems":          strings.Join(tb.problemsSoFar(), "\n"),
			}
			checkNoToken(t, tokens, observed)
			t.Logf("token check: %d rejections, %d lines of console and DevTools log (page and %d worker), %d request log entries, %d bytes of server error log",
				len(texts), strings.Count(obs.text(), "\n")+1, workers, len(pe.emu.Requests()), len(pe.errLog.String()))
		})
	}
}
