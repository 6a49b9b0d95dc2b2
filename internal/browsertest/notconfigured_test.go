package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
)

// TestNotConfiguredIsOneError: a call before configure is refused by the
// loader (js/src/errors.ts) and a call the runtime gets unconfigured by Go
// (internal/auth); both are the same error, recovery text included.
func TestNotConfiguredIsOneError(t *testing.T) {
	tb := newTab(t)
	tb.do(navigate(site+"/pages/esm.html"), chromedp.WaitReady(chromedp.CSS(`body[data-state="loaded"]`)))
	var got struct{ Name, Message, RecoverySuggestion string }
	tb.eval(`
		const cw = await import('/dist/index.mjs');
		try {
			await cw.listDevices();
		} catch (e) {
			return { name: e.name, message: e.message, recoverySuggestion: e.recoverySuggestion };
		}`, &got)
	want := auth.NotConfigured()
	if got.Name != want.Name || got.Message != want.Message || got.RecoverySuggestion != want.RecoverySuggestion {
		t.Errorf("the loader's not-configured error is %+v, want Go's: %s / %s / %s", got, want.Name, want.Message, want.RecoverySuggestion)
	}
}
