package browsertest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// deviceStatus reads the demo user's devices from the emulator with the SDK:
// device key → dev:device_remembered_status.
func deviceStatus(t *testing.T) map[string]string {
	t.Helper()
	token := signIn(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := sdkClient().ListDevices(ctx, &cip.ListDevicesInput{AccessToken: &token, Limit: aws.Int32(60)})
	if err != nil {
		t.Fatalf("ListDevices: %v", err)
	}
	status := map[string]string{}
	for _, d := range out.Devices {
		status[aws.ToString(d.DeviceKey)] = ""
		for _, a := range d.DeviceAttributes {
			if aws.ToString(a.Name) == "dev:device_remembered_status" {
				status[aws.ToString(d.DeviceKey)] = aws.ToString(a.Value)
			}
		}
	}
	return status
}

func sdkClient() *cip.Client {
	return cip.New(cip.Options{Region: "us-east-1", BaseEndpoint: aws.String(cognitoURL)})
}

// amplifyDeviceKeys is page-side code: deviceKeys(store) are the storage keys
// where Amplify keeps the demo user's device metadata.
var amplifyDeviceKeys = `
const devicePrefix = 'CognitoIdentityServiceProvider.` + emulator.DemoClientID + `.` + emulator.DemoUsername + `.';
const deviceKeys = (store) => ['deviceKey', 'deviceGroupKey', 'randomPasswordKey'].map((k) => store.getItem(devicePrefix + k));
const storeDevice = (store, key) => {
	store.setItem(devicePrefix + 'deviceKey', key);
	store.setItem(devicePrefix + 'deviceGroupKey', '-hbLvJpFM');
	store.setItem(devicePrefix + 'randomPasswordKey', 'c2VjcmV0LXBhc3N3b3Jk');
};
`

// TestRememberAndForgetDevice: with Amplify's device metadata in
// localStorage (as a sign-in on a pool that tracks devices leaves it),
// rememberDevice marks that device remembered and forgetDevice() forgets it
// and clears the metadata; then both say DeviceMetadataNotFoundException.
// The emulator's state is checked with the SDK, in both modes.
func TestRememberAndForgetDevice(t *testing.T) {
	current := demoUser().Devices[1].DeviceKey
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			resetEmulator(t)
			token := signIn(t)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := sdkClient().UpdateDeviceStatus(ctx, &cip.UpdateDeviceStatusInput{
				AccessToken: &token, DeviceKey: &current, DeviceRememberedStatus: types.DeviceRememberedStatusTypeNotRemembered,
			}); err != nil {
				t.Fatal(err)
			}
			tb := newTab(t)
			tb.storeAmplifyTokens()

			var remember outcome
			tb.eval(cwPrelude(mode.worker)+amplifyDeviceKeys+`
				storeDevice(localStorage, `+jsString(current)+`);
				return await attempt(() => cw.rememberDevice());
			`, &remember)
			wantJSON(t, "rememberDevice()", remember, "(undefined)")
			if got := deviceStatus(t)[current]; got != "remembered" {
				t.Errorf("after rememberDevice the emulator has %s as %q, want remembered", current, got)
			}

			var r struct {
				Forget, ForgetAgain, RememberNone outcome
				Keys                              []*string
			}
			tb.eval(cwPrelude(mode.worker)+amplifyDeviceKeys+`
				const r = {};
				r.forget = await attempt(() => cw.forgetDevice());
				r.keys = deviceKeys(localStorage);
				r.forgetAgain = await attempt(() => cw.forgetDevice());
				r.rememberNone = await attempt(() => cw.rememberDevice());
				return r;
			`, &r)
			wantJSON(t, "forgetDevice()", r.Forget, "(undefined)")
			for i, k := range r.Keys {
				if k != nil {
					t.Errorf("device metadata %d still stored after forgetting the device: %q", i, *k)
				}
			}
			status := deviceStatus(t)
			if _, ok := status[current]; ok || len(status) != len(demoUser().Devices)-1 {
				t.Errorf("emulator devices after forgetDevice(): %v, want all but %s", status, current)
			}
			const msg = "Either deviceKey, deviceGroupKey or secretPassword were not found during the sign-in process."
			wantErr(t, "forgetDevice() with no current device", r.ForgetAgain, "DeviceMetadataNotFoundException", msg)
			wantErr(t, "rememberDevice() with no current device", r.RememberNone, "DeviceMetadataNotFoundException", msg)
			if e := r.RememberNone.Err; e != nil && e.RecoverySuggestion != "Make sure to not clear storage after calling the signIn API." {
				t.Errorf("recoverySuggestion %q", e.RecoverySuggestion)
			}
		})
	}
}
