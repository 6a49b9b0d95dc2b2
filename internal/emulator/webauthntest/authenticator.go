// Package webauthntest is a software passkey authenticator and browser for
// tests: given the options of StartWebAuthnRegistration it makes what
// navigator.credentials.create and PublicKeyCredential.toJSON() would give a
// page (a RegistrationResponseJSON with a fresh P-256 or Ed25519 key, in
// attestation format "none" or "packed" self attestation), and it can be
// told to get things wrong, so that every check of the verifier is reached.
package webauthntest

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/fxamacker/cbor/v2"
)

// COSE algorithm identifiers.
const (
	AlgES256 = -7
	AlgEdDSA = -8
)

// Attestation statement formats.
const (
	FormatNone   = "none"
	FormatPacked = "packed"
)

// ErrExcluded is what a browser reports as InvalidStateError: the
// authenticator already holds one of the options' excludeCredentials.
var ErrExcluded = errors.New("webauthntest: the authenticator holds an excluded credential")

// Authenticator is one passkey provider. The zero value is a platform
// authenticator with user verification, attestation "none", ES256 keys and
// the zero AAGUID. It remembers the ids it created, for excludeCredentials.
type Authenticator struct {
	AAGUID             [16]byte
	Attachment         string   // "platform" (default) or "cross-platform"
	Transports         []string // default ["internal"]
	NoUserVerification bool     // the UV flag stays clear
	Format             string   // FormatNone (default), FormatPacked, or any other name (sent with an empty statement)

	mu      sync.Mutex
	created [][]byte
}

// Ceremony is one navigator.credentials.create as the page runs it. Origin
// is required; the other fields, when set, override what a correct client
// and authenticator would produce.
type Ceremony struct {
	Origin       string // clientDataJSON origin, e.g. "http://localhost:8080"
	RPID         string // relying party id hashed into authData (default: options rp.id)
	Challenge    string // clientDataJSON challenge (default: the options' challenge)
	Type         string // clientDataJSON type (default "webauthn.create")
	CredentialID []byte // default: 16 random bytes
	Algorithm    int    // AlgES256 (default) or AlgEdDSA
	BadSignature bool   // packed attestation signed over the wrong data
}

// options are the members of PublicKeyCredentialCreationOptionsJSON used here.
type options struct {
	Challenge string `json:"challenge"`
	RP        struct {
		ID string `json:"id"`
	} `json:"rp"`
	ExcludeCredentials []struct {
		ID string `json:"id"`
	} `json:"excludeCredentials"`
}

var b64 = base64.RawURLEncoding

