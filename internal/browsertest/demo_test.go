package browsertest

import (
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/cognito-wasm/cognito-wasm/demo/web"
	"github.com/cognito-wasm/cognito-wasm/internal/demoserver"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// TestDemoPage drives the demo page as a person would: sign in with the
// prefilled demo user, see the passkeys, delete one (gone after a reload),
// page through the devices, see the error of an expired session, sign in
// again, sign out. The page is served with the demo server's own strict CSP
// (no inline script, connections only to itself and the emulator, blob:
// workers allowed, as an app that wants Worker mode would send it), so its
// own scripts must all be files, and the runtime still runs in a Worker.
func TestDemoPage(t *testing.T) {
	resetEmulator(t)
	demo := demoserver.New(web.FS, os.DirFS(distDir), demoserver.Config{
		UserPoolID:       emulator.DemoPoolID,
		UserPoolClientID: emulator.DemoClientID,
		UserPoolEndpoint: cognitoURL,
	})
	srv := httptest.NewServer(demo) // with the demo's own CSP
	defer srv.Close()
	tb := newTab(t)
	creds, devs := seedCredentials(), seedDevices()

	// Sign in with the prefilled demo user.
	tb.do(navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#signin-form`)))
	tb.screenshot("demo-1-sign-in")
	tb.do(chromedp.Click(chromedp.CSS(`#signin-submit`)))
	tb.waitFor(`document.querySelectorAll('#passkey-list li[data-credential-id]').length === ` + itoa(len(creds)))
	tb.waitFor(`document.getElementById('module-status').dataset.state === 'ready'`)

	// Passkeys with name, relying party, attachment, transports and date.
	var shown []struct {
		ID, Name, RP, Attachment, Transports, Created string
	}
	tb.eval(`return [...document.querySelectorAll('#passkey-list li')].map((li) => ({
		ID: li.dataset.credentialId,
		Name: li.querySelector('[data-field=name]').textContent,
		RP: li.querySelector('[data-field=rp]').textContent,
		Attachment: li.querySelector('[data-field=attachment]').textContent,
		Transports: li.querySelector('[data-field=transports]').textContent,
		Created: li.querySelector('[data-field=created]').dateTime,
	}))`, &shown)
	for i, c := range creds {
		s := shown[i]
		if s.ID != c.CredentialID || s.Name != c.FriendlyCredentialName || s.RP != c.RelyingPartyID ||
			s.Created != c.CreatedAt.Date || !strings.Contains(s.Transports, strings.Join(c.AuthenticatorTransports, ", ")) {
			t.Errorf("passkey %d shown as %+v, want %+v", i, s, c)
		}
		if c.AuthenticatorAttachment != nil && !strings.Contains(strings.ToLower(s.Attachment), *c.AuthenticatorAttachment) {
			t.Errorf("passkey %d attachment shown as %q, want %q", i, s.Attachment, *c.AuthenticatorAttachment)
		}
	}
	tb.waitFor(`document.querySelectorAll('#device-rows tr').length === 3`)
	var inPage int
	tb.eval(wasmFetchedByPageJS, &inPage)
	if inPage != 0 {
		t.Errorf("the demo page fetched the .wasm itself: the runtime is not in a Worker")
	}
	// The policy is on and enforced: the page cannot connect elsewhere.
	res, err := http.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if csp := res.Header.Get("Content-Security-Policy"); csp != demoserver.CSP(cognitoURL) {
		t.Errorf("demo page CSP %q, want %q", csp, demoserver.CSP(cognitoURL))
	}
	var violated string
	tb.eval(`const seen = new Promise((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }));
		try { await fetch(`+jsString(site+"/config.json")+`); return 'fetched'; } catch { return await seen; }`, &violated)
	if violated != "connect-src" {
		t.Errorf("a fetch to another origin from the demo page: %q, want it refused by connect-src", violated)
	}
	tb.screenshot("demo-2-account")

	// Delete the second passkey, confirming in the dialog.
	victim := creds[1]
	tb.do(chromedp.Click(chromedp.CSS(`li[data-credential-id="` + victim.CredentialID + `"] [data-action=delete]`)))
	tb.waitFor(`document.getElementById('confirm-delete').open`)
	tb.screenshot("demo-3-confirm-delete")
	tb.do(chromedp.Click(chromedp.CSS(`#confirm-ok`)))
	tb.waitFor(`document.querySelectorAll('#passkey-list li').length === ` + itoa(len(creds)-1))
	tb.do(chromedp.Reload())
	tb.waitFor(`document.querySelectorAll('#passkey-list li').length === ` + itoa(len(creds)-1))
	var ids []string
	tb.eval(`return [...document.querySelectorAll('#passkey-list li')].map((li) => li.dataset.credentialId)`, &ids)
	if want := []string{creds[0].CredentialID, creds[2].CredentialID}; !slices.Equal(ids, want) {
		t.Errorf("passkeys after deleting %s and reloading: %q, want %q", victim.CredentialID, ids, want)
	}

	// Page through the devices three at a time.
	var seen []string
	for page := 1; ; page++ {
		tb.waitFor(`document.getElementById('devices-page').textContent === 'Page ` + itoa(page) + `' && document.getElementById('devices').getAttribute('aria-busy') === 'false'`)
		var rows struct {
			IDs    []string
			Dates  int
			Next   bool
			Names  []string
			Attrib int
		}
		tb.eval(`const rows = [...document.querySelectorAll('#device-rows tr')];
			return {
				IDs: rows.map((r) => r.dataset.deviceId),
				Names: rows.map((r) => r.querySelector('.item-title').textContent),
				Dates: document.querySelectorAll('#device-rows time[datetime]').length,
				Attrib: document.querySelectorAll('#device-rows dl dt').length,
				Next: !document.getElementById('devices-next').disabled,
			}`, &rows)
		seen = append(seen, rows.IDs...)
		for i, id := range rows.IDs {
			d := devs[slices.IndexFunc(devs, func(d device) bool { return d.ID == id })]
			if rows.Names[i] != *d.Name {
				t.Errorf("device %s shown as %q, want %q", id, rows.Names[i], *d.Name)
			}
		}
		if rows.Dates != 3*len(rows.IDs) || rows.Attrib != 4*len(rows.IDs) {
			t.Errorf("page %d shows %d dates and %d attributes for %d devices", page, rows.Dates, rows.Attrib, len(rows.IDs))
		}
		if page == 2 {
			tb.screenshot("demo-4-devices-page-2")
		}
		if !rows.Next || page > len(devs) {
			break
		}
		tb.do(chromedp.Click(chromedp.CSS(`#devices-next`)))
	}
	var wantIDs []string
	for _, d := range devs {
		wantIDs = append(wantIDs, d.ID)
	}
	if !slices.Equal(seen, wantIDs) {
		t.Errorf("devices seen paging by 3: %q, want %q", seen, wantIDs)
	}
	// A bigger page size starts again from the first page.
	tb.do(chromedp.SetValue(chromedp.CSS(`#device-page-size`), "5"))
	tb.eval(`document.getElementById('device-page-size').dispatchEvent(new Event('change')); return null`, nil)
	tb.waitFor(`document.getElementById('devices-page').textContent === 'Page 1' && document.querySelectorAll('#device-rows tr').length === 5`)

	// The session ends (the emulator's clock jumps 31 days, past the
	// refresh token's 30): the next call shows Cognito's error by name and
	// message. (Two hours would not do: the module refreshes the session.)
	advanceEmulatorClock(t, 31*24*3600)
	tb.do(chromedp.Click(chromedp.CSS(`#passkeys-refresh`)))
	tb.waitFor(`!document.getElementById('error').hidden`)
	var shownErr struct{ Name, Message string }
	tb.eval(`return { Name: document.getElementById('error-name').textContent, Message: document.getElementById('error-message').textContent }`, &shownErr)
	if shownErr.Name != "NotAuthorizedException:" || shownErr.Message != "Access Token has expired" {
		t.Errorf("expired session shown as %q %q, want NotAuthorizedException: Access Token has expired", shownErr.Name, shownErr.Message)
	}
	tb.screenshot("demo-5-session-expired")

	// Sign in again from the error, then sign out.
	tb.do(chromedp.Click(chromedp.CSS(`#error-sign-in`)), chromedp.WaitVisible(chromedp.CSS(`#signin-form`)))
	tb.do(chromedp.Click(chromedp.CSS(`#signin-submit`)))
	tb.waitFor(`document.querySelectorAll('#passkey-list li').length === ` + itoa(len(creds)-1))
	tb.do(chromedp.Click(chromedp.CSS(`#sign-out`)), chromedp.WaitVisible(chromedp.CSS(`#signin-form`)))
	var keys int
	tb.eval(`return Object.keys(localStorage).filter((k) => k.startsWith('CognitoIdentityServiceProvider.')).length`, &keys)
	if keys != 0 {
		t.Errorf("%d Amplify token keys left in localStorage after signing out", keys)
	}
}

// advanceEmulatorClock moves the emulator's clock with its control endpoint.
func advanceEmulatorClock(t *testing.T, seconds int) {
	t.Helper()
	res, err := http.Post(cognitoURL+"/_emulator/clock", "application/json", strings.NewReader(`{"advanceSeconds": `+itoa(seconds)+`}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode/100 != 2 {
		t.Fatalf("POST /_emulator/clock: %s", res.Status)
	}
}
