package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sdkSource(t *testing.T) []byte {
	t.Helper()
	dir, _, err := moduleDir(Module)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, File))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestPatchTheSDKInGoMod(t *testing.T) {
	src := sdkSource(t)
	out, err := Patch(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"awshttp.NewBuildableClient", "smithyhttp.RequestResponseLogger", "\"net\"\n", "WithTransportOptions"} {
		if !bytes.Contains(src, []byte(gone)) {
			t.Errorf("the SDK source lacks %q: the test no longer checks anything", gone)
		}
		if bytes.Contains(out, []byte(gone)) {
			t.Errorf("patched file still has %q", gone)
		}
	}
	// Everything else is left as it was: only the two bodies and the
	// imports they alone used differ.
	for _, kept := range []string{"func resolveHTTPClient(o *Options) {", "func addRequestResponseLogging(stack *middleware.Stack, o Options) error {",
		"func New(options Options, optFns ...func(*Options)) *Client {", "awshttp.ResponseErrorWrapper"} {
		if !bytes.Contains(out, []byte(kept)) {
			t.Errorf("patched file lost %q", kept)
		}
	}
	if d := len(src) - len(out); d < 500 || d > 2000 {
		t.Errorf("patch removed %d bytes; expected only the two bodies and a few imports", d)
	}
}

func TestPatchRefusesAChangedFunction(t *testing.T) {
	src := sdkSource(t)
	changed := bytes.Replace(src, []byte("dialer.Timeout = dialerTimeout"), []byte("dialer.Timeout = 2 * dialerTimeout"), 1)
	if bytes.Equal(changed, src) {
		t.Fatal("test edit did not apply")
	}
	_, err := Patch(changed)
	if err == nil || !strings.Contains(err.Error(), "resolveHTTPClient changed") {
		t.Fatalf("err = %v, want a refusal naming resolveHTTPClient", err)
	}
	missing := bytes.Replace(src, []byte("func addRequestResponseLogging("), []byte("func addRequestResponseLogging2("), 1)
	if _, err := Patch(missing); err == nil || !strings.Contains(err.Error(), "no longer has func addRequestResponseLogging") {
		t.Fatalf("err = %v, want a refusal naming addRequestResponseLogging", err)
	}
}

// TestShippedWasmLinksNoTransport guards the size win: the wasm that make
// build writes keeps its function names in the pclntab, so a linked
// net/http Transport or TLS handshake shows up as text.
func TestShippedWasmLinksNoTransport(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join("..", "..", "js", "dist", "cognito-wasm.wasm"))
	if err != nil {
		t.Fatalf("%v: run make build first (make test does)", err)
	}
	if !bytes.Contains(wasm, []byte("cognitoidentityprovider.(*Client).ListDevices")) {
		t.Fatal("the wasm has no function names to check")
	}
	for _, sym := range []string{"net/http.(*Transport).dialConn", "crypto/tls.(*Conn).clientHandshake", "net/http/httputil.DumpRequestOut"} {
		if bytes.Contains(wasm, []byte(sym)) {
			t.Errorf("the shipped wasm links %s: is the wasm built with the sdkpatch -modfile?", sym)
		}
	}
	// std.go's overlay: hpke's init, a FIPS self-test closure, the ECDSA
	// curves' precomputation.
	for _, sym := range []string{"crypto/hpke.init", "crypto/internal/fips140/sha256.init.0.func1", "crypto/internal/fips140/ecdsa.precomputeParams"} {
		if bytes.Contains(wasm, []byte(sym)) {
			t.Errorf("the shipped wasm links %s: is the wasm built with the sdkpatch -overlay?", sym)
		}
	}
}
