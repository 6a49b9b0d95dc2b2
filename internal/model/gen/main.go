// Command gen turns the Smithy JSON model of Cognito user pools into the Go
// table in package model. Only what validation and error handling need is
// kept: shape kinds, length/range/pattern/enum constraints, required and
// sensitive members, error faults, operations, their errors and whether they
// are IAM-signed.
//
//	go run ./gen -model cognito-idp-model-subset.json -out model_gen.go
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"regexp"
	"sort"
	"strings"
)

const ns = "com.amazonaws.cognitoidentityprovider#"

// supplement adds shapes the model subset does not hold, copied from the
// full model / API reference: AdminListDevices (IAM-signed, server side)
// with the UserPoolIdType it needs, GetTokensFromRefreshToken (how Amplify
// v6.22 refreshes tokens) with its RefreshTokenReuseException, and the newer
// OperationNotEnabledException (2026-06-01 release). A shape the subset
// already holds is kept as it is there.
const supplement = `{
  "com.amazonaws.cognitoidentityprovider#AdminListDevices": {"type": "operation",
    "input": {"target": "com.amazonaws.cognitoidentityprovider#AdminListDevicesRequest"},
    "output": {"target": "com.amazonaws.cognitoidentityprovider#AdminListDevicesResponse"},
    "errors": [
      {"target": "com.amazonaws.cognitoidentityprovider#InternalErrorException"},
      {"target": "com.amazonaws.cognitoidentityprovider#InvalidParameterException"},
      {"target": "com.amazonaws.cognitoidentityprovider#InvalidUserPoolConfigurationException"},
      {"target": "com.amazonaws.cognitoidentityprovider#NotAuthorizedException"},
      {"target": "com.amazonaws.cognitoidentityprovider#ResourceNotFoundException"},
      {"target": "com.amazonaws.cognitoidentityprovider#TooManyRequestsException"},
      {"target": "com.amazonaws.cognitoidentityprovider#UserNotFoundException"}],
    "traits": {"aws.auth#sigv4": {"name": "cognito-idp"}}},
  "com.amazonaws.cognitoidentityprovider#AdminListDevicesRequest": {"type": "structure", "members": {
    "UserPoolId": {"target": "com.amazonaws.cognitoidentityprovider#UserPoolIdType", "traits": {"smithy.api#required": {}}},
    "Username": {"target": "com.amazonaws.cognitoidentityprovider#UsernameType", "traits": {"smithy.api#required": {}}},
    "Limit": {"target": "com.amazonaws.cognitoidentityprovider#QueryLimitType"},
    "PaginationToken": {"target": "com.amazonaws.cognitoidentityprovider#SearchPaginationTokenType"}}},
  "com.amazonaws.cognitoidentityprovider#AdminListDevicesResponse": {"type": "structure", "members": {
    "Devices": {"target": "com.amazonaws.cognitoidentityprovider#DeviceListType"},
    "PaginationToken": {"target": "com.amazonaws.cognitoidentityprovider#SearchPaginationTokenType"}}},
  "com.amazonaws.cognitoidentityprovider#GetTokensFromRefreshToken": {"type": "operation",
    "input": {"target": "com.amazonaws.cognitoidentityprovider#GetTokensFromRefreshTokenRequest"},
    "output": {"target": "com.amazonaws.cognitoidentityprovider#GetTokensFromRefreshTokenResponse"},
    "errors": [
      {"target": "com.amazonaws.cognitoidentityprovider#ForbiddenException"},
      {"target": "com.amazonaws.cognitoidentityprovider#InternalErrorException"},
      {"target": "com.amazonaws.cognitoidentityprovider#InvalidLambdaResponseException"},
      {"target": "com.amazonaws.cognitoidentityprovider#InvalidParameterException"},
      {"target": "com.amazonaws.cognitoidentityprovider#NotAuthorizedException"},
      {"target": "com.amazonaws.cognitoidentityprovider#RefreshTokenReuseException"},
      {"target": "com.amazonaws.cognitoidentityprovider#ResourceNotFoundException"},
      {"target": "com.amazonaws.cognitoidentityprovider#TooManyRequestsException"},
      {"target": "com.amazonaws.cognitoidentityprovider#UnexpectedLambdaException"},
      {"target": "com.amazonaws.cognitoidentityprovider#UserLambdaValidationException"},
      {"target": "com.amazonaws.cognitoidentityprovider#UserNotFoundException"}]},
  "com.amazonaws.cognitoidentityprovider#GetTokensFromRefreshTokenRequest": {"type": "structure", "members": {
    "RefreshToken": {"target": "com.amazonaws.cognitoidentityprovider#TokenModelType", "traits": {"smithy.api#required": {}}},
    "ClientId": {"target": "com.amazonaws.cognitoidentityprovider#ClientIdType", "traits": {"smithy.api#required": {}}},
    "ClientSecret": {"target": "com.amazonaws.cognitoidentityprovider#ClientSecretType"},
    "DeviceKey": {"target": "com.amazonaws.cognitoidentityprovider#DeviceKeyType"},
    "ClientMetadata": {"target": "com.amazonaws.cognitoidentityprovider#ClientMetadataType"}}},
  "com.amazonaws.cognitoidentityprovider#GetTokensFromRefreshTokenResponse": {"type": "structure", "members": {
    "AuthenticationResult": {"target": "com.amazonaws.cognitoidentityprovider#AuthenticationResultType"}}},
  "com.amazonaws.cognitoidentityprovider#RefreshTokenReuseException": {"type": "structure",
    "members": {"message": {"target": "com.amazonaws.cognitoidentityprovider#MessageType"}},
    "traits": {"smithy.api#error": "client", "smithy.api#httpError": 400}},
  "com.amazonaws.cognitoidentityprovider#UserPoolIdType": {"type": "string",
    "traits": {"smithy.api#length": {"min": 1, "max": 55}, "smithy.api#pattern": "^[\\w-]+_[0-9a-zA-Z]+$"}},
  "com.amazonaws.cognitoidentityprovider#OperationNotEnabledException": {"type": "structure",
    "members": {"message": {"target": "com.amazonaws.cognitoidentityprovider#MessageType"}},
    "traits": {"smithy.api#error": "client", "smithy.api#httpError": 400}}
}`

