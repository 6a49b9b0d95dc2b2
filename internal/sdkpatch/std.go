package main

// Besides the SDK copy, the wasm build replaces four files of the standard
// library through go build -overlay, for the same reason: package-level
// initialisation that links code cognito-wasm never runs. net/http imports
// crypto/tls even though the module sends every request through fetch, and
// so every package below is initialised in the wasm:
//
//  1. crypto/internal/fips140's CAST and PCT run a self-test closure only in
//     FIPS 140-3 mode (GODEBUG=fips140=on). Every FIPS package registers its
//     self-tests from init, so the closures, and through them ML-KEM, ML-DSA,
//     ECDSA, RSA, Ed25519, PBKDF2, TLS KDFs, are linked although they never
//     run. The patched bodies do what the originals do when FIPS mode is off
//     (return) and stop the program with a clear message when it is on,
//     which cognito-wasm never sets; once CAST is inlined into each init the
//     closures are dead and the linker drops them (−289 KB raw).
//  2. crypto/hpke's KEM package variables are built in init (they call
//     ecdh.P256() and friends), which links every KEM's methods and ML-KEM.
//     The patched files build each of them on first use instead (a function
//     with a sync.Once that returns the same pointer every time), which no
//     code path of the module reaches (−521 KB raw).
//  3. crypto/internal/fips140/ecdsa's curves are sync.OnceValue functions
//     made in init, which links each curve's precomputation (bigmod) though
//     the module signs nothing. The patched file makes each of them a
//     function that calls sync.OnceValue on first use: same type, same
//     uses, same results (−71 KB raw).
//
// The originals are pinned by their SHA-256: when a Go release changes any
// of these files the build stops and names it, so that a person checks the
// argument above again.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// stdFile is one file of the standard library the wasm build replaces.
type stdFile struct {
	path   string // under $GOROOT/src
	sha256 string // of the original the patch was written against (Go 1.26)
	patch  func(src []byte) ([]byte, error)
}

var stdFiles = []stdFile{
	{"crypto/internal/fips140/cast.go", "ed3b9fddc7581352d4fd67dae28569a33f965778330c9def418df7efc7f11e55", patchCast},
	{"crypto/hpke/kem.go", "1f1414cf5951926fd7bb410ac7d0df84b49b042ee838c5678e06e745c0ea0e3b", func(src []byte) ([]byte, error) {
		return lazyVars("crypto/hpke/kem.go", src, "dhKEMP256", "dhKEMP384", "dhKEMP521", "dhKEMX25519")
	}},
	{"crypto/hpke/pq.go", "e19b503aad3cf964bc57547705f2638fbee25704bfe318a726f584776a4a5906", func(src []byte) ([]byte, error) {
		return lazyVars("crypto/hpke/pq.go", src, "mlkem768X25519", "mlkem768P256", "mlkem1024P384")
	}},
	{"crypto/internal/fips140/ecdsa/ecdsa.go", "a8cada6e2681439e415b81b698f94aa499d1ba7157fc4fb9e34881ba9d082ec3", func(src []byte) ([]byte, error) {
		return lazyVars("crypto/internal/fips140/ecdsa/ecdsa.go", src, "_P224", "_P256", "_P384", "_P521")
	}},
}

// selfTest is the body both CAST and PCT get: the originals return at once
// when FIPS mode is off, after a check of the constant name passed by the
// standard library.
const selfTest = `{
	if Enabled {
		fatal("FIPS 140-3 mode (GODEBUG=fips140) is not supported by this build: its self-tests were left out by cognito-wasm's internal/sdkpatch")
	}
}`

var castReplacements = []replacement{
	{name: "CAST", original: selfTestOriginal("CAST", "CAST"), body: selfTest},
	{name: "PCT", original: selfTestOriginal("PCT", "PCT"), body: selfTest},
}

func selfTestOriginal(name, kind string) string {
	passed := "self-test"
	if kind == "PCT" {
		passed = "PCT"
	}
	return `func ` + name + `(name string, f func() error) {
	if strings.ContainsAny(name, ",#=:") {
		panic("fips: invalid self-test name: " + name)
	}
	if !Enabled {
		return
	}

	err := f()
	if name == failfipscast {
		err = errors.New("simulated ` + kind + ` failure")
	}
	if err != nil {
		fatal("FIPS 140-3 self-test failed: " + name + ": " + err.Error())
		panic("unreachable")
	}
	if debug {
		println("FIPS 140-3 ` + passed + ` passed:", name)
	}
}`
}

func patchCast(src []byte) ([]byte, error) {
	return patchFuncs("cast.go", src, castReplacements, map[string]string{"errors": "errors", "strings": "strings"})
}

