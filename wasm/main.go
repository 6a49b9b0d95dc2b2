//go:build js && wasm

// Command cognito-wasm is the Go side of the npm package. It exports
// nothing global: the loader passes, as os.Args[1], the key under which it
// left a host object on the global; main takes it, deletes the key, hands
// the host an api object ({configure, call}) and stays alive to serve it.
package main

import (
	"errors"
	"fmt"
	"os"
	"syscall/js"

	"github.com/cognito-wasm/cognito-wasm/internal/fetch"
)

// hostMethods are what the loader's host object (js/src/runtime/glue.ts)
// provides. The loader and the wasm always ship together, so a host without
// one of them is a broken build, refused at start.
var hostMethods = []string{"register", "getToken", "getDeviceKey", "clearDeviceMetadata", "createCredential", "loadSession", "storeSession"}

func main() {
	if err := start(os.Args, js.Global()); err != nil {
		fmt.Fprintln(os.Stderr, "cognito-wasm:", err)
		os.Exit(2)
	}
	select {} // serve calls until the page or worker goes away
}

// start takes the host object from global[args[1]], removes that key (no
// stray globals) and registers the api with it, exactly once.
func start(args []string, global js.Value) error {
	if len(args) < 2 || args[1] == "" {
		return errors.New("started without the loader's host key (argv[1])")
	}
	key := args[1]
	host := global.Get(key)
	global.Delete(key)
	if host.Type() != js.TypeObject {
		return fmt.Errorf("global %q is not a loader host object", key)
	}
	for _, m := range hostMethods {
		if host.Get(m).Type() != js.TypeFunction {
			return fmt.Errorf("the loader host object at %q has no %s method", key, m)
		}
	}
	host.Call("register", newAPI(host, &fetch.Client{}).object())
	return nil
}
