// Package web holds the demo page files, embedded so that `go run ./demo`
// and the browser tests serve them from any working directory.
package web

import "embed"

// FS holds the page files at its root ("index.html", ...).
//
//go:embed *.html *.js *.css
var FS embed.FS
