//go:build js && wasm

// Package fetch is an HTTP client for the AWS SDK whose Do calls the
// WHATWG fetch API through safejs. It exists because net/http's own fetch
// transport is switched off under Node and bypassed by the SDK's default
// client (which sets DialContext); see net/http/roundtrip_js.go, which this
// follows. It works wherever a global fetch exists: pages, Web Workers,
// Node 18+.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall/js"

	"github.com/hack-pad/safejs"

	"github.com/cognito-wasm/cognito-wasm/internal/jsbridge"
)

// Client sends requests with fetch. The zero value is ready to use and safe
// for concurrent use by many goroutines.
type Client struct{}

// NetworkError is a fetch that rejected without an HTTP answer: DNS,
// refused or reset connections, CORS refusals, offline. Browsers give no
// more detail than a TypeError, by design.
type NetworkError struct {
	Name    string // the JS error's name, usually "TypeError"
	Message string // its message, plus its cause when Node gives one
}

func (e *NetworkError) Error() string { return "fetch: " + e.Name + ": " + e.Message }

// ErrorName is the JS name of the failure, for AuthError.underlyingError.
func (e *NetworkError) ErrorName() string { return e.Name }

// ConnectionError marks the failure as one the SDK's retryer retries
// (retry.RetryableConnectionError), whatever layer wraps it.
func (e *NetworkError) ConnectionError() bool { return true }

// hopByHop are headers fetch owns: browsers silently drop them and Node's
// fetch rejects some of them (Connection, Transfer-Encoding, ...).
var hopByHop = map[string]bool{
	"Host": true, "Content-Length": true, "Connection": true, "Keep-Alive": true,
	"Transfer-Encoding": true, "Upgrade": true, "Expect": true, "Te": true,
	"Trailer": true, "Proxy-Connection": true,
}

// jsAPI is what Do uses from the global Go was given (the loader's overlay,
// or Node's global), looked up on the first request rather than at start-up
// (Node loads its fetch implementation on first access).
type jsAPI struct {
	abortController, array, object, promise, uint8Array, urlSearchParams js.Value
	// readArrayBuffer(response) is response.arrayBuffer(): Response's own
	// method bound to Function.prototype.call, so that the body read can be
	// chained onto fetch's promise without a Go callback in between.
	readArrayBuffer js.Value
}

var lookUp = sync.OnceValues(func() (*jsAPI, error) {
	g := js.Global()
	a := &jsAPI{
		abortController: g.Get("AbortController"),
		array:           g.Get("Array"),
		object:          g.Get("Object"),
		promise:         g.Get("Promise"),
		uint8Array:      g.Get("Uint8Array"),
		urlSearchParams: g.Get("URLSearchParams"),
	}
	resp := g.Get("Response")
	if a.abortController.Type() != js.TypeFunction || a.urlSearchParams.Type() != js.TypeFunction || resp.Type() != js.TypeFunction {
		return nil, errors.New("fetch: no AbortController, URLSearchParams or Response in this JavaScript environment")
	}
	call := g.Get("Function").Get("prototype").Get("call")
	a.readArrayBuffer = call.Call("bind", resp.Get("prototype").Get("arrayBuffer"))
	return a, nil
})

// Do sends req with fetch and returns the whole response. The request's
// context aborts the fetch (cancel and deadline) through an AbortController.
//
// The body is read completely here, with arrayBuffer(), rather than
// streamed: Cognito answers are small JSON documents that the SDK reads
// whole anyway; no reader left open if a caller forgets Close; and, most of
// all, a connection lost or aborted mid-body then fails Do itself, where the
// SDK classifies it as a retryable transport error instead of a
// deserialization failure.
//
// Each crossing between Go and JS costs, and each JS value Go keeps gets a
// finalizer, so Do makes few: the request headers go over as one string
// (URLSearchParams parses it, and fetch takes it as its header list), the
// response and its body come back through one Promise
// (Promise.all([response, response.arrayBuffer()])), and the response
// headers come back as one string (URLSearchParams of the Headers).
//
// Do blocks its goroutine on a Promise; it must not be called from inside a
// js.FuncOf callback (the SDK always calls it from a goroutine).
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	body, err := readBody(req)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	fetchFn := js.Global().Get("fetch")
	if fetchFn.Type() != js.TypeFunction {
		return nil, errors.New("fetch: no global fetch function in this JavaScript environment")
	}
	j, err := lookUp()
	if err != nil {
		return nil, err
	}
	abortCtl := j.abortController.New()
	abort := func() { abortCtl.Call("abort") }
	opts := j.object.New()
	opts.Set("method", req.Method)
	opts.Set("headers", j.urlSearchParams.New(encodeHeader(req.Header)))
	opts.Set("signal", abortCtl.Get("signal"))
	if len(body) > 0 {
		arr := j.uint8Array.New(len(body))
		js.CopyBytesToJS(arr, body)
		opts.Set("body", arr)
	}

	// Invoke, not Call on the global: this = undefined, so fetch keeps
	// working when the loader hands Go a scoped overlay as its global.
	promise, err := safejs.Safe(fetchFn).Invoke(req.URL.String(), opts)
	if err != nil {
		return nil, fmt.Errorf("fetch: calling fetch: %w", err)
	}
	p := safejs.Unsafe(promise)
	both := j.promise.Call("all", j.array.Call("of", p, p.Call("then", j.readArrayBuffer)))
	result, err := await(ctx, both, abort)
	if err != nil {
		return nil, err
	}
	out, err := newResponse(req, result.Index(0), j)
	if err != nil {
		return nil, err
	}
	data, err := bytesFromArrayBuffer(result.Index(1), j)
	if err != nil {
		return nil, err
	}
	out.Body = io.NopCloser(bytes.NewReader(data))
	out.ContentLength = int64(len(data))
	return out, nil
}

