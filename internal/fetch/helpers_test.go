//go:build js && wasm

package fetch

import (
	"syscall/js"

	"github.com/hack-pad/safejs"
)

func safe(v js.Value) safejs.Value   { return safejs.Safe(v) }
func unsafe(v safejs.Value) js.Value { return safejs.Unsafe(v) }
