package browsertest

import (
	"strings"
	"testing"
)

// badInput is one call the module must refuse before sending anything.
// call is page code with cw bound to the package; name and msg (a part of
// the message naming the problem) are what the AuthError must say.
type badInput struct {
	call, name, msg string
}

const (
	invalid       = "InvalidParameterException"
	notConfigured = "AuthUserPoolException"
)

var badInputs = []badInput{
	// listWebAuthnCredentials: pageSize is MaxResults, 0..20.
	{`cw.listWebAuthnCredentials({ pageSize: 21 })`, invalid, "pageSize must have value less than or equal to 20 (got 21)."},
	{`cw.listWebAuthnCredentials({ pageSize: -1 })`, invalid, "pageSize must have value greater than or equal to 0 (got -1)."},
	{`cw.listWebAuthnCredentials({ pageSize: 1.5 })`, invalid, "pageSize must be an integer (got 1.5)."},
	{`cw.listWebAuthnCredentials({ pageSize: NaN })`, invalid, "pageSize must be an integer (got NaN)."},
	{`cw.listWebAuthnCredentials({ pageSize: Infinity })`, invalid, "pageSize must be an integer (got Infinity)."},
	{`cw.listWebAuthnCredentials({ pageSize: -Infinity })`, invalid, "pageSize must be an integer (got -Infinity)."},
	{`cw.listWebAuthnCredentials({ pageSize: '2' })`, invalid, "pageSize must be a number (got string)."},
	{`cw.listWebAuthnCredentials({ pageSize: true })`, invalid, "pageSize must be a number (got boolean)."},
	{`cw.listWebAuthnCredentials({ pageSize: 2n })`, invalid, "pageSize must be a number (got bigint)."},
	{`cw.listWebAuthnCredentials({ pageSize: [3] })`, invalid, "pageSize must be a number (got array)."},
	{`cw.listWebAuthnCredentials({ pageSize: 2 ** 32 })`, invalid, "pageSize must be an integer from 0 to 20."},
	{`cw.listWebAuthnCredentials({ pageSize: Number.MAX_SAFE_INTEGER + 2 })`, invalid, "pageSize must be an integer (got 9007199254740992)."},
	{`cw.listWebAuthnCredentials({ nextToken: '' })`, invalid, "nextToken must have length greater than or equal to 1"},
	{`cw.listWebAuthnCredentials({ nextToken: '   ' })`, invalid, "nextToken must satisfy regular expression pattern"},
	{`cw.listWebAuthnCredentials({ nextToken: 'a\tb' })`, invalid, "nextToken must satisfy regular expression pattern"},
	{`cw.listWebAuthnCredentials({ nextToken: 'x'.repeat(131073) })`, invalid, "nextToken must have length less than or equal to 131072"},
	{`cw.listWebAuthnCredentials({ nextToken: 'y'.repeat(8 << 20) })`, invalid, "nextToken must have length less than or equal to 131072"},
	{`cw.listWebAuthnCredentials({ nextToken: 42 })`, invalid, "nextToken must be a string (got number)."},
	{`cw.listWebAuthnCredentials({ nextToken: {} })`, invalid, "nextToken must be a string (got object)."},
	{`cw.listWebAuthnCredentials('all')`, invalid, "input must be an object (got string)."},
	{`cw.listWebAuthnCredentials(42)`, invalid, "input must be an object (got number)."},
	{`cw.listWebAuthnCredentials([1, 2])`, invalid, "input must be an object (got array)."},
	{`cw.listWebAuthnCredentials(true)`, invalid, "input must be an object (got boolean)."},

	// listDevices: pageSize is Limit, 0..60; nextToken is PaginationToken.
	{`cw.listDevices({ pageSize: 61 })`, invalid, "pageSize must have value less than or equal to 60 (got 61)."},
	{`cw.listDevices({ pageSize: -5 })`, invalid, "pageSize must have value greater than or equal to 0 (got -5)."},
	{`cw.listDevices({ pageSize: 0.5 })`, invalid, "pageSize must be an integer (got 0.5)."},
	{`cw.listDevices({ pageSize: NaN })`, invalid, "pageSize must be an integer (got NaN)."},
	{`cw.listDevices({ pageSize: '60', nextToken: null })`, invalid, "pageSize must be a number (got string)."},
	{`cw.listDevices({ nextToken: '' })`, invalid, "nextToken must have length greater than or equal to 1"},
	{`cw.listDevices({ nextToken: ' \n ' })`, invalid, "nextToken must satisfy regular expression pattern"},
	{`cw.listDevices('devices')`, invalid, "input must be an object (got string)."},
	// Inputs that cannot cross to the runtime (structured clone) at all.
	{`cw.listDevices({ pageSize: () => 5 })`, invalid, "The input could not be passed to the runtime"},
	{`cw.listDevices({ get pageSize() { throw new Error('getter says no'); } })`, invalid, "The input could not be passed to the runtime: getter says no"},

	// deleteWebAuthnCredential: credentialId is required, up to 131072.
	{`cw.deleteWebAuthnCredential()`, invalid, "credentialId is required."},
	{`cw.deleteWebAuthnCredential({})`, invalid, "credentialId is required."},
	{`cw.deleteWebAuthnCredential({ credentialId: null })`, invalid, "credentialId is required."},
	{`cw.deleteWebAuthnCredential({ credentialId: undefined })`, invalid, "credentialId is required."},
	{`cw.deleteWebAuthnCredential({ credentialId: 7 })`, invalid, "credentialId must be a string (got number)."},
	{`cw.deleteWebAuthnCredential({ credentialId: 'c'.repeat(131073) })`, invalid, "credentialId must have length less than or equal to 131072"},
	{`cw.deleteWebAuthnCredential('AXbG3qk7V9m2Yp0cRz8LwQ')`, invalid, "input must be an object (got string)."},
	// Keys that smuggle a value in through the prototype chain are not read.
	{`cw.deleteWebAuthnCredential(JSON.parse('{"__proto__": {"credentialId": "AXbG3qk7V9m2Yp0cRz8LwQ"}}'))`, invalid, "credentialId is required."},
	{`cw.deleteWebAuthnCredential({ constructor: { prototype: { credentialId: 'AXbG3qk7V9m2Yp0cRz8LwQ' } } })`, invalid, "credentialId is required."},
	{`cw.deleteWebAuthnCredential(Object.create({ credentialId: 'AXbG3qk7V9m2Yp0cRz8LwQ' }))`, invalid, "credentialId is required."},
	{`(async () => {
		Object.prototype.credentialId = 'AXbG3qk7V9m2Yp0cRz8LwQ';
		try { return await cw.deleteWebAuthnCredential({}); } finally { delete Object.prototype.credentialId; }
	})()`, invalid, "credentialId is required."},

	// The options argument.
	{`cw.listDevices({}, { signal: 'abort' })`, invalid, "signal must be an AbortSignal"},
	{`cw.fetchDevices({ signal: { aborted: false } })`, invalid, "signal must be an AbortSignal"},
}

