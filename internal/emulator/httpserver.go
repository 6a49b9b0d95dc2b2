package emulator

import (
	"net/http"
	"time"
)

// Limits of the servers that serve the emulator and the demo page to a
// network (demo, withemulator): a client that sends its request slowly, or
// never finishes it, is cut off instead of holding a connection and a
// goroutine for ever. Bodies are bounded separately (4 MiB, maxBodyBytes).
const (
	// ReadHeaderTimeout bounds the request line and headers (slowloris).
	ReadHeaderTimeout = 10 * time.Second
	// ReadTimeout bounds the whole request, body included. It also ends a
	// request held by a "hang" fault (net/http cancels the request once the
	// connection's read deadline passes), so it is well above cognito-wasm's
	// 30 s per-call timeout: a hang outlasts any client that uses it.
	ReadTimeout = 2 * time.Minute
	// IdleTimeout closes keep-alive connections nobody uses.
	IdleTimeout = 2 * time.Minute
	// MaxHeaderBytes bounds the request headers; real SDK requests send
	// about 1 KiB.
	MaxHeaderBytes = 64 << 10
)

// NewHTTPServer returns an http.Server for h with the limits above. It has
// no WriteTimeout: a "hang" fault must keep its answer back until the
// client gives up, and the demo page's largest file is the ~9 MB wasm.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
}
