package emulator

import (
	"maps"
	"slices"
	"time"
)

// request is one validated operation call.
type request struct {
	op  string
	in  params
	now time.Time
}

// opFunc runs an operation. It returns the output structure (nil for "{}")
// or an error; a *Error goes to the client as it is.
type opFunc func(e *Emulator, r *request) (any, error)

// operations are the targets the emulator serves, by operation name. The
// model (internal/model) holds their input shapes and whether they are
// IAM-signed.
var operations = map[string]opFunc{
	"InitiateAuth":                 (*Emulator).initiateAuth,
	"GetTokensFromRefreshToken":    (*Emulator).getTokensFromRefreshToken,
	"GetUser":                      (*Emulator).getUser,
	"GlobalSignOut":                (*Emulator).globalSignOut,
	"RevokeToken":                  (*Emulator).revokeToken,
	"ListWebAuthnCredentials":      (*Emulator).listWebAuthnCredentials,
	"DeleteWebAuthnCredential":     (*Emulator).deleteWebAuthnCredential,
	"StartWebAuthnRegistration":    (*Emulator).startWebAuthnRegistration,
	"CompleteWebAuthnRegistration": (*Emulator).completeWebAuthnRegistration,
	"ListDevices":                  (*Emulator).listDevices,
	"GetDevice":                    (*Emulator).getDevice,
	"ForgetDevice":                 (*Emulator).forgetDevice,
	"UpdateDeviceStatus":           (*Emulator).updateDeviceStatus,
	"AdminListDevices":             (*Emulator).adminListDevices,
}

// Operations returns the names of the operations the emulator serves, sorted.
func Operations() []string { return slices.Sorted(maps.Keys(operations)) }

// signedIn checks the request's AccessToken and returns its user. Call
// with e.st.mu held.
func (e *Emulator) signedIn(r *request) (*principal, error) {
	tok := r.in.strp("AccessToken")
	if tok == nil {
		// Only GetDevice and ForgetDevice get here: their model marks
		// AccessToken optional, but the user-side call cannot work without it.
		return nil, invalidParameter(MsgMissingAccessToken)
	}
	return e.st.authenticate(r.op, *tok, r.now)
}

// epoch renders a time as Cognito's epoch seconds, keeping milliseconds.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }
