// Package emulator is a local Amazon Cognito user-pool endpoint for tests
// and the demo: an http.Handler that speaks the real wire protocol
// (awsJson1_1 on POST /, X-Amz-Target dispatch), so unmodified AWS SDKs and
// Amplify work against it.
//
// It serves InitiateAuth (USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH), GetUser,
// ListWebAuthnCredentials, DeleteWebAuthnCredential,
// StartWebAuthnRegistration, CompleteWebAuthnRegistration, ListDevices, GetDevice,
// ForgetDevice, UpdateDeviceStatus, GlobalSignOut, RevokeToken and the
// IAM-signed AdminListDevices; every pool's signing keys at
// GET /<userPoolId>/.well-known/jwks.json; and, for tests, the control
// endpoints under /_emulator/ (request log, faults, reset, clock).
//
// Input constraints come from internal/model; Cognito's error names,
// messages and wire details live in cognito.go. The control endpoints and
// the Host check answer with their own texts (control.go,
// internal/hostguard): they are the emulator's, not Cognito's.
package emulator

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/cognito-wasm/cognito-wasm/internal/hostguard"
	"github.com/cognito-wasm/cognito-wasm/internal/model"
)

// Emulator is the Cognito user-pool endpoint. Mount it at "/".
type Emulator struct {
	seed    *Seed
	st      store
	faults  faultList
	log     reqLog
	pageKey []byte
	iamKeys map[string]string // access key id → secret
	ops     map[string]opFunc // operations, unless a test replaced one

	clockMu sync.Mutex
	now     func() time.Time // base clock for tokens and dates
	offset  time.Duration    // added by POST /_emulator/clock
	wallNow func() time.Time // for SigV4 clock skew, which follows real time

	closed    chan struct{}
	closeOnce sync.Once
	hangHook  func() // tests: called when a request starts to hang

	hosts *hostguard.Guard // the Host names answered (DNS rebinding)
}

// Option configures an Emulator.
type Option func(*Emulator)

// WithClock sets the clock that tokens and dates follow (default time.Now).
// POST /_emulator/clock still moves it forward.
func WithClock(now func() time.Time) Option { return func(e *Emulator) { e.now = now } }

// withWallClock sets the clock SigV4 skew is checked against (tests).
func withWallClock(now func() time.Time) Option { return func(e *Emulator) { e.wallNow = now } }

// withOperation replaces an operation's implementation (tests).
func withOperation(name string, f opFunc) Option {
	return func(e *Emulator) {
		e.ops = maps.Clone(e.ops)
		e.ops[name] = f
	}
}

// WithAllowedHosts adds host names or addresses (port ignored) that requests
// may name in their Host header, besides the loopback names that are always
// answered (localhost, *.localhost, 127.0.0.0/8, [::1]). A server bound to a
// non-loopback address needs it; any other Host is refused with 421, as a
// DNS-rebinding page would send it.
func WithAllowedHosts(hosts ...string) Option {
	return func(e *Emulator) { e.hosts = hostguard.New(hosts...) }
}

// withHangHook sets a function called when a request starts to hang (tests).
func withHangHook(f func()) Option { return func(e *Emulator) { e.hangHook = f } }

// New returns an emulator loaded with seed; nil means DemoSeed().
func New(seed *Seed, opts ...Option) (*Emulator, error) {
	if seed == nil {
		seed = DemoSeed()
	}
	if err := seed.Validate(); err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	e := &Emulator{
		seed:    seed,
		pageKey: make([]byte, 32),
		iamKeys: map[string]string{},
		ops:     operations,
		now:     time.Now,
		wallNow: time.Now,
		closed:  make(chan struct{}),
		hosts:   hostguard.New(),
	}
	rand.Read(e.pageKey)
	for _, c := range seed.IAMCredentials {
		e.iamKeys[c.AccessKeyID] = c.SecretAccessKey
	}
	if len(e.iamKeys) == 0 {
		e.iamKeys[DefaultAccessKeyID] = DefaultSecretAccessKey
	}
	for _, o := range opts {
		o(e)
	}
	e.st.load(seed)
	return e, nil
}

// Now is the emulator's current time.
func (e *Emulator) Now() time.Time {
	e.clockMu.Lock()
	defer e.clockMu.Unlock()
	return e.now().Add(e.offset)
}

// AdvanceClock moves the emulator's clock forward, to expire tokens without
// waiting.
func (e *Emulator) AdvanceClock(d time.Duration) {
	e.clockMu.Lock()
	defer e.clockMu.Unlock()
	e.offset += d
}

// Reset reloads the seed and drops faults, the request log, sessions and
// the clock offset. Signing keys live on, so access tokens minted before a
// reset are still accepted until they expire; their revocations are
// forgotten with the sessions.
func (e *Emulator) Reset() {
	e.st.mu.Lock()
	e.st.load(e.seed)
	e.st.mu.Unlock()
	e.faults.clear()
	e.log.clear()
	e.clockMu.Lock()
	e.offset = 0
	e.clockMu.Unlock()
}