// badTokens come from the token provider and break AccessToken's pattern
// (^[A-Za-z0-9-_=.]+$), or are empty: refused before a request, and never
// echoed (each holds the word "secret").
var badTokens = []struct{ token, name, msg string }{
	{"   ", invalid, "access token must satisfy regular expression pattern"},
	{"secret.with space", invalid, "access token must satisfy regular expression pattern"},
	{"secret.t\u00f6ken.x", invalid, "access token must satisfy regular expression pattern"},
	{"secret.a.b\n", invalid, "access token must satisfy regular expression pattern"},
	{"secret\u0000.a.b", invalid, "access token must satisfy regular expression pattern"},
	{"", "UserUnAuthenticatedException", "User needs to be authenticated to call this API."},
}

// badConfigs are configure() calls the module refuses; config is
// Auth.Cognito given as page code, with P (pool), C (client) and E (the
// emulator's endpoint) good values to start from.
var badConfigs = []badInput{
	{`{ userPoolId: '', userPoolClientId: C, userPoolEndpoint: E }`, notConfigured, "userPoolId is required."},
	{`{ userPoolClientId: C, userPoolEndpoint: E }`, notConfigured, "userPoolId is required."},
	{`{ userPoolId: 'us-east-1', userPoolClientId: C, userPoolEndpoint: E }`, notConfigured, "userPoolId must satisfy regular expression pattern"},
	{`{ userPoolId: 'us-east-1_abc def', userPoolClientId: C, userPoolEndpoint: E }`, notConfigured, "userPoolId must satisfy regular expression pattern"},
	{`{ userPoolId: 5, userPoolClientId: C, userPoolEndpoint: E }`, invalid, "userPoolId must be a string (got number)."},
	{`{ userPoolId: P, userPoolClientId: '', userPoolEndpoint: E }`, notConfigured, "userPoolClientId is required."},
	{`{ userPoolId: P, userPoolClientId: 'not a client!', userPoolEndpoint: E }`, notConfigured, "userPoolClientId must satisfy regular expression pattern"},
	{`{ userPoolId: P, userPoolClientId: C, userPoolEndpoint: 'http://cognito.example.com/' }`, notConfigured, "userPoolEndpoint may use http:// only for localhost"},
	{`{ userPoolId: P, userPoolClientId: C, userPoolEndpoint: 'http://10.0.0.1:9229/' }`, notConfigured, "userPoolEndpoint may use http:// only for localhost"},
	{`{ userPoolId: P, userPoolClientId: C, userPoolEndpoint: 'ftp://127.0.0.1/' }`, notConfigured, "userPoolEndpoint must be an http(s) URL"},
	{`{ userPoolId: P, userPoolClientId: C, userPoolEndpoint: 'not a url' }`, notConfigured, "userPoolEndpoint must be an absolute http(s) URL"},
	{`{ userPoolId: P, userPoolClientId: C, userPoolEndpoint: 'https://user:pw@cognito.example.com/' }`, notConfigured, "userPoolEndpoint must not carry credentials"},
	{`undefined`, notConfigured, "Auth UserPool not configured."},
}

