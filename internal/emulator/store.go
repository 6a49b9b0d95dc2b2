package emulator

import (
	"crypto/sha1"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// store is the emulator's state. One mutex guards all of it: every operation
// is a few map lookups, so finer locking would buy nothing but bugs.
type store struct {
	mu    sync.Mutex
	pools map[string]*pool
	seq   int64 // insertion order of credentials and devices, for paging

	sessions map[string]*session // by origin_jti
	refresh  map[string]*session // by refresh token
	rotated  map[string]bool     // refresh tokens replaced by rotation
}

type pool struct {
	id, region string
	clients    map[string]*client
	users      map[string]*user // by lower-cased username

	rpID             string // passkey relying party id
	userVerification string // "preferred" or "required"
	webAuthnEnabled  bool
}

type client struct {
	id     string
	flows  map[string]bool // "USER_PASSWORD_AUTH", ...
	rotate bool            // refresh token rotation (see SeedClient)
}

type user struct {
	username, password, sub string
	attributes              map[string]string
	credentials             []*credential // in seq order
	devices                 []*device     // in seq order

	// registrations are the passkey registrations started and not yet
	// completed, by challenge (see ops_webauthn_registration.go).
	registrations map[string]*registration
}

type credential struct {
	seq            int64
	id, name, rpID string
	attachment     string
	transports     []string
	createdAt      float64
}

type device struct {
	seq                                  int64
	key                                  string
	attributes                           map[string]string
	created, modified, lastAuthenticated float64
}

// session is one sign-in: the refresh token and every access token minted
// from it share its origin_jti, so revoking it revokes them all.
type session struct {
	originJTI    string
	refreshToken string
	poolID       string
	clientID     string
	username     string
	authTime     time.Time
	expires      time.Time // of the refresh token
	revoked      bool
}

// load replaces the state with the seed's. Call with s.mu held (or before
// the store is shared).
func (s *store) load(seed *Seed) {
	s.pools = map[string]*pool{}
	s.sessions = map[string]*session{}
	s.refresh = map[string]*session{}
	s.rotated = map[string]bool{}
	s.seq = 0
	for _, sp := range seed.UserPools {
		p := &pool{
			id: sp.ID, region: regionOf(sp.ID), clients: map[string]*client{}, users: map[string]*user{},
			rpID: sp.WebAuthnRelyingPartyID, userVerification: sp.WebAuthnUserVerification,
			webAuthnEnabled: sp.WebAuthnEnabled == nil || *sp.WebAuthnEnabled,
		}
		if p.rpID == "" {
			p.rpID = DefaultRelyingPartyID
		}
		if p.userVerification == "" {
			p.userVerification = DefaultUserVerification
		}
		for _, sc := range sp.Clients {
			c := &client{id: sc.ID, flows: map[string]bool{}, rotate: sc.RefreshTokenRotation}
			for _, f := range sc.ExplicitAuthFlows {
				c.flows[strings.TrimPrefix(f, "ALLOW_")] = true
			}
			p.clients[c.id] = c
		}
		for _, su := range sp.Users {
			u := &user{
				username:   su.Username,
				password:   su.Password,
				sub:        su.Sub,
				attributes: maps.Clone(su.Attributes),
			}
			if u.sub == "" {
				u.sub = derivedSub(sp.ID, su.Username)
			}
			for _, c := range su.WebAuthnCredentials {
				s.seq++
				u.credentials = append(u.credentials, &credential{
					seq: s.seq, id: c.CredentialID, name: c.FriendlyCredentialName, rpID: c.RelyingPartyID,
					attachment: c.AuthenticatorAttachment, transports: slices.Clone(c.AuthenticatorTransports),
					createdAt: c.CreatedAt,
				})
			}
			for _, d := range su.Devices {
				s.seq++
				u.devices = append(u.devices, &device{
					seq: s.seq, key: d.DeviceKey, attributes: maps.Clone(d.Attributes),
					created: d.CreateDate, modified: d.LastModifiedDate, lastAuthenticated: d.LastAuthenticatedDate,
				})
			}
			p.users[strings.ToLower(u.username)] = u
		}
		s.pools[p.id] = p
	}
}

// regionOf returns the region prefix of a pool id ("us-east-1_abc" → "us-east-1").
func regionOf(poolID string) string {
	region, _, _ := strings.Cut(poolID, "_")
	return region
}

// derivedSub gives a seed user without a sub a stable, UUID-shaped one, so
// resets and restarts keep the same sub claim.
func derivedSub(poolID, username string) string {
	h := sha1.Sum([]byte(poolID + "\x00" + username))
	h[6] = h[6]&0x0f | 0x50 // version 5
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// user returns the named user of a pool; usernames are case-insensitive
// as in pools created with Cognito's default settings. Call with s.mu held.
func (p *pool) user(name string) *user { return p.users[strings.ToLower(name)] }

func (u *user) credentialIndex(id string) int {
	return slices.IndexFunc(u.credentials, func(c *credential) bool { return c.id == id })
}

func (u *user) deviceIndex(key string) int {
	return slices.IndexFunc(u.devices, func(d *device) bool { return d.key == key })
}

// after returns the items whose seq is greater than cursor. Paging by
// insertion sequence keeps a page boundary stable when items are deleted.
func after[T any](items []T, seq func(T) int64, cursor int64) []T {
	i := slices.IndexFunc(items, func(it T) bool { return seq(it) > cursor })
	if i < 0 {
		return nil
	}
	return items[i:]
}
