package auth

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/document"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// sentInputs are the SDK inputs of every operation this package sends.
var sentInputs = map[string]any{
	"ListWebAuthnCredentials":      &cip.ListWebAuthnCredentialsInput{},
	"DeleteWebAuthnCredential":     &cip.DeleteWebAuthnCredentialInput{},
	"StartWebAuthnRegistration":    &cip.StartWebAuthnRegistrationInput{},
	"CompleteWebAuthnRegistration": &cip.CompleteWebAuthnRegistrationInput{},
	"ListDevices":                  &cip.ListDevicesInput{},
	"ForgetDevice":                 &cip.ForgetDeviceInput{},
	"UpdateDeviceStatus":           &cip.UpdateDeviceStatusInput{},
}

// TestInputMembersCoverEveryField fills every exported field of each SDK
// input and checks that inputMembers hands each one to the validation,
// under the model's member name: a field the SDK adds, or one the mapping
// forgets, fails here (reflection only in the test, not in the module).
func TestInputMembersCoverEveryField(t *testing.T) {
	for op, in := range sentInputs {
		t.Run(op, func(t *testing.T) {
			v := reflect.ValueOf(in).Elem()
			var fields []string
			for i := 0; i < v.NumField(); i++ {
				f := v.Type().Field(i)
				if !f.IsExported() {
					continue
				}
				fields = append(fields, f.Name)
				switch fv := v.Field(i); {
				case fv.Type() == reflect.TypeOf((*string)(nil)):
					fv.Set(reflect.ValueOf(aws.String("x")))
				case fv.Type() == reflect.TypeOf((*int32)(nil)):
					fv.Set(reflect.ValueOf(aws.Int32(1)))
				case fv.Kind() == reflect.String:
					fv.SetString("x")
				case fv.Type() == reflect.TypeOf((*document.Interface)(nil)).Elem():
					fv.Set(reflect.ValueOf(document.NewLazyDocument(map[string]any{})))
				default:
					t.Fatalf("field %s of type %s: teach this test (and inputMembers) about it", f.Name, f.Type)
				}
			}
			members, token, err := inputMembers(in)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for name := range members {
				got = append(got, name)
			}
			if token != nil {
				got = append(got, "AccessToken")
				*token = aws.String("the token")
				if s := v.FieldByName("AccessToken").Interface().(*string); s == nil || *s != "the token" {
					t.Error("the token was not written into the input's AccessToken")
				}
			}
			var inModel []string
			for _, m := range model.LookupShape(model.LookupOperation(op).Input).Members {
				inModel = append(inModel, m.Name)
			}
			slices.Sort(got)
			slices.Sort(fields)
			slices.Sort(inModel)
			if !slices.Equal(got, fields) || !slices.Equal(fields, inModel) {
				t.Errorf("validated %v, SDK fields %v, model members %v: want all three the same", got, fields, inModel)
			}
		})
	}
}

func TestInputMembersRefusesAnUnknownInput(t *testing.T) {
	if _, _, err := inputMembers(&cip.GetUserInput{}); err == nil {
		t.Error("an input without a case was accepted unvalidated")
	}
}

// TestEverySDKCallIsValidated calls the SDK client directly, as an operation
// that forgot the shared path would: the check in its stack still rejects
// the input before the token is asked for or anything is sent.
func TestEverySDKCallIsValidated(t *testing.T) {
	env := newTestEnv(t)
	tokens := &recordingTokens{tokens: map[bool]string{false: env.signIn(t, emulator.DemoUsername).AccessToken}}
	c := env.client(t, tokens)
	_, err := c.api.ListDevices(context.Background(), &cip.ListDevicesInput{Limit: aws.Int32(61)})
	var e *Error
	if !errors.As(err, &e) || e.Name != NameInvalidParameter || e.Message != "pageSize must have value less than or equal to 60 (got 61)." {
		t.Fatalf("err = %v, want InvalidParameterException about pageSize", err)
	}
	if len(tokens.calls) != 0 || len(env.targets()) != 0 {
		t.Errorf("token asked %d times, requests %v; want none", len(tokens.calls), env.targets())
	}

	// A valid input gets the token from the stack, too.
	out, err := c.api.ListDevices(context.Background(), &cip.ListDevicesInput{Limit: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Devices) != 2 || !slices.Equal(tokens.calls, []bool{false}) {
		t.Errorf("%d devices, token calls %v; want 2 and [false]", len(out.Devices), tokens.calls)
	}
}
