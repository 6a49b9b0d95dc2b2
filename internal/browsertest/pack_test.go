package browsertest

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// packed is js/ packed once per run by `npm pack`: the tarball users install.
var packed struct {
	once  sync.Once
	path  string
	files []string
	err   error
}

// npmPack returns the path of the package's tarball and the files it holds.
func npmPack(t *testing.T) (string, []string) {
	t.Helper()
	packed.once.Do(func() {
		npm, err := exec.LookPath("npm")
		if err != nil {
			packed.err = fmt.Errorf("npm is needed (Debian package npm; `make deps` installs it): %w", err)
			return
		}
		dir := filepath.Join(artifacts, "npm-pack")
		if err := errors.Join(os.RemoveAll(dir), os.MkdirAll(dir, 0o755)); err != nil {
			packed.err = err
			return
		}
		cmd := exec.Command(npm, "pack", "--json", "--loglevel=error", "--pack-destination", dir)
		cmd.Dir = filepath.Join(repoRoot, "js")
		out, err := cmd.Output()
		if err != nil {
			packed.err = fmt.Errorf("npm pack: %w\n%s", err, stderrOf(err))
			return
		}
		var res []struct {
			Filename string `json:"filename"`
			Files    []struct {
				Path string `json:"path"`
			} `json:"files"`
		}
		if err := json.Unmarshal(out, &res); err != nil || len(res) != 1 {
			packed.err = fmt.Errorf("npm pack --json: %v\n%s", err, out)
			return
		}
		packed.path = filepath.Join(dir, res[0].Filename)
		for _, f := range res[0].Files {
			packed.files = append(packed.files, f.Path)
		}
	})
	if packed.err != nil {
		t.Fatal(packed.err)
	}
	return packed.path, packed.files
}

func stderrOf(err error) []byte {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.Stderr
	}
	return nil
}

// installTarball unpacks the tarball into nodeModules/cognito-wasm, as
// `npm install <tarball>` would place it (the package has no dependencies),
// replacing what an earlier run left there.
func installTarball(tgz, nodeModules string) error {
	dest := filepath.Join(nodeModules, "cognito-wasm")
	if err := os.RemoveAll(dest); err != nil {
		return err
	}
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		// npm packs everything under package/.
		name, ok := strings.CutPrefix(h.Name, "package/")
		if !ok || h.Typeflag != tar.TypeReg || !filepath.IsLocal(name) {
			return fmt.Errorf("unexpected tarball entry %q", h.Name)
		}
		path := filepath.Join(dest, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		out, err := os.Create(path)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, tr)
		if err := errors.Join(err, out.Close()); err != nil {
			return err
		}
	}
}
