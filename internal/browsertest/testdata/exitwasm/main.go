//go:build js && wasm

// Command exitwasm is a stand-in for the cognito-wasm module that speaks the
// loader protocol and then exits, for the loader's runtime-exit test:
// configure resolves, listDevices never settles, and fetchDevices ends the Go
// program with exit code 3 while that call is made.
package main

import (
	"os"
	"syscall/js"
)

func main() {
	key := os.Args[1]
	host := js.Global().Get(key)
	js.Global().Delete(key)
	promise := js.Global().Get("Promise")
	api := js.Global().Get("Object").New()
	api.Set("configure", js.FuncOf(func(js.Value, []js.Value) any {
		return promise.Call("resolve")
	}))
	api.Set("call", js.FuncOf(func(_ js.Value, args []js.Value) any {
		if args[0].String() == "fetchDevices" {
			os.Exit(3)
		}
		// Never settles: only the runtime's exit can end this call.
		return promise.New(js.FuncOf(func(js.Value, []js.Value) any { return nil }))
	}))
	host.Call("register", api)
	select {}
}
