//go:build js && wasm

// Command gofetch is the benchmark's first floor: Go, syscall/js and one
// fetch per call. It registers with the cognito-wasm loader like the
// shipped module and answers each call with one fetch of the same Cognito
// request, built and parsed by JavaScript (JSON.stringify, Response.json),
// so what it costs beyond a bare fetch is Go's runtime, its start-up and
// the crossings between Go and JavaScript.
package main

import (
	"context"
	"fmt"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/bench/floor/host"
)

func main() {
	host.Serve(func(cfg host.Config) host.Handler {
		return func(_ context.Context, req host.Request) (js.Value, error) { return call(cfg.Endpoint, req) }
	})
}

func call(endpoint string, req host.Request) (js.Value, error) {
	g := js.Global()
	body := js.ValueOf(req.Body)
	body.Set("AccessToken", req.Token)
	init := js.ValueOf(map[string]any{
		"method": "POST",
		"headers": map[string]any{
			"content-type": "application/x-amz-json-1.1",
			"x-amz-target": "AWSCognitoIdentityProviderService." + req.Target,
		},
		"body": g.Get("JSON").Call("stringify", body),
	})
	res, err := host.Await(g.Get("fetch").Invoke(endpoint, init))
	if err != nil {
		return js.Undefined(), err
	}
	out, err := host.Await(res.Call("json"))
	if err != nil {
		return js.Undefined(), err
	}
	if !res.Get("ok").Bool() {
		return js.Undefined(), fmt.Errorf("%s: HTTP %d: %s", req.Target, res.Get("status").Int(), out.Get("message").String())
	}
	return out, nil
}
