package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// The fidelity check compares what each client returns, normalised to one
// form, with what the emulator was seeded with. Amplify and cognito-wasm
// return Amplify's shapes; the SDK returns Cognito's raw output, which is
// mapped here the way Amplify maps it (device name from the device_name
// attribute, attributes as a record of the non-empty pairs).

// credential is a passkey in normalised form.
type credential struct {
	ID         string   `json:"credentialId"`
	Name       string   `json:"friendlyCredentialName"`
	RP         string   `json:"relyingPartyId"`
	Attachment string   `json:"authenticatorAttachment,omitempty"`
	Transports []string `json:"authenticatorTransports"`
	CreatedAt  int64    `json:"createdAtMs"`
}

// device is a remembered device in normalised form. Dates are epoch ms, 0
// when absent.
type device struct {
	ID                string            `json:"id"`
	Name              string            `json:"name,omitempty"`
	Attributes        map[string]string `json:"attributes"`
	CreateDate        int64             `json:"createDateMs,omitempty"`
	LastModified      int64             `json:"lastModifiedDateMs,omitempty"`
	LastAuthenticated int64             `json:"lastAuthenticatedDateMs,omitempty"`
}

// dateRule turns Cognito's epoch seconds into a JS Date's milliseconds the
// way a client does: Amplify writes new Date(s * 1000) (the Date constructor
// truncates), the SDK JS v3 Math.round(s * 1000). Both multiply in float64,
// as Go does, so the results match bit for bit.
type dateRule func(seconds float64) int64

func amplifyDate(s float64) int64 { return int64(math.Trunc(s * 1000)) }
func sdkDate(s float64) int64     { return int64(math.Floor(s*1000 + 0.5)) }

