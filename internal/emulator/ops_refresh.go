package emulator

// getTokensFromRefreshTokenOutput is GetTokensFromRefreshToken's answer.
type getTokensFromRefreshTokenOutput struct {
	AuthenticationResult authenticationResult `json:"AuthenticationResult"`
}

// getTokensFromRefreshToken is the refresh operation Amplify v6 (6.22 and
// later) uses instead of InitiateAuth REFRESH_TOKEN_AUTH: the same checks and
// the same new access and ID tokens. The refresh token is rotated only for an
// app client with refresh token rotation: the answer then carries a new one
// and the old one is refused from now on.
func (e *Emulator) getTokensFromRefreshToken(r *request) (any, error) {
	clientID := r.in.str("ClientId")

	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	p, c := e.st.client(clientID)
	if c == nil {
		return nil, NewError(ErrResourceNotFound, MsgClientNotFound(clientID))
	}
	if !c.flows["REFRESH_TOKEN_AUTH"] {
		return nil, invalidParameter(MsgFlowNotEnabled("REFRESH_TOKEN_AUTH"))
	}
	s, u, err := e.st.refreshSession(p, c, r.in.str("RefreshToken"), r.now)
	if err != nil {
		return nil, err
	}
	access, id, err := mint(p, u, s, r.now, nil)
	if err != nil {
		return nil, err
	}
	res := authenticationResult{AccessToken: access, ExpiresIn: AccessTokenTTL, IdToken: id, TokenType: TokenTypeBearer}
	if c.rotate {
		e.st.rotated[s.refreshToken] = true
		delete(e.st.refresh, s.refreshToken)
		s.refreshToken = newRefreshToken()
		e.st.refresh[s.refreshToken] = s
		res.RefreshToken = s.refreshToken
	}
	return getTokensFromRefreshTokenOutput{AuthenticationResult: res}, nil
}
