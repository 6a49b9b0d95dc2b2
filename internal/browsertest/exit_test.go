package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// buildTestWasm builds testdata/<name> for GOOS=js into testWasmDir, served
// at /testwasm/<name>.wasm; the toolchain is the one that built js/dist, so
// the bundled wasm_exec.js matches.
func buildTestWasm(t *testing.T, name string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build testdata/%s: %v", name, err)
	}
	out := filepath.Join(testWasmDir, name+".wasm")
	cmd := exec.Command(goTool, "build", "-o", out, "./testdata/"+name)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building testdata/%s: %v\n%s", name, err, b)
	}
	return "/testwasm/" + name + ".wasm"
}

// TestRuntimeExit: when the Go program exits, the pending call and every later
// one reject with WasmRuntimeError, until configure starts a new runtime.
func TestRuntimeExit(t *testing.T) {
	wasmURL := buildTestWasm(t, "exitwasm")
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			resetEmulator(t)
			tb := newTab(t)
			tb.storeAmplifyTokens()
			tb.do(navigate(site + "/pages/esm.html"))
			var r struct {
				Pending, Exiting, Later, Again outcome
				Restarted                      outcome
			}
			tb.eval(`const cw = await import('/dist/index.mjs');`+encodeJS+`
				const config = await (await fetch('/config.json')).json();
				await cw.configure({ Auth: { Cognito: config } }, { wasmURL: `+jsString(wasmURL)+`, worker: `+mode.worker+` });
				const pending = attempt(() => cw.listDevices());
				const r = {};
				r.Exiting = await attempt(() => cw.fetchDevices());
				r.Pending = await pending;
				r.Later = await attempt(() => cw.listWebAuthnCredentials());
				r.Again = await attempt(() => cw.listWebAuthnCredentials());
				// A new configure starts a new runtime (the real module this time).
				await cw.configure({ Auth: { Cognito: config } }, { worker: `+mode.worker+` });
				r.Restarted = await attempt(() => cw.fetchDevices());
				return r;
			`, &r)
			for what, o := range map[string]outcome{
				"the call that ended the runtime": r.Exiting,
				"a call pending at the exit":      r.Pending,
				"a call after the exit":           r.Later,
				"another call after the exit":     r.Again,
			} {
				wantErr(t, what, o, "WasmRuntimeError", "The cognito-wasm runtime has exited.")
			}
			if e := r.Later.Err; e != nil && (e.UnderlyingError == nil || e.UnderlyingError.Message != "exit code 3") {
				t.Errorf("WasmRuntimeError.underlyingError = %+v, want exit code 3", e.UnderlyingError)
			}
			wantJSON(t, "fetchDevices() after configure restarted the runtime", r.Restarted, seedDevices())
		})
	}
}

// TestWasmLoadFailure: a .wasm that cannot be loaded rejects configure with
// WasmLoadError and leaves the module unconfigured; the next configure
// starts over and works.
func TestWasmLoadFailure(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			resetEmulator(t)
			tb := newTab(t)
			tb.storeAmplifyTokens()
			tb.do(navigate(site + "/pages/esm.html"))
			var r struct{ Configure, Call, Retry outcome }
			tb.eval(`const cw = await import('/dist/index.mjs');`+encodeJS+`
				const config = await (await fetch('/config.json')).json();
				const r = {};
				r.Configure = await attempt(() => cw.configure({ Auth: { Cognito: config } }, { wasmURL: '/dist/missing.wasm', worker: `+mode.worker+` }));
				r.Call = await attempt(() => cw.fetchDevices());
				await cw.configure({ Auth: { Cognito: config } }, { worker: `+mode.worker+` });
				r.Retry = await attempt(() => cw.fetchDevices());
				return r;
			`, &r)
			wantErr(t, "configure with a missing .wasm", r.Configure, "WasmLoadError", "")
			if e := r.Configure.Err; e != nil && !strings.Contains(e.Message, "/dist/missing.wasm") {
				t.Errorf("WasmLoadError message %q does not name the URL", e.Message)
			}
			wantErr(t, "a call after the failed configure", r.Call, "AuthUserPoolException", "Auth UserPool not configured.")
			wantJSON(t, "fetchDevices() after configure was retried", r.Retry, seedDevices())
		})
	}
}
