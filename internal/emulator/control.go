package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
)

// Control endpoints, for tests (see the contract):
//
//	GET    /_emulator/requests  the request log, oldest first
//	DELETE /_emulator/requests  clear it
//	POST   /_emulator/faults    queue a fault (Fault as JSON)
//	DELETE /_emulator/faults    clear faults
//	POST   /_emulator/reset     reload the seed; drop faults, log, sessions, clock offset
//	POST   /_emulator/clock     {"advanceSeconds": N}: move the clock forward
//	GET    /_emulator/clock     the emulator's time
//
// They are for local tools, not for web pages of other origins: their
// answers carry no CORS headers, and a request from a browser page of another
// origin (an Origin header that is not the emulator's own, or Sec-Fetch-Site
// other than same-origin or none) is refused with 403, preflights included.
// Go, Node and curl send neither header.
//
// Errors are {"message": "..."} with status 400, 403, 404 or 405.

const controlPrefix = "/_emulator/"

func (e *Emulator) serveControl(w http.ResponseWriter, r *http.Request) {
	if msg := foreignCaller(r); msg != "" {
		controlError(w, http.StatusForbidden, msg)
		return
	}
	route := strings.TrimPrefix(r.URL.Path, controlPrefix)
	allow := map[string]string{"requests": "GET, DELETE", "faults": "POST, DELETE", "reset": "POST", "clock": "GET, POST"}[route]
	if allow == "" {
		controlError(w, http.StatusNotFound, "no control endpoint "+r.URL.Path)
		return
	}
	if r.Method == http.MethodOptions {
		w.Header().Set("Allow", allow+", OPTIONS")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	switch route + " " + r.Method {
	case "requests GET":
		controlJSON(w, http.StatusOK, e.Requests())
	case "requests DELETE":
		e.log.clear()
		w.WriteHeader(http.StatusNoContent)
	case "faults POST":
		var f Fault
		if err := decodeControl(r, &f); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		if err := e.AddFault(f); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case "faults DELETE":
		e.faults.clear()
		w.WriteHeader(http.StatusNoContent)
	case "reset POST":
		e.Reset()
		w.WriteHeader(http.StatusNoContent)
	case "clock POST":
		var in struct {
			AdvanceSeconds *float64 `json:"advanceSeconds"`
		}
		if err := decodeControl(r, &in); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		if in.AdvanceSeconds == nil || *in.AdvanceSeconds < 0 || math.IsInf(*in.AdvanceSeconds, 0) || *in.AdvanceSeconds > 1e9 {
			controlError(w, http.StatusBadRequest, "advanceSeconds: want a number from 0 to 1e9")
			return
		}
		e.AdvanceClock(time.Duration(*in.AdvanceSeconds * float64(time.Second)))
		e.serveClock(w)
	case "clock GET":
		e.serveClock(w)
	default:
		w.Header().Set("Allow", allow)
		controlError(w, http.StatusMethodNotAllowed, fmt.Sprintf("%s %s: allowed methods are %s", r.Method, r.URL.Path, allow))
	}
}

// foreignCaller says why r comes from a browser page of another origin, or
// returns "" for same-origin pages and non-browser callers.
func foreignCaller(r *http.Request) string {
	if origin := r.Header.Get("Origin"); origin != "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		if !strings.EqualFold(origin, scheme+"://"+r.Host) {
			return fmt.Sprintf("the control endpoints answer only local tools and pages of this origin, not %.100q", origin)
		}
	}
	switch site := r.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
		return ""
	default:
		return fmt.Sprintf("the control endpoints answer only local tools and pages of this origin, not a %.40q request", site)
	}
}

func (e *Emulator) serveClock(w http.ResponseWriter) {
	e.clockMu.Lock()
	off := e.offset
	e.clockMu.Unlock()
	controlJSON(w, http.StatusOK, map[string]any{
		"now":           e.Now().UTC().Format(time.RFC3339Nano),
		"offsetSeconds": off.Seconds(),
	})
}

// decodeControl reads a control request body strictly: a misspelt field is
// an error, not a fault that silently never fires.
func decodeControl(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	return nil
}

func controlJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, status, "application/json", v)
}

func controlError(w http.ResponseWriter, status int, msg string) {
	controlJSON(w, status, map[string]string{"message": msg})
}
