package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/coder/websocket"
)

// bidi is a WebDriver BiDi session over one WebSocket: commands are matched
// to their replies by id, events go to onEvent (called from the read loop;
// it must not block).
type bidi struct {
	ws      *websocket.Conn
	onEvent func(method string, params json.RawMessage)

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan bidiMessage
	err     error // set once the connection is gone
}

type bidiMessage struct {
	Type    string          `json:"type"` // success, error, event
	ID      int64           `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

func dialBiDi(ctx context.Context, url string, onEvent func(string, json.RawMessage)) (*bidi, error) {
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(256 << 20) // script results can be large
	b := &bidi{ws: ws, onEvent: onEvent, pending: map[int64]chan bidiMessage{}}
	go b.read()
	return b, nil
}

func (b *bidi) read() {
	for {
		_, data, err := b.ws.Read(context.Background())
		if err != nil {
			b.mu.Lock()
			b.err = fmt.Errorf("webdriver bidi connection: %w", err)
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var m bidiMessage
		if err := json.Unmarshal(data, &m); err != nil {
			continue
		}
		if m.Type == "event" {
			b.onEvent(m.Method, m.Params)
			continue
		}
		b.mu.Lock()
		ch := b.pending[m.ID]
		delete(b.pending, m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

// call sends one command and decodes its result into out (nil: ignore it).
func (b *bidi) call(ctx context.Context, method string, params, out any) error {
	b.mu.Lock()
	if b.err != nil {
		b.mu.Unlock()
		return b.err
	}
	b.nextID++
	id := b.nextID
	ch := make(chan bidiMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	if params == nil {
		params = struct{}{}
	}
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := b.ws.Write(ctx, websocket.MessageText, msg); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			b.mu.Lock()
			defer b.mu.Unlock()
			return fmt.Errorf("%s: %w", method, b.err)
		}
		if m.Type == "error" {
			return fmt.Errorf("%s: %s: %s", method, m.Error, m.Message)
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(m.Result, out)
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (b *bidi) close() error {
	return b.ws.Close(websocket.StatusNormalClosure, "")
}

// bidiRemoteValue is the part of a BiDi RemoteValue the pages need: a
// string's value, or an error's description for exceptions.
type bidiRemoteValue struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

type bidiEvalResult struct {
	Type             string          `json:"type"` // success, exception
	Result           bidiRemoteValue `json:"result"`
	ExceptionDetails struct {
		Text string `json:"text"`
	} `json:"exceptionDetails"`
}

func (r bidiEvalResult) value() (string, error) {
	if r.Type == "exception" {
		return "", errors.New(r.ExceptionDetails.Text)
	}
	if r.Result.Type != "string" {
		return "", fmt.Errorf("the script returned a %s, want a string", r.Result.Type)
	}
	var s string
	err := json.Unmarshal(r.Result.Value, &s)
	return s, err
}
