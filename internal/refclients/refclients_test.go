package refclients

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestBuild(t *testing.T) {
	out := t.TempDir()
	r, err := Build(context.Background(), Options{OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		Amplify:      AmplifyGlobal,
		AmplifyCalls: AmplifyGlobal,
		SDKv3:        SDKv3Global,
		SDKv3Calls:   SDKv3Global,
	}
	for name, global := range want {
		b := r.Bundles[name]
		if b == nil {
			t.Fatalf("no bundle %s; have %v", name, r.Names())
		}
		onDisk, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(onDisk, b.Contents) || b.Path != filepath.Join(out, name) {
			t.Errorf("%s: file on disk differs from Result", name)
		}
		if !bytes.Contains(b.Contents, []byte("globalThis."+global+"=")) {
			t.Errorf("%s does not set globalThis.%s", name, global)
		}
		// Minified: newlines survive only inside template literals.
		if lines := bytes.Count(b.Contents, []byte("\n")); lines > len(b.Contents)/1000 {
			t.Errorf("%s is not minified: %d lines in %d bytes", name, lines, len(b.Contents))
		}
	}
	// The "-calls" bundles are the full ones minus sign-in and friends.
	if len(r.Bundles[AmplifyCalls].Contents) >= len(r.Bundles[Amplify].Contents) {
		t.Errorf("amplify-calls.js (%d B) not smaller than amplify.js (%d B)",
			len(r.Bundles[AmplifyCalls].Contents), len(r.Bundles[Amplify].Contents))
	}
	if got := r.Versions["aws-amplify"]; got != "6.22.1" {
		t.Errorf("aws-amplify version %q, want the pinned 6.22.1", got)
	}
	if got := r.Versions["@aws-sdk/client-cognito-identity-provider"]; got != "3.1169.0" {
		t.Errorf("client-cognito-identity-provider version %q, want the pinned 3.1169.0", got)
	}
}

func TestBuildWithoutNodeModules(t *testing.T) {
	real, err := SourceDir()
	if err != nil {
		t.Fatal(err)
	}
	// A copy of the sources with no node_modules, as in a fresh clone before `make deps`.
	src := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json"} {
		copyFile(t, filepath.Join(real, f), filepath.Join(src, f))
	}
	for _, e := range entries {
		copyFile(t, filepath.Join(real, "src", e), filepath.Join(src, "src", e))
	}
	_, err = Build(context.Background(), Options{SourceDir: src, OutDir: t.TempDir()})
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("err = %v, want ErrNotInstalled", err)
	}
	if msg := err.Error(); !bytes.Contains([]byte(msg), []byte("make deps")) || !bytes.Contains([]byte(msg), []byte("npm ci")) {
		t.Errorf("error %q does not say to run make deps / npm ci", msg)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
