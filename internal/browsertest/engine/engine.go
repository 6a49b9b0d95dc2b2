// Package engine starts the browsers the end-to-end tests run in besides
// Chromium (which chromedp drives over CDP) and drives them over the W3C
// protocols: Firefox over WebDriver BiDi (its built-in remote agent, no
// geckodriver) and WebKit (WebKitGTK's MiniBrowser) over classic WebDriver
// through WebKitWebDriver. A test needs only three things of a page: load a
// URL, evaluate an async script that returns a string, and the console errors
// the page reported; that is all this package does.
//
// The Find functions locate each engine's binary the same way: an environment
// variable, then the usual command names, then the macOS application path.
package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

// Browser is a running browser that pages can be opened in.
type Browser interface {
	// NewPage opens a page (a tab in a fresh profile context where the engine
	// has one) at about:blank.
	NewPage(ctx context.Context) (Page, error)
	// Close ends the browser and everything it started.
	Close() error
}

// Page is one open page.
type Page interface {
	// Navigate loads url and returns once its load event fired.
	Navigate(ctx context.Context, url string) error
	// Eval evaluates a JavaScript expression whose value is a Promise of a
	// string (or a string) and returns that string; a rejection or an
	// exception is an error carrying its message.
	Eval(ctx context.Context, expr string) (string, error)
	// Problems returns the console errors and uncaught exceptions the page
	// has reported so far (where the protocol reports them).
	Problems() []string
	// Close closes the page.
	Close() error
}

// ErrNotFound is wrapped by the Find functions when the browser is missing.
var ErrNotFound = errors.New("browser not found")

// find returns the first candidate that resolves to an executable: the value
// of env if set (which then must work), else the commands on PATH, else the
// absolute paths (per GOOS).
func find(what, env string, commands []string, paths map[string][]string, install string) (string, error) {
	if v := os.Getenv(env); v != "" {
		p, err := exec.LookPath(v)
		if err != nil {
			return "", fmt.Errorf("%s: %s=%q: %w", what, env, v, err)
		}
		return p, nil
	}
	for _, c := range commands {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	for _, c := range paths[runtime.GOOS] {
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: %s is needed for the browser tests; install %s, or set %s to its executable", ErrNotFound, what, install, env)
}

// FindChrome locates Chrome or Chromium: $CHROME, chromium, chromium-browser,
// google-chrome, google-chrome-stable, then the macOS application.
func FindChrome() (string, error) {
	return find("Chrome or Chromium", "CHROME",
		[]string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"},
		map[string][]string{"darwin": {
			"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
			"/Applications/Chromium.app/Contents/MacOS/Chromium",
		}},
		"Chromium (Debian: apt-get install chromium; `make test` run as root on Debian installs it) or Google Chrome")
}

// FindFirefox locates Firefox: $FIREFOX, firefox-esr, firefox, then the
// macOS application.
func FindFirefox() (string, error) {
	return find("Firefox", "FIREFOX",
		[]string{"firefox-esr", "firefox"},
		map[string][]string{"darwin": {"/Applications/Firefox.app/Contents/MacOS/firefox"}},
		"Firefox (Debian: apt-get install firefox-esr; `make test` run as root on Debian installs it)")
}

// FindWebKitWebDriver locates the WebDriver server of WebKit:
// $WEBKIT_WEBDRIVER, WebKitWebDriver (WebKitGTK), then Safari's safaridriver
// on macOS.
func FindWebKitWebDriver() (string, error) {
	return find("WebKitWebDriver", "WEBKIT_WEBDRIVER",
		[]string{"WebKitWebDriver"},
		map[string][]string{"darwin": {"/usr/bin/safaridriver"}},
		"WebKitGTK's driver and an X server (Debian: apt-get install webkit2gtk-driver xvfb; `make test` run as root on Debian installs them) or, on macOS, enable safaridriver")
}
