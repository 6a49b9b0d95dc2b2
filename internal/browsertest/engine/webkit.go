package engine

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// WebKit is WebKitGTK's MiniBrowser (or Safari, with safaridriver) driven
// over classic WebDriver by the engine's driver. On Linux it runs under an
// Xvfb it starts (the desktop's display only when there is no Xvfb).
//
// One WebDriver session, so one browser window, serves the run: NewPage
// waits until the page before it is closed, and pages share cookies and
// storage (classic WebDriver has no per-page profile).
type WebKit struct {
	driver *exec.Cmd
	exited chan struct{}
	url    string // the driver's base URL
	caps   map[string]any
	xvfb   *exec.Cmd
	stderr *tail

	session string        // /session/<id>
	slot    chan struct{} // one page at a time
}

// StartWebKit starts the WebDriver server at driverPath (WebKitWebDriver
// or safaridriver) and, for WebKitGTK on Linux, an Xvfb.
func StartWebKit(ctx context.Context, driverPath string) (_ *WebKit, err error) {
	w := &WebKit{stderr: &tail{}, exited: make(chan struct{}), slot: make(chan struct{}, 1)}
	defer func() {
		if err != nil {
			w.Close()
		}
	}()
	env := os.Environ()
	if filepath.Base(driverPath) == "safaridriver" {
		w.caps = map[string]any{"browserName": "safari"}
	} else {
		mini, err := findMiniBrowser()
		if err != nil {
			return nil, err
		}
		w.caps = map[string]any{"webkitgtk:browserOptions": map[string]any{"binary": mini, "args": []string{"--automation"}}}
		// Its own X server where there is Xvfb, so no window shows on a
		// developer's desktop; else the display there is.
		if _, lookErr := exec.LookPath("Xvfb"); runtime.GOOS == "linux" && (lookErr == nil || os.Getenv("DISPLAY")+os.Getenv("WAYLAND_DISPLAY") == "") {
			display, err := w.startXvfb(ctx)
			if err != nil {
				return nil, err
			}
			env = append(env, "DISPLAY="+display, "GDK_BACKEND=x11")
		}
	}

	port, err := freePort()
	if err != nil {
		return nil, err
	}
	w.url = "http://127.0.0.1:" + strconv.Itoa(port)
	w.driver = exec.Command(driverPath, "--port="+strconv.Itoa(port))
	if filepath.Base(driverPath) != "safaridriver" {
		w.driver.Args = append(w.driver.Args, "--host=127.0.0.1")
	}
	w.driver.Env = env
	w.driver.Stdout = w.stderr
	w.driver.Stderr = w.stderr
	if err := w.driver.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", driverPath, err)
	}
	go func() { w.driver.Wait(); close(w.exited) }()

	// The driver prints nothing when it is ready; ask its /status until it
	// answers (each attempt is one connection, refused until it listens).
	for {
		var st struct {
			Ready bool `json:"ready"`
		}
		if err := w.do(ctx, http.MethodGet, "/status", nil, &st); err == nil {
			break
		}
		select {
		case <-w.exited:
			return nil, fmt.Errorf("%s exited: %s", driverPath, w.stderr)
		case <-ctx.Done():
			return nil, fmt.Errorf("waiting for %s: %w: %s", driverPath, ctx.Err(), w.stderr)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := w.startSession(ctx); err != nil {
		return nil, err
	}
	return w, nil
}

// findMiniBrowser locates WebKitGTK's MiniBrowser: $WEBKIT_MINIBROWSER, then
// where Debian (libwebkit2gtk-4.x) and Fedora put it, then PATH.
func findMiniBrowser() (string, error) {
	if v := os.Getenv("WEBKIT_MINIBROWSER"); v != "" {
		return v, nil
	}
	for _, pattern := range []string{
		"/usr/lib/*/webkit2gtk-4.1/MiniBrowser", "/usr/lib/*/webkit2gtk-4.0/MiniBrowser", "/usr/lib/*/webkitgtk-6.0/MiniBrowser",
		"/usr/libexec/webkit2gtk-4.1/MiniBrowser", "/usr/libexec/webkit2gtk-4.0/MiniBrowser", "/usr/libexec/webkitgtk-6.0/MiniBrowser",
	} {
		if m, _ := filepath.Glob(pattern); len(m) > 0 {
			return m[0], nil
		}
	}
	if p, err := exec.LookPath("MiniBrowser"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%w: WebKitGTK's MiniBrowser is needed for the WebKit tests; install it (Debian: apt-get install webkit2gtk-driver, which pulls it in) or set WEBKIT_MINIBROWSER", ErrNotFound)
}

// startXvfb starts an X server on a free display and returns its name.
func (w *WebKit) startXvfb(ctx context.Context) (string, error) {
	path, err := exec.LookPath("Xvfb")
	if err != nil {
		return "", fmt.Errorf("%w: WebKitGTK needs a display and Xvfb is missing; install it (Debian: apt-get install xvfb) or set DISPLAY", ErrNotFound)
	}
	r, wr, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	// -displayfd: Xvfb picks a free display and writes its number to fd 3.
	w.xvfb = exec.Command(path, "-displayfd", "3", "-screen", "0", "1280x900x24", "-nolisten", "tcp")
	w.xvfb.ExtraFiles = []*os.File{wr}
	w.xvfb.Stderr = w.stderr
	err = w.xvfb.Start()
	wr.Close()
	if err != nil {
		return "", fmt.Errorf("starting Xvfb: %w", err)
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			return "", fmt.Errorf("Xvfb did not start: %s", w.stderr)
		}
		return ":" + n, nil
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for Xvfb: %w", ctx.Err())
	}
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// webdriverError is the error object of the W3C WebDriver protocol.
type webdriverError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// do sends one WebDriver command and decodes the reply's value into out.
func (w *WebKit) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.url+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var reply struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		return fmt.Errorf("%s %s: HTTP %d: %w", method, path, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e webdriverError
		json.Unmarshal(reply.Value, &e)
		return fmt.Errorf("%s %s: %s: %s", method, path, e.Error, e.Message)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(reply.Value, out)
}

// NewPage hands out the session's one window, once the page before it is
// closed, at about:blank.
func (w *WebKit) NewPage(ctx context.Context) (Page, error) {
	select {
	case w.slot <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for the WebKit window: %w", ctx.Err())
	}
	p := &webkitPage{w: w}
	if err := p.Navigate(ctx, "about:blank"); err != nil {
		<-w.slot
		return nil, err
	}
	return p, nil
}

// startSession starts the browser: one WebDriver session for the run.
func (w *WebKit) startSession(ctx context.Context) error {
	var s struct {
		SessionID string `json:"sessionId"`
	}
	if err := w.do(ctx, http.MethodPost, "/session", map[string]any{"capabilities": map[string]any{"alwaysMatch": w.caps}}, &s); err != nil {
		return fmt.Errorf("%w (driver output: %s)", err, w.stderr)
	}
	w.session = "/session/" + s.SessionID
	// Scripts run as long as the caller's context allows.
	return w.do(ctx, http.MethodPost, w.session+"/timeouts", map[string]any{"script": nil, "pageLoad": 60000}, nil)
}

// Close ends the session, then stops the driver and Xvfb.
func (w *WebKit) Close() error {
	if w.session != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		w.do(ctx, http.MethodDelete, w.session, nil, nil)
		cancel()
	}
	for _, c := range []*exec.Cmd{w.driver, w.xvfb} {
		if c != nil && c.Process != nil {
			c.Process.Kill()
		}
	}
	if w.driver != nil && w.driver.Process != nil {
		<-w.exited
	}
	if w.xvfb != nil && w.xvfb.Process != nil {
		w.xvfb.Wait()
	}
	return nil
}

type webkitPage struct {
	w    *WebKit
	once sync.Once
}

func (p *webkitPage) Navigate(ctx context.Context, url string) error {
	return p.w.do(ctx, http.MethodPost, p.w.session+"/url", map[string]any{"url": url}, nil)
}

// evalScript makes an async WebDriver script of the expression: its value,
// or the message of its rejection, goes to the callback.
func evalScript(expr string) string {
	return "const done = arguments[arguments.length - 1];\n" +
		"Promise.resolve().then(() => (" + expr + "\n)).then(\n" +
		"  (v) => done({ ok: v }),\n" +
		"  (e) => done({ err: String(e) }));"
}

func (p *webkitPage) Eval(ctx context.Context, expr string) (string, error) {
	var r struct {
		OK  *string `json:"ok"`
		Err *string `json:"err"`
	}
	if err := p.w.do(ctx, http.MethodPost, p.w.session+"/execute/async", map[string]any{"script": evalScript(expr), "args": []any{}}, &r); err != nil {
		return "", err
	}
	switch {
	case r.Err != nil:
		return "", errors.New(*r.Err)
	case r.OK == nil:
		return "", errors.New("the script returned no string")
	}
	return *r.OK, nil
}

// Problems is empty: classic WebDriver does not report the console.
func (p *webkitPage) Problems() []string { return nil }

// Close clears the cookies and Web Storage of the origin the page is on
// (the next page shares the session's storage), leaves the page (its
// workers end with it) and frees the window.
func (p *webkitPage) Close() error {
	var err error
	p.once.Do(func() {
		defer func() { <-p.w.slot }()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err = p.Eval(ctx, `(() => { try { localStorage.clear(); sessionStorage.clear(); } catch {} return ''; })()`); err != nil {
			return
		}
		if err = p.w.do(ctx, http.MethodDelete, p.w.session+"/cookie", nil, nil); err != nil {
			return
		}
		err = p.Navigate(ctx, "about:blank")
	})
	return err
}
