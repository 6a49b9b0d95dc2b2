package browsertest

import (
	"context"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/chromedp"

	"github.com/cognito-wasm/cognito-wasm/demo/web"
	"github.com/cognito-wasm/cognito-wasm/internal/demoserver"
	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// TestDemoPasskeyAndDevices drives the demo page's parity features as a
// person would, on localhost with a virtual platform authenticator: "Add a
// passkey", "Remember this device" (shown because Amplify's device metadata
// is in storage), "Forget this device" on another device and on this one,
// each confirmed in a dialog, with the emulator's state checked after each.
func TestDemoPasskeyAndDevices(t *testing.T) {
	resetEmulator(t)
	devs := demoUser().Devices
	this, other := devs[0].DeviceKey, devs[1].DeviceKey
	token := signIn(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := sdkClient().UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{
		AccessToken: &token, DeviceKey: &this, DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered,
	}); err != nil {
		t.Fatal(err)
	}

	demo := demoserver.New(web.FS, os.DirFS(distDir), demoserver.Config{
		UserPoolID: emulator.DemoPoolID, UserPoolClientID: emulator.DemoClientID, UserPoolEndpoint: cognitoURL,
	})
	srv := httptest.NewServer(demo) // with the demo's own CSP
	defer srv.Close()
	origin := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	tb := newTab(t)
	tb.do(navigate(origin+"/"), chromedp.WaitVisible(chromedp.CSS(`#signin-form`)))
	tb.addAuthenticator(platformAuthenticator)
	tb.do(chromedp.Click(chromedp.CSS(`#signin-submit`)))
	creds := seedCredentials()
	tb.waitFor(`document.querySelectorAll('#passkey-list li[data-credential-id]').length === ` + itoa(len(creds)))
	var hint bool
	tb.eval(`return !document.getElementById('passkey-host-hint').hidden`, &hint)
	if hint {
		t.Error("the IP-address hint shows on localhost")
	}

	// Add a passkey.
	tb.do(chromedp.Click(chromedp.CSS(`#passkey-add`)))
	tb.waitFor(`document.querySelectorAll('#passkey-list li[data-credential-id]').length === ` + itoa(len(creds)+1) +
		` && document.getElementById('notice').textContent === 'Passkey added.'`)
	tb.screenshot("demo-parity-1-passkey-added")

	// Amplify's device metadata for this device, as a sign-in on a pool that
	// tracks devices leaves it: the page offers to remember it.
	tb.eval(amplifyDeviceKeys+`storeDevice(localStorage, `+jsString(this)+`); return null`, nil)
	tb.do(chromedp.Reload())
	tb.waitFor(`!document.getElementById('device-remember').hidden && document.querySelector('#device-rows tr[data-device-id="` + this + `"] .badge-current') !== null`)
	tb.do(chromedp.Click(chromedp.CSS(`#device-remember`)))
	// The page reloads the device list after the notice (aria-busy is set in
	// the same turn): wait for it to settle before clicking a row in it.
	tb.waitFor(`document.getElementById('notice').textContent === 'This device is remembered.' && document.getElementById('devices').getAttribute('aria-busy') === 'false'`)
	if got := deviceStatus(t)[this]; got != "remembered" {
		t.Errorf("after Remember this device the emulator has %q", got)
	}

	// Forget another device, confirming in the dialog.
	tb.do(chromedp.Click(chromedp.CSS(`tr[data-device-id="` + other + `"] [data-action=forget]`)))
	tb.waitFor(`document.getElementById('confirm-forget').open`)
	tb.screenshot("demo-parity-2-confirm-forget")
	tb.do(chromedp.Click(chromedp.CSS(`#forget-ok`)))
	tb.waitFor(`document.querySelector('#device-rows tr[data-device-id="` + other + `"]') === null && document.getElementById('devices').getAttribute('aria-busy') === 'false'`)
	if _, ok := deviceStatus(t)[other]; ok {
		t.Errorf("the emulator still has %s after Forget this device", other)
	}

	// Cancel, then forget this device: its metadata goes too.
	tb.do(chromedp.Click(chromedp.CSS(`tr[data-device-id="` + this + `"] [data-action=forget]`)))
	tb.waitFor(`document.getElementById('confirm-forget').open`)
	tb.do(chromedp.Click(chromedp.CSS(`#forget-cancel`)))
	tb.waitFor(`!document.getElementById('confirm-forget').open`)
	if _, ok := deviceStatus(t)[this]; !ok {
		t.Fatalf("Cancel forgot %s", this)
	}
	tb.do(chromedp.Click(chromedp.CSS(`tr[data-device-id="` + this + `"] [data-action=forget]`)))
	tb.waitFor(`document.getElementById('confirm-forget').open`)
	tb.do(chromedp.Click(chromedp.CSS(`#forget-ok`)))
	tb.waitFor(`document.querySelector('#device-rows tr[data-device-id="` + this + `"]') === null && document.getElementById('device-remember').hidden`)
	tb.screenshot("demo-parity-3-devices-forgotten")
	var keys []*string
	tb.eval(amplifyDeviceKeys+`return deviceKeys(localStorage)`, &keys)
	if slices.ContainsFunc(keys, func(k *string) bool { return k != nil }) {
		t.Errorf("device metadata left after forgetting this device: %v", keys)
	}
	status := deviceStatus(t)
	if _, ok := status[this]; ok || len(status) != len(devs)-2 {
		t.Errorf("emulator devices at the end: %v", status)
	}
	var shownErr bool
	tb.eval(`return !document.getElementById('error').hidden`, &shownErr)
	if shownErr {
		var text string
		tb.eval(`return document.getElementById('error').textContent`, &text)
		t.Errorf("the page shows an error: %s", strings.Join(strings.Fields(text), " "))
	}

	// On an IP address the page explains why passkeys cannot be added there.
	tb2 := newTab(t)
	tb2.storeAmplifyTokensAt(srv.URL)
	tb2.do(navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#passkey-list`)))
	tb2.waitFor(`!document.getElementById('passkey-host-hint').hidden && document.getElementById('passkey-host-link').href.startsWith('http://localhost:')`)
}
