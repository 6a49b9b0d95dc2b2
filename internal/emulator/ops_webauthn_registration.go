package emulator

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/protocol/webauthncbor"
	"github.com/go-webauthn/webauthn/protocol/webauthncose"
	"github.com/go-webauthn/webauthn/webauthn"
	"github.com/google/uuid"
)

// Passkey registration: StartWebAuthnRegistration hands out the options
// for navigator.credentials.create (a PublicKeyCredentialCreationOptionsJSON
// document, binary fields base64url) and remembers its challenge;
// CompleteWebAuthnRegistration takes the browser's credential JSON, checks
// what Cognito checks (challenge, client, origin, relying party, user
// verification, duplicates, the per-user limit) and has go-webauthn verify
// the attestation before the credential joins the user's list.

const (
	// RegistrationTimeout is the ceremony timeout sent in the options; a
	// challenge expires with it (on the emulator's clock).
	RegistrationTimeout = 3 * time.Minute
	// MaxPasskeysPerUser is Cognito's limit of passkeys per user.
	MaxPasskeysPerUser = 20
	// maxPendingRegistrations bounds the challenges kept per user; a new
	// one pushes out the oldest.
	maxPendingRegistrations = 16
)

// registration is a started, not yet completed passkey registration.
type registration struct {
	session  webauthn.SessionData
	clientID string // the app client of the access token that started it
	started  time.Time
	expires  time.Time
}

// The options document, in the member order and shape Cognito sends.
type creationOptions struct {
	Challenge              string                 `json:"challenge"`
	RP                     rpEntity               `json:"rp"`
	User                   userEntity             `json:"user"`
	PubKeyCredParams       []credParam            `json:"pubKeyCredParams"`
	Timeout                int64                  `json:"timeout"`
	ExcludeCredentials     []credentialDescriptor `json:"excludeCredentials"`
	AuthenticatorSelection authenticatorSelection `json:"authenticatorSelection"`
	Extensions             map[string]any         `json:"extensions"`
}

type rpEntity struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type userEntity struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
}

type credParam struct {
	Type string `json:"type"`
	Alg  int64  `json:"alg"`
}

type credentialDescriptor struct {
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	Transports []string `json:"transports,omitempty"`
}

type authenticatorSelection struct {
	RequireResidentKey bool   `json:"requireResidentKey"`
	ResidentKey        string `json:"residentKey"`
	UserVerification   string `json:"userVerification"`
}

// credentialAlgorithms are the COSE algorithms the pool accepts: ES256 and
// RS256, which every platform and security key offers.
var credentialAlgorithms = []webauthncose.COSEAlgorithmIdentifier{webauthncose.AlgES256, webauthncose.AlgRS256}

const extensionCredProps = "credProps"

var b64url = base64.RawURLEncoding

// webAuthnUser is where both registration operations start: the signed-in
// user of a pool that has passkeys enabled. Call with e.st.mu held.
func (e *Emulator) webAuthnUser(r *request) (*principal, error) {
	pr, err := e.signedIn(r)
	if err != nil {
		return nil, err
	}
	if !pr.pool.webAuthnEnabled {
		return nil, NewError(ErrWebAuthnNotEnabled, MsgWebAuthnNotEnabled)
	}
	return pr, nil
}

func (e *Emulator) startWebAuthnRegistration(r *request) (any, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	pr, err := e.webAuthnUser(r)
	if err != nil {
		return nil, err
	}
	p, u := pr.pool, pr.user
	if len(u.credentials) >= MaxPasskeysPerUser {
		return nil, NewError(ErrLimitExceeded, MsgCredentialLimitExceeded)
	}
	challenge := make([]byte, 32)
	rand.Read(challenge)
	userID := []byte(u.sub) // the user handle: stable per user, no personal data

	opts := creationOptions{
		Challenge:          b64url.EncodeToString(challenge),
		RP:                 rpEntity{ID: p.rpID, Name: p.rpID},
		User:               userEntity{ID: b64url.EncodeToString(userID), Name: u.username, DisplayName: u.username},
		Timeout:            RegistrationTimeout.Milliseconds(),
		ExcludeCredentials: []credentialDescriptor{},
		AuthenticatorSelection: authenticatorSelection{
			RequireResidentKey: true, ResidentKey: "required", UserVerification: p.userVerification,
		},
		Extensions: map[string]any{extensionCredProps: true},
	}
	params := make([]protocol.CredentialParameter, len(credentialAlgorithms))
	for i, alg := range credentialAlgorithms {
		opts.PubKeyCredParams = append(opts.PubKeyCredParams, credParam{Type: "public-key", Alg: int64(alg)})
		params[i] = protocol.CredentialParameter{Type: protocol.PublicKeyCredentialType, Algorithm: alg}
	}
	for _, c := range u.credentials {
		// Only ids a browser can decode: parseCreationOptionsFromJSON (and
		// Amplify's own decoder) throw on anything that is not base64url.
		if _, err := b64url.DecodeString(c.id); err != nil || c.id == "" {
			continue
		}
		opts.ExcludeCredentials = append(opts.ExcludeCredentials, credentialDescriptor{Type: "public-key", ID: c.id, Transports: c.transports})
	}

	if u.registrations == nil {
		u.registrations = map[string]*registration{}
	}
	u.pruneRegistrations(r.now)
	u.registrations[opts.Challenge] = &registration{
		session: webauthn.SessionData{
			Challenge:        opts.Challenge,
			RelyingPartyID:   p.rpID,
			UserID:           userID,
			UserVerification: protocol.UserVerificationRequirement(p.userVerification),
			Extensions:       protocol.SessionExtensions{Requested: []string{extensionCredProps}},
			CredParams:       params,
		},
		clientID: pr.clientID,
		started:  r.now,
		expires:  r.now.Add(RegistrationTimeout),
	}
	return struct {
		CredentialCreationOptions creationOptions `json:"CredentialCreationOptions"`
	}{opts}, nil
}

