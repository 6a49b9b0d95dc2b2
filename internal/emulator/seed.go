package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-webauthn/webauthn/protocol"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// Seed is the emulator's initial state, in the contract's JSON format. Dates
// are epoch seconds, fractions allowed, as Cognito sends them.
type Seed struct {
	UserPools []SeedPool `json:"userPools"`
	// IAMCredentials are the key pairs accepted on IAM-signed operations
	// (AdminListDevices). Empty means the built-in example pair.
	IAMCredentials []IAMCredential `json:"iamCredentials,omitempty"`
}

// IAMCredential is an access key pair the emulator accepts for SigV4.
type IAMCredential struct {
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

// SeedPool is one user pool.
type SeedPool struct {
	ID      string       `json:"id"`
	Clients []SeedClient `json:"clients"`
	Users   []SeedUser   `json:"users"`

	// Passkey settings, as Cognito's WebAuthnConfigurationType and sign-in
	// policy hold them. WebAuthnRelyingPartyID defaults to "localhost" (the
	// demo and test pages run there); WebAuthnUserVerification is
	// "preferred" (the default) or "required"; WebAuthnEnabled false makes
	// the registration operations answer WebAuthnNotEnabledException.
	WebAuthnRelyingPartyID   string `json:"webAuthnRelyingPartyId,omitempty"`
	WebAuthnUserVerification string `json:"webAuthnUserVerification,omitempty"`
	WebAuthnEnabled          *bool  `json:"webAuthnEnabled,omitempty"`
}

// Defaults of the pool's passkey settings.
const (
	DefaultRelyingPartyID   = "localhost"
	DefaultUserVerification = "preferred"
)

// SeedClient is one app client of a pool.
type SeedClient struct {
	ID                string   `json:"id"`
	ExplicitAuthFlows []string `json:"explicitAuthFlows"`
	// RefreshTokenRotation is the app client's refresh token rotation
	// (Cognito's RefreshTokenRotation Feature ENABLED, with no retry grace
	// period): GetTokensFromRefreshToken answers with a new refresh token
	// and the one it was given no longer works (RefreshTokenReuseException).
	RefreshTokenRotation bool `json:"refreshTokenRotation,omitempty"`
}

// SeedUser is one confirmed user.
type SeedUser struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// Sub is the user's immutable id; derived from pool and username when empty.
	Sub                 string            `json:"sub,omitempty"`
	Attributes          map[string]string `json:"attributes,omitempty"`
	WebAuthnCredentials []SeedCredential  `json:"webAuthnCredentials,omitempty"`
	Devices             []SeedDevice      `json:"devices,omitempty"`
}

// SeedCredential is a registered passkey.
type SeedCredential struct {
	CredentialID            string   `json:"credentialId"`
	FriendlyCredentialName  string   `json:"friendlyCredentialName"`
	RelyingPartyID          string   `json:"relyingPartyId"`
	AuthenticatorAttachment string   `json:"authenticatorAttachment,omitempty"`
	AuthenticatorTransports []string `json:"authenticatorTransports"`
	CreatedAt               float64  `json:"createdAt"`
}

// SeedDevice is a remembered device.
type SeedDevice struct {
	DeviceKey             string            `json:"deviceKey"`
	Attributes            map[string]string `json:"attributes,omitempty"`
	CreateDate            float64           `json:"createDate,omitempty"`
	LastModifiedDate      float64           `json:"lastModifiedDate,omitempty"`
	LastAuthenticatedDate float64           `json:"lastAuthenticatedDate,omitempty"`
}