// Register creates a credential for optionsJSON and returns its
// RegistrationResponseJSON, as PublicKeyCredential.toJSON() does.
func (a *Authenticator) Register(optionsJSON []byte, c Ceremony) ([]byte, error) {
	var opts options
	if err := json.Unmarshal(optionsJSON, &opts); err != nil {
		return nil, fmt.Errorf("webauthntest: options: %w", err)
	}
	if c.Origin == "" {
		return nil, errors.New("webauthntest: Ceremony.Origin is required")
	}
	a.mu.Lock()
	for _, ex := range opts.ExcludeCredentials {
		id, err := b64.DecodeString(ex.ID)
		if err == nil && slices.ContainsFunc(a.created, func(c []byte) bool { return string(c) == string(id) }) {
			a.mu.Unlock()
			return nil, ErrExcluded
		}
	}
	a.mu.Unlock()

	rpID := opts.RP.ID
	if c.RPID != "" {
		rpID = c.RPID
	}
	challenge := opts.Challenge
	if c.Challenge != "" {
		challenge = c.Challenge
	}
	typ := c.Type
	if typ == "" {
		typ = "webauthn.create"
	}
	credID := c.CredentialID
	if credID == nil {
		credID = make([]byte, 16)
		rand.Read(credID)
	}
	clientData, err := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": c.Origin, "crossOrigin": false})
	if err != nil {
		return nil, err
	}

	k, err := newKey(c.Algorithm)
	if err != nil {
		return nil, err
	}
	authData := a.authData(rpID, credID, k.cose)
	attStmt := map[string]any{}
	format := a.Format
	if format == "" {
		format = FormatNone
	}
	if format == FormatPacked {
		hash := sha256.Sum256(clientData)
		signed := append(slices.Clone(authData), hash[:]...)
		if c.BadSignature {
			signed[0] ^= 0xff
		}
		sig, err := k.sign(signed)
		if err != nil {
			return nil, err
		}
		attStmt = map[string]any{"alg": k.alg, "sig": sig}
	}
	enc, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		return nil, err
	}
	attObj, err := enc.Marshal(map[string]any{"fmt": format, "attStmt": attStmt, "authData": authData})
	if err != nil {
		return nil, err
	}

	attachment := a.Attachment
	if attachment == "" {
		attachment = "platform"
	}
	transports := a.Transports
	if transports == nil {
		transports = []string{"internal"}
	}
	out, err := json.Marshal(map[string]any{
		"id":                      b64.EncodeToString(credID),
		"rawId":                   b64.EncodeToString(credID),
		"type":                    "public-key",
		"authenticatorAttachment": attachment,
		"clientExtensionResults":  map[string]any{"credProps": map[string]any{"rk": true}},
		"response": map[string]any{
			"clientDataJSON":     b64.EncodeToString(clientData),
			"attestationObject":  b64.EncodeToString(attObj),
			"authenticatorData":  b64.EncodeToString(authData),
			"transports":         transports,
			"publicKeyAlgorithm": k.alg,
			"publicKey":          b64.EncodeToString(k.spki),
		},
	})
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.created = append(a.created, credID)
	a.mu.Unlock()
	return out, nil
}

// authData is rpIdHash | flags | signCount | AAGUID | idLength | id | COSE key.
func (a *Authenticator) authData(rpID string, credID, coseKey []byte) []byte {
	const up, uv, be, bs, at = 0x01, 0x04, 0x08, 0x10, 0x40
	flags := byte(up | at)
	if !a.NoUserVerification {
		flags |= uv
	}
	if a.Attachment != "cross-platform" {
		flags |= be | bs // a synced passkey
	}
	rpHash := sha256.Sum256([]byte(rpID))
	b := append([]byte{}, rpHash[:]...)
	b = append(b, flags, 0, 0, 0, 0)
	b = append(b, a.AAGUID[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(credID)))
	b = append(b, credID...)
	return append(b, coseKey...)
}

// key is a credential key pair in the forms the response needs.
type key struct {
	alg  int
	cose []byte // COSE_Key
	spki []byte // SubjectPublicKeyInfo DER, for response.publicKey
	sign func(msg []byte) ([]byte, error)
}

func newKey(alg int) (*key, error) {
	enc, err := cbor.CTAP2EncOptions().EncMode()
	if err != nil {
		return nil, err
	}
	switch alg {
	case 0, AlgES256:
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		ecdh, err := priv.PublicKey.ECDH()
		if err != nil {
			return nil, err
		}
		point := ecdh.Bytes() // 0x04 | X | Y
		cose, err := enc.Marshal(map[int]any{1: 2, 3: AlgES256, -1: 1, -2: point[1:33], -3: point[33:]})
		if err != nil {
			return nil, err
		}
		spki, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
		if err != nil {
			return nil, err
		}
		return &key{alg: AlgES256, cose: cose, spki: spki, sign: func(msg []byte) ([]byte, error) {
			h := sha256.Sum256(msg)
			return ecdsa.SignASN1(rand.Reader, priv, h[:])
		}}, nil
	case AlgEdDSA:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		cose, err := enc.Marshal(map[int]any{1: 1, 3: AlgEdDSA, -1: 6, -2: []byte(pub)})
		if err != nil {
			return nil, err
		}
		spki, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return nil, err
		}
		return &key{alg: AlgEdDSA, cose: cose, spki: spki, sign: func(msg []byte) ([]byte, error) {
			return ed25519.Sign(priv, msg), nil
		}}, nil
	}
	return nil, fmt.Errorf("webauthntest: algorithm %d not implemented", alg)
}
