package browsertest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

var hooksBuild struct {
	once sync.Once
	url  string
	err  string
}

// moduleWithTestHooks builds the real module with -tags cognitowasm_testhooks
// (wasm/testhooks.go: inputs that make a call panic or end the program),
// with the flags, modfile and overlay `make build` uses, so the build cache
// has everything but the main package. It is served at /testwasm/testhooks.wasm.
func moduleWithTestHooks(t *testing.T) string {
	t.Helper()
	hooksBuild.once.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			hooksBuild.err = err.Error()
			return
		}
		sdk := exec.Command(goTool, "run", "./internal/sdkpatch")
		sdk.Dir = repoRoot
		modfile, err := sdk.Output()
		if err != nil {
			hooksBuild.err = "go run ./internal/sdkpatch: " + err.Error()
			return
		}
		std := exec.Command(goTool, "run", "./internal/sdkpatch", "-overlay")
		std.Dir = repoRoot
		overlay, err := std.Output()
		if err != nil {
			hooksBuild.err = "go run ./internal/sdkpatch -overlay: " + err.Error()
			return
		}
		out := filepath.Join(testWasmDir, "testhooks.wasm")
		build := exec.Command(goTool, "build", "-modfile", strings.TrimSpace(string(modfile)),
			"-overlay", strings.TrimSpace(string(overlay)), "-trimpath", "-ldflags=-s -w",
			"-tags", "cognitowasm_testhooks", "-o", out, "./wasm")
		build.Dir = repoRoot
		build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if b, err := build.CombinedOutput(); err != nil {
			hooksBuild.err = "building the module with test hooks: " + err.Error() + "\n" + string(b)
			return
		}
		hooksBuild.url = "/testwasm/testhooks.wasm"
	})
	if hooksBuild.err != "" {
		t.Fatal(hooksBuild.err)
	}
	return hooksBuild.url
}

// TestIsolation uses the real module built with test hooks, in both modes.
// A Go panic inside one call rejects that call only (UnknownError, the panic
// in underlyingError) while 20 calls around it succeed, and the next call
// works. When the Go program exits, the call that ended it and every call
// pending at that moment reject at once with WasmRuntimeError, their
// requests are dropped (the emulator sees its held requests end), later
// calls reject the same way, and configure() starts a new runtime.
func TestIsolation(t *testing.T) {
	t.Parallel() // its own emulator and tab: it can overlap the other reliability tests
	hooks := moduleWithTestHooks(t)
	creds, devs := seedCredentials(), seedDevices()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			pe := startPrivateEmulator(t)
			token := pe.signIn(t)
			tb := newTab(t)
			tb.do(navigate(site + "/pages/blank.html"))
			prelude := `const cw = await import('/dist/index.mjs');` + richJS + `
				const tokenProvider = async () => ` + jsString(token) + `;
				const config = { Auth: { Cognito: ` + pe.config() + ` } };`

			var panicked struct {
				Panic  richOutcome
				Others []outcome
				After  outcome
			}
			tb.eval(prelude+`
				await cw.configure(config, { wasmURL: `+jsString(hooks)+`, worker: `+mode.worker+`, tokenProvider });
				const r = {};
				const others = Array.from({ length: 20 }, (_, i) => attempt(() => i % 2 ? cw.fetchDevices() : cw.listWebAuthnCredentials()));
				r.Panic = await richAttempt(() => cw.listDevices({ cognitoWasmTestPanic: true }));
				r.Others = await Promise.all(others);
				r.After = await attempt(() => cw.listDevices());
				return r;
			`, &panicked)
			wantErr(t, "the panicking call", panicked.Panic.outcome(), "UnknownError", "An unknown error has occurred.")
			if e := panicked.Panic.Err; e != nil && (e.UnderlyingError == nil || !strings.Contains(e.UnderlyingError.Message, "cognito-wasm test hook: panic")) {
				t.Errorf("underlyingError = %+v, want the panic", e.UnderlyingError)
			}
			for i, o := range panicked.Others {
				if i%2 == 1 {
					wantJSON(t, "fetchDevices next to the panic", o, devs)
				} else {
					wantJSON(t, "listWebAuthnCredentials next to the panic", o, map[string]any{"credentials": creds})
				}
			}
			wantJSON(t, "listDevices after the panic", panicked.After, map[string]any{"devices": devs})

			// Six calls held by the emulator (Chromium's connections per host),
			// then one call ends the program.
			if err := pe.emu.AddFault(emulator.Fault{Target: "ListDevices", Mode: emulator.FaultHang, Times: 6}); err != nil {
				t.Fatal(err)
			}
			tb.eval(prelude+`document.body.pending = Array.from({ length: 6 }, () => attempt(() => cw.listDevices()));`, nil)
			pe.waitServing(t, 6)
			var exited struct {
				Exiting outcome
				Pending []outcome
				Later   []outcome
			}
			tb.eval(prelude+`
				const r = {};
				r.Exiting = await attempt(() => cw.listWebAuthnCredentials({ cognitoWasmTestExit: true }));
				r.Pending = await Promise.all(document.body.pending);
				delete document.body.pending;
				r.Later = [await attempt(() => cw.fetchDevices()), await attempt(() => cw.listDevices({ pageSize: 1 }))];
				return r;
			`, &exited)
			wantExit := func(what string, o outcome) {
				t.Helper()
				wantErr(t, what, o, "WasmRuntimeError", "The cognito-wasm runtime has exited.")
				if o.Err != nil && (o.Err.UnderlyingError == nil || o.Err.UnderlyingError.Message != "exit code 3") {
					t.Errorf("%s: underlyingError %+v, want exit code 3", what, o.Err.UnderlyingError)
				}
			}
			wantExit("the call that ended the program", exited.Exiting)
			if len(exited.Pending) != 6 {
				t.Fatalf("%d pending outcomes", len(exited.Pending))
			}
			for _, o := range exited.Pending {
				wantExit("a call pending at the exit", o)
			}
			for _, o := range exited.Later {
				wantExit("a call after the exit", o)
			}
			// The requests the dead runtime had in flight are dropped, not
			// left holding connections.
			pe.waitServing(t, 0)

			var restarted outcome
			tb.eval(prelude+`
				await cw.configure(config, { worker: `+mode.worker+`, tokenProvider });
				return await attempt(() => cw.fetchDevices());
			`, &restarted)
			wantJSON(t, "fetchDevices after configure started a new runtime", restarted, devs)
			if b, _ := json.Marshal(exited); strings.Contains(string(b), token) {
				t.Error("a WasmRuntimeError shows the access token")
			}
		})
	}
}
