package main

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// requestCounter counts the requests a handler gets, by method (CORS
// preflights are OPTIONS).
type requestCounter struct {
	h                  http.Handler
	posts, opts, total atomic.Int64
}

func (c *requestCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.total.Add(1)
	switch r.Method {
	case http.MethodOptions:
		c.opts.Add(1)
	case http.MethodPost:
		c.posts.Add(1)
	}
	c.h.ServeHTTP(w, r)
}

func (c *requestCounter) take() (posts, preflights int64) {
	return c.posts.Swap(0), c.opts.Swap(0)
}

// serve starts h on a loopback port and returns its base URL (no trailing
// slash) and a func that stops it.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}

// delayed holds every answer of h back by a settable delay before h sees
// the request: a network round trip that localhost lacks, paid by each
// request, CORS preflights included.
type delayed struct {
	h     http.Handler
	delay atomic.Int64 // time.Duration
	held  atomic.Int64 // requests held back so far
}

func (d *delayed) set(v time.Duration) { d.delay.Store(int64(v)) }

func (d *delayed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if v := time.Duration(d.delay.Load()); v > 0 {
		d.held.Add(1)
		t := time.NewTimer(v)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	d.h.ServeHTTP(w, r)
}
