package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/emulator"
)

// fidelitySubject is one client in the fidelity check: the page it runs in
// and how to read its results.
type fidelitySubject struct {
	name string // client name in the report
	page string // bench page
	lib  string // adapter to switch to on that page ("" = the page's own)
	raw  bool   // returns Cognito's raw output (the SDK)
	rule dateRule
}

// fidelity signs in with Amplify itself (USER_PASSWORD_AUTH) in a fresh
// browser, then lists passkeys and devices with Amplify, with the SDK JS v3
// and with cognito-wasm in both modes, all on the session Amplify stored,
// and compares each with the seed; then each client deletes a passkey on a
// freshly reset pool and lists again. Any difference fails the benchmark.
func (r *runner) fidelity(ctx context.Context) error {
	res := &r.rep.Fidelity
	res.Checks = []FidelityCheck{}
	subjects := []fidelitySubject{
		{name: "amplify", page: fidelityRefPage, lib: "amplify", rule: amplifyDate},
		{name: "sdkv3", page: fidelityRefPage, lib: "sdk", raw: true, rule: sdkDate},
		{name: "wasm-page", page: "wasm-page.html", rule: amplifyDate},
		{name: "wasm-worker", page: "wasm-worker.html", rule: amplifyDate},
	}
	c, err := startChromium(ctx, r.cfg.Chromium, r.browserFlags())
	if err != nil {
		return err
	}
	defer c.close()
	if err := r.browserInfo(ctx, c); err != nil {
		return err
	}
	defer r.em.Reset()
	fctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	// Sign in with Amplify on the reference page; every client then uses
	// the session Amplify stored in localStorage.
	ref, err := c.newTab(false)
	if err != nil {
		return err
	}
	defer ref.close()
	if err := ref.navigate(r.originURL + "/bench/" + fidelityRefPage); err != nil {
		return err
	}
	var signedIn struct {
		IsSignedIn bool   `json:"isSignedIn"`
		Step       string `json:"step"`
	}
	expr := fmt.Sprintf(`(async () => {
		await bench.use('amplify');
		const r = await RefAmplify.signIn({ username: %q, password: %q });
		return { isSignedIn: r.isSignedIn, step: r.nextStep && r.nextStep.signInStep };
	})()`, emulator.DemoUsername, emulator.DemoPassword)
	if err := ref.eval(fctx, expr, &signedIn); err != nil {
		return fmt.Errorf("Amplify signIn: %w", err)
	}
	if !signedIn.IsSignedIn {
		return fmt.Errorf("Amplify signIn did not finish: next step %q", signedIn.Step)
	}

	res.Passed = true
	check := func(client, op string, items int, diffs []string) {
		res.Checks = append(res.Checks, FidelityCheck{Client: client, Operation: op, Passed: len(diffs) == 0, Items: items, Diffs: diffs})
		if len(diffs) > 0 {
			res.Passed = false
			r.logf("bench: fidelity: %s %s: %v", client, op, diffs)
		}
	}
	for _, sub := range subjects {
		if !r.has(sub.name) && sub.lib == "" {
			continue // a wasm mode left out with -clients
		}
		t := ref
		if sub.page != fidelityRefPage {
			cl, _ := clientByName(sub.name)
			v, err := r.visit(fctx, c, cl, visitOpts{keep: true})
			if err != nil {
				check(sub.name, "load", 0, []string{err.Error()})
				continue
			}
			t = v.tab
		} else if err := t.eval(fctx, fmt.Sprintf("bench.use(%q)", sub.lib), nil); err != nil {
			return err
		}
		err := r.fidelityOf(fctx, t, sub, check)
		if t != ref {
			t.close()
		}
		if err != nil {
			check(sub.name, "run", 0, []string{err.Error()})
		}
	}
	return nil
}

func (r *runner) has(name string) bool {
	for _, c := range r.cfg.Clients {
		if c == name {
			return true
		}
	}
	return false
}

func (r *runner) fidelityOf(ctx context.Context, t *tab, sub fidelitySubject, check func(string, string, int, []string)) error {
	wantCreds, wantDevs, err := expectedFromSeed(r.seed, emulator.DemoPoolID, emulator.DemoUsername, sub.rule)
	if err != nil {
		return err
	}
	listCreds := func() ([]credential, error) {
		v, err := callJSON(ctx, t, "listCredentials", "")
		if err != nil {
			return nil, err
		}
		if sub.raw {
			return parseSDKCredentials(v)
		}
		return parseAmplifyCredentials(v)
	}
	creds, err := listCreds()
	if err != nil {
		check(sub.name, "listWebAuthnCredentials", 0, []string{err.Error()})
	} else {
		check(sub.name, "listWebAuthnCredentials", len(creds), diffList("credentials", creds, wantCreds, credID))
	}
	v, err := callJSON(ctx, t, "listDevices", "")
	var devs []device
	if err == nil {
		if sub.raw {
			devs, err = parseSDKDevices(v)
		} else {
			devs, err = parseAmplifyDevices(v)
		}
	}
	if err != nil {
		check(sub.name, "fetchDevices", 0, []string{err.Error()})
	} else {
		check(sub.name, "fetchDevices", len(devs), diffList("devices", devs, wantDevs, devID))
	}

	// Delete on a pool just reset to the seed, then list again.
	r.em.Reset()
	victim := wantCreds[0].ID
	out, err := callJSON(ctx, t, "deleteCredential", victim)
	var diffs []string
	if err != nil {
		diffs = append(diffs, err.Error())
	} else if !sub.raw && out != "" {
		diffs = append(diffs, "deleteWebAuthnCredential resolved with "+out+", want undefined")
	}
	after, err := listCreds()
	if err != nil {
		diffs = append(diffs, err.Error())
	} else {
		diffs = append(diffs, diffList("credentials after delete", after, without(wantCreds, victim), credID)...)
	}
	check(sub.name, "deleteWebAuthnCredential", 1, diffs)
	r.em.Reset()
	return nil
}

// callJSON runs bench.call(op, arg) and returns the result's JSON ("" for
// undefined). A rejection becomes an error naming the rejection.
func callJSON(ctx context.Context, t *tab, op, arg string) (string, error) {
	argJS := "undefined"
	if arg != "" {
		b, _ := json.Marshal(arg)
		argJS = string(b)
	}
	var text string
	expr := fmt.Sprintf(`bench.call(%q, %s).catch((e) => JSON.stringify({ error: bench.describe(e) }))`, op, argJS)
	if err := t.eval(ctx, expr, &text); err != nil {
		return "", err
	}
	var env struct {
		V     json.RawMessage `json:"v"`
		Error *struct {
			Name    string `json:"name"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(text), &env); err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	if env.Error != nil {
		return "", fmt.Errorf("%s rejected: %s: %s", op, env.Error.Name, env.Error.Message)
	}
	return string(env.V), nil
}