// expectedFromSeed is what a client with the given date rule must return
// for the seeded user.
func expectedFromSeed(seed *emulator.Seed, poolID, username string, rule dateRule) ([]credential, []device, error) {
	for _, p := range seed.UserPools {
		if p.ID != poolID {
			continue
		}
		for _, u := range p.Users {
			if u.Username != username {
				continue
			}
			var creds []credential
			for _, c := range u.WebAuthnCredentials {
				creds = append(creds, credential{
					ID: c.CredentialID, Name: c.FriendlyCredentialName, RP: c.RelyingPartyID,
					Attachment: c.AuthenticatorAttachment, Transports: nonNil(c.AuthenticatorTransports),
					CreatedAt: rule(c.CreatedAt),
				})
			}
			var devs []device
			for _, d := range u.Devices {
				attrs := map[string]string{}
				for k, v := range d.Attributes {
					if k != "" && v != "" {
						attrs[k] = v
					}
				}
				dv := device{ID: d.DeviceKey, Name: attrs["device_name"], Attributes: attrs}
				if d.CreateDate != 0 {
					dv.CreateDate = rule(d.CreateDate)
				}
				if d.LastModifiedDate != 0 {
					dv.LastModified = rule(d.LastModifiedDate)
				}
				if d.LastAuthenticatedDate != 0 {
					dv.LastAuthenticated = rule(d.LastAuthenticatedDate)
				}
				devs = append(devs, dv)
			}
			return creds, devs, nil
		}
	}
	return nil, nil, fmt.Errorf("seed has no user %s in pool %s", username, poolID)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// jsDate is how harness.js encodes a Date: {"$date": ms}. A plain number or
// string where a Date belongs fails to decode, so a client that returns the
// wrong type fails the check.
type jsDate struct {
	Ms *int64 `json:"$date"`
}

func (d *jsDate) ms(field string) (int64, error) {
	if d == nil {
		return 0, nil
	}
	if d.Ms == nil {
		return 0, fmt.Errorf("%s is not a Date", field)
	}
	return *d.Ms, nil
}

func decodeStrict(data string, v any) error {
	d := json.NewDecoder(strings.NewReader(data))
	return d.Decode(v)
}

// parseAmplifyCredentials reads listWebAuthnCredentials' result.
func parseAmplifyCredentials(data string) ([]credential, error) {
	var out struct {
		Credentials *[]struct {
			CredentialID            string   `json:"credentialId"`
			FriendlyCredentialName  string   `json:"friendlyCredentialName"`
			RelyingPartyID          string   `json:"relyingPartyId"`
			AuthenticatorAttachment string   `json:"authenticatorAttachment"`
			AuthenticatorTransports []string `json:"authenticatorTransports"`
			CreatedAt               *jsDate  `json:"createdAt"`
		} `json:"credentials"`
	}
	if err := decodeStrict(data, &out); err != nil {
		return nil, fmt.Errorf("listWebAuthnCredentials result: %w", err)
	}
	if out.Credentials == nil {
		return nil, fmt.Errorf("listWebAuthnCredentials result has no credentials array: %s", shorten(data))
	}
	var creds []credential
	for i, c := range *out.Credentials {
		ms, err := c.CreatedAt.ms(fmt.Sprintf("credentials[%d].createdAt", i))
		if err != nil {
			return nil, err
		}
		creds = append(creds, credential{
			ID: c.CredentialID, Name: c.FriendlyCredentialName, RP: c.RelyingPartyID,
			Attachment: c.AuthenticatorAttachment, Transports: nonNil(c.AuthenticatorTransports), CreatedAt: ms,
		})
	}
	return creds, nil
}

// parseAmplifyDevices reads fetchDevices' result.
func parseAmplifyDevices(data string) ([]device, error) {
	var out []struct {
		ID                    string            `json:"id"`
		Name                  string            `json:"name"`
		Attributes            map[string]string `json:"attributes"`
		CreateDate            *jsDate           `json:"createDate"`
		LastModifiedDate      *jsDate           `json:"lastModifiedDate"`
		LastAuthenticatedDate *jsDate           `json:"lastAuthenticatedDate"`
	}
	if err := decodeStrict(data, &out); err != nil {
		return nil, fmt.Errorf("fetchDevices result: %w", err)
	}
	var devs []device
	for i, d := range out {
		dv := device{ID: d.ID, Name: d.Name, Attributes: d.Attributes}
		if dv.Attributes == nil {
			return nil, fmt.Errorf("devices[%d].attributes missing", i)
		}
		var err error
		if dv.CreateDate, err = d.CreateDate.ms(fmt.Sprintf("devices[%d].createDate", i)); err != nil {
			return nil, err
		}
		if dv.LastModified, err = d.LastModifiedDate.ms(fmt.Sprintf("devices[%d].lastModifiedDate", i)); err != nil {
			return nil, err
		}
		if dv.LastAuthenticated, err = d.LastAuthenticatedDate.ms(fmt.Sprintf("devices[%d].lastAuthenticatedDate", i)); err != nil {
			return nil, err
		}
		devs = append(devs, dv)
	}
	return devs, nil
}

// parseSDKCredentials reads ListWebAuthnCredentialsCommand's raw output.
func parseSDKCredentials(data string) ([]credential, error) {
	var out struct {
		Credentials []struct {
			CredentialID            string   `json:"CredentialId"`
			FriendlyCredentialName  string   `json:"FriendlyCredentialName"`
			RelyingPartyID          string   `json:"RelyingPartyId"`
			AuthenticatorAttachment string   `json:"AuthenticatorAttachment"`
			AuthenticatorTransports []string `json:"AuthenticatorTransports"`
			CreatedAt               *jsDate  `json:"CreatedAt"`
		} `json:"Credentials"`
	}
	if err := decodeStrict(data, &out); err != nil {
		return nil, fmt.Errorf("ListWebAuthnCredentials output: %w", err)
	}
	var creds []credential
	for i, c := range out.Credentials {
		ms, err := c.CreatedAt.ms(fmt.Sprintf("Credentials[%d].CreatedAt", i))
		if err != nil {
			return nil, err
		}
		creds = append(creds, credential{
			ID: c.CredentialID, Name: c.FriendlyCredentialName, RP: c.RelyingPartyID,
			Attachment: c.AuthenticatorAttachment, Transports: nonNil(c.AuthenticatorTransports), CreatedAt: ms,
		})
	}
	return creds, nil
}

// parseSDKDevices reads ListDevicesCommand's raw output.
func parseSDKDevices(data string) ([]device, error) {
	var out struct {
		Devices []struct {
			DeviceKey        string `json:"DeviceKey"`
			DeviceAttributes []struct {
				Name  string `json:"Name"`
				Value string `json:"Value"`
			} `json:"DeviceAttributes"`
			DeviceCreateDate            *jsDate `json:"DeviceCreateDate"`
			DeviceLastModifiedDate      *jsDate `json:"DeviceLastModifiedDate"`
			DeviceLastAuthenticatedDate *jsDate `json:"DeviceLastAuthenticatedDate"`
		} `json:"Devices"`
	}
	if err := decodeStrict(data, &out); err != nil {
		return nil, fmt.Errorf("ListDevices output: %w", err)
	}
	var devs []device
	for i, d := range out.Devices {
		dv := device{ID: d.DeviceKey, Attributes: map[string]string{}}
		for _, a := range d.DeviceAttributes {
			if a.Name != "" && a.Value != "" {
				dv.Attributes[a.Name] = a.Value
			}
		}
		dv.Name = dv.Attributes["device_name"]
		var err error
		if dv.CreateDate, err = d.DeviceCreateDate.ms(fmt.Sprintf("Devices[%d].DeviceCreateDate", i)); err != nil {
			return nil, err
		}
		if dv.LastModified, err = d.DeviceLastModifiedDate.ms(fmt.Sprintf("Devices[%d].DeviceLastModifiedDate", i)); err != nil {
			return nil, err
		}
		if dv.LastAuthenticated, err = d.DeviceLastAuthenticatedDate.ms(fmt.Sprintf("Devices[%d].DeviceLastAuthenticatedDate", i)); err != nil {
			return nil, err
		}
		devs = append(devs, dv)
	}
	return devs, nil
}

// diffList compares got with want item by item (order matters: Cognito
// returns items in a stable order and every client keeps it) and describes
// each difference.
func diffList[T any](what string, got, want []T, id func(T) string) []string {
	var diffs []string
	if len(got) != len(want) {
		diffs = append(diffs, fmt.Sprintf("%s: %d items, want %d (got ids %v, want %v)",
			what, len(got), len(want), ids(got, id), ids(want, id)))
		return diffs
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			g, _ := json.Marshal(got[i])
			w, _ := json.Marshal(want[i])
			diffs = append(diffs, fmt.Sprintf("%s[%d]: got %s, want %s", what, i, g, w))
		}
	}
	return diffs
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func credID(c credential) string { return c.ID }
func devID(d device) string      { return d.ID }

// without returns creds minus the one with id.
func without(creds []credential, id string) []credential {
	return slices.DeleteFunc(slices.Clone(creds), func(c credential) bool { return c.ID == id })
}

// sortedKeys is for stable messages.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
