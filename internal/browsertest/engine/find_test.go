package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFind checks the search order every Find function uses: the
// environment variable (which must then work), the commands on PATH in
// order, and a message naming what to install when nothing is there.
func TestFind(t *testing.T) {
	dir := t.TempDir()
	exe := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	second, env := exe("second"), exe("from-env")
	t.Setenv("PATH", dir)
	for _, c := range []struct {
		name, env string
		commands  []string
		want      string // path, or a part of the error
		notFound  bool
	}{
		{"env wins", env, []string{"second"}, env, false},
		{"first command on PATH", "", []string{"missing", "second"}, second, false},
		{"env set but broken", filepath.Join(dir, "nope"), []string{"second"}, "TEST_BROWSER=", false},
		{"nothing", "", []string{"missing"}, "install Some Browser (apt-get install sb), or set TEST_BROWSER", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("TEST_BROWSER", c.env)
			got, err := find("Some Browser", "TEST_BROWSER", c.commands, nil, "Some Browser (apt-get install sb)")
			switch {
			case err == nil && got != c.want:
				t.Errorf("found %q, want %q", got, c.want)
			case err != nil && !strings.Contains(err.Error(), c.want):
				t.Errorf("error %q does not say %q", err, c.want)
			case err != nil && errors.Is(err, ErrNotFound) != c.notFound:
				t.Errorf("error %q: ErrNotFound %v, want %v", err, !c.notFound, c.notFound)
			}
		})
	}
}
