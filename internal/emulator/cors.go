package emulator

import "net/http"

// The real endpoint is called from any origin by browsers (Amplify), so it
// allows all origins and exposes the headers an SDK reads.

// setCORS adds the headers every answer carries.
func setCORS(h http.Header) {
	h.Set("Access-Control-Allow-Origin", CORSAllowOrigin)
	h.Set("Access-Control-Expose-Headers", CORSExposeHeaders)
}

// preflight answers an OPTIONS request; the allowed headers echo the ones
// the browser asks for.
func preflight(w http.ResponseWriter, r *http.Request, methods string) {
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", methods)
	if req := r.Header.Values("Access-Control-Request-Headers"); len(req) > 0 {
		h["Access-Control-Allow-Headers"] = req
	}
	h.Set("Access-Control-Max-Age", CORSMaxAge)
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
}
