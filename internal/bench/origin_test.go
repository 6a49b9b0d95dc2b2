package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestOrigin(t *testing.T) {
	raw := bytes.Repeat([]byte("export const x = 'cognito-wasm';\n"), 200)
	o := newOrigin(func(name string) ([]byte, bool) { return []byte("page " + name), name == "p.html" })
	a, err := newAsset("/dist/x.js", raw, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.add(a)
	pre, err := newAsset("/dist/m.wasm", []byte("\x00asm"), []byte("GZ"), []byte("BR"))
	if err != nil {
		t.Fatal(err)
	}
	o.add(pre)

	tests := []struct {
		name, path, acceptEncoding, ifNoneMatch string
		wantStatus                              int
		wantEncoding, wantType                  string
		wantBody                                []byte
	}{
		{"brotli preferred", "/dist/x.js", "gzip, deflate, br, zstd", "", 200, "br", "text/javascript; charset=utf-8", raw},
		{"gzip", "/dist/x.js", "gzip", "", 200, "gzip", "text/javascript; charset=utf-8", raw},
		{"br refused with q=0", "/dist/x.js", "br;q=0, gzip", "", 200, "gzip", "text/javascript; charset=utf-8", raw},
		{"identity", "/dist/x.js", "", "", 200, "", "text/javascript; charset=utf-8", raw},
		{"precompressed wasm as shipped", "/dist/m.wasm", "br", "", 200, "br", "application/wasm", []byte("BR")},
		{"revalidation", "/dist/x.js", "br", a.etag, 304, "", "text/javascript; charset=utf-8", nil},
		{"page", "/bench/p.html", "br", "", 200, "", "text/html; charset=utf-8", []byte("page p.html")},
		{"unknown", "/dist/nope.js", "br", "", 404, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.acceptEncoding != "" {
				req.Header.Set("Accept-Encoding", tt.acceptEncoding)
			}
			if tt.ifNoneMatch != "" {
				req.Header.Set("If-None-Match", tt.ifNoneMatch)
			}
			rec := httptest.NewRecorder()
			o.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if tt.wantStatus == 404 {
				return
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type %q, want %q", got, tt.wantType)
			}
			enc := rec.Header().Get("Content-Encoding")
			if enc != tt.wantEncoding {
				t.Fatalf("Content-Encoding %q, want %q", enc, tt.wantEncoding)
			}
			body := rec.Body.Bytes()
			if tt.path == "/dist/x.js" && tt.wantStatus == 200 {
				body = decode(t, enc, body)
			}
			if !bytes.Equal(body, tt.wantBody) {
				t.Errorf("body %q…, want %q…", shorten(string(body)), shorten(string(tt.wantBody)))
			}
		})
	}

	// The log says what went over the wire.
	log := o.takeLog()
	if len(log) != 8 || log[0].Encoding != "br" || log[0].Bytes != int64(len(a.br)) || log[5].Status != 304 {
		t.Errorf("log = %+v", log)
	}
	if len(o.takeLog()) != 0 {
		t.Error("takeLog did not clear the log")
	}
	if s := a.sizes(); s.Raw != int64(len(raw)) || s.Brotli >= s.Gzip || s.Gzip >= s.Raw {
		t.Errorf("sizes %+v: want brotli < gzip < raw for repetitive text", s)
	}
}

func decode(t *testing.T, enc string, b []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(b)
	switch enc {
	case "br":
		r = brotli.NewReader(r)
	case "gzip":
		gz, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
