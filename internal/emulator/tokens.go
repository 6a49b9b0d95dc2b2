package emulator

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// Pool signing keys. A 2048-bit RSA key takes a noticeable fraction of a
// second to make, so each pool's key is made once per process, on first use,
// and shared by every emulator in the process (tests start many).
type poolKey struct {
	once sync.Once
	priv *rsa.PrivateKey
	kid  string
	err  error
}

var (
	poolKeys  sync.Map // pool id → *poolKey
	kidToPool sync.Map // kid → pool id
)

func keyFor(poolID string) (*poolKey, error) {
	v, _ := poolKeys.LoadOrStore(poolID, &poolKey{})
	k := v.(*poolKey)
	k.once.Do(func() {
		k.priv, k.err = rsa.GenerateKey(rand.Reader, 2048)
		if k.err != nil {
			k.err = fmt.Errorf("generate key for %s: %w", poolID, k.err)
			return
		}
		der, err := x509.MarshalPKIXPublicKey(&k.priv.PublicKey)
		if err != nil {
			k.err = fmt.Errorf("encode key for %s: %w", poolID, err)
			return
		}
		// Cognito's kids are base64 strings of this shape.
		sum := sha256.Sum256(der)
		k.kid = base64.StdEncoding.EncodeToString(sum[:])
		kidToPool.Store(k.kid, poolID)
	})
	return k, k.err
}

// jwks is the pool's JSON Web Key Set.
func jwks(poolID string) (map[string]any, error) {
	k, err := keyFor(poolID)
	if err != nil {
		return nil, err
	}
	pub := k.priv.PublicKey
	b64 := base64.RawURLEncoding
	return map[string]any{"keys": []map[string]string{{
		"alg": "RS256",
		"e":   b64.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"kid": k.kid,
		"kty": "RSA",
		"n":   b64.EncodeToString(pub.N.Bytes()),
		"use": "sig",
	}}}, nil
}

func issuer(p *pool) string {
	return fmt.Sprintf("https://cognito-idp.%s.amazonaws.com/%s", p.region, p.id)
}

// Tokens is what a sign-in returns.
type Tokens struct {
	AccessToken  string
	IDToken      string
	RefreshToken string // empty after REFRESH_TOKEN_AUTH, as in Cognito
}

// newSession records a sign-in. Call with st.mu held.
func (st *store) newSession(p *pool, c *client, u *user, now time.Time) *session {
	s := &session{
		originJTI:    newUUID(),
		refreshToken: newRefreshToken(),
		poolID:       p.id,
		clientID:     c.id,
		username:     u.username,
		authTime:     now,
		expires:      now.Add(RefreshTokenTTL * time.Second),
	}
	st.sessions[s.originJTI] = s
	st.refresh[s.refreshToken] = s
	return s
}

// mint signs an access and an ID token for a session. edit, when set, may
// change the access token's claims (tests use it to forge bad tokens).
func mint(p *pool, u *user, s *session, now time.Time, edit func(map[string]any)) (access, id string, err error) {
	k, err := keyFor(p.id)
	if err != nil {
		return "", "", err
	}
	iat := now.Unix()
	exp := iat + AccessTokenTTL
	eventID := newUUID()
	common := func(use string) jwt.MapClaims {
		return jwt.MapClaims{
			"sub":        u.sub,
			"iss":        issuer(p),
			"origin_jti": s.originJTI,
			"event_id":   eventID,
			"token_use":  use,
			"auth_time":  s.authTime.Unix(),
			"iat":        iat,
			"exp":        exp,
			"jti":        newUUID(),
		}
	}
	ac := common("access")
	ac["client_id"] = s.clientID
	ac["scope"] = ScopeUserAdmin
	ac["username"] = u.username
	if edit != nil {
		edit(ac)
	}
	ic := common("id")
	ic["aud"] = s.clientID
	ic["cognito:username"] = u.username
	for name, v := range u.attributes {
		switch {
		case strings.HasSuffix(name, "_verified") && (v == "true" || v == "false"):
			ic[name] = v == "true" // Cognito sends these as JSON booleans
		default:
			ic[name] = v
		}
	}
	sign := func(c jwt.MapClaims) (string, error) {
		t := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
		t.Header["kid"] = k.kid
		return t.SignedString(k.priv)
	}
	if access, err = sign(ac); err != nil {
		return "", "", fmt.Errorf("sign access token: %w", err)
	}
	if id, err = sign(ic); err != nil {
		return "", "", fmt.Errorf("sign id token: %w", err)
	}
	return access, id, nil
}

