package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// setHeader stores a header under the exact name given. Header.Set would
// canonicalise "x-amzn-RequestId" to "X-Amzn-Requestid"; the real service
// sends the former, and clients compare names case-insensitively anyway.
func setHeader(h http.Header, name, value string) { h[name] = []string{value} }

// writeJSON answers with an awsJson1_1 body; a nil value is the empty
// structure "{}".
func writeJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, status, ContentType, v)
}

func writeBody(w http.ResponseWriter, status int, contentType string, v any) {
	b := []byte("{}")
	if v != nil {
		var err error
		if b, err = json.Marshal(v); err != nil {
			writeError(w, internalError())
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// errorBody is the JSON of every error answer.
type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, e *Error) {
	setHeader(w.Header(), HeaderErrorType, ErrorTypeHeader(e.Type))
	writeJSON(w, e.Status, errorBody{Type: e.Type, Message: e.Message})
}

// asError turns any error from an operation into the answer to send:
// Cognito errors as they are, everything else as an internal error.
func asError(err error) *Error {
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	return internalError()
}

// maxBodyBytes bounds a request body; the largest legal one (a 128 KiB
// NextToken or CredentialId plus a token) is far below it.
const maxBodyBytes = 4 << 20

// decodeInput decodes a request body and checks it against the operation's
// input shape: wrong JSON types are SerializationException, constraint
// violations InvalidParameterException with Cognito's message.
func decodeInput(op *model.Operation, body []byte) (params, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}") // the SDKs always send a body; treat none as no members
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, NewError(ErrSerialization, MsgBodyNotJSON)
	}
	if _, err := d.Token(); err == nil {
		return nil, NewError(ErrSerialization, MsgBodyTrailingData)
	}
	vs, err := model.Validate(op.Input, v)
	var serr *model.SerializationError
	switch {
	case errors.As(err, &serr):
		return nil, NewError(ErrSerialization, serr.Msg)
	case err != nil:
		return nil, err
	case len(vs) > 0:
		return nil, invalidParameter(model.Message(vs))
	}
	return params(v.(map[string]any)), nil
}

// params reads members of a validated input; the model has already
// checked their types.
type params map[string]any

func (p params) str(name string) string {
	s, _ := p[name].(string)
	return s
}

func (p params) strp(name string) *string {
	if s, ok := p[name].(string); ok {
		return &s
	}
	return nil
}

func (p params) intp(name string) *int64 {
	n, ok := p[name].(json.Number)
	if !ok {
		return nil
	}
	i, err := n.Int64()
	if err != nil {
		return nil
	}
	return &i
}

func (p params) strMap(name string) map[string]string {
	m, _ := p[name].(map[string]any)
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}
