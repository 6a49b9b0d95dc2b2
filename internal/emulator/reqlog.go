package emulator

import (
	"sync"
	"time"
)

// RequestLogEntry is one Cognito request the emulator received. It holds
// no part of the request body, so no token ever reaches the log.
type RequestLogEntry struct {
	Target string `json:"target"`
	Status int    `json:"status"` // 0 while pending, or when no answer was sent
	Time   string `json:"time"`   // arrival, RFC 3339
}

// maxLogEntries bounds the log of a long-running demo server.
const maxLogEntries = 10000

type reqLog struct {
	mu      sync.Mutex
	entries []*RequestLogEntry
}

// arrive records a request as it arrives, so a request that hangs is visible.
func (l *reqLog) arrive(target string, at time.Time) *RequestLogEntry {
	e := &RequestLogEntry{Target: target, Time: at.UTC().Format(time.RFC3339Nano)}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.entries) >= maxLogEntries {
		l.entries = append(l.entries[:0], l.entries[1:]...)
	}
	l.entries = append(l.entries, e)
	return e
}

func (l *reqLog) done(e *RequestLogEntry, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Status = status
}

func (l *reqLog) list() []RequestLogEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]RequestLogEntry, len(l.entries))
	for i, e := range l.entries {
		out[i] = *e
	}
	return out
}

func (l *reqLog) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = nil
}
