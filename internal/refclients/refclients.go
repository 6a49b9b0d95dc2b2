// Package refclients bundles the reference clients that cognito-wasm is
// measured and checked against: Amplify JS v6 (aws-amplify/auth) and the AWS
// SDK JS v3 Cognito user-pools client, installed from npm at the exact
// versions pinned in package-lock.json next to this file.
//
// Each entry in src/ becomes one minified IIFE that sets a namespaced global
// (window.RefAmplify or window.RefSDKv3), so a plain <script> tag loads it:
//
//	amplify.js        RefAmplify: configure, signIn (USER_PASSWORD_AUTH), signOut,
//	                  fetchAuthSession, listWebAuthnCredentials,
//	                  deleteWebAuthnCredential, fetchDevices,
//	                  associateWebAuthnCredential, cognitoUserPoolsTokenProvider,
//	                  Amplify, CookieStorage
//	amplify-calls.js  RefAmplify: configure and the three calls only
//	sdkv3.js          RefSDKv3: CognitoIdentityProviderClient, InitiateAuthCommand,
//	                  ListWebAuthnCredentialsCommand, DeleteWebAuthnCredentialCommand,
//	                  ListDevicesCommand
//	sdkv3-calls.js    RefSDKv3: the client and the three commands only
//
// RefAmplify.configure takes cognito-wasm's config object
// ({Auth: {Cognito: {userPoolId, userPoolClientId, userPoolEndpoint}}}).
// The "-calls" bundles are what the benchmark loads: the same functionality as
// cognito-wasm, so their sizes compare like for like.
package refclients

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// Names of the bundles Build writes (file names in the output directory).
const (
	Amplify      = "amplify.js"
	AmplifyCalls = "amplify-calls.js"
	SDKv3        = "sdkv3.js"
	SDKv3Calls   = "sdkv3-calls.js"
)

// Globals the bundles define.
const (
	AmplifyGlobal = "RefAmplify"
	SDKv3Global   = "RefSDKv3"
)

var entries = []string{Amplify, AmplifyCalls, SDKv3, SDKv3Calls}

// Bundle is one built file.
type Bundle struct {
	Name     string // file name, e.g. "amplify.js"
	Path     string // absolute path of the written file
	Contents []byte // minified JavaScript
}

// Result is what Build produced.
type Result struct {
	Dir     string             // output directory (absolute)
	Bundles map[string]*Bundle // by Name
	// Versions holds the installed versions of the pinned packages, e.g.
	// "aws-amplify" → "6.22.1", read from package-lock.json.
	Versions map[string]string
}

// Options configure Build. The zero value is usable.
type Options struct {
	// SourceDir is this package's directory (package.json, src/,
	// node_modules/). Empty: found from the source file's location or by
	// walking up from the working directory to the module root.
	SourceDir string
	// OutDir receives the bundles. Empty: SourceDir/dist.
	OutDir string
}

// ErrNotInstalled reports that node_modules is missing or incomplete.
var ErrNotInstalled = errors.New("refclients: npm packages not installed: run `make deps` (or `npm ci` in internal/refclients)")

// PinnedPackages are the npm packages whose exact versions the lockfile pins.
var PinnedPackages = []string{"aws-amplify", "@aws-sdk/client-cognito-identity-provider"}

// Build bundles and minifies every entry with esbuild into opts.OutDir.
func Build(ctx context.Context, opts Options) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src := opts.SourceDir
	if src == "" {
		var err error
		if src, err = SourceDir(); err != nil {
			return nil, err
		}
	}
	src, err := filepath.Abs(src)
	if err != nil {
		return nil, fmt.Errorf("refclients: %w", err)
	}
	versions, err := installedVersions(src)
	if err != nil {
		return nil, err
	}
	out := opts.OutDir
	if out == "" {
		out = filepath.Join(src, "dist")
	}
	if out, err = filepath.Abs(out); err != nil {
		return nil, fmt.Errorf("refclients: %w", err)
	}

	points := make([]string, len(entries))
	for i, e := range entries {
		points[i] = filepath.Join(src, "src", e)
	}
	res := api.Build(api.BuildOptions{
		EntryPoints:       points,
		AbsWorkingDir:     src,
		Outdir:            out,
		Bundle:            true,
		Write:             true,
		AllowOverwrite:    true,
		Format:            api.FormatIIFE,
		Platform:          api.PlatformBrowser,
		Target:            api.ES2022,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		TreeShaking:       api.TreeShakingTrue,
		// What an application's production build does; some of Amplify's
		// dependencies check it.
		Define:        map[string]string{"process.env.NODE_ENV": `"production"`},
		LegalComments: api.LegalCommentsNone,
		LogLevel:      api.LogLevelSilent,
	})
	if len(res.Errors) > 0 {
		msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
		return nil, fmt.Errorf("refclients: esbuild: %s", strings.Join(msgs, "\n"))
	}
	r := &Result{Dir: out, Bundles: map[string]*Bundle{}, Versions: versions}
	for _, f := range res.OutputFiles {
		name := filepath.Base(f.Path)
		r.Bundles[name] = &Bundle{Name: name, Path: f.Path, Contents: f.Contents}
	}
	for _, e := range entries {
		if r.Bundles[e] == nil {
			return nil, fmt.Errorf("refclients: esbuild wrote no %s", e)
		}
	}
	return r, nil
}

// Names lists the bundle names in a stable order.
func (r *Result) Names() []string {
	names := make([]string, 0, len(r.Bundles))
	for n := range r.Bundles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// FS serves the built bundles (for http.FileServerFS and friends).
func (r *Result) FS() fs.FS { return os.DirFS(r.Dir) }

// SourceDir finds this package's directory: next to this source file when the
// build kept paths, else internal/refclients under the module root above the
// working directory.
func SourceDir() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		dir := filepath.Dir(file)
		if isSourceDir(dir) {
			return dir, nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("refclients: %w", err)
	}
	for dir := wd; ; {
		cand := filepath.Join(dir, "internal", "refclients")
		if isSourceDir(cand) {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("refclients: cannot find internal/refclients above %s", wd)
		}
		dir = parent
	}
}

func isSourceDir(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, "src", Amplify))
	return err == nil
}
