package emulator

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault modes (POST /_emulator/faults).
const (
	FaultError     = "error"     // answer with status, errorType and message
	FaultMalformed = "malformed" // 200 with a truncated, invalid JSON body
	FaultReset     = "reset"     // drop the TCP connection without an answer
	FaultHang      = "hang"      // answer never; wait for the client or shutdown
	FaultTruncated = "truncated" // 200 whose body stops halfway: the connection is cut
)

// Fault makes the next Times matching Cognito requests fail. Target is an
// operation name ("ListDevices"); empty matches every operation.
type Fault struct {
	Target    string `json:"target,omitempty"`
	Mode      string `json:"mode,omitempty"` // default "error"
	Status    int    `json:"status,omitempty"`
	ErrorType string `json:"errorType,omitempty"`
	Message   string `json:"message,omitempty"`
	DelayMs   int    `json:"delayMs,omitempty"` // wait this long first, in every mode
	Times     int    `json:"times,omitempty"`   // default 1
}

// normalize fills defaults and checks the fields; it returns the fault as
// it will be applied.
func (f Fault) normalize() (Fault, error) {
	f.Target = strings.TrimPrefix(f.Target, TargetPrefix)
	if f.Target != "" && operations[f.Target] == nil {
		return f, fmt.Errorf("target %q is not an operation the emulator serves", f.Target)
	}
	if f.Mode == "" {
		f.Mode = FaultError
	}
	switch f.Mode {
	case FaultError:
		if f.ErrorType == "" {
			f.ErrorType = ErrInternal
		}
		if f.Status == 0 {
			f.Status = StatusFor(f.ErrorType)
		}
		if f.Message == "" && f.ErrorType == ErrInternal {
			f.Message = MsgInternal
		}
	case FaultMalformed, FaultTruncated:
		if f.Status == 0 {
			f.Status = http.StatusOK
		}
	case FaultReset, FaultHang:
	default:
		return f, fmt.Errorf("mode %q: want error, malformed, truncated, reset or hang", f.Mode)
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		return f, fmt.Errorf("status %d: want 200..599", f.Status)
	}
	if f.DelayMs < 0 || f.Times < 0 {
		return f, fmt.Errorf("delayMs and times must not be negative")
	}
	if f.Times == 0 {
		f.Times = 1
	}
	return f, nil
}

type faultList struct {
	mu     sync.Mutex
	faults []Fault // Times counts down; first match wins
}

func (l *faultList) add(f Fault) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.faults = append(l.faults, f)
}

func (l *faultList) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.faults = nil
}

// take consumes one use of the first fault matching target.
func (l *faultList) take(target string) (Fault, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.faults {
		f := &l.faults[i]
		if f.Target != "" && f.Target != target {
			continue
		}
		out := *f
		if f.Times--; f.Times == 0 {
			l.faults = append(l.faults[:i], l.faults[i+1:]...)
		}
		return out, true
	}
	return Fault{}, false
}

// malformedBody is cut off in the middle of a value, as a dropped
// connection or a broken proxy would leave it.
const malformedBody = `{"Devices":[{"DeviceKey":"us-east-1_0b1c2d3e","DeviceAttributes":[{"Na`

// truncatedBody is a whole answer of which "truncated" sends only the first
// half, after promising all of it in Content-Length.
const truncatedBody = `{"Credentials":[],"Devices":[],"NextToken":"cut-off-here"}`

// serveFault answers r as the fault says.
func (e *Emulator) serveFault(w http.ResponseWriter, r *http.Request, f Fault) {
	// Read the request first, as a real server does before it stalls or
	// answers. It matters for "hang" and delays: net/http watches the
	// connection for a client that went away (and cancels r.Context()) only
	// once the body has been read, so without this an aborted request would
	// hold its handler until shutdown.
	if _, err := io.Copy(io.Discard, io.LimitReader(r.Body, maxBodyBytes)); err != nil {
		panic(http.ErrAbortHandler) // the client is gone already
	}
	if f.DelayMs > 0 {
		t := time.NewTimer(time.Duration(f.DelayMs) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-e.closed:
			panic(http.ErrAbortHandler)
		}
	}
	switch f.Mode {
	case FaultError:
		writeError(w, &Error{Status: f.Status, Type: f.ErrorType, Message: f.Message})
	case FaultMalformed:
		h := w.Header()
		h.Set("Content-Type", ContentType)
		w.WriteHeader(f.Status)
		w.Write([]byte(malformedBody))
	case FaultTruncated:
		h := w.Header()
		h.Set("Content-Type", ContentType)
		h.Set("Content-Length", strconv.Itoa(len(truncatedBody)))
		w.WriteHeader(f.Status)
		w.Write([]byte(truncatedBody[:len(truncatedBody)/2]))
		http.NewResponseController(w).Flush()
		// Ending the handler this way closes the connection short of the
		// promised length, so the client's body read fails.
		panic(http.ErrAbortHandler)
	case FaultReset:
		resetConnection(w)
	case FaultHang:
		if e.hangHook != nil {
			e.hangHook()
		}
		select {
		case <-r.Context().Done():
		case <-e.closed:
		}
		// Drop the connection rather than answer: a hung server sends nothing.
		panic(http.ErrAbortHandler)
	}
}

// resetConnection closes the client's TCP connection with RST instead of FIN,
// so the client sees "connection reset by peer".
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // not hijackable (HTTP/2, recorder): abort instead
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}
