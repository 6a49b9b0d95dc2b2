//go:build js && wasm

// Command credwasm is a stand-in for the cognito-wasm module, for the test of
// the loader's host.createCredential (the WebAuthn ceremony runs on the main
// thread, also in Worker mode): associateWebAuthnCredential asks the host to
// create a credential for fixed options and resolves with its JSON text, or
// rejects with the error's name and message. It does not watch the call's
// AbortSignal itself: it hands it to the host.
package main

import (
	"os"
	"syscall/js"
)

// Challenge is what the test expects back in the credential's clientDataJSON.
const options = `{
	"challenge": "Y29nbml0by13YXNtLWNoYWxsZW5nZQ",
	"rp": {"id": "localhost", "name": "cognito-wasm test"},
	"user": {"id": "dXNlci0x", "name": "alice", "displayName": "Alice"},
	"pubKeyCredParams": [{"type": "public-key", "alg": -7}],
	"authenticatorSelection": {"residentKey": "required", "userVerification": "preferred"},
	"excludeCredentials": [{"type": "public-key", "id": "ZXhjbHVkZWQ"}],
	"timeout": 60000
}`

func main() {
	key := os.Args[1]
	host := js.Global().Get(key)
	js.Global().Delete(key)
	promise, json := js.Global().Get("Promise"), js.Global().Get("JSON")
	api := js.Global().Get("Object").New()
	api.Set("configure", js.FuncOf(func(js.Value, []js.Value) any { return promise.Call("resolve") }))
	api.Set("call", js.FuncOf(func(_ js.Value, args []js.Value) any {
		signal := js.Undefined()
		if len(args) > 2 {
			signal = args[2]
		}
		return host.Call("createCredential", json.Call("parse", options), signal).Call("then",
			js.FuncOf(func(_ js.Value, a []js.Value) any { return json.Call("stringify", a[0]) }),
			js.FuncOf(func(_ js.Value, a []js.Value) any {
				e := js.Global().Get("Object").New()
				e.Set("name", a[0].Get("name"))
				e.Set("message", a[0].Get("message"))
				return promise.Call("reject", e)
			}))
	}))
	host.Call("register", api)
	select {}
}
