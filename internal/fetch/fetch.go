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
	"strconv"

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

// Do sends req with fetch and returns the whole response. The request's
// context aborts the fetch (cancel and deadline) through an AbortController.
//
// The body is read completely here, with arrayBuffer(), rather than
// streamed: Cognito answers are small JSON documents that the SDK reads
// whole anyway; one Promise instead of one per chunk; no reader left open
// if a caller forgets Close; and, most of all, a connection lost or aborted
// mid-body then fails Do itself, where the SDK classifies it as a retryable
// transport error instead of a deserialization failure.
//
// Do blocks its goroutine on Promises; it must not be called from inside a
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

	g := safejs.Global()
	fetchFn, err := g.Get("fetch")
	if err != nil || fetchFn.Type() != safejs.TypeFunction {
		return nil, errors.New("fetch: no global fetch function in this JavaScript environment")
	}
	abortCtl, err := construct(g, "AbortController")
	if err != nil {
		return nil, err
	}
	opts, err := buildOptions(g, req, body, abortCtl)
	if err != nil {
		return nil, err
	}
	abort := func() { _, _ = abortCtl.Call("abort") }

	// Invoke, not Call on the global: this = undefined, so fetch keeps
	// working when the loader hands Go a scoped overlay as its global.
	promise, err := fetchFn.Invoke(req.URL.String(), opts)
	if err != nil {
		return nil, fmt.Errorf("fetch: calling fetch: %w", err)
	}
	resp, err := await(ctx, promise, abort)
	if err != nil {
		return nil, err
	}
	out, err := newResponse(req, resp)
	if err != nil {
		return nil, err
	}
	bufPromise, err := resp.Call("arrayBuffer")
	if err != nil {
		return nil, fmt.Errorf("fetch: reading the response body: %w", err)
	}
	buf, err := await(ctx, bufPromise, abort)
	if err != nil {
		return nil, err
	}
	data, err := bytesFromArrayBuffer(g, buf)
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

func construct(g safejs.Value, name string, args ...any) (safejs.Value, error) {
	ctor, err := g.Get(name)
	if err == nil && ctor.Type() == safejs.TypeFunction {
		var v safejs.Value
		if v, err = ctor.New(args...); err == nil {
			return v, nil
		}
	}
	return safejs.Value{}, fmt.Errorf("fetch: cannot create a %s in this JavaScript environment: %v", name, err)
}

func buildOptions(g safejs.Value, req *http.Request, body []byte, abortCtl safejs.Value) (safejs.Value, error) {
	opts, err := construct(g, "Object")
	if err != nil {
		return opts, err
	}
	headers, err := construct(g, "Headers")
	if err != nil {
		return opts, err
	}
	for key, values := range req.Header {
		if hopByHop[http.CanonicalHeaderKey(key)] {
			continue
		}
		for _, v := range values {
			if _, err := headers.Call("append", key, v); err != nil {
				return opts, fmt.Errorf("fetch: header %s: %w", key, err)
			}
		}
	}
	signal, err := abortCtl.Get("signal")
	if err != nil {
		return opts, err
	}
	set := map[string]any{"method": req.Method, "headers": headers, "signal": signal}
	if len(body) > 0 {
		arr, err := construct(g, "Uint8Array", len(body))
		if err != nil {
			return opts, err
		}
		if _, err := safejs.CopyBytesToJS(arr, body); err != nil {
			return opts, fmt.Errorf("fetch: copying the request body: %w", err)
		}
		set["body"] = arr
	}
	for k, v := range set {
		if err := opts.Set(k, v); err != nil {
			return opts, err
		}
	}
	return opts, nil
}

func newResponse(req *http.Request, resp safejs.Value) (*http.Response, error) {
	statusV, err := resp.Get("status")
	if err != nil {
		return nil, err
	}
	status, err := statusV.Int()
	if err != nil {
		return nil, fmt.Errorf("fetch: response status: %w", err)
	}
	header, err := responseHeader(resp)
	if err != nil {
		return nil, err
	}
	// fetch has already decoded any Content-Encoding; the body we hand on is
	// the decoded one, so the encoding headers no longer describe it.
	uncompressed := header.Get("Content-Encoding") != ""
	header.Del("Content-Encoding")
	header.Del("Content-Length")
	return &http.Response{
		Status:       strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:   status,
		Proto:        "HTTP/1.1",
		ProtoMajor:   1,
		ProtoMinor:   1,
		Header:       header,
		Uncompressed: uncompressed,
		Request:      req,
	}, nil
}

// responseHeader copies the headers fetch exposes (for a cross-origin
// answer: the safelisted ones and Access-Control-Expose-Headers).
func responseHeader(resp safejs.Value) (http.Header, error) {
	h, err := resp.Get("headers")
	if err != nil {
		return nil, err
	}
	it, err := h.Call("entries")
	if err != nil {
		return nil, fmt.Errorf("fetch: response headers: %w", err)
	}
	header := http.Header{}
	for {
		next, err := it.Call("next")
		if err != nil {
			return nil, fmt.Errorf("fetch: response headers: %w", err)
		}
		done, _ := next.Get("done")
		if d, _ := done.Truthy(); d {
			return header, nil
		}
		pair, _ := next.Get("value")
		k, errK := index(pair, 0)
		v, errV := index(pair, 1)
		if errK != nil || errV != nil {
			return nil, errors.New("fetch: malformed response header entry")
		}
		header.Add(k, v)
	}
}

func index(v safejs.Value, i int) (string, error) {
	e, err := v.Index(i)
	if err != nil {
		return "", err
	}
	if e.Type() != safejs.TypeString {
		return "", errors.New("not a string")
	}
	return e.String()
}

func bytesFromArrayBuffer(g safejs.Value, buf safejs.Value) ([]byte, error) {
	arr, err := construct(g, "Uint8Array", buf)
	if err != nil {
		return nil, err
	}
	n, err := arr.Length()
	if err != nil {
		return nil, err
	}
	data := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(data, arr); err != nil {
		return nil, fmt.Errorf("fetch: copying the response body: %w", err)
	}
	return data, nil
}

// await waits for promise from a goroutine through jsbridge.Settle, the
// one Promise bridge. When ctx ends first it calls abort: the aborted fetch
// or body read then rejects, and Settle releases its callbacks only then,
// after their last possible call (go.dev/issue/57098).
func await(ctx context.Context, promise safejs.Value, abort func()) (safejs.Value, error) {
	v, reason, rejected, err := jsbridge.Settle(ctx, safejs.Unsafe(promise))
	switch {
	case err != nil:
		abort()
		return safejs.Value{}, ctx.Err()
	case rejected && ctx.Err() != nil:
		// Aborted from elsewhere while we were being scheduled.
		return safejs.Value{}, ctx.Err()
	case rejected:
		return safejs.Value{}, networkError(safejs.Safe(reason))
	}
	return safejs.Safe(v), nil
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
