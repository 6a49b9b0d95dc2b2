// Package browsertest holds the end-to-end tests of the JavaScript package in
// headless Chromium (driven by chromedp): the classic-script and ES-module
// builds, the npm tarball bundled by a consumer project, a page under a strict
// Content-Security-Policy and the demo page, each against the in-process
// Cognito emulator, in Worker and in page mode. The core tests (the script tag,
// the ES module with every call, the bad-input matrix, a network error) run
// in Firefox and WebKit as well, through the same test bodies (engines_test.go;
// the drivers are in package engine).
//
// The tests need the built artifacts (make build) and fail, never skip, when a
// browser or js/dist is missing. Screenshots go to test-artifacts/ at the
// repository root.
package browsertest