// TestBadInputs runs the bad-input matrix through the public API in both
// modes: every input, token and configuration above is refused with an
// AuthError whose message names the problem, the emulator receives no
// request at all, input errors do not even ask for a token, and no message
// echoes a token. It runs in every engine (engines_test.go).
func TestBadInputs(t *testing.T) {
	t.Parallel() // its own emulator and tab: it can overlap the other reliability tests
	if n := len(badInputs) + len(badTokens) + len(badConfigs); n < 40 {
		t.Fatalf("only %d cases", n)
	}
	for _, mode := range engineModes() {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			pe := startPrivateEmulator(t)
			token := pe.signIn(t)
			tb := mode.engine.newPage(t)
			tb.open(site + "/pages/blank.html")
			var calls, tokens, configs []string
			for _, c := range badInputs {
				calls = append(calls, "() => "+c.call)
			}
			for _, c := range badTokens {
				tokens = append(tokens, jsString(c.token))
			}
			for _, c := range badConfigs {
				configs = append(configs, c.call)
			}
			var r struct {
				Inputs, Tokens, Configs []richOutcome
				TokenCalls              int
			}
			tb.eval(`const cw = await import('/dist/index.mjs');`+richJS+`
				const P = `+jsString(poolConfig()["userPoolId"])+`, C = `+jsString(poolConfig()["userPoolClientId"])+`, E = `+jsString(pe.url)+`;
				const r = { Inputs: [], Tokens: [], Configs: [], TokenCalls: 0 };
				let token = `+jsString(token)+`;
				const tokenProvider = async () => { r.TokenCalls++; return token; };
				await cw.configure({ Auth: { Cognito: { userPoolId: P, userPoolClientId: C, userPoolEndpoint: E } } },
					{ worker: `+mode.worker+`, tokenProvider });
				for (const call of [`+strings.Join(calls, ",\n")+`]) r.Inputs.push(await richAttempt(call));
				const calledForInputs = r.TokenCalls;
				for (const bad of [`+strings.Join(tokens, ", ")+`]) {
					token = bad;
					r.Tokens.push(await richAttempt(() => cw.listDevices()));
				}
				for (const config of [`+strings.Join(configs, ",\n")+`]) {
					r.Configs.push(await richAttempt(() => cw.configure(config && { Auth: { Cognito: config } }, { tokenProvider })));
				}
				r.TokenCalls = calledForInputs;
				return r;
			`, &r)

			check := func(what string, c badInput, got richOutcome) {
				t.Helper()
				if got.Err == nil {
					t.Errorf("%s: resolved with %s, want %s", what, got.OK, c.name)
					return
				}
				wantErr(t, what, got.outcome(), c.name, "")
				if !strings.Contains(got.Err.Message, c.msg) {
					t.Errorf("%s: message %q does not say %q", what, got.Err.Message, c.msg)
				}
				if len(got.Err.Message) > 400 {
					t.Errorf("%s: a %d-character message", what, len(got.Err.Message))
				}
			}
			for i, c := range badInputs {
				check(short(c.call), c, r.Inputs[i])
			}
			for i, c := range badTokens {
				check("token "+jsString(c.token), badInput{name: c.name, msg: c.msg}, r.Tokens[i])
				if strings.Contains(r.Tokens[i].text(), "secret") {
					t.Errorf("token %s: the rejection echoes the token: %s", jsString(c.token), r.Tokens[i].text())
				}
			}
			for i, c := range badConfigs {
				check("configure "+short(c.call), c, r.Configs[i])
			}
			if r.TokenCalls != 0 {
				t.Errorf("the token provider was asked %d times for bad inputs, want 0", r.TokenCalls)
			}
			if log := pe.emu.Requests(); len(log) != 0 {
				t.Errorf("%d requests reached the emulator, want none: %+v", len(log), log)
			}
			checkNoToken(t, []string{token}, map[string]string{"the rejections": func() string {
				var all []string
				for _, list := range [][]richOutcome{r.Inputs, r.Tokens, r.Configs} {
					for _, o := range list {
						all = append(all, o.text())
					}
				}
				return strings.Join(all, "\n")
			}()})
			t.Logf("%d bad inputs, %d bad tokens, %d bad configurations refused; %d requests sent",
				len(badInputs), len(badTokens), len(badConfigs), len(pe.emu.Requests()))
		})
	}
}
