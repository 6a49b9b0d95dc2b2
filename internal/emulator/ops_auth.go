package emulator

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// Sign-in, tokens and the user: InitiateAuth, GetUser, GlobalSignOut,
// RevokeToken.

type authenticationResult struct {
	AccessToken  string `json:"AccessToken"`
	ExpiresIn    int    `json:"ExpiresIn"`
	IdToken      string `json:"IdToken"`
	RefreshToken string `json:"RefreshToken,omitempty"`
	TokenType    string `json:"TokenType"`
}

type initiateAuthOutput struct {
	AuthenticationResult authenticationResult `json:"AuthenticationResult"`
	ChallengeParameters  map[string]string    `json:"ChallengeParameters"`
}

func (e *Emulator) initiateAuth(r *request) (any, error) {
	flow, clientID := r.in.str("AuthFlow"), r.in.str("ClientId")
	ap := r.in.strMap("AuthParameters")

	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	p, c := e.st.client(clientID)
	if c == nil {
		return nil, NewError(ErrResourceNotFound, MsgClientNotFound(clientID))
	}
	var (
		u *user
		s *session
	)
	switch flow {
	case "ADMIN_NO_SRP_AUTH", "ADMIN_USER_PASSWORD_AUTH":
		return nil, invalidParameter(MsgAdminFlowNotAllowed)
	case "USER_PASSWORD_AUTH":
		if !c.flows[flow] {
			return nil, invalidParameter(MsgFlowNotEnabled(flow))
		}
		for _, name := range []string{"USERNAME", "PASSWORD"} {
			if _, ok := ap[name]; !ok {
				return nil, invalidParameter(MsgMissingAuthParameter(name))
			}
		}
		// Unknown user and wrong password look the same, as with Cognito's
		// default PreventUserExistenceErrors setting.
		if u = p.user(ap["USERNAME"]); u == nil || u.password != ap["PASSWORD"] {
			return nil, notAuthorized(MsgIncorrectCredentials)
		}
		s = e.st.newSession(p, c, u, r.now)
	case "REFRESH_TOKEN_AUTH", "REFRESH_TOKEN":
		if !c.flows["REFRESH_TOKEN_AUTH"] {
			return nil, invalidParameter(MsgFlowNotEnabled(flow))
		}
		tok, ok := ap["REFRESH_TOKEN"]
		if !ok {
			return nil, invalidParameter(MsgMissingAuthParameter("REFRESH_TOKEN"))
		}
		var err error
		if s, u, err = e.st.refreshSession(p, c, tok, r.now); err != nil {
			return nil, err
		}
	default:
		return nil, invalidParameter(MsgFlowNotEnabled(flow))
	}
	access, id, err := mint(p, u, s, r.now, nil)
	if err != nil {
		return nil, err
	}
	res := authenticationResult{AccessToken: access, ExpiresIn: AccessTokenTTL, IdToken: id, TokenType: TokenTypeBearer}
	if flow == "USER_PASSWORD_AUTH" {
		res.RefreshToken = s.refreshToken // a refresh does not rotate it
	}
	return initiateAuthOutput{AuthenticationResult: res, ChallengeParameters: map[string]string{}}, nil
}

// refreshSession finds the live session a refresh token belongs to, with
// Cognito's answers for a token that is unknown, another client's, revoked
// or expired. Call with st.mu held.
func (st *store) refreshSession(p *pool, c *client, tok string, now time.Time) (*session, *user, error) {
	s := st.refresh[tok]
	switch {
	case s == nil && st.rotated[tok]:
		return nil, nil, NewError(ErrRefreshTokenReuse, MsgRefreshTokenReused)
	case s == nil || s.clientID != c.id:
		return nil, nil, notAuthorized(MsgInvalidRefreshToken)
	case s.revoked:
		return nil, nil, notAuthorized(MsgRefreshTokenRevoked)
	case !now.Before(s.expires):
		return nil, nil, notAuthorized(MsgRefreshTokenExpired)
	}
	u := p.user(s.username)
	if u == nil {
		return nil, nil, notAuthorized(MsgUserNotFound)
	}
	return s, u, nil
}

// client finds an app client in any pool. Call with st.mu held.
func (st *store) client(id string) (*pool, *client) {
	for _, p := range st.pools {
		if c := p.clients[id]; c != nil {
			return p, c
		}
	}
	return nil, nil
}

type attribute struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

// attributeList renders attributes sorted by name, as a stable order.
func attributeList(m map[string]string) []attribute {
	out := make([]attribute, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, attribute{Name: k, Value: m[k]})
	}
	return out
}

func (e *Emulator) getUser(r *request) (any, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	pr, err := e.signedIn(r)
	if err != nil {
		return nil, err
	}
	u := pr.user
	attrs := maps.Clone(u.attributes)
	if attrs == nil {
		attrs = map[string]string{}
	}
	delete(attrs, "sub")
	// Cognito lists sub first.
	list := append([]attribute{{Name: "sub", Value: u.sub}}, attributeList(attrs)...)
	return struct {
		Username       string      `json:"Username"`
		UserAttributes []attribute `json:"UserAttributes"`
	}{u.username, list}, nil
}

// globalSignOut revokes every session of the user: all refresh tokens and
// the access tokens minted from them.
func (e *Emulator) globalSignOut(r *request) (any, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	pr, err := e.signedIn(r)
	if err != nil {
		return nil, err
	}
	for _, s := range e.st.sessions {
		if s.poolID == pr.pool.id && strings.EqualFold(s.username, pr.user.username) {
			s.revoked = true
		}
	}
	return nil, nil
}

// revokeToken revokes one refresh token and the access tokens minted from it.
func (e *Emulator) revokeToken(r *request) (any, error) {
	tok, clientID := r.in.str("Token"), r.in.str("ClientId")
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	s := e.st.refresh[tok]
	switch {
	case s == nil && strings.Count(tok, ".") == 2:
		return nil, NewError(ErrUnsupportedTokenType, MsgUnsupportedTokenType) // an access or ID token
	case s == nil || s.clientID != clientID:
		return nil, NewError(ErrUnauthorized, MsgInvalidToken)
	}
	s.revoked = true
	return nil, nil
}
