package emulator

import "slices"

// Passkeys: ListWebAuthnCredentials, DeleteWebAuthnCredential.

// maxCredentialsPage is the range maximum of MaxResults.
const maxCredentialsPage = 20

type credentialOut struct {
	CredentialId            string   `json:"CredentialId"`
	FriendlyCredentialName  string   `json:"FriendlyCredentialName"`
	RelyingPartyId          string   `json:"RelyingPartyId"`
	AuthenticatorAttachment string   `json:"AuthenticatorAttachment,omitempty"`
	AuthenticatorTransports []string `json:"AuthenticatorTransports"`
	CreatedAt               float64  `json:"CreatedAt"`
}

func (e *Emulator) listWebAuthnCredentials(r *request) (any, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	pr, err := e.signedIn(r)
	if err != nil {
		return nil, err
	}
	page, next, err := paginate(e, pr.user.credentials, func(c *credential) int64 { return c.seq },
		r.in.intp("MaxResults"), maxCredentialsPage, r.in.strp("NextToken"),
		pageCursor{Op: r.op, Pool: pr.pool.id, Sub: pr.user.sub})
	if err != nil {
		return nil, err
	}
	out := struct {
		Credentials []credentialOut `json:"Credentials"` // required: [] when empty
		NextToken   *string         `json:"NextToken,omitempty"`
	}{Credentials: []credentialOut{}, NextToken: next}
	for _, c := range page {
		transports := c.transports
		if transports == nil {
			transports = []string{}
		}
		out.Credentials = append(out.Credentials, credentialOut{
			CredentialId: c.id, FriendlyCredentialName: c.name, RelyingPartyId: c.rpID,
			AuthenticatorAttachment: c.attachment, AuthenticatorTransports: transports, CreatedAt: c.createdAt,
		})
	}
	return out, nil
}

func (e *Emulator) deleteWebAuthnCredential(r *request) (any, error) {
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	pr, err := e.signedIn(r)
	if err != nil {
		return nil, err
	}
	i := pr.user.credentialIndex(r.in.str("CredentialId"))
	if i < 0 {
		return nil, NewError(ErrResourceNotFound, MsgCredentialNotFound)
	}
	pr.user.credentials = slices.Delete(pr.user.credentials, i, i+1)
	return nil, nil
}
