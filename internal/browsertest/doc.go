// Package browsertest holds the end-to-end tests of the JavaScript package in
// headless Chromium (Debian's /usr/bin/chromium, driven by chromedp): the
// classic-script and ES-module builds, the npm tarball bundled by a consumer
// project, a page under a strict Content-Security-Policy and the demo page, each
// against the in-process Cognito emulator, in Worker and in page mode.
//
// The tests need the built artifacts (make build) and fail, never skip, when
// Chromium or js/dist is missing. Screenshots go to test-artifacts/ at the
// repository root.
package browsertest
