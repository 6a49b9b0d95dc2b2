// Package model holds what the Cognito user pools Smithy model says about the
// operations this project speaks: shapes, constraints, required members and
// errors. The table in model_gen.go is generated from the model JSON beside it
// (go generate), so the emulator and the wasm module validate against the same
// facts instead of scattered ifs.
package model

//go:generate go run ./gen -model cognito-idp-model-subset.json -out model_gen.go

import (
	"regexp"
	"sort"
	"sync"
)

// Kind is a Smithy shape type.
type Kind uint8

// Shape kinds.
const (
	KindString Kind = iota + 1
	KindInteger
	KindBoolean
	KindTimestamp
	KindStructure
	KindList
	KindMap
	KindEnum
	KindDocument
)

// Shape is one Smithy shape with the traits that constrain its values.
type Shape struct {
	Name      string
	Kind      Kind
	MinLen    *int64 // @length: string length in characters, list/map size
	MaxLen    *int64
	Min       *int64 // @range, for integers
	Max       *int64
	Pattern   string   // @pattern, RE2-compatible (checked by the generator)
	Sensitive bool     // @sensitive: the value never appears in a message
	Enum      []string // enum values
	Members   []Member // structure members, sorted by name
	Elem      string   // list member or map value target
	Key       string   // map key target
	Fault     string   // "client" or "server" for error structures
}

// Member is one member of a structure.
type Member struct {
	Name     string
	Target   string
	Required bool
}

// Operation is one operation of the service.
type Operation struct {
	Name   string
	Input  string
	Output string
	Errors []string // error shape names, sorted
	SigV4  bool     // true when the operation must be signed with IAM credentials
}

func ptr(v int64) *int64 { return &v }

// LookupShape returns the named shape, or nil.
func LookupShape(name string) *Shape { return shapes[name] }

// LookupOperation returns the named operation, or nil.
func LookupOperation(name string) *Operation { return operations[name] }

// Member returns the named member of a structure shape, or nil.
func (s *Shape) Member(name string) *Member {
	for i := range s.Members {
		if s.Members[i].Name == name {
			return &s.Members[i]
		}
	}
	return nil
}

// HasError reports whether op declares the named error.
func (op *Operation) HasError(name string) bool {
	i := sort.SearchStrings(op.Errors, name)
	return i < len(op.Errors) && op.Errors[i] == name
}

// pattern is a compiled @pattern with the last long value it matched.
type pattern struct {
	re   *regexp.Regexp
	last string
}

var (
	patternsMu sync.Mutex
	patterns   = map[string]*pattern{}
)

// memoMin is the length from which a matched value is remembered: an access
// token (about 1 KB) is checked on every call of a page's session, and in
// wasm the regexp over it is most of the module's own work per call.
const memoMin = 64

// matches reports whether s matches the pattern p. Patterns compile once,
// on first use, so start-up pays nothing; the last long value that matched
// is remembered, so the same token is not scanned again.
func matches(p, s string) bool {
	patternsMu.Lock()
	pt, ok := patterns[p]
	if !ok {
		pt = &pattern{re: regexp.MustCompile(p)}
		patterns[p] = pt
	}
	hit := len(s) >= memoMin && s == pt.last
	patternsMu.Unlock()
	if hit {
		return true
	}
	if !pt.re.MatchString(s) {
		return false
	}
	if len(s) >= memoMin {
		patternsMu.Lock()
		pt.last = s
		patternsMu.Unlock()
	}
	return true
}
