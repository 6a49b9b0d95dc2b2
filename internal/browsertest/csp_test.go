package browsertest

import (
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStrictCSP loads the ES module from a page under script-src 'self'
// 'wasm-unsafe-eval': no inline script, no eval, and no blob: Worker, so the
// default Worker mode must fall back to running on the page by itself.
func TestStrictCSP(t *testing.T) {
	resetEmulator(t)
	tb := newTab(t)
	tb.storeAmplifyTokens()
	tb.do(navigate(site+"/pages/csp-page.html"), chromedp.WaitReady(chromedp.CSS(`#result[data-done]`)))
	var r struct {
		Error             string   `json:"error"`
		Credentials       []string `json:"credentials"`
		Devices           []string `json:"devices"`
		Dates             bool     `json:"dates"`
		WasmFetchedByPage int      `json:"wasmFetchedByPage"`
	}
	tb.eval(`return JSON.parse(document.getElementById('result').textContent)`, &r)
	if r.Error != "" {
		t.Fatalf("page failed: %s", r.Error)
	}
	var wantCreds, wantDevs []string
	for _, c := range seedCredentials() {
		wantCreds = append(wantCreds, c.CredentialID)
	}
	for _, d := range seedDevices() {
		wantDevs = append(wantDevs, d.ID)
	}
	if !slices.Equal(r.Credentials, wantCreds) || !slices.Equal(r.Devices, wantDevs) || !r.Dates {
		t.Errorf("under CSP: credentials %q, devices %q, dates are Dates: %v; want %q, %q", r.Credentials, r.Devices, r.Dates, wantCreds, wantDevs)
	}
	if r.WasmFetchedByPage != 1 {
		t.Errorf("the page fetched the .wasm %d times, want 1: the blob: Worker is forbidden, so the runtime must run on the page", r.WasmFetchedByPage)
	}
	tb.screenshot("strict-csp")
}