// pruneRegistrations drops expired challenges and, past the bound, the
// oldest ones. Call with the store's mutex held.
func (u *user) pruneRegistrations(now time.Time) {
	var oldest string
	for ch, reg := range u.registrations {
		if !now.Before(reg.expires) {
			delete(u.registrations, ch)
			continue
		}
		if oldest == "" || reg.started.Before(u.registrations[oldest].started) {
			oldest = ch
		}
	}
	if len(u.registrations) >= maxPendingRegistrations {
		delete(u.registrations, oldest)
	}
}

func (e *Emulator) completeWebAuthnRegistration(r *request) (any, error) {
	// The model has checked that Credential is present; any JSON value is a
	// document, so a wrong shape is found by the parser below.
	raw, err := json.Marshal(r.in["Credential"])
	if err != nil {
		return nil, invalidParameter(MsgInvalidCredential)
	}
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	pr, err := e.webAuthnUser(r)
	if err != nil {
		return nil, err
	}
	p, u := pr.pool, pr.user
	parsed, err := protocol.ParseCredentialCreationResponseBytes(raw)
	if err != nil {
		return nil, invalidParameter(MsgInvalidCredential)
	}
	clientData := parsed.Response.CollectedClientData
	reg := u.registrations[clientData.Challenge]
	delete(u.registrations, clientData.Challenge) // a challenge is good for one attempt
	switch {
	case reg == nil || !r.now.Before(reg.expires):
		return nil, NewError(ErrWebAuthnChallengeNotFound, MsgChallengeNotFound)
	case reg.clientID != pr.clientID:
		return nil, NewError(ErrWebAuthnClientMismatch, MsgClientMismatch)
	case !originAllowed(clientData.Origin, p.rpID):
		return nil, NewError(ErrWebAuthnOriginNotAllowed, MsgOriginNotAllowed)
	}
	authData := parsed.Response.AttestationObject.AuthData
	if rpHash := sha256.Sum256([]byte(p.rpID)); !bytes.Equal(authData.RPIDHash, rpHash[:]) {
		return nil, NewError(ErrWebAuthnRelyingPartyMismatch, MsgRelyingPartyMismatch)
	}
	if p.userVerification == "required" && !authData.Flags.HasUserVerified() {
		// An authenticator that cannot verify the user is one the pool does
		// not support.
		return nil, NewError(ErrWebAuthnNotSupported, MsgCredentialNotSupported)
	}
	if !supportedCredential(parsed.Response.AttestationObject) {
		return nil, NewError(ErrWebAuthnNotSupported, MsgCredentialNotSupported)
	}
	if e.st.credentialRegistered(p, parsed.ID) {
		return nil, invalidParameter(MsgCredentialAlreadyExists)
	}
	if len(u.credentials) >= MaxPasskeysPerUser {
		return nil, NewError(ErrLimitExceeded, MsgCredentialLimitExceeded)
	}

	rp, err := webauthn.New(&webauthn.Config{
		RPID:          p.rpID,
		RPDisplayName: p.rpID,
		RPOrigins:     []string{clientData.Origin}, // checked above against the relying party id
		// Clients add extension outputs nobody asked for; Cognito ignores them.
		ExtensionsUnsolicitedOutputPolicy: protocol.UnsolicitedOutputPolicyIgnore,
	})
	if err != nil {
		return nil, err // the seed's relying party id is not a domain: an internal error
	}
	cred, err := rp.CreateCredential(registrationUser{reg.session.UserID}, reg.session, parsed)
	if err != nil {
		// A bad signature, inconsistent ids or client data of another kind.
		return nil, invalidParameter(MsgInvalidCredential)
	}

	attachment := string(parsed.AuthenticatorAttachment)
	transports := make([]string, 0, len(parsed.Response.Transports))
	for _, t := range parsed.Response.Transports {
		transports = append(transports, string(t))
	}
	e.st.seq++
	u.credentials = append(u.credentials, &credential{
		seq:        e.st.seq,
		id:         parsed.ID,
		name:       friendlyCredentialName(cred.Authenticator.AAGUID, attachment),
		rpID:       p.rpID,
		attachment: attachment,
		transports: transports,
		createdAt:  epoch(r.now),
	})
	return nil, nil
}