// lazyVars turns each package variable in names, declared as
// `var x = &T{...}`, into a function x() that builds the same value once, on
// first use, and rewrites every use of x in the file into x().
func lazyVars(file string, src []byte, names ...string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("sdkpatch: parse %s: %w", file, err)
	}
	type edit struct {
		from, to int
		text     string
	}
	var edits []edit
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	specs := map[*ast.ValueSpec]bool{}    // uses become calls
	replaced := map[*ast.ValueSpec]bool{} // replaced as a whole
	for _, name := range names {
		var found bool
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR || gd.Lparen.IsValid() || len(gd.Specs) != 1 {
				continue
			}
			vs := gd.Specs[0].(*ast.ValueSpec)
			if len(vs.Names) != 1 || vs.Names[0].Name != name {
				continue
			}
			value := string(src[off(vs.Values[0].Pos()):off(vs.Values[0].End())])
			if typ := onceValueType(vs); typ != nil {
				// var x = sync.OnceValue(func() T {...}): x keeps its type,
				// func() T, and every use stays as it is; only the call to
				// sync.OnceValue moves out of init.
				edits = append(edits, edit{off(gd.Pos()), off(gd.End()), fmt.Sprintf(`var %[1]sOnce sync.Once
var %[1]sFunc func() %[2]s

// %[1]s calls sync.OnceValue on first use (cognito-wasm's
// internal/sdkpatch): called in init it linked code no caller needs.
func %[1]s() %[2]s {
	%[1]sOnce.Do(func() {
		%[1]sFunc = %[3]s
	})
	return %[1]sFunc()
}`, name, src[off(typ.Pos()):off(typ.End())], value)})
				replaced[vs] = true
				found = true
				continue
			}
			u, ok := vs.Values[0].(*ast.UnaryExpr)
			var lit *ast.CompositeLit
			if ok && u.Op == token.AND && vs.Type == nil {
				lit, _ = u.X.(*ast.CompositeLit)
			}
			var typ ast.Expr
			if lit != nil {
				typ = lit.Type
			}
			id, ok := typ.(*ast.Ident)
			if !ok {
				return nil, fmt.Errorf("sdkpatch: %s's var %s is no longer &T{...} or sync.OnceValue(func() T {...}); re-check internal/sdkpatch", file, name)
			}
			edits = append(edits, edit{off(gd.Pos()), off(gd.End()), fmt.Sprintf(`var %[1]sOnce sync.Once
var %[1]sValue *%[2]s

// %[1]s is built on first use (cognito-wasm's internal/sdkpatch): as a
// package variable built in init it linked code no caller needs.
func %[1]s() *%[2]s {
	%[1]sOnce.Do(func() {
		%[1]sValue = %[3]s
	})
	return %[1]sValue
}`, name, id.Name, value)})
			specs[vs] = true
			replaced[vs] = true
			found = true
		}
		if !found {
			return nil, fmt.Errorf("sdkpatch: %s no longer declares var %s; re-check internal/sdkpatch", file, name)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok && replaced[vs] {
			return false // replaced as a whole above
		}
		id, ok := n.(*ast.Ident)
		if !ok || id.Obj == nil {
			return true
		}
		if vs, ok := id.Obj.Decl.(*ast.ValueSpec); ok && specs[vs] {
			edits = append(edits, edit{off(id.Pos()), off(id.End()), id.Name + "()"})
		}
		return true
	})
	if len(f.Imports) == 0 {
		return nil, fmt.Errorf("sdkpatch: %s has no imports; re-check internal/sdkpatch", file)
	}
	if !slices.ContainsFunc(f.Imports, func(s *ast.ImportSpec) bool { return s.Path.Value == `"sync"` }) {
		at := off(f.Imports[0].Pos())
		edits = append(edits, edit{at, at, "\"sync\"\n"})
	}
	slices.SortFunc(edits, func(a, b edit) int { return b.from - a.from })
	out := slices.Clone(src)
	for _, e := range edits {
		out = slices.Concat(out[:e.from], []byte(e.text), out[e.to:])
	}
	formatted, err := format.Source(out)
	if err != nil {
		return nil, fmt.Errorf("sdkpatch: patched %s does not parse: %w", file, err)
	}
	return formatted, nil
}

// onceValueType returns T if vs is `x = sync.OnceValue(func() T {...})`.
func onceValueType(vs *ast.ValueSpec) ast.Expr {
	call, ok := vs.Values[0].(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || vs.Type != nil {
		return nil
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "OnceValue" {
		return nil
	}
	if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "sync" {
		return nil
	}
	fn, ok := call.Args[0].(*ast.FuncLit)
	if !ok || fn.Type.Results == nil || len(fn.Type.Results.List) != 1 || len(fn.Type.Results.List[0].Names) != 0 {
		return nil
	}
	return fn.Type.Results.List[0].Type
}

// prepareOverlay writes the patched standard library files under dir and an
// overlay file for go build -overlay naming them; it returns that file's path.
func prepareOverlay(dir string) (string, error) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	return overlayFrom(strings.TrimSpace(string(goroot)), dir)
}

func overlayFrom(goroot, dir string) (string, error) {
	src := filepath.Join(goroot, "src")
	replace := map[string]string{}
	for _, sf := range stdFiles {
		orig := filepath.Join(src, filepath.FromSlash(sf.path))
		b, err := os.ReadFile(orig)
		if err != nil {
			return "", err
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != sf.sha256 {
			return "", fmt.Errorf("sdkpatch: %s is not the file internal/sdkpatch was written against (a different Go release?); re-check the argument in internal/sdkpatch/std.go and update its sha256", orig)
		}
		patched, err := sf.patch(b)
		if err != nil {
			return "", err
		}
		dst, err := filepath.Abs(filepath.Join(dir, "std", filepath.FromSlash(sf.path)))
		if err != nil {
			return "", err
		}
		if err := writeIfChanged(dst, patched); err != nil {
			return "", err
		}
		replace[orig] = dst
	}
	j, err := json.MarshalIndent(struct{ Replace map[string]string }{replace}, "", "\t")
	if err != nil {
		return "", err
	}
	overlay, err := filepath.Abs(filepath.Join(dir, "overlay.json"))
	if err != nil {
		return "", err
	}
	return overlay, writeIfChanged(overlay, j)
}

// writeIfChanged leaves an identical file alone, so that concurrent builds
// never see it half written.
func writeIfChanged(path string, b []byte) error {
	if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, b) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
