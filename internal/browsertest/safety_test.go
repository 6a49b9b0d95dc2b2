package browsertest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestForeignPageCannotDriveEmulator: a page of another origin (the test
// site) open in the same browser can neither read nor change the emulator's
// control endpoints, with CORS requests or no-cors ones it cannot read, while
// it still calls the Cognito endpoint as a browser does in production.
func TestForeignPageCannotDriveEmulator(t *testing.T) {
	t.Parallel()
	pe := startPrivateEmulator(t)
	token := pe.signIn(t)
	before := len(pe.emu.Requests())
	tb := newTab(t)
	tb.do(navigate(site + "/pages/blank.html"))
	var got map[string]string
	tb.eval(`const EMU = `+jsString(pe.url)+`;
		const fault = JSON.stringify({ mode: 'error', status: 500, errorType: 'InternalErrorException', times: 5 });
		const read = async (path, init) => {
			try { const r = await fetch(EMU + path, init); return 'read ' + r.status + ' ' + await r.text(); }
			catch (e) { return 'blocked ' + e.name; }
		};
		const send = async (path, init) => {
			try { const r = await fetch(EMU + path, { ...init, mode: 'no-cors' }); return 'sent ' + r.type; }
			catch (e) { return 'blocked ' + e.name; }
		};
		return {
			readLog: await read('/_emulator/requests'),
			readClock: await read('/_emulator/clock'),
			clearLog: await read('/_emulator/requests', { method: 'DELETE' }),
			addFault: await read('/_emulator/faults', { method: 'POST', body: fault }),
			addFaultJSON: await read('/_emulator/faults', { method: 'POST', body: fault, headers: { 'content-type': 'application/json' } }),
			blindFault: await send('/_emulator/faults', { method: 'POST', body: fault }),
			blindReset: await send('/_emulator/reset', { method: 'POST' }),
			blindClock: await send('/_emulator/clock', { method: 'POST', body: '{"advanceSeconds": 7200}' }),
			cognito: await read('/', { method: 'POST', body: JSON.stringify({ AccessToken: `+jsString(token)+` }),
				headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser' } }),
		};`, &got)
	for _, k := range []string{"readLog", "readClock", "clearLog", "addFault", "addFaultJSON"} {
		if got[k] != "blocked TypeError" {
			t.Errorf("%s from another origin: %q, want blocked by CORS", k, got[k])
		}
	}
	if !strings.HasPrefix(got["cognito"], "read 200 ") || !strings.Contains(got["cognito"], `"Username":"alice"`) {
		t.Errorf("GetUser from another origin: %q, want Cognito's answer (CORS for any origin)", got["cognito"])
	}

	// The blind (no-cors) requests reached the emulator and changed nothing:
	// no fault queued, the log kept, the clock where it was.
	log := pe.emu.Requests()
	if len(log) != before+1 || log[len(log)-1].Target != "GetUser" || log[len(log)-1].Status != 200 {
		t.Errorf("request log %+v: want the %d earlier entries and the page's GetUser", log, before)
	}
	var clock struct {
		OffsetSeconds float64 `json:"offsetSeconds"`
	}
	res, err := http.Get(pe.url + "/_emulator/clock")
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(res.Body).Decode(&clock)
	res.Body.Close()
	if err != nil || clock.OffsetSeconds != 0 {
		t.Errorf("the emulator's clock moved by %v s (%v)", clock.OffsetSeconds, err)
	}
	var after string
	tb.eval(`const r = await fetch(`+jsString(pe.url+"/")+`, { method: 'POST', body: JSON.stringify({ AccessToken: `+jsString(token)+` }),
		headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.GetUser' } });
		return r.status + ' ' + (r.headers.get('x-amzn-ErrorType') || '');`, &after)
	if after != "200 " {
		t.Errorf("GetUser after the page's blind requests: %q: a fault was queued or the clock moved", after)
	}
}
