package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Usage, from the repository root:
//
//	modfile=$(go run ./internal/sdkpatch)
//	overlay=$(go run ./internal/sdkpatch -overlay)
//	GOOS=js GOARCH=wasm go build -modfile "$modfile" -overlay "$overlay" ./wasm
func main() {
	log.SetFlags(0)
	log.SetPrefix("sdkpatch: ")
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	// One directory per checkout: the alternate go.mod is this checkout's
	// go.mod plus a replace, so two checkouts (worktrees) must not share it.
	wd, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	sum := sha256.Sum256([]byte(wd))
	dir := flag.String("dir", filepath.Join(cache, "cognito-wasm", "sdkpatch", hex.EncodeToString(sum[:6])), "where the patched copy and the alternate go.mod are written")
	overlay := flag.Bool("overlay", false, "write the patched standard library files (see std.go) and print the path of the file for go build -overlay, instead of the go.mod")
	flag.Parse()
	out, err := prepare(*dir)
	if *overlay {
		out, err = prepareOverlay(*dir)
	}
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out)
}

// prepare copies Module from the module cache into dir, patches it, and
// writes dir/go.mod (this module's go.mod plus a replace directive) and
// dir/go.sum. It returns the path of that go.mod.
func prepare(dir string) (string, error) {
	src, version, err := moduleDir(Module)
	if err != nil {
		return "", err
	}
	dst, err := filepath.Abs(filepath.Join(dir, "cognitoidentityprovider@"+version))
	if err != nil {
		return "", err
	}
	orig, err := os.ReadFile(filepath.Join(src, File))
	if err != nil {
		return "", err
	}
	patched, err := Patch(orig)
	if err != nil {
		return "", err
	}
	// The copy is keyed by version and its content is a function of the
	// SDK's; leave an identical one alone so that concurrent builds never
	// see it half written.
	if have, err := os.ReadFile(filepath.Join(dst, File)); err != nil || !bytes.Equal(have, patched) {
		if err := os.RemoveAll(dst); err != nil {
			return "", err
		}
		if err := copyPackage(src, dst); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(dst, File), patched, 0o644); err != nil {
			return "", err
		}
	}

	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		return "", fmt.Errorf("run from the repository root: %w", err)
	}
	gosum, err := os.ReadFile("go.sum")
	if err != nil {
		return "", err
	}
	gomod = append(gomod, fmt.Sprintf("\nreplace %s => %s\n", Module, dst)...)
	modfile := filepath.Join(dir, "go.mod")
	if err := os.WriteFile(modfile, gomod, 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644); err != nil {
		return "", err
	}
	return filepath.Abs(modfile)
}

// moduleDir asks the go command where the build list's version of mod is.
func moduleDir(mod string) (dir, version string, err error) {
	cmd := exec.Command("go", "list", "-m", "-json", mod)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go list -m %s: %w: %s", mod, err, stderr.Bytes())
	}
	var m struct{ Dir, Version string }
	if err := json.Unmarshal(out, &m); err != nil {
		return "", "", err
	}
	if m.Dir == "" {
		return "", "", fmt.Errorf("%s is not in the module cache; run go mod download", mod)
	}
	return m.Dir, m.Version, nil
}

// copyPackage copies the module's non-test Go files, go.mod and licence;
// it has no subpackages that the build needs besides internal/ ones, which
// are copied too.
func copyPackage(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		name := d.Name()
		if !(name == "go.mod" || strings.HasPrefix(name, "LICENSE") ||
			strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
