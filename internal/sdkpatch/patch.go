// Command sdkpatch makes a build-time copy of aws-sdk-go-v2's
// service/cognitoidentityprovider in which two functions that only matter to
// programs using the SDK's own net/http client are emptied. Nothing is forked
// or committed: the copy is made from the module cache at build time, and the
// wasm build points at it with -modfile.
//
// Why: two SDK functions keep net/http's whole client Transport (HTTP/2,
// crypto/tls, x509, math/big) linked into the wasm, although cognito-wasm
// never uses it, because requests go through fetch:
//
//  1. resolveHTTPClient names awshttp.NewBuildableClient, whose
//     *http.Transport methods the linker must then keep. We always set
//     Options.HTTPClient to our fetch client, which is not a
//     *awshttp.BuildableClient, so the original returns at once.
//  2. addRequestResponseLogging adds smithy-go's RequestResponseLogger, whose
//     HandleDeserialize calls httputil.DumpRequestOut, which builds a
//     Transport. We set no ClientLogMode, so that middleware logs nothing.
//
// Both replacements therefore behave exactly as the originals do for this
// module (see Patch). Together they take the wasm from 13.7 MB to 8.6 MB raw
// and from 2.46 MB to 1.66 MB brotli.
//
// When the SDK changes either function, Patch fails and names it, so that a
// person checks the argument above again before the build goes on.
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"strconv"
)

// Module is the SDK module whose copy is patched.
const Module = "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

// File is the file of Module that holds both functions.
const File = "api_client.go"

// replacement is one function whose body is swapped.
type replacement struct {
	name string
	// original is the function as the SDK has it (gofmt'd). The patch is
	// applied only to exactly this text.
	original string
	// body replaces the original body.
	body string
}

var replacements = []replacement{
	{
		name: "resolveHTTPClient",
		original: `func resolveHTTPClient(o *Options) {
	var buildable *awshttp.BuildableClient

	if o.HTTPClient != nil {
		var ok bool
		buildable, ok = o.HTTPClient.(*awshttp.BuildableClient)
		if !ok {
			return
		}
	} else {
		buildable = awshttp.NewBuildableClient()
	}

	modeConfig, err := defaults.GetModeConfiguration(o.resolvedDefaultsMode)
	if err == nil {
		buildable = buildable.WithDialerOptions(func(dialer *net.Dialer) {
			if dialerTimeout, ok := modeConfig.GetConnectTimeout(); ok {
				dialer.Timeout = dialerTimeout
			}
		})

		buildable = buildable.WithTransportOptions(func(transport *http.Transport) {
			if tlsHandshakeTimeout, ok := modeConfig.GetTLSNegotiationTimeout(); ok {
				transport.TLSHandshakeTimeout = tlsHandshakeTimeout
			}
		})
	}

	o.HTTPClient = buildable
}`,
		// cognito-wasm always passes its fetch client; without one the
		// original would build a net/http client, which cannot work here.
		body: `{
	if o.HTTPClient == nil {
		panic("cognito-wasm: Options.HTTPClient must be set (sdkpatch)")
	}
}`,
	},
	{
		name: "addRequestResponseLogging",
		original: `func addRequestResponseLogging(stack *middleware.Stack, o Options) error {
	return stack.Deserialize.Add(&smithyhttp.RequestResponseLogger{
		LogRequest:          o.ClientLogMode.IsRequest(),
		LogRequestWithBody:  o.ClientLogMode.IsRequestWithBody(),
		LogResponse:         o.ClientLogMode.IsResponse(),
		LogResponseWithBody: o.ClientLogMode.IsResponseWithBody(),
	}, middleware.After)
}`,
		// The middleware logs only when ClientLogMode asks; cognito-wasm
		// never sets it, and must never log requests (they carry the token).
		body: `{
	if o.ClientLogMode != 0 {
		panic("cognito-wasm: ClientLogMode is not supported (sdkpatch)")
	}
	return nil
}`,
	},
}

// Patch returns src (the SDK's api_client.go) with the bodies of
// resolveHTTPClient and addRequestResponseLogging replaced and the imports
// that no longer have a use removed. It fails if either function differs
// from the text this package was written against.
func Patch(src []byte) ([]byte, error) {
	return patchFuncs(File, src, replacements, orphanable)
}

// patchFuncs replaces the bodies of the functions named in rs, each only if
// the function's gofmt'd text is exactly r.original, and then removes the
// imports in orphans (path to name) that nothing in the file uses any more.
func patchFuncs(file string, src []byte, rs []replacement, orphans map[string]string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("sdkpatch: parse %s: %w", file, err)
	}
	for _, r := range rs {
		fn := findFunc(f, r.name)
		if fn == nil {
			return nil, fmt.Errorf("sdkpatch: %s no longer has func %s; re-check internal/sdkpatch", file, r.name)
		}
		var got bytes.Buffer
		doc := fn.Doc // r.original is the function without its doc comment
		fn.Doc = nil
		err := format.Node(&got, fset, fn)
		fn.Doc = doc
		if err != nil {
			return nil, err
		}
		if got.String() != r.original {
			return nil, fmt.Errorf("sdkpatch: %s's func %s changed in this version; re-check internal/sdkpatch:\n%s", file, r.name, got.String())
		}
		body, err := parseBody(r.body)
		if err != nil {
			return nil, fmt.Errorf("sdkpatch: replacement for %s: %w", r.name, err)
		}
		fn.Body = body
	}
	dropUnusedImports(f, orphans)
	var out bytes.Buffer
	if err := format.Node(&out, fset, f); err != nil {
		return nil, fmt.Errorf("sdkpatch: print: %w", err)
	}
	// Re-parse so that positions from the replacement bodies cannot have
	// produced text that is not Go.
	if _, err := parser.ParseFile(token.NewFileSet(), file, out.Bytes(), 0); err != nil {
		return nil, fmt.Errorf("sdkpatch: patched %s does not parse: %w", file, err)
	}
	return out.Bytes(), nil
}

func findFunc(f *ast.File, name string) *ast.FuncDecl {
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && fn.Name.Name == name {
			return fn
		}
	}
	return nil
}

func parseBody(body string) (*ast.BlockStmt, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\nfunc _() "+body, 0)
	if err != nil {
		return nil, err
	}
	return f.Decls[0].(*ast.FuncDecl).Body, nil
}

// orphanable are the imports only the replaced bodies may have used; each
// is removed when nothing else in the file names it.
var orphanable = map[string]string{
	"net":      "net",
	"net/http": "http",
	"github.com/aws/aws-sdk-go-v2/aws/transport/http": "awshttp",
	"github.com/aws/aws-sdk-go-v2/aws/defaults":       "defaults",
}

// dropUnusedImports removes the imports in orphans whose name no longer
// appears as the package of a selector expression (x.Y) in the file.
func dropUnusedImports(f *ast.File, orphans map[string]string) {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				used[id.Name] = true
			}
		}
		return true
	})
	keep := func(spec *ast.ImportSpec) bool {
		path, _ := strconv.Unquote(spec.Path.Value)
		name, ok := orphans[path]
		if !ok {
			return true
		}
		if spec.Name != nil {
			name = spec.Name.Name
		}
		return used[name]
	}
	var imports []*ast.ImportSpec
	for _, spec := range f.Imports {
		if keep(spec) {
			imports = append(imports, spec)
		}
	}
	f.Imports = imports
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		specs := gd.Specs[:0]
		for _, s := range gd.Specs {
			if keep(s.(*ast.ImportSpec)) {
				specs = append(specs, s)
			}
		}
		gd.Specs = specs
	}
}
