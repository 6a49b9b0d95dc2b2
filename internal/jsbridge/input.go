//go:build js && wasm

package jsbridge

import (
	"math"
	"syscall/js"

	"github.com/hack-pad/safejs"

	"github.com/cognito-wasm/cognito-wasm/internal/auth"
)

var (
	hasOwnProperty = jsObject.Get("prototype").Get("hasOwnProperty")
	jsReflect      = js.Global().Get("Reflect")
)

// property is v[key] read through Reflect.get. A plain js.Value.Get cannot
// survive a getter or Proxy trap that throws (wasm_exec does not catch
// there, so the whole runtime would abort); a call can.
func property(v js.Value, key string) (js.Value, error) {
	r, err := safejs.Safe(jsReflect).Call("get", v, key)
	return safejs.Unsafe(r), err
}

// Input reads the own properties of a JS input object. Inherited ones
// (a polluted Object.prototype, a crafted __proto__) are never read.
type Input struct {
	obj     safejs.Value
	present bool   // false for an omitted (undefined/null) input
	prefix  string // "" at the top, "device." inside input.device
}

// InputObject accepts undefined/null (an empty input) or a plain object;
// anything else is an InvalidParameterException naming what was passed.
func InputObject(v js.Value) (Input, error) {
	return inputObject(v, "input", "")
}

func inputObject(v js.Value, what, prefix string) (Input, error) {
	switch t := typeOf(v); t {
	case "undefined", "null":
		return Input{prefix: prefix}, nil
	case "object":
		return Input{obj: safejs.Safe(v), present: true, prefix: prefix}, nil
	default:
		return Input{}, auth.InvalidParameter("%s must be an object (got %s).", what, t)
	}
}

// own returns the own property name, or ok=false when it is missing,
// undefined or null (Amplify sends those as absent members).
func (in Input) own(name string) (v js.Value, ok bool, err error) {
	if !in.present {
		return js.Undefined(), false, nil
	}
	has, err := safejs.Safe(hasOwnProperty).Call("call", in.obj, name)
	if err != nil {
		return js.Undefined(), false, auth.InvalidParameter("%s could not be read: %v", in.prefix+name, err)
	}
	if h, _ := has.Truthy(); !h {
		return js.Undefined(), false, nil
	}
	v, err = property(safejs.Unsafe(in.obj), name) // may run a getter
	if err != nil {
		return js.Undefined(), false, auth.InvalidParameter("%s could not be read: %v", in.prefix+name, err)
	}
	if v.IsUndefined() || v.IsNull() {
		return v, false, nil
	}
	return v, true, nil
}

// maxSafeInteger is Number.MAX_SAFE_INTEGER: beyond it a JS number no
// longer names one integer.
const maxSafeInteger = 1<<53 - 1

// Int reads an optional integer property. A non-number, NaN, ±Infinity or
// a fraction is an InvalidParameterException; the range is the model's
// business (auth validates it with the constraint's own words).
func (in Input) Int(name string) (*int, error) {
	v, ok, err := in.own(name)
	if !ok || err != nil {
		return nil, err
	}
	if t := typeOf(v); t != "number" {
		return nil, auth.InvalidParameter("%s must be a number (got %s).", in.prefix+name, t)
	}
	f := v.Float()
	if math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f) || math.Abs(f) > maxSafeInteger {
		return nil, auth.InvalidParameter("%s must be an integer (got %s).", in.prefix+name, numberText(v))
	}
	n := int(f)
	return &n, nil
}

// String reads an optional string property; required-ness is checked by
// auth against the model ("credentialId is required").
func (in Input) String(name string) (*string, error) {
	v, ok, err := in.own(name)
	if !ok || err != nil {
		return nil, err
	}
	if t := typeOf(v); t != "string" {
		return nil, auth.InvalidParameter("%s must be a string (got %s).", in.prefix+name, t)
	}
	s := v.String()
	return &s, nil
}

// Object reads an optional nested object property (forgetDevice's device).
func (in Input) Object(name string) (Input, error) {
	v, _, err := in.own(name)
	if err != nil {
		return Input{}, err
	}
	return inputObject(v, in.prefix+name, in.prefix+name+".")
}

// typeOf is JS typeof, with "null" and "array" told apart, and without
// the panic syscall/js raises for a BigInt.
func typeOf(v js.Value) (t string) {
	defer func() {
		if recover() != nil {
			t = "bigint"
		}
	}()
	switch v.Type() {
	case js.TypeUndefined:
		return "undefined"
	case js.TypeNull:
		return "null"
	case js.TypeBoolean:
		return "boolean"
	case js.TypeNumber:
		return "number"
	case js.TypeString:
		return "string"
	case js.TypeSymbol:
		return "symbol"
	case js.TypeFunction:
		return "function"
	}
	if js.Global().Get("Array").Call("isArray", v).Bool() {
		return "array"
	}
	return "object"
}

// numberText is how JS prints a number (NaN, Infinity, 2.5, 1e+21).
func numberText(v js.Value) string {
	return js.Global().Get("String").Invoke(v).String()
}
