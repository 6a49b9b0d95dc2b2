package engine

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// firefoxPrefs keep a test profile quiet and off the network: no first-run
// pages, updates, telemetry, experiments or remote settings. (The remote
// agent adds its own recommended automation preferences on top.)
var firefoxPrefs = map[string]any{
	"app.normandy.enabled":                        false,
	"app.update.disabledForTesting":               true,
	"browser.shell.checkDefaultBrowser":           false,
	"browser.safebrowsing.malware.enabled":        false,
	"browser.safebrowsing.phishing.enabled":       false,
	"browser.safebrowsing.downloads.enabled":      false,
	"browser.startup.homepage_override.mstone":    "ignore",
	"datareporting.healthreport.uploadEnabled":    false,
	"datareporting.policy.dataSubmissionEnabled":  false,
	"extensions.update.enabled":                   false,
	"messaging-system.rsexperimentloader.enabled": false,
	"network.captive-portal-service.enabled":      false,
	"network.connectivity-service.enabled":        false,
	"services.settings.server":                    "data:,#remote-settings-dummy/v1",
	"toolkit.telemetry.enabled":                   false,
	"browser.backup.enabled":                      false,
}

// Firefox is a headless Firefox driven over WebDriver BiDi.
type Firefox struct {
	cmd     *exec.Cmd
	exited  chan struct{}
	profile string
	bidi    *bidi
	stderr  *tail

	mu    sync.Mutex
	pages map[string]*firefoxPage // by browsing context id
}

// StartFirefox starts the Firefox at path headless with a fresh profile and
// opens a BiDi session on its remote agent.
func StartFirefox(ctx context.Context, path string) (_ *Firefox, err error) {
	profile, err := os.MkdirTemp("", "cognito-wasm-firefox-")
	if err != nil {
		return nil, err
	}
	f := &Firefox{profile: profile, pages: map[string]*firefoxPage{}, stderr: &tail{}, exited: make(chan struct{})}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	var prefs strings.Builder
	for k, v := range firefoxPrefs {
		b, _ := json.Marshal(v)
		fmt.Fprintf(&prefs, "user_pref(%q, %s);\n", k, b)
	}
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(prefs.String()), 0o644); err != nil {
		return nil, err
	}
	f.cmd = exec.Command(path, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0", "about:blank")
	f.cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	stderr, err := f.cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := f.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	go func() { f.cmd.Wait(); close(f.exited) }()

	// The remote agent says where it listens on stderr; the rest of stderr
	// is kept (the last lines) for error messages.
	found := make(chan string, 1)
	go func() {
		listening := regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			f.stderr.add(sc.Text())
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	var url string
	select {
	case url = <-found:
	case <-f.exited:
		return nil, fmt.Errorf("%s exited before its remote agent listened: %s", path, f.stderr)
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the remote agent of %s: %w: %s", path, ctx.Err(), f.stderr)
	}
	if f.bidi, err = dialBiDi(ctx, url+"/session", f.onEvent); err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", url, err)
	}
	if err := f.bidi.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		return nil, err
	}
	if err := f.bidi.call(ctx, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *Firefox) onEvent(method string, params json.RawMessage) {
	if method != "log.entryAdded" {
		return
	}
	var e struct {
		Type   string `json:"type"`
		Level  string `json:"level"`
		Text   string `json:"text"`
		Method string `json:"method"`
		Source struct {
			Context string `json:"context"`
		} `json:"source"`
		StackTrace struct {
			CallFrames []json.RawMessage `json:"callFrames"`
		} `json:"stackTrace"`
	}
	if json.Unmarshal(params, &e) != nil || e.Level != "error" {
		return
	}
	// Script errors come with the stack that threw; the browser's own
	// messages (a refused request, a CORS failure) come without one and,
	// like Chromium's Log domain, are not the page's problems.
	if e.Type == "javascript" && len(e.StackTrace.CallFrames) == 0 {
		return
	}
	f.mu.Lock()
	p := f.pages[e.Source.Context]
	f.mu.Unlock()
	if p == nil {
		return
	}
	what := "uncaught"
	if e.Type == "console" {
		what = "console." + e.Method
	}
	p.mu.Lock()
	p.problems = append(p.problems, what+": "+e.Text)
	p.mu.Unlock()
}

// NewPage opens a tab in a new user context (its own cookies and storage;
// Firefox before 121 has none, and its tabs share the default one).
func (f *Firefox) NewPage(ctx context.Context) (Page, error) {
	var uc struct {
		UserContext string `json:"userContext"`
	}
	if err := f.bidi.call(ctx, "browser.createUserContext", nil, &uc); err != nil && !strings.Contains(err.Error(), "unknown command") {
		return nil, err
	}
	create := map[string]any{"type": "tab"}
	if uc.UserContext != "" {
		create["userContext"] = uc.UserContext
	}
	var bc struct {
		Context string `json:"context"`
	}
	if err := f.bidi.call(ctx, "browsingContext.create", create, &bc); err != nil {
		if uc.UserContext != "" {
			f.bidi.call(ctx, "browser.removeUserContext", map[string]any{"userContext": uc.UserContext}, nil)
		}
		return nil, err
	}
	p := &firefoxPage{f: f, context: bc.Context, userContext: uc.UserContext}
	f.mu.Lock()
	f.pages[bc.Context] = p
	f.mu.Unlock()
	return p, nil
}

// Close ends the session (which closes Firefox) and removes the profile.
func (f *Firefox) Close() error {
	if f.bidi != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		f.bidi.call(ctx, "browser.close", nil, nil)
		cancel()
		f.bidi.close()
	}
	if f.cmd != nil && f.cmd.Process != nil {
		select {
		case <-f.exited:
		case <-time.After(10 * time.Second):
			f.cmd.Process.Kill()
			<-f.exited
		}
	}
	return os.RemoveAll(f.profile)
}

type firefoxPage struct {
	f                    *Firefox
	context, userContext string

	mu       sync.Mutex
	problems []string
}

func (p *firefoxPage) Navigate(ctx context.Context, url string) error {
	return p.f.bidi.call(ctx, "browsingContext.navigate", map[string]any{"context": p.context, "url": url, "wait": "complete"}, nil)
}

func (p *firefoxPage) Eval(ctx context.Context, expr string) (string, error) {
	var r bidiEvalResult
	if err := p.f.bidi.call(ctx, "script.evaluate", map[string]any{
		"expression":      expr,
		"target":          map[string]any{"context": p.context},
		"awaitPromise":    true,
		"resultOwnership": "none",
	}, &r); err != nil {
		return "", err
	}
	return r.value()
}

func (p *firefoxPage) Problems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.problems...)
}

func (p *firefoxPage) Close() error {
	p.f.mu.Lock()
	delete(p.f.pages, p.context)
	p.f.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := p.f.bidi.call(ctx, "browsingContext.close", map[string]any{"context": p.context}, nil)
	if p.userContext == "" {
		return err
	}
	if err2 := p.f.bidi.call(ctx, "browser.removeUserContext", map[string]any{"userContext": p.userContext}, nil); err == nil {
		err = err2
	}
	return err
}

// tail keeps the last lines a browser wrote, for error messages.
type tail struct {
	mu    sync.Mutex
	lines []string
}

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > 20 {
		t.lines = t.lines[len(t.lines)-20:]
	}
}

// Write keeps what a process writes, line by line.
func (t *tail) Write(b []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		t.add(line)
	}
	return len(b), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}