var tokenParser = jwt.NewParser(
	jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
	jwt.WithoutClaimsValidation(), // expiry is checked against the emulator's clock below
)

// errNoKey is the keyfunc's answer to a kid no pool owns.
var errNoKey = errors.New("unknown key id")

// principal is the user an access token speaks for.
type principal struct {
	pool     *pool
	user     *user
	session  *session // nil for a token whose sign-in predates a reset
	clientID string   // the token's app client
}

// authenticate checks an access token as Cognito does on every call:
// signature, token_use, pool and client, expiry, revocation, scope.
// op names the operation, for the choice of user-not-found error.
// Call with st.mu held.
func (st *store) authenticate(op, token string, now time.Time) (*principal, error) {
	invalid := notAuthorized(MsgInvalidAccessToken)
	var keyPool string
	t, err := tokenParser.Parse(token, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		v, ok := kidToPool.Load(kid)
		if !ok {
			return nil, errNoKey
		}
		keyPool = v.(string)
		k, err := keyFor(keyPool)
		if err != nil {
			return nil, err
		}
		return &k.priv.PublicKey, nil
	})
	if err != nil {
		return nil, invalid
	}
	claims, _ := t.Claims.(jwt.MapClaims)
	str := func(name string) string { s, _ := claims[name].(string); return s }
	p := st.pools[keyPool]
	if p == nil || str("token_use") != "access" || str("iss") != issuer(p) || p.clients[str("client_id")] == nil {
		return nil, invalid
	}
	exp, err := claims.GetExpirationTime()
	if err != nil || exp == nil {
		return nil, invalid
	}
	if !now.Before(exp.Time) {
		return nil, notAuthorized(MsgAccessTokenExpired)
	}
	s := st.sessions[str("origin_jti")]
	if s != nil && s.revoked {
		return nil, notAuthorized(MsgAccessTokenRevoked)
	}
	if !slices.Contains(strings.Fields(str("scope")), ScopeUserAdmin) {
		return nil, notAuthorized(MsgMissingScope)
	}
	u := p.user(str("username"))
	if u == nil || u.sub != str("sub") {
		if o := model.LookupOperation(op); o != nil && o.HasError(ErrUserNotFound) {
			return nil, NewError(ErrUserNotFound, MsgUserNotFound)
		}
		return nil, notAuthorized(MsgUserNotFound)
	}
	return &principal{pool: p, user: u, session: s, clientID: str("client_id")}, nil
}

// newUUID returns a random version-4 UUID string.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newRefreshToken returns an opaque token shaped like Cognito's (a JWE with
// five base64url parts); only this emulator can redeem it.
func newRefreshToken() string {
	part := func(n int) string {
		b := make([]byte, n)
		rand.Read(b)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	const header = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ" // {"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}
	return strings.Join([]string{header, part(256), part(12), part(384), part(16)}, ".")
}

// SignIn starts a session for a user without a password, as a successful
// USER_PASSWORD_AUTH would, for tests that need tokens without a request.
func (e *Emulator) SignIn(poolID, clientID, username string) (Tokens, error) {
	return e.signIn(poolID, clientID, username, nil)
}

// MintAccessToken signs in like SignIn and returns an access token whose
// claims edit may change before signing, for tests that need a token the
// service must refuse (no scope, another client, expired, ...).
func (e *Emulator) MintAccessToken(poolID, clientID, username string, edit func(claims map[string]any)) (string, error) {
	t, err := e.signIn(poolID, clientID, username, edit)
	return t.AccessToken, err
}

func (e *Emulator) signIn(poolID, clientID, username string, edit func(map[string]any)) (Tokens, error) {
	now := e.Now()
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	p := e.st.pools[poolID]
	if p == nil {
		return Tokens{}, fmt.Errorf("emulator: no user pool %q", poolID)
	}
	c, u := p.clients[clientID], p.user(username)
	if c == nil || u == nil {
		return Tokens{}, fmt.Errorf("emulator: pool %s has no client %q or no user %q", poolID, clientID, username)
	}
	s := e.st.newSession(p, c, u, now)
	access, id, err := mint(p, u, s, now, edit)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{AccessToken: access, IDToken: id, RefreshToken: s.refreshToken}, nil
}
