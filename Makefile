# cognito-wasm. `make demo` builds everything and serves the offline demo;
# `make test` runs every test (native Go, wasm under Node, headless Chromium).
SHELL   := bash
GO      ?= go
# internal/sdkpatch's standard-library overlay is written against this Go
# release's files (pinned by hash): with another local Go, the go command
# fetches this one through the Go proxy (golang.org/toolchain).
export GOTOOLCHAIN ?= go1.26.8
GOROOT  := $(shell $(GO) env GOROOT)
WASM    := js/dist/cognito-wasm.wasm
# Packages that only build for GOOS=js; their tests run under Node.
WASM_PKGS := ./wasm/... ./internal/fetch/... ./internal/jsbridge/...

.PHONY: all build wasm js deps test-deps package test test-go test-wasm vet demo bench clean

all: build

# Building needs Go and Node.js only; the browser and the test apps' npm trees
# are installed for the tests.
deps:
	@bash .ci/deps build

test-deps:
	@bash .ci/deps test

build: deps wasm js

# The wasm links a build-time copy of the SDK's cognitoidentityprovider with
# two functions emptied that would otherwise keep net/http's Transport and TLS
# linked (-5 MB raw, -0.8 MB brotli); see internal/sdkpatch. The Node tests use
# the same copy, so what is tested is what ships. Likewise four standard
# library files are replaced through -overlay so that crypto/hpke's package
# variables, the FIPS 140 self-test registrations and the ECDSA curves do not
# link unused crypto (-0.9 MB raw, -0.14 MB brotli); see
# internal/sdkpatch/std.go. Both refuse to build when the files they patch
# change.
SDKMOD = $(or $(shell $(GO) run ./internal/sdkpatch),$(error go run ./internal/sdkpatch failed))
STDOVERLAY = $(or $(shell $(GO) run ./internal/sdkpatch -overlay),$(error go run ./internal/sdkpatch -overlay failed))

wasm:
	@mkdir -p js/dist
	GOOS=js GOARCH=wasm $(GO) build -modfile "$(SDKMOD)" -overlay "$(STDOVERLAY)" -trimpath -ldflags='-s -w' -o $(WASM) ./wasm

# Bundles the loader (ESM, IIFE, .d.ts), scopes the toolchain's wasm_exec.js
# and precompresses the wasm (.br, .gz).
js: wasm
	$(GO) run ./internal/jsbuild -wasm-exec "$(GOROOT)/lib/wasm/wasm_exec.js"

# The npm tarball (js/cognito-wasm-<version>.tgz), as `npm publish` would upload it.
package: build
	cd js && npm pack --loglevel=warn

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet -modfile "$(SDKMOD)" -overlay "$(STDOVERLAY)" $(WASM_PKGS)

test: test-deps build vet test-go test-wasm

test-go:
	$(GO) test -count=1 ./...

# GOOS=js tests run under Node ($(GOROOT)/lib/wasm/go_js_wasm_exec) against an
# emulator started for the run; its URL reaches them as COGNITO_EMULATOR_URL.
test-wasm:
	$(GO) run ./internal/emulator/withemulator -- \
	  env GOOS=js GOARCH=wasm PATH="$(GOROOT)/lib/wasm:$$PATH" \
	  $(GO) test -modfile "$(SDKMOD)" -overlay "$(STDOVERLAY)" -count=1 $(WASM_PKGS)

demo: build
	$(GO) run ./demo

# BENCHFLAGS: e.g. `make bench BENCHFLAGS='-runs 3 -latency 0'` (go run ./internal/bench -h).
bench: test-deps build
	$(GO) run ./internal/bench $(BENCHFLAGS)

clean:
	rm -rf js/dist js/node_modules js/*.tgz js/LICENSE bench-results test-artifacts
	cd internal/browsertest/testdata/consumers && rm -rf node_modules */dist next/.next next/out parcel/.parcel-cache
