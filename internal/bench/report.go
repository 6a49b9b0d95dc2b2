package main

// Report is bench.json.
type Report struct {
	Date     string            `json:"date"` // RFC 3339, UTC
	Browser  BrowserInfo       `json:"browser"`
	Host     HostInfo          `json:"host"`
	Config   Config            `json:"config"`
	Versions map[string]string `json:"versions"`
	Methods  map[string]string `json:"methods"`
	Clients  []*ClientResult   `json:"clients"`
	Fidelity FidelityResult    `json:"fidelity"`
	Targets  []TargetCheck     `json:"targets"`
	// RoundTrip is the pass with a network delay (Config.Latency).
	RoundTrip *RoundTripResult `json:"roundTrip,omitempty"`
	Baseline  string           `json:"baseline"` // client the ratios divide by
	ElapsedMs float64          `json:"elapsedMs"`
}

// BrowserInfo identifies the browser that ran the benchmark.
type BrowserInfo struct {
	Product   string   `json:"product"`
	UserAgent string   `json:"userAgent"`
	V8        string   `json:"v8"`
	Flags     []string `json:"flags"`
}

// HostInfo describes the machine.
type HostInfo struct {
	GOOS      string `json:"goos"`
	GOARCH    string `json:"goarch"`
	CPUs      int    `json:"cpus"`
	GoVersion string `json:"goVersion"`
	// LoadAvg is /proc/loadavg at the start and the end of the run: a
	// busy machine makes every time longer and noisier.
	LoadAvgStart string `json:"loadAvgStart,omitempty"`
	LoadAvgEnd   string `json:"loadAvgEnd,omitempty"`
}

// ClientResult holds every figure for one client.
type ClientResult struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	// Assets the client's page loaded from the origin (besides the page
	// itself), with their sizes as served.
	Assets   []AssetSize `json:"assets"`
	Transfer sizes       `json:"transfer"`
	// Wire bytes of the cold visit, the page itself left out: the origin's
	// response bodies as sent (compressed), and Chromium's encodedDataLength for the page's own
	// requests to the origin (headers included; requests of workers are not
	// reported to the page).
	ColdWireBytes int64   `json:"coldWireBytes"`
	ColdCDPBytes  float64 `json:"coldCdpEncodedBytes"`
	// Warm visits: bytes the origin sent (0 when everything came from the
	// HTTP cache).
	WarmWireBytes int64 `json:"warmWireBytes"`

	// The page's Resource Timing entries (scripts, and the wasm in page
	// mode) of the first run's cold and first warm visit: when each
	// finished loading, and whether it came from the HTTP cache
	// (transferSize 0).
	ColdResources []resource `json:"coldResources"`
	WarmResources []resource `json:"warmResources"`

	Cold      stat `json:"coldFirstResultMs"`
	ColdReady stat `json:"coldConfiguredMs"`
	Warm      stat `json:"warmFirstResultMs"`
	WarmReady stat `json:"warmConfiguredMs"`
	// Warm2nd is the second visit alone (the first warm one).
	Warm2nd stat `json:"warmSecondVisitMs"`
	// Bytes in the profile's code caches once the cold visit, and the
	// first warm one, had settled (codeCache).
	WasmCodeCacheCold stat `json:"wasmCodeCacheAfterColdBytes"`
	WasmCodeCache2nd  stat `json:"wasmCodeCacheAfterSecondBytes"`
	JSCodeCacheCold   stat `json:"jsCodeCacheAfterColdBytes"`

	LongestTask   stat            `json:"longestTaskMs"`
	TraceWindow   stat            `json:"traceWindowMs"`
	LongTasksLoad []float64       `json:"longTasksDuringLoadMs"` // PerformanceObserver, >= 50 ms, cold runs
	LongTasksRuns int             `json:"longTaskRuns"`
	PerCall       map[string]stat `json:"perCallMs"` // listCredentials, listDevices, deleteCredential
	// PerCallRequests counts what reached the emulator during the timed
	// list calls: one POST per call, and CORS preflights (0 once cached).
	PerCallRequests map[string]requestCount `json:"perCallRequests"`
	Memory          *MemoryResult           `json:"memory"`
	WorkerTargets   int                     `json:"workerTargets"` // dedicated workers seen after load
	Errors          []string                `json:"errors,omitempty"`
}

// RoundTripResult holds the loads and per-call figures measured with every
// emulator answer delayed by DelayMs.
type RoundTripResult struct {
	DelayMs float64 `json:"delayMs"`
	Runs    int     `json:"runs"`
	Calls   int     `json:"calls"`
	// Requests the emulator got during the pass and how many of them were
	// held back (all, unless the delay was not applied).
	Requests int64           `json:"requests"`
	Held     int64           `json:"held"`
	Clients  []*ClientResult `json:"clients"`
}

// requestCount is what the emulator received.
type requestCount struct {
	Posts      int64 `json:"posts"`
	Preflights int64 `json:"preflights"`
}

// AssetSize is one file a client loaded.
type AssetSize struct {
	Path string `json:"path"`
	sizes
}

// MemoryResult is the memory after the memory phase's calls.
type MemoryResult struct {
	Calls      int     `json:"calls"`
	DurationMs float64 `json:"durationMs"`
	Before     heap    `json:"pageBefore"`
	After      heap    `json:"pageAfter"`
	// Workers: the dedicated workers' isolates (Worker mode), after the calls.
	WorkersBefore []heap `json:"workersBefore"`
	WorkersAfter  []heap `json:"workersAfter"`
	// Totals over page and workers, after the calls.
	JSHeapAfter  int64 `json:"jsHeapAfter"`
	WasmAfter    int64 `json:"wasmMemoryAfter"`
	JSHeapBefore int64 `json:"jsHeapBefore"`
	WasmBefore   int64 `json:"wasmMemoryBefore"`
}

// FidelityResult is the outcome of the fidelity check.
type FidelityResult struct {
	Passed bool            `json:"passed"`
	Checks []FidelityCheck `json:"checks"`
}

// FidelityCheck is one client's comparison for one operation.
type FidelityCheck struct {
	Client    string   `json:"client"`
	Operation string   `json:"operation"`
	Passed    bool     `json:"passed"`
	Items     int      `json:"items"`
	Diffs     []string `json:"diffs,omitempty"`
}

// TargetCheck is one of issue 6's targets, reported, never enforced.
type TargetCheck struct {
	Client string  `json:"client"`
	Name   string  `json:"name"`
	Target string  `json:"target"`
	Value  float64 `json:"value"`
	Met    bool    `json:"met"`
	Note   string  `json:"note,omitempty"`
}