// readBody reads and closes the request body: fetch takes the body as one
// Uint8Array (request streaming needs HTTP/2 and duplex in browsers).
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil {
		return nil, nil
	}
	defer req.Body.Close() // a RoundTripper always closes the body
	b, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("fetch: reading the request body: %w", err)
	}
	return b, nil
}

// encodeHeader is h as application/x-www-form-urlencoded pairs, in which
// form URLSearchParams parses it back into the same names and values (and
// fetch takes a URLSearchParams as its header list: an iterable of pairs).
// Headers fetch owns are left out.
func encodeHeader(h http.Header) string {
	var b strings.Builder
	for key, values := range h {
		if hopByHop[http.CanonicalHeaderKey(key)] {
			continue
		}
		k := url.QueryEscape(key)
		for _, v := range values {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(k)
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

func newResponse(req *http.Request, resp js.Value, j *jsAPI) (*http.Response, error) {
	status := resp.Get("status")
	if status.Type() != js.TypeNumber {
		return nil, errors.New("fetch: the response has no status")
	}
	header, err := responseHeader(resp, j)
	if err != nil {
		return nil, err
	}
	// fetch has already decoded any Content-Encoding; the body we hand on is
	// the decoded one, so the encoding headers no longer describe it.
	uncompressed := header.Get("Content-Encoding") != ""
	header.Del("Content-Encoding")
	header.Del("Content-Length")
	code := status.Int()
	return &http.Response{
		Status:       strconv.Itoa(code) + " " + http.StatusText(code),
		StatusCode:   code,
		Proto:        "HTTP/1.1",
		ProtoMajor:   1,
		ProtoMinor:   1,
		Header:       header,
		Uncompressed: uncompressed,
		Request:      req,
	}, nil
}

// responseHeader copies the headers fetch exposes (for a cross-origin
// answer: the safelisted ones and Access-Control-Expose-Headers), read in
// one string: new URLSearchParams(headers).toString().
func responseHeader(resp js.Value, j *jsAPI) (http.Header, error) {
	pairs, err := url.ParseQuery(j.urlSearchParams.New(resp.Get("headers")).Call("toString").String())
	if err != nil {
		return nil, fmt.Errorf("fetch: response headers: %w", err)
	}
	header := make(http.Header, len(pairs))
	for k, vs := range pairs {
		for _, v := range vs {
			header.Add(k, v)
		}
	}
	return header, nil
}

func bytesFromArrayBuffer(buf js.Value, j *jsAPI) ([]byte, error) {
	arr := j.uint8Array.New(buf)
	data := make([]byte, arr.Length())
	if _, err := safejs.CopyBytesToGo(data, safejs.Safe(arr)); err != nil {
		return nil, fmt.Errorf("fetch: copying the response body: %w", err)
	}
	return data, nil
}

// await waits for promise from a goroutine through jsbridge.Settle, the
// one Promise bridge. When ctx ends first it calls abort: the aborted fetch
// or body read then rejects, and Settle releases its callbacks only then,
// after their last possible call (go.dev/issue/57098).
func await(ctx context.Context, promise js.Value, abort func()) (js.Value, error) {
	v, reason, rejected, err := jsbridge.Settle(ctx, promise)
	switch {
	case err != nil:
		abort()
		return js.Value{}, ctx.Err()
	case rejected && ctx.Err() != nil:
		// Aborted from elsewhere while we were being scheduled.
		return js.Value{}, ctx.Err()
	case rejected:
		return js.Value{}, networkError(safejs.Safe(reason))
	}
	return v, nil
}

// networkError describes a rejected fetch or body read. Node puts the real
// reason (ECONNREFUSED, ...) in error.cause; browsers keep it to themselves.
func networkError(reason safejs.Value) *NetworkError {
	e := &NetworkError{Name: "Error", Message: jsbridge.Describe(safejs.Unsafe(reason))}
	if reason.Type() == safejs.TypeObject {
		if n, err := reason.Get("name"); err == nil && n.Type() == safejs.TypeString {
			e.Name, _ = n.String()
		}
		if m, err := reason.Get("message"); err == nil && m.Type() == safejs.TypeString {
			e.Message, _ = m.String()
		}
		if cause, err := reason.Get("cause"); err == nil && !cause.IsUndefined() && !cause.IsNull() {
			e.Message += ": " + jsbridge.Describe(safejs.Unsafe(cause))
		}
	}
	return e
}
