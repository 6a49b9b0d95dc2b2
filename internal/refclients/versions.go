package refclients

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// installedVersions checks that node_modules holds exactly what
// package-lock.json pins for PinnedPackages and returns those versions. A
// missing or stale install is ErrNotInstalled, so callers can tell the user
// what to run instead of showing an esbuild resolution error.
func installedVersions(src string) (map[string]string, error) {
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	if err := readJSON(filepath.Join(src, "package-lock.json"), &lock); err != nil {
		return nil, fmt.Errorf("refclients: %w", err)
	}
	versions := map[string]string{}
	for _, pkg := range PinnedPackages {
		want := lock.Packages["node_modules/"+pkg].Version
		if want == "" {
			return nil, fmt.Errorf("refclients: package-lock.json does not pin %s", pkg)
		}
		var installed struct {
			Version string `json:"version"`
		}
		err := readJSON(filepath.Join(src, "node_modules", pkg, "package.json"), &installed)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("%w (%s is missing from %s)", ErrNotInstalled, pkg, filepath.Join(src, "node_modules"))
		case err != nil:
			return nil, fmt.Errorf("refclients: %w", err)
		case installed.Version != want:
			return nil, fmt.Errorf("%w (%s is %s, the lockfile pins %s)", ErrNotInstalled, pkg, installed.Version, want)
		}
		versions[pkg] = want
	}
	return versions, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
