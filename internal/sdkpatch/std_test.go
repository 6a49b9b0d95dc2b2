package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func stdSource(t *testing.T, path string) []byte {
	t.Helper()
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "src", filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestPatchTheStandardLibrary(t *testing.T) {
	for _, sf := range stdFiles {
		t.Run(sf.path, func(t *testing.T) {
			src := stdSource(t, sf.path)
			if sum := sha256.Sum256(src); hex.EncodeToString(sum[:]) != sf.sha256 {
				t.Fatalf("this Go's %s is not the pinned one: re-check std.go", sf.path)
			}
			out, err := sf.patch(src)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := parser.ParseFile(token.NewFileSet(), sf.path, out, 0); err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(out, src) {
				t.Fatal("patch changed nothing")
			}
		})
	}
}

func TestCastRunsNoSelfTest(t *testing.T) {
	out, err := patchCast(stdSource(t, "crypto/internal/fips140/cast.go"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(out, []byte("f()")) {
		t.Error("patched cast.go still calls a self-test")
	}
	if n := bytes.Count(out, []byte("if Enabled {\n\t\tfatal(")); n != 2 {
		t.Errorf("patched cast.go stops FIPS mode in %d functions, want CAST and PCT", n)
	}
}

func TestLazyVarsKeepsEveryUse(t *testing.T) {
	src := stdSource(t, "crypto/hpke/kem.go")
	out, err := stdFiles[1].patch(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dhKEMP256", "dhKEMP384", "dhKEMP521", "dhKEMX25519"} {
		uses := bytes.Count(src, []byte(name))
		if got := bytes.Count(out, []byte(name+"()")); got != uses {
			t.Errorf("%s: %d uses in the original (declaration included), %d calls in the patch", name, uses, got)
		}
		if bytes.Contains(out, []byte("var "+name+" =")) {
			t.Errorf("%s is still a package variable", name)
		}
	}
	// The values are built from the same expressions.
	if !bytes.Contains(out, []byte("dhKEMP521Value = &dhKEM{HKDFSHA512(), 0x0012, ecdh.P521(), 64, 66, 133}")) {
		t.Error("dhKEMP521's value changed")
	}
}

func TestStdPatchRefusesAChangedFile(t *testing.T) {
	src := stdSource(t, "crypto/internal/fips140/cast.go")
	changed := bytes.Replace(src, []byte(`err = errors.New("simulated CAST failure")`), []byte(`err = nil`), 1)
	if bytes.Equal(changed, src) {
		t.Fatal("test edit did not apply")
	}
	if _, err := patchCast(changed); err == nil || !strings.Contains(err.Error(), "func CAST changed") {
		t.Fatalf("err = %v, want a refusal naming CAST", err)
	}
	kem := stdSource(t, "crypto/hpke/kem.go")
	renamed := bytes.Replace(kem, []byte("var dhKEMP384 ="), []byte("var dhKEMP384v2 ="), 1)
	if _, err := stdFiles[1].patch(renamed); err == nil || !strings.Contains(err.Error(), "no longer declares var dhKEMP384") {
		t.Fatalf("err = %v, want a refusal naming dhKEMP384", err)
	}
	// And the build step refuses any other change through the pinned hash.
	goroot := t.TempDir()
	for _, sf := range stdFiles {
		b := stdSource(t, sf.path)
		if sf.path == "crypto/hpke/pq.go" {
			b = append(b, "\n// a new release\n"...)
		}
		p := filepath.Join(goroot, "src", filepath.FromSlash(sf.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := overlayFrom(goroot, t.TempDir()); err == nil || !strings.Contains(err.Error(), "pq.go is not the file") {
		t.Fatalf("err = %v, want a refusal naming pq.go", err)
	}
}