// Close releases requests held by "hang" faults (their connections are
// dropped). Call it when the server shuts down, e.g. through
// http.Server.RegisterOnShutdown, so Shutdown does not wait for them.
func (e *Emulator) Close() { e.closeOnce.Do(func() { close(e.closed) }) }

// Requests returns the request log, oldest first.
func (e *Emulator) Requests() []RequestLogEntry { return e.log.list() }

// AddFault queues a fault (see POST /_emulator/faults).
func (e *Emulator) AddFault(f Fault) error {
	f, err := f.normalize()
	if err != nil {
		return fmt.Errorf("emulator: fault: %w", err)
	}
	e.faults.add(f)
	return nil
}

// ServeHTTP routes Cognito requests, JWKS, CORS preflights and the control
// endpoints. A request whose Host is not a loopback name or an allowed host
// (WithAllowedHosts) is refused first. The Cognito endpoints answer any
// origin, as the real service does; the control endpoints only same-origin
// and non-browser callers, without CORS.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if e.hosts.Refuse(w, r) {
		return
	}
	h := w.Header()
	setHeader(h, HeaderRequestID, newUUID())
	path := r.URL.Path
	if strings.HasPrefix(path, controlPrefix) {
		e.serveControl(w, r)
		return
	}
	setCORS(h)
	switch {
	case r.Method == http.MethodOptions:
		preflight(w, r, CORSAllowMethods)
	case r.Method == http.MethodGet && strings.HasSuffix(path, jwksSuffix):
		e.serveJWKS(w, strings.Trim(strings.TrimSuffix(path, jwksSuffix), "/"))
	case path == "/" && r.Method == http.MethodPost:
		e.serveCognito(w, r)
	case path == "/":
		writeError(w, NewError(ErrUnknownOperation, MsgUnknownOperation(r.Method+" /")))
	default:
		writeError(w, &Error{Status: http.StatusNotFound, Type: ErrUnknownOperation, Message: MsgUnknownOperation(r.Method + " " + path)})
	}
}

const jwksSuffix = "/.well-known/jwks.json"

func (e *Emulator) serveJWKS(w http.ResponseWriter, poolID string) {
	e.st.mu.Lock()
	_, ok := e.st.pools[poolID]
	e.st.mu.Unlock()
	if !ok {
		writeError(w, &Error{Status: http.StatusNotFound, Type: ErrResourceNotFound, Message: MsgPoolNotFound(poolID)})
		return
	}
	keys, err := jwks(poolID)
	if err != nil {
		writeError(w, internalError())
		return
	}
	w.Header().Set("Cache-Control", "max-age=3600")
	writeBody(w, http.StatusOK, "application/json", keys)
}

// statusWriter remembers the status sent, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (for "reset").
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// serveCognito answers one awsJson1_1 request.
func (e *Emulator) serveCognito(w http.ResponseWriter, r *http.Request) {
	target := r.Header.Get(HeaderTarget)
	opName, ours := strings.CutPrefix(target, TargetPrefix)
	if !ours {
		opName = target
	}
	entry := e.log.arrive(opName, e.Now())
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		v := recover()
		if v != nil && v != http.ErrAbortHandler && sw.status == 0 {
			writeError(sw, internalError()) // a bug: answer as the service would
			v = nil
		}
		e.log.done(entry, sw.status)
		if v != nil {
			panic(v)
		}
	}()

	if f, ok := e.faults.take(opName); ok {
		e.serveFault(sw, r, f)
		return
	}
	spec, mop := e.ops[opName], model.LookupOperation(opName)
	if !ours || spec == nil || mop == nil {
		writeError(sw, NewError(ErrUnknownOperation, MsgUnknownOperation(target)))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(sw, r.Body, maxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(sw, NewError(ErrSerialization, MsgBodyTooLarge))
			return
		}
		// The client went away or stalled past the server's ReadTimeout:
		// drop the connection. Returning would let net/http send an empty
		// 200 to a request nobody answered.
		panic(http.ErrAbortHandler)
	}
	out, err := e.call(r, opName, mop, spec, body)
	if err != nil {
		writeError(sw, asError(err))
		return
	}
	writeJSON(sw, http.StatusOK, out)
}

// call authenticates (for IAM-signed operations), validates and runs one
// operation.
func (e *Emulator) call(r *http.Request, name string, mop *model.Operation, spec opFunc, body []byte) (any, error) {
	if mop.SigV4 {
		if err := e.verifySigV4(r, body); err != nil {
			return nil, err
		}
	}
	in, err := decodeInput(mop, body)
	if err != nil {
		return nil, err
	}
	return spec(e, &request{op: name, in: in, now: e.Now()})
}
