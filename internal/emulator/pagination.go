package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
)

// Pagination tokens are opaque to clients: a cursor bound to the operation,
// pool and user, with an HMAC under a key only this emulator knows. A token
// that was tampered with, or that belongs to another user, pool or operation,
// is refused the way Cognito refuses a bad token.

type pageCursor struct {
	Op    string `json:"o"`
	Pool  string `json:"p"`
	Sub   string `json:"u"`
	After int64  `json:"a"` // seq of the last item returned
}

func (e *Emulator) pageToken(c pageCursor) string {
	payload, _ := json.Marshal(c)
	enc := base64.RawURLEncoding
	return enc.EncodeToString(payload) + "." + enc.EncodeToString(e.pageMAC(payload))
}

func (e *Emulator) pageMAC(payload []byte) []byte {
	m := hmac.New(sha256.New, e.pageKey)
	m.Write(payload)
	return m.Sum(nil)
}

// readPageToken returns the cursor position of tok, which must have been
// issued for the same operation, pool and user as want.
func (e *Emulator) readPageToken(tok string, want pageCursor) (int64, error) {
	bad := invalidParameter(MsgInvalidPaginationToken)
	p64, m64, ok := strings.Cut(tok, ".")
	if !ok {
		return 0, bad
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(p64)
	mac, err2 := enc.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, e.pageMAC(payload)) {
		return 0, bad
	}
	var c pageCursor
	if json.Unmarshal(payload, &c) != nil || c.Op != want.Op || c.Pool != want.Pool || c.Sub != want.Sub {
		return 0, bad
	}
	return c.After, nil
}

// paginate cuts one page out of items (in seq order). limit 0 or absent
// means the operation's maximum page size.
func paginate[T any](e *Emulator, items []T, seq func(T) int64, limit *int64, max int, token *string, bind pageCursor) ([]T, *string, error) {
	if token != nil {
		cursor, err := e.readPageToken(*token, bind)
		if err != nil {
			return nil, nil, err
		}
		items = after(items, seq, cursor)
	}
	n := max
	if limit != nil && *limit > 0 {
		n = int(*limit)
	}
	if len(items) <= n {
		return items, nil, nil
	}
	page := items[:n]
	bind.After = seq(page[n-1])
	next := e.pageToken(bind)
	return page, &next, nil
}
