package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func goroot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

func stdSource(t *testing.T, path string) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(goroot(t), "src", filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// writeOverlay writes the patched files and the overlay under dir, as the
// build does, and returns the overlay's path.
func writeOverlay(t *testing.T, dir string) string {
	t.Helper()
	overlay, err := overlayFrom(goroot(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	return overlay
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
	fakeRoot := t.TempDir()
	for _, sf := range stdFiles {
		b := stdSource(t, sf.path)
		if sf.path == "crypto/hpke/pq.go" {
			b = append(b, "\n// a new release\n"...)
		}
		p := filepath.Join(fakeRoot, "src", filepath.FromSlash(sf.path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := overlayFrom(fakeRoot, t.TempDir()); err == nil || !strings.Contains(err.Error(), "pq.go is not the file") {
		t.Fatalf("err = %v, want a refusal naming pq.go", err)
	}
}

// TestPatchedPackagesPassTheirOwnTests runs the standard library's tests of
// the patched packages (crypto/hpke's test vectors included) against the
// patched copies. crypto/hpke's internal test file names the variables too,
// so the test rewrites those uses into calls as well.
func TestPatchedPackagesPassTheirOwnTests(t *testing.T) {
	dir := t.TempDir()
	overlay := writeOverlay(t, dir)
	var o struct{ Replace map[string]string }
	b, err := os.ReadFile(overlay)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	const testFile = "crypto/hpke/hpke_test.go"
	orig := filepath.Join(goroot(t), "src", filepath.FromSlash(testFile))
	patched := callVars(t, stdSource(t, testFile), "dhKEMP256", "dhKEMP384", "dhKEMP521", "dhKEMX25519", "mlkem768X25519", "mlkem768P256", "mlkem1024P384")
	o.Replace[orig] = filepath.Join(dir, "hpke_test.go")
	if err := os.WriteFile(o.Replace[orig], patched, 0o644); err != nil {
		t.Fatal(err)
	}
	b, err = json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	testOverlay := filepath.Join(dir, "test-overlay.json")
	if err := os.WriteFile(testOverlay, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "test", "-count=1", "-short", "-overlay", testOverlay, "crypto/hpke", "crypto/internal/fips140/ecdsa", "crypto/ecdsa").CombinedOutput()
	if err != nil {
		t.Fatalf("the standard library's tests fail on the patched packages: %v\n%s", err, out)
	}
}

// callVars rewrites the uses of package variables declared in another file
// (identifiers the file does not resolve) into calls.
func callVars(t *testing.T, src []byte, names ...string) []byte {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var at []int
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Obj == nil && slices.Contains(names, id.Name) {
			at = append(at, fset.Position(id.End()).Offset)
		}
		return true
	})
	if len(at) == 0 {
		t.Fatal("the test file no longer names the variables; drop callVars")
	}
	out := slices.Clone(src)
	for i := len(at) - 1; i >= 0; i-- {
		out = slices.Insert(out, at[i], []byte("()")...)
	}
	return out
}

// TestFIPSModeStopsClearly: with the self-tests left out, a program built
// with the overlay must refuse FIPS 140-3 mode rather than run in it
// untested, and run as before without it.
func TestFIPSModeStopsClearly(t *testing.T) {
	dir := t.TempDir()
	overlay := writeOverlay(t, dir)
	prog := "package main\n\nimport (\n\t\"crypto/sha256\"\n\t\"fmt\"\n)\n\nfunc main() { fmt.Printf(\"%x\", sha256.Sum256([]byte(\"x\"))) }\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog), 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "prog")
	build := exec.Command("go", "build", "-overlay", overlay, "-o", exe, "main.go")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(exe).Output()
	if err != nil || string(out) != "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881" {
		t.Fatalf("without FIPS mode: %q, %v", out, err)
	}
	fips := exec.Command(exe)
	fips.Env = append(os.Environ(), "GODEBUG=fips140=on")
	out, err = fips.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "FIPS 140-3 mode (GODEBUG=fips140) is not supported by this build") {
		t.Fatalf("with GODEBUG=fips140=on: err %v, output:\n%s", err, out)
	}
}