// supportedCredential reports whether the pool can take a credential of
// this kind: a key of one of the offered algorithms, in an attestation
// format go-webauthn knows.
func supportedCredential(att protocol.AttestationObject) bool {
	var key webauthncose.PublicKeyData
	if webauthncbor.Unmarshal(att.AuthData.AttData.CredentialPublicKey, &key) != nil ||
		!slices.Contains(credentialAlgorithms, webauthncose.COSEAlgorithmIdentifier(key.Algorithm)) {
		return false
	}
	return slices.Contains(attestationFormats, protocol.AttestationFormat(att.Format))
}

var attestationFormats = []protocol.AttestationFormat{
	protocol.AttestationFormatNone, protocol.AttestationFormatPacked, protocol.AttestationFormatFIDOUniversalSecondFactor,
	protocol.AttestationFormatTPM, protocol.AttestationFormatAndroidKey, protocol.AttestationFormatAndroidSafetyNet,
	protocol.AttestationFormatApple,
}

// credentialRegistered reports whether any user of the pool has a passkey
// with this id. Call with st.mu held.
func (st *store) credentialRegistered(p *pool, id string) bool {
	for _, u := range p.users {
		if u.credentialIndex(id) >= 0 {
			return true
		}
	}
	return false
}

// originAllowed is Cognito's origin rule: the page must be on the relying
// party's domain or a subdomain of it, over https (plain http only for
// localhost, which browsers treat as a secure context).
func originAllowed(origin, rpID string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" && u.Path != "/" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	if net.ParseIP(host) != nil {
		return false
	}
	switch u.Scheme {
	case "https":
	case "http":
		if host != "localhost" && !strings.HasSuffix(host, ".localhost") {
			return false
		}
	default:
		return false
	}
	rp := strings.ToLower(rpID)
	return host == rp || strings.HasSuffix(host, "."+rp)
}

// registrationUser is the user go-webauthn checks the session against.
type registrationUser struct{ id []byte }

func (u registrationUser) WebAuthnID() []byte                         { return u.id }
func (u registrationUser) WebAuthnName() string                       { return "" }
func (u registrationUser) WebAuthnDisplayName() string                { return "" }
func (u registrationUser) WebAuthnCredentials() []webauthn.Credential { return nil }

// knownAuthenticators names passkey providers by AAGUID, as Cognito's
// FriendlyCredentialName does (a few entries of the community list at
// github.com/passkeydeveloper/passkey-authenticator-aaguids).
var knownAuthenticators = map[uuid.UUID]string{
	uuid.MustParse("fbfc3007-154e-4ecc-8c0b-6e020557d7bd"): "iCloud Keychain",
	uuid.MustParse("dd4ec289-e01d-41c9-bb89-70fa845d4bf2"): "iCloud Keychain (Managed)",
	uuid.MustParse("ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4"): "Google Password Manager",
	uuid.MustParse("adce0002-35bc-c60a-648b-0b25f1f05503"): "Chrome on Mac",
	uuid.MustParse("08987058-cadc-4b81-b6e1-30de50dcbe96"): "Windows Hello",
	uuid.MustParse("9ddd1817-af5a-4672-a2b9-3e3dd95000a9"): "Windows Hello",
	uuid.MustParse("6028b017-b1d4-4c02-b4b3-afcdafc96bb2"): "Windows Hello",
	uuid.MustParse("bada5566-a7aa-401f-bd96-45619a55120d"): "1Password",
	uuid.MustParse("d548826e-79b4-db40-a3d8-11116f7e8349"): "Bitwarden",
	uuid.MustParse("531126d6-e717-415c-9320-3d9aa6981239"): "Dashlane",
	uuid.MustParse("ee882879-721c-4913-9775-3dfcce97072a"): "YubiKey 5 Series",
	uuid.MustParse("fa2b99dc-9e39-4257-8f92-4a30d23c4118"): "YubiKey 5 Series with NFC",
	uuid.MustParse("2fc0579f-8113-47ea-b116-bb5a8db9202a"): "YubiKey 5 Series with NFC",
}

// friendlyCredentialName names a new passkey after its provider when the
// AAGUID is a known one, else after the kind of authenticator.
func friendlyCredentialName(aaguid []byte, attachment string) string {
	if id, err := uuid.FromBytes(aaguid); err == nil {
		if name, ok := knownAuthenticators[id]; ok {
			return name
		}
	}
	if attachment == string(protocol.CrossPlatform) {
		return "Security key"
	}
	return "Passkey"
}