// Default IAM key pair for AdminListDevices: AWS's documentation example.
const (
	DefaultAccessKeyID     = "AKIDEXAMPLE"
	DefaultSecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

// LoadSeedFile reads and checks a seed file.
func LoadSeedFile(path string) (*Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	s, err := ParseSeed(b)
	if err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	return s, nil
}

// ParseSeed decodes a seed and checks it. Unknown fields are errors, so a
// typo in a test fixture does not pass silently.
func ParseSeed(b []byte) (*Seed, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	var s Seed
	if err := d.Decode(&s); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if d.More() {
		return nil, errors.New("decode: data after the seed object")
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// Validate checks ids against the model's patterns and looks for duplicates.
func (s *Seed) Validate() error {
	var errs []error
	check := func(what, shape, v string) {
		vs, err := model.Validate(shape, v)
		if err == nil && len(vs) > 0 {
			err = errors.New(vs[0].Constraint)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", what, v, err))
		}
	}
	pools := map[string]bool{}
	for _, p := range s.UserPools {
		check("user pool id", "UserPoolIdType", p.ID)
		if pools[p.ID] {
			errs = append(errs, fmt.Errorf("user pool %q: duplicate", p.ID))
		}
		pools[p.ID] = true
		if rp := p.WebAuthnRelyingPartyID; rp != "" {
			if err := protocol.ValidateRPID(rp); err != nil || len(rp) > 127 {
				errs = append(errs, fmt.Errorf("pool %s: webAuthnRelyingPartyId %q: want a domain name of at most 127 characters", p.ID, rp))
			}
		}
		switch p.WebAuthnUserVerification {
		case "", "preferred", "required":
		default:
			errs = append(errs, fmt.Errorf("pool %s: webAuthnUserVerification %q: want preferred or required", p.ID, p.WebAuthnUserVerification))
		}
		clients := map[string]bool{}
		for _, c := range p.Clients {
			check("client id", "ClientIdType", c.ID)
			if clients[c.ID] {
				errs = append(errs, fmt.Errorf("pool %s: client %q: duplicate", p.ID, c.ID))
			}
			clients[c.ID] = true
			for _, f := range c.ExplicitAuthFlows {
				if !strings.HasPrefix(f, "ALLOW_") {
					errs = append(errs, fmt.Errorf("pool %s: client %s: auth flow %q: want ALLOW_<FLOW>", p.ID, c.ID, f))
				}
			}
		}
		users := map[string]bool{}
		devices := map[string]bool{}
		for _, u := range p.Users {
			check("username", "UsernameType", u.Username)
			if k := strings.ToLower(u.Username); users[k] {
				errs = append(errs, fmt.Errorf("pool %s: user %q: duplicate", p.ID, u.Username))
			} else {
				users[k] = true
			}
			creds := map[string]bool{}
			for _, c := range u.WebAuthnCredentials {
				if c.CredentialID == "" || creds[c.CredentialID] {
					errs = append(errs, fmt.Errorf("pool %s: user %s: credential id %q: empty or duplicate", p.ID, u.Username, c.CredentialID))
				}
				creds[c.CredentialID] = true
			}
			for _, d := range u.Devices {
				check("device key", "DeviceKeyType", d.DeviceKey)
				if devices[d.DeviceKey] {
					errs = append(errs, fmt.Errorf("pool %s: device key %q: duplicate", p.ID, d.DeviceKey))
				}
				devices[d.DeviceKey] = true
			}
		}
	}
	for _, c := range s.IAMCredentials {
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			errs = append(errs, errors.New("iamCredentials: accessKeyId and secretAccessKey are required"))
		}
	}
	return errors.Join(errs...)
}

// Built-in demo pool. Other packages (tests, the demo page's /config.json)
// use these instead of repeating the literals.
const (
	DemoPoolID   = "us-east-1_DemoPool01"
	DemoClientID = "demoappclient0000000000001"
	DemoUsername = "alice"
	DemoPassword = "Passw0rd!"
	// DemoEmptyUsername is a demo user with no passkeys and no devices.
	DemoEmptyUsername = "bob"
)

// DemoSeed returns the built-in demo pool: alice with 3 passkeys and 7
// devices (enough to page with small page sizes), bob with none.
func DemoSeed() *Seed {
	dev := func(uuid, name string, created, modified, authenticated float64) SeedDevice {
		return SeedDevice{
			DeviceKey: "us-east-1_" + uuid,
			Attributes: map[string]string{
				"device_name":                  name,
				"device_status":                "valid",
				"dev:device_remembered_status": "remembered",
				"last_ip_used":                 "192.0.2.17",
			},
			CreateDate: created, LastModifiedDate: modified, LastAuthenticatedDate: authenticated,
		}
	}
	return &Seed{UserPools: []SeedPool{{
		ID: DemoPoolID,
		Clients: []SeedClient{{
			ID:                DemoClientID,
			ExplicitAuthFlows: []string{"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"},
		}},
		Users: []SeedUser{
			{
				Username: DemoUsername, Password: DemoPassword,
				Sub:        "54a8f4c8-3071-70d2-9b5e-6a0f3c1d2e41",
				Attributes: map[string]string{"email": "alice@example.com", "email_verified": "true"},
				WebAuthnCredentials: []SeedCredential{
					{
						CredentialID:            "AXbG3qk7V9m2Yp0cRz8LwQ",
						FriendlyCredentialName:  "iCloud Keychain",
						RelyingPartyID:          "localhost",
						AuthenticatorAttachment: "platform",
						AuthenticatorTransports: []string{"internal", "hybrid"},
						CreatedAt:               1718102400.412,
					},
					{
						CredentialID:            "m4Qe9tJ0aZ1cVbN7xK2sHw_pL8dR3fYu",
						FriendlyCredentialName:  "YubiKey 5C NFC",
						RelyingPartyID:          "localhost",
						AuthenticatorAttachment: "cross-platform",
						AuthenticatorTransports: []string{"usb", "nfc"},
						CreatedAt:               1722470400,
					},
					{
						CredentialID:            "Zk1nT0pQc2dWbEZ4d2J5Rw",
						FriendlyCredentialName:  "Pixel 8 (Google Password Manager)",
						RelyingPartyID:          "localhost",
						AuthenticatorTransports: []string{"hybrid"},
						CreatedAt:               1729000000.5,
					},
				},
				Devices: []SeedDevice{
					dev("0b1c2d3e-4f50-4a61-8b72-c3d4e5f60718", "Chrome on macOS", 1717200000.25, 1717200000.25, 1731900000),
					dev("1c2d3e4f-5061-4b72-9c83-d4e5f6071829", "Safari on iPhone", 1718000000, 1718500000.5, 1731950000.125),
					dev("2d3e4f50-6172-4c83-ad94-e5f60718293a", "Firefox on Windows", 1719000000.75, 1719000000.75, 1730000000),
					dev("3e4f5061-7283-4d94-bea5-f60718293a4b", "Edge on Windows", 1720000000, 1720000100, 1725000000),
					dev("4f506172-8394-4ea5-8fb6-0718293a4b5c", "Chrome on Android", 1721000000.001, 1721000000.001, 1731000000.999),
					dev("50617283-94a5-4fb6-90c7-18293a4b5c6d", "Safari on iPad", 1722000000, 1722000000, 1728000000),
					dev("61728394-a5b6-40c7-a1d8-293a4b5c6d7e", "Firefox on Linux", 1723000000.5, 1726000000, 1731999999.5),
				},
			},
			{
				Username: DemoEmptyUsername, Password: DemoPassword,
				Sub:        "e4f8a4c8-1091-7023-5c6b-7b1e4d2f3a52",
				Attributes: map[string]string{"email": "bob@example.com", "email_verified": "true"},
			},
		},
	}}}
}
