package model

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Violation is one failed constraint, in the words AWS uses for it.
type Violation struct {
	Path       string // AWS member path: "maxResults", "deviceAttributes.1.member.name"
	Member     string // the top-level member name as in the model: "MaxResults"
	Value      any    // the offending value; nil for a missing one
	Sensitive  bool   // the value must not be shown
	Constraint string // "Member must have value less than or equal to 20"
}

// String renders the violation as Cognito does:
// Value '21' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20
func (v Violation) String() string {
	switch {
	case v.Value == nil:
		return fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", v.Path, v.Constraint)
	case v.Sensitive:
		return fmt.Sprintf("Value at '%s' failed to satisfy constraint: %s", v.Path, v.Constraint)
	}
	return fmt.Sprintf("Value '%s' at '%s' failed to satisfy constraint: %s", render(v.Value), v.Path, v.Constraint)
}

// Message joins violations into Cognito's InvalidParameterException message.
func Message(vs []Violation) string {
	var b strings.Builder
	if len(vs) == 1 {
		b.WriteString("1 validation error detected: ")
	} else {
		fmt.Fprintf(&b, "%d validation errors detected: ", len(vs))
	}
	for i, v := range vs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(v.String())
	}
	return b.String()
}

// SerializationError is a value of the wrong JSON type; Cognito answers it
// with SerializationException before checking any constraint.
type SerializationError struct {
	Path string
	Msg  string
}

func (e *SerializationError) Error() string { return e.Msg }

// ValidateInput checks a request body against the input shape of op: as
// decoded JSON (encoding/json values, numbers as json.Number or float64;
// the emulator) or built in Go from an SDK input (strings, int64 integers;
// internal/auth).
func ValidateInput(op string, body map[string]any) ([]Violation, error) {
	o := LookupOperation(op)
	if o == nil {
		return nil, fmt.Errorf("model: unknown operation %q", op)
	}
	return Validate(o.Input, body)
}

// Validate checks a value, in ValidateInput's forms, against the named
// shape. It returns every constraint violation, or a *SerializationError
// for a value of the wrong type.
func Validate(shape string, v any) ([]Violation, error) {
	s := LookupShape(shape)
	if s == nil {
		return nil, fmt.Errorf("model: unknown shape %q", shape)
	}
	var w walker
	w.shape(s, v, "", "")
	return w.violations, w.serr
}

type walker struct {
	violations []Violation
	serr       error
	sensitive  int // > 0 inside a sensitive shape: nothing below it is shown
}

func (w *walker) fail(path, member string, s *Shape, v any, constraint string) {
	w.violations = append(w.violations, Violation{Path: path, Member: member, Value: v, Sensitive: s.Sensitive || w.sensitive > 0, Constraint: constraint})
}

func (w *walker) wrongType(path string, v any, want string) {
	if w.serr == nil {
		w.serr = &SerializationError{Path: path, Msg: fmt.Sprintf("%s can not be converted to %s", jsonKind(v), want)}
	}
}

func (w *walker) shape(s *Shape, v any, path, member string) {
	if s.Sensitive {
		// Members, elements and map entries of a sensitive shape (the
		// password in AuthParameters) are as secret as the shape itself.
		w.sensitive++
		defer func() { w.sensitive-- }()
	}
	switch s.Kind {
	case KindStructure:
		obj, ok := v.(map[string]any)
		if !ok {
			w.wrongType(path, v, "a structure")
			return
		}
		for _, m := range s.Members {
			mp := lowerFirst(m.Name)
			if path != "" {
				mp = path + "." + mp
			}
			top := member
			if top == "" {
				top = m.Name
			}
			mv, present := obj[m.Name]
			if !present || mv == nil {
				if m.Required {
					w.fail(mp, top, shapes[m.Target], nil, "Member must not be null")
				}
				continue
			}
			w.shape(shapes[m.Target], mv, mp, top)
		}
	case KindString, KindEnum:
		str, ok := v.(string)
		if !ok {
			w.wrongType(path, v, "a String")
			return
		}
		n := int64(utf8.RuneCountInString(str))
		w.length(s, str, n, path, member)
		if s.Pattern != "" && !matches(s.Pattern, str) {
			w.fail(path, member, s, str, "Member must satisfy regular expression pattern: "+s.Pattern)
		}
		if s.Kind == KindEnum && !contains(s.Enum, str) {
			w.fail(path, member, s, str, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
		}
	case KindInteger:
		n, ok := integer(v)
		if !ok {
			w.wrongType(path, v, "an Integer")
			return
		}
		if s.Min != nil && n < *s.Min {
			w.fail(path, member, s, n, fmt.Sprintf("Member must have value greater than or equal to %d", *s.Min))
		}
		if s.Max != nil && n > *s.Max {
			w.fail(path, member, s, n, fmt.Sprintf("Member must have value less than or equal to %d", *s.Max))
		}
	case KindBoolean:
		if _, ok := v.(bool); !ok {
			w.wrongType(path, v, "a Boolean")
		}
	case KindTimestamp:
		if _, ok := number(v); !ok {
			w.wrongType(path, v, "a Date")
		}
	case KindList:
		list, ok := v.([]any)
		if !ok {
			w.wrongType(path, v, "a List")
			return
		}
		w.length(s, v, int64(len(list)), path, member)
		for i, e := range list {
			if e == nil {
				continue
			}
			w.shape(shapes[s.Elem], e, fmt.Sprintf("%s.%d.member", path, i+1), member)
		}
	case KindMap:
		m, ok := v.(map[string]any)
		if !ok {
			w.wrongType(path, v, "a Map")
			return
		}
		w.length(s, v, int64(len(m)), path, member)
		for k, e := range m {
			w.shape(shapes[s.Key], k, path+".key", member)
			if e != nil {
				w.shape(shapes[s.Elem], e, path+"."+k+".value", member)
			}
		}
	case KindDocument:
	}
}

func (w *walker) length(s *Shape, v any, n int64, path, member string) {
	if s.MinLen != nil && n < *s.MinLen {
		w.fail(path, member, s, v, fmt.Sprintf("Member must have length greater than or equal to %d", *s.MinLen))
	}
	if s.MaxLen != nil && n > *s.MaxLen {
		w.fail(path, member, s, v, fmt.Sprintf("Member must have length less than or equal to %d", *s.MaxLen))
	}
}

// integer accepts the number types encoding/json and Go callers produce; a
// fraction or a value outside int32 is not a Smithy integer.
func integer(v any) (int64, bool) {
	var n int64
	switch x := v.(type) {
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case float64:
		if x != math.Trunc(x) || math.IsInf(x, 0) {
			return 0, false
		}
		n = int64(x)
	case json.Number:
		i, err := strconv.ParseInt(string(x), 10, 64)
		if err != nil {
			return 0, false
		}
		n = i
	default:
		return 0, false
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return n, true
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	return 0, false
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "STRING_VALUE"
	case bool:
		return "BOOLEAN_VALUE"
	case map[string]any:
		return "START_OBJECT"
	case []any:
		return "START_ARRAY"
	case nil:
		return "NULL_VALUE"
	}
	return "NUMBER_VALUE"
}

func render(v any) string {
	switch x := v.(type) {
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		return fmt.Sprintf("{%d entries}", len(x))
	}
	return fmt.Sprint(v)
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