type ref struct {
	Target string `json:"target"`
}

type smithyShape struct {
	Type    string                     `json:"type"`
	Traits  map[string]json.RawMessage `json:"traits"`
	Members map[string]struct {
		Target string                     `json:"target"`
		Traits map[string]json.RawMessage `json:"traits"`
	} `json:"members"`
	Member ref   `json:"member"`
	Key    ref   `json:"key"`
	Value  ref   `json:"value"`
	Input  ref   `json:"input"`
	Output ref   `json:"output"`
	Errors []ref `json:"errors"`
}

func main() {
	modelPath := flag.String("model", "cognito-idp-model-subset.json", "Smithy JSON model")
	out := flag.String("out", "model_gen.go", "output Go file")
	flag.Parse()
	src, err := generate(*modelPath)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

func generate(modelPath string) ([]byte, error) {
	raw, err := os.ReadFile(modelPath)
	if err != nil {
		return nil, err
	}
	var model struct {
		Shapes map[string]smithyShape `json:"shapes"`
	}
	if err := json.Unmarshal(raw, &model); err != nil {
		return nil, fmt.Errorf("parse %s: %w", modelPath, err)
	}
	var extra map[string]smithyShape
	if err := json.Unmarshal([]byte(supplement), &extra); err != nil {
		return nil, fmt.Errorf("parse supplement: %w", err)
	}
	for id, s := range extra {
		if _, ok := model.Shapes[id]; !ok {
			model.Shapes[id] = s
		}
	}
	// Every operation gained OperationNotEnabledException in the 2026-06-01 release.
	for id, s := range model.Shapes {
		if s.Type == "operation" {
			s.Errors = append(s.Errors, ref{ns + "OperationNotEnabledException"})
			model.Shapes[id] = s
		}
	}

	ids := make([]string, 0, len(model.Shapes))
	for id := range model.Shapes {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	var shapes, ops bytes.Buffer
	for _, id := range ids {
		s := model.Shapes[id]
		name := short(id)
		switch s.Type {
		case "service":
			continue
		case "operation":
			var errs []string
			seen := map[string]bool{}
			for _, e := range s.Errors {
				if !seen[e.Target] {
					seen[e.Target] = true
					errs = append(errs, short(e.Target))
				}
			}
			sort.Strings(errs)
			_, signed := s.Traits["aws.auth#sigv4"]
			fmt.Fprintf(&ops, "%q: {Name: %q, Input: %q, Output: %q, Errors: %#v, SigV4: %v},\n",
				name, name, short(s.Input.Target), short(s.Output.Target), errs, signed)
			continue
		}
		kind, ok := kinds[s.Type]
		if !ok {
			return nil, fmt.Errorf("shape %s: unsupported type %q", id, s.Type)
		}
		fmt.Fprintf(&shapes, "%q: {Name: %q, Kind: %s", name, name, kind)
		if err := writeTraits(&shapes, s.Traits); err != nil {
			return nil, fmt.Errorf("shape %s: %w", id, err)
		}
		switch s.Type {
		case "structure":
			names := make([]string, 0, len(s.Members))
			for n := range s.Members {
				names = append(names, n)
			}
			sort.Strings(names)
			shapes.WriteString(", Members: []Member{")
			for _, n := range names {
				m := s.Members[n]
				_, req := m.Traits["smithy.api#required"]
				fmt.Fprintf(&shapes, "{Name: %q, Target: %q, Required: %v},", n, short(m.Target), req)
			}
			shapes.WriteString("}")
		case "enum":
			var vals []string
			for _, m := range s.Members {
				var v string
				if err := json.Unmarshal(m.Traits["smithy.api#enumValue"], &v); err != nil {
					return nil, fmt.Errorf("shape %s: enum value: %w", id, err)
				}
				vals = append(vals, v)
			}
			sort.Strings(vals)
			fmt.Fprintf(&shapes, ", Enum: %#v", vals)
		case "list":
			fmt.Fprintf(&shapes, ", Elem: %q", short(s.Member.Target))
		case "map":
			fmt.Fprintf(&shapes, ", Key: %q, Elem: %q", short(s.Key.Target), short(s.Value.Target))
		}
		shapes.WriteString("},\n")
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by go run ./gen; DO NOT EDIT.\n// Source: %s and the supplement in gen/main.go.\n\n", "cognito-idp-model-subset.json")
	b.WriteString("package model\n\n")
	b.WriteString("var shapes = map[string]*Shape{\n")
	b.Write(shapes.Bytes())
	b.WriteString("\"Unit\": {Name: \"Unit\", Kind: KindStructure},\n}\n\n")
	b.WriteString("var operations = map[string]*Operation{\n")
	b.Write(ops.Bytes())
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

var kinds = map[string]string{
	"string": "KindString", "integer": "KindInteger", "boolean": "KindBoolean",
	"timestamp": "KindTimestamp", "structure": "KindStructure", "list": "KindList",
	"map": "KindMap", "enum": "KindEnum", "document": "KindDocument",
}

func writeTraits(b *bytes.Buffer, traits map[string]json.RawMessage) error {
	var bounds struct {
		Min *int64 `json:"min"`
		Max *int64 `json:"max"`
	}
	for _, t := range []struct{ trait, min, max string }{
		{"smithy.api#length", "MinLen", "MaxLen"},
		{"smithy.api#range", "Min", "Max"},
	} {
		raw, ok := traits[t.trait]
		if !ok {
			continue
		}
		bounds.Min, bounds.Max = nil, nil
		if err := json.Unmarshal(raw, &bounds); err != nil {
			return fmt.Errorf("%s: %w", t.trait, err)
		}
		if bounds.Min != nil {
			fmt.Fprintf(b, ", %s: ptr(%d)", t.min, *bounds.Min)
		}
		if bounds.Max != nil {
			fmt.Fprintf(b, ", %s: ptr(%d)", t.max, *bounds.Max)
		}
	}
	if raw, ok := traits["smithy.api#pattern"]; ok {
		var p string
		if err := json.Unmarshal(raw, &p); err != nil {
			return err
		}
		if _, err := regexp.Compile(p); err != nil {
			return fmt.Errorf("pattern %q is not valid RE2: %w", p, err)
		}
		fmt.Fprintf(b, ", Pattern: %s", quoteRaw(p))
	}
	if _, ok := traits["smithy.api#sensitive"]; ok {
		b.WriteString(", Sensitive: true")
	}
	if raw, ok := traits["smithy.api#error"]; ok {
		var fault string
		if err := json.Unmarshal(raw, &fault); err != nil {
			return err
		}
		fmt.Fprintf(b, ", Fault: %q", fault)
	}
	return nil
}

func short(id string) string {
	if i := strings.LastIndexByte(id, '#'); i >= 0 {
		return id[i+1:]
	}
	return id
}

func quoteRaw(s string) string {
	if !strings.Contains(s, "`") {
		return "`" + s + "`"
	}
	return fmt.Sprintf("%q", s)
}
