package main

import (
	"bytes"
	_ "embed"
	"html/template"
	"strings"
	"sync/atomic"
)

//go:embed web/page.html
var pageHTML string

//go:embed web/harness.js
var harnessJS string

var pageTmpl = template.Must(template.New("page").Parse(pageHTML))

// client is one library under test, as the bench pages load it.
type client struct {
	Name    string   // key in the report: "amplify", "sdkv3", "wasm-page", ...
	Label   string   // for tables
	Lib     string   // adapter in harness.js: amplify, sdk, wasm, fetch
	Scripts []string // what the page loads, in order
	Worker  *bool    // cognito-wasm's worker option
	// Floor marks the bare-fetch page: no library, so no cold/size figures.
	Floor bool
	// Program is a floor program (internal/bench/floor/<Program>) that the
	// bench builds and the loader runs instead of cognito-wasm.wasm, from
	// WasmURL.
	Program string
	WasmURL string
	// Before marks the client that runs an earlier cognito-wasm.wasm
	// (Config.BeforeWasm) in page mode, beside the current one: measured
	// only when that file is given.
	Before bool
}

var (
	yes = true
	no  = false
)

// The clients, in table order. Amplify is the baseline of every ratio.
var clients = []client{
	{Name: "amplify", Label: "Amplify v6", Lib: "amplify", Scripts: []string{"/ref/amplify-calls.js"}},
	{Name: "sdkv3", Label: "AWS SDK JS v3", Lib: "sdk", Scripts: []string{"/ref/sdkv3-calls.js"}},
	{Name: "wasm-page", Label: "cognito-wasm (page)", Lib: "wasm", Scripts: []string{"/dist/cognito-wasm.js"}, Worker: &no},
	{Name: "wasm-worker", Label: "cognito-wasm (worker)", Lib: "wasm", Scripts: []string{"/dist/cognito-wasm.js"}, Worker: &yes},
	{Name: "wasm-before", Label: "cognito-wasm before (page)", Lib: "wasm", Scripts: []string{"/dist/cognito-wasm.js"}, Worker: &no,
		WasmURL: "/before/cognito-wasm.wasm", Before: true},
	{Name: "floor-sdk", Label: "floor: Go SDK + fetch", Lib: "wasm", Scripts: []string{"/dist/cognito-wasm.js"}, Worker: &no,
		Program: "sdk", WasmURL: "/floor/sdk.wasm"},
	{Name: "floor-gofetch", Label: "floor: Go + fetch", Lib: "wasm", Scripts: []string{"/dist/cognito-wasm.js"}, Worker: &no,
		Program: "gofetch", WasmURL: "/floor/gofetch.wasm"},
	{Name: "fetch", Label: "bare fetch (floor)", Lib: "fetch", Floor: true},
}

func clientByName(name string) (client, bool) {
	for _, c := range clients {
		if c.Name == name {
			return c, true
		}
	}
	return client{}, false
}

// pageConfig is window.__benchConfig.
type pageConfig struct {
	Client     string `json:"client"`
	Lib        string `json:"lib,omitempty"`
	UserPoolID string `json:"userPoolId"`
	ClientID   string `json:"clientId"`
	Endpoint   string `json:"endpoint"`
	Region     string `json:"region"`
	Worker     *bool  `json:"worker,omitempty"`
	WasmURL    string `json:"wasmURL,omitempty"`
	// Session, when set, is written to localStorage by the page's first
	// script, before any library loads (see runner.armSession).
	Session map[string]string `json:"session,omitempty"`
}

// pageSet renders the bench pages for one emulator.
type pageSet struct {
	userPoolID, clientID, endpoint string
	// session is handed to the next client page rendered, once.
	session *atomic.Pointer[map[string]string]
}

// fidelityRefPage holds the full Amplify and SDK bundles, for Amplify's own
// sign-in and the fidelity check.
const fidelityRefPage = "fidelity-ref.html"

func (ps pageSet) config(c client) pageConfig {
	region, _, _ := strings.Cut(ps.userPoolID, "_")
	return pageConfig{
		Client: c.Name, Lib: c.Lib, Worker: c.Worker, WasmURL: c.WasmURL,
		UserPoolID: ps.userPoolID, ClientID: ps.clientID, Endpoint: ps.endpoint, Region: region,
	}
}

// render returns the page called name ("amplify.html", "blank.html", ...).
func (ps pageSet) render(name string) ([]byte, bool) {
	var c client
	var cfg pageConfig
	if name == fidelityRefPage {
		c = client{Name: "fidelity-ref", Scripts: []string{"/ref/amplify.js", "/ref/sdkv3.js"}}
		cfg = ps.config(c)
	} else {
		var ok bool
		if c, ok = clientByName(strings.TrimSuffix(name, ".html")); !ok || !strings.HasSuffix(name, ".html") {
			return nil, false
		}
		cfg = ps.config(c)
		if ps.session != nil {
			if kv := ps.session.Swap(nil); kv != nil {
				cfg.Session = *kv
			}
		}
	}
	var buf bytes.Buffer
	err := pageTmpl.Execute(&buf, map[string]any{
		"Name":    c.Name,
		"Config":  cfg,
		"Scripts": c.Scripts,
		"Harness": template.JS(harnessJS),
	})
	if err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}
