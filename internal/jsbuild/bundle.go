package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// bundler builds the loader in two passes. The first bundles the runtime glue
// (src/runtime/glue.ts, with wasm_exec.js) into one self-contained function and
// writes it as the worker file (workerFile), which the loader starts as
// `new Worker(new URL('./cognito-wasm-worker.js', import.meta.url))` so that
// bundlers emit it. The second bundles the loader, which also imports the glue
// as the virtual module "cognito-wasm:runtime": it runs it on the page, or starts
// a blob: Worker from its source text (Function.prototype.toString) where the
// worker file cannot be started (a script tag from another origin). One glue
// serves all three.
type bundler struct {
	src, dist         string
	minify, sourcemap bool
}

const target = api.ES2020

// workerFile is the Worker script: the glue run on the worker's `self`. It has
// no module syntax, so it runs as a module worker (what bundlers emit for the
// ES module) and as a classic one (the script tag's).
const workerFile = "cognito-wasm-worker.js"

func (b bundler) bundle(wasmExec []byte) error {
	scoped, err := scopeWasmExec(string(wasmExec))
	if err != nil {
		return err
	}
	glue, err := b.runtimeGlue(scoped)
	if err != nil {
		return err
	}
	banner := "/*! cognito-wasm | bundles the Go toolchain's wasm_exec.js:\n" +
		legalNotice(string(wasmExec)) + " (https://go.dev/LICENSE) */"
	if err := os.WriteFile(filepath.Join(b.dist, workerFile), []byte(banner+"\n("+glue+")(self);\n"), 0o644); err != nil {
		return err
	}
	runtime := virtualModule("cognito-wasm:runtime", "export default "+glue+";\n")
	for _, out := range []struct {
		entry, file string
		format      api.Format
		globalName  string
	}{
		{"esm.ts", "index.mjs", api.FormatESModule, ""},
		{"iife.ts", "cognito-wasm.js", api.FormatIIFE, "CognitoWasm"},
	} {
		opts := b.options(out.entry, runtime)
		opts.Format = out.format
		opts.GlobalName = out.globalName
		opts.Outfile = filepath.Join(b.dist, out.file)
		opts.Write = true
		opts.Banner = map[string]string{"js": banner}
		if b.sourcemap {
			opts.Sourcemap = api.SourceMapLinked
		} else if err := os.Remove(opts.Outfile + ".map"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if err := check(out.file, api.Build(opts)); err != nil {
			return err
		}
	}
	return nil
}

// runtimeGlue returns the glue as the text of a function of the worker-like
// scope, which the glue refers to as the free variable `scope`.
func (b bundler) runtimeGlue(scopedWasmExec string) (string, error) {
	opts := b.options("runtime/glue.ts", virtualModule("cognito-wasm:wasm-exec", scopedWasmExec))
	opts.Format = api.FormatESModule // no wrapper: the glue has neither imports nor exports left
	opts.Outfile = "glue.js"
	opts.Write = false
	res := api.Build(opts)
	if err := check("runtime glue", res); err != nil {
		return "", err
	}
	if len(res.OutputFiles) != 1 {
		return "", fmt.Errorf("runtime glue: %d output files, want 1", len(res.OutputFiles))
	}
	code := string(res.OutputFiles[0].Contents)
	if strings.Contains(code, "import.meta") || regexp.MustCompile(`(?m)^\s*(import|export)\b`).MatchString(code) {
		return "", errors.New("runtime glue: the bundle still has module syntax; it cannot be a Worker's classic script")
	}
	return "function(scope){\"use strict\";\n" + code + "}", nil
}

func (b bundler) options(entry string, plugins ...api.Plugin) api.BuildOptions {
	return api.BuildOptions{
		EntryPoints:       []string{filepath.Join(b.src, entry)},
		Bundle:            true,
		Platform:          api.PlatformBrowser,
		Target:            target,
		MinifyWhitespace:  b.minify,
		MinifyIdentifiers: b.minify,
		MinifySyntax:      b.minify,
		LegalComments:     api.LegalCommentsInline,
		Charset:           api.CharsetUTF8,
		LogLevel:          api.LogLevelWarning,
		Plugins:           plugins,
	}
}

func check(what string, res api.BuildResult) error {
	if len(res.Errors) == 0 {
		return nil
	}
	msgs := api.FormatMessages(res.Errors, api.FormatMessagesOptions{Kind: api.ErrorMessage})
	return fmt.Errorf("bundling %s:\n%s", what, strings.Join(msgs, ""))
}

// virtualModule resolves the import path name to the given source text.
func virtualModule(name, contents string) api.Plugin {
	filter := "^" + regexp.QuoteMeta(name) + "$"
	return api.Plugin{
		Name: name,
		Setup: func(pb api.PluginBuild) {
			pb.OnResolve(api.OnResolveOptions{Filter: filter}, func(args api.OnResolveArgs) (api.OnResolveResult, error) {
				return api.OnResolveResult{Path: name, Namespace: "cognito-wasm"}, nil
			})
			pb.OnLoad(api.OnLoadOptions{Filter: filter, Namespace: "cognito-wasm"}, func(api.OnLoadArgs) (api.OnLoadResult, error) {
				return api.OnLoadResult{Contents: &contents, Loader: api.LoaderJS}, nil
			})
		},
	}
}

// bareFS matches wasm_exec.js's references to the global `fs` that do not go
// through `globalThis` (e.g. `fs.writeSync(...)` in runtime.wasmWrite).
var bareFS = regexp.MustCompile(`(^|[^.\w$])fs\.`)

// scopeWasmExec turns wasm_exec.js into a module whose default export runs it
// with `globalThis` bound to the given object. wasm_exec.js writes Go, fs,
// process and path to globalThis and reads `fs` bare once; bound to the
// loader's overlay, all of that stays off the page.
func scopeWasmExec(src string) (string, error) {
	if !strings.Contains(src, "globalThis.Go = class") {
		return "", errors.New("wasm_exec.js: no `globalThis.Go = class`; is this the Go toolchain's wasm_exec.js?")
	}
	n := len(bareFS.FindAllStringIndex(src, -1))
	if n == 0 {
		// Not fatal for correctness, but a changed wasm_exec.js deserves a look.
		return "", errors.New("wasm_exec.js: found no bare `fs.` reference to scope; the file changed, check scopeWasmExec")
	}
	src = bareFS.ReplaceAllString(src, "${1}globalThis.fs.")
	return "export default function (globalThis) {\n" + src + "\n}\n", nil
}

// legalNotice returns wasm_exec.js's leading comment (its copyright and licence
// lines) for the bundles' banner; minifying would drop it otherwise.
func legalNotice(src string) string {
	var lines []string
	for _, line := range strings.Split(src, "\n") {
		if !strings.HasPrefix(line, "//") {
			break
		}
		lines = append(lines, " * "+strings.TrimSpace(strings.TrimPrefix(line, "//")))
	}
	return strings.Join(lines, "\n")
}
