//go:build js && wasm

// Package host is what the benchmark's floor programs share: it registers
// {configure, call} with the cognito-wasm loader's host object exactly as
// the shipped module does (os.Args[1] names the global that holds it), runs
// each call in its own goroutine and settles the call's Promise from there,
// and asks the host for the access token. It holds nothing of the
// project's validation or mapping: the floors measure the stack below it.
package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall/js"
)

// Config is what configure received.
type Config struct {
	UserPoolID, Endpoint, Region string
}

// Request is one call as the loader hands it over, resolved to the Cognito
// operation the shipped module would send for it.
type Request struct {
	Target string         // e.g. "ListWebAuthnCredentials"
	Body   map[string]any // the operation's input without AccessToken
	Token  string         // the access token from host.getToken
}

// Handler runs one call and returns the value its Promise resolves to.
type Handler func(ctx context.Context, req Request) (js.Value, error)

// Serve registers with the loader's host and serves calls until the page
// goes away, each with the Handler that newHandler made for the latest
// configure.
func Serve(newHandler func(Config) Handler) {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "floor: started without the loader's host key")
		os.Exit(2)
	}
	g := js.Global()
	host := g.Get(os.Args[1])
	g.Delete(os.Args[1])
	var h Handler
	configure := js.FuncOf(func(_ js.Value, args []js.Value) any {
		c := args[0]
		cfg := Config{UserPoolID: c.Get("userPoolId").String(), Endpoint: c.Get("userPoolEndpoint").String()}
		cfg.Region, _, _ = strings.Cut(cfg.UserPoolID, "_")
		h = newHandler(cfg)
		return g.Get("Promise").Call("resolve")
	})
	call := js.FuncOf(func(_ js.Value, args []js.Value) any {
		method, input := args[0].String(), js.Undefined()
		if len(args) > 1 {
			input = args[1]
		}
		h := h
		return promise(func() (js.Value, error) {
			req, err := request(method, input)
			if err != nil {
				return js.Undefined(), err
			}
			tok, err := Await(host.Call("getToken", false))
			if err != nil {
				return js.Undefined(), err
			}
			req.Token = tok.String()
			return h(context.Background(), req)
		})
	})
	obj := g.Get("Object").New()
	obj.Set("configure", configure)
	obj.Set("call", call)
	host.Call("register", obj)
	select {}
}

// request maps the public method to the request the shipped module sends.
func request(method string, input js.Value) (Request, error) {
	switch method {
	case "listWebAuthnCredentials":
		return Request{Target: "ListWebAuthnCredentials", Body: map[string]any{}}, nil
	case "fetchDevices":
		return Request{Target: "ListDevices", Body: map[string]any{"Limit": 60}}, nil
	case "deleteWebAuthnCredential":
		return Request{Target: "DeleteWebAuthnCredential", Body: map[string]any{"CredentialId": input.Get("credentialId").String()}}, nil
	}
	return Request{}, fmt.Errorf("floor: no method %q", method)
}

// promise returns a Promise settled by fn, which runs in its own goroutine
// (a js.FuncOf callback must not block).
func promise(fn func() (js.Value, error)) js.Value {
	var exec js.Func
	exec = js.FuncOf(func(_ js.Value, args []js.Value) any {
		exec.Release()
		resolve, reject := args[0], args[1]
		go func() {
			v, err := fn()
			if err != nil {
				reject.Invoke(js.ValueOf(map[string]any{"name": "FloorError", "message": err.Error()}))
				return
			}
			resolve.Invoke(v)
		}()
		return nil
	})
	return js.Global().Get("Promise").New(exec)
}

// Await blocks the calling goroutine (never a js.FuncOf callback) until p
// settles.
func Await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	var then, catch js.Func
	then = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{v: args[0]}
		return nil
	})
	catch = js.FuncOf(func(_ js.Value, args []js.Value) any {
		ch <- result{err: errors.New(js.Global().Get("String").Invoke(args[0]).String())}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}
