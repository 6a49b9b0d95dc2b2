package main

import (
	"fmt"
	"io"
	"strings"
)

// table is one summary table: a header and rows of cells.
type table struct {
	title  string
	header []string
	rows   [][]string
}

// tables are the summaries bench prints and bench.md holds: every figure
// per client, cognito-wasm against its floor programs, and the round-trip
// pass.
func (r *Report) tables() []table {
	ts := []table{r.mainTable()}
	if t, ok := r.floorTable(); ok {
		ts = append(ts, t)
	}
	if r.RoundTrip != nil {
		ts = append(ts, r.roundTripTable())
	}
	return ts
}

// clientTable has one column per client, ratios to the baseline client
// (by name) in parentheses.
type clientTable struct {
	table
	clients []*ClientResult
	base    *ClientResult
}

func newClientTable(title string, clients []*ClientResult, baseline string) *clientTable {
	t := &clientTable{table: table{title: title, header: []string{"figure"}}, clients: clients}
	for _, c := range clients {
		t.header = append(t.header, c.Label)
		if c.Name == baseline {
			t.base = c
		}
	}
	return t
}

func (t *clientTable) row(label string, val func(*ClientResult) float64, format func(float64) string) {
	cells := []string{label}
	b := 0.0
	if t.base != nil {
		b = val(t.base)
	}
	for _, c := range t.clients {
		v := val(c)
		cell := format(v)
		if c != t.base {
			cell += ratioStr(v, b)
		}
		cells = append(cells, cell)
	}
	t.rows = append(t.rows, cells)
}

func size(v float64) string { return bytesStr(int64(v)) }

// operations are the timed calls, by result key and table label.
var operations = []struct{ key, label string }{
	{"listCredentials", "list passkeys"}, {"listDevices", "list devices"}, {"deleteCredential", "delete passkey"},
}

// loadRows are the rows of the loads phase, in both passes.
func (t *clientTable) loadRows() {
	t.row("cold: first result (median)", func(c *ClientResult) float64 { return c.Cold.Median }, ms)
	t.row("cold: configured (median)", func(c *ClientResult) float64 { return c.ColdReady.Median }, ms)
	t.row("warm: first result (median)", func(c *ClientResult) float64 { return c.Warm.Median }, ms)
	t.row("warm: 2nd visit (median)", func(c *ClientResult) float64 { return c.Warm2nd.Median }, ms)
}

// perCallRows are the rows of the per-call phase, in both passes.
func (t *clientTable) perCallRows() {
	for _, op := range operations {
		t.row("per call: "+op.label+" median", func(c *ClientResult) float64 { return c.PerCall[op.key].Median }, ms)
		t.row("per call: "+op.label+" p95", func(c *ClientResult) float64 { return c.PerCall[op.key].P95 }, ms)
	}
}

func (r *Report) mainTable() table {
	t := newClientTable("", r.Clients, r.Baseline)
	t.row("transfer raw", func(c *ClientResult) float64 { return float64(c.Transfer.Raw) }, size)
	t.row("transfer gzip", func(c *ClientResult) float64 { return float64(c.Transfer.Gzip) }, size)
	t.row("transfer brotli", func(c *ClientResult) float64 { return float64(c.Transfer.Brotli) }, size)
	t.loadRows()
	t.row("wasm code cache after the cold visit (median)", func(c *ClientResult) float64 { return c.WasmCodeCacheCold.Median }, size)
	t.row("wasm code cache after the 2nd visit (median)", func(c *ClientResult) float64 { return c.WasmCodeCache2nd.Median }, size)
	t.row("longest main-thread task (median)", func(c *ClientResult) float64 { return c.LongestTask.Median }, ms)
	t.perCallRows()
	mem := func(f func(*MemoryResult) int64) func(*ClientResult) float64 {
		return func(c *ClientResult) float64 {
			if c.Memory == nil {
				return 0
			}
			return float64(f(c.Memory))
		}
	}
	t.row(fmt.Sprintf("JS heap after %d calls (page + workers)", r.Config.MemCalls), mem(func(m *MemoryResult) int64 { return m.JSHeapAfter }), size)
	t.row("wasm linear memory after", mem(func(m *MemoryResult) int64 { return m.WasmAfter }), size)
	return t.table
}

// floorTable compares each cognito-wasm mode with each floor program:
// ratio and difference.
func (r *Report) floorTable() (table, bool) {
	t := table{title: "cognito-wasm against its floors (ratio, difference)", header: []string{"figure"}}
	type pair struct{ c, f *ClientResult }
	var pairs []pair
	for _, name := range []string{"wasm-page", "wasm-worker"} {
		for _, floor := range []string{"floor-sdk", "floor-gofetch"} {
			if c, f := r.client(name), r.client(floor); c != nil && f != nil {
				pairs = append(pairs, pair{c, f})
				t.header = append(t.header, c.Label+" ÷ "+f.Label)
			}
		}
	}
	if len(pairs) == 0 {
		return t, false
	}
	row := func(label string, val func(*ClientResult) float64, format func(float64) string) {
		cells := []string{label}
		for _, p := range pairs {
			v, f := val(p.c), val(p.f)
			cell := "–"
			if v != 0 && f != 0 {
				d := format(v - f)
				if v >= f {
					d = "+" + d
				}
				cell = fmt.Sprintf("%.2f× (%s)", v/f, d)
			}
			cells = append(cells, cell)
		}
		t.rows = append(t.rows, cells)
	}
	signed := func(format func(float64) string) func(float64) string {
		return func(v float64) string {
			if v < 0 {
				return "-" + format(-v)
			}
			return format(v)
		}
	}
	row("transfer brotli", func(c *ClientResult) float64 { return float64(c.Transfer.Brotli) }, signed(size))
	row("cold: first result (median)", func(c *ClientResult) float64 { return c.Cold.Median }, signed(ms))
	row("warm: first result (median)", func(c *ClientResult) float64 { return c.Warm.Median }, signed(ms))
	row("warm: 2nd visit (median)", func(c *ClientResult) float64 { return c.Warm2nd.Median }, signed(ms))
	for _, op := range operations {
		row("per call: "+op.label+" median", func(c *ClientResult) float64 { return c.PerCall[op.key].Median }, signed(ms))
	}
	return t, true
}

// roundTripTable is the pass with every emulator answer delayed.
func (r *Report) roundTripTable() table {
	rt := r.RoundTrip
	t := newClientTable(fmt.Sprintf("With a %.0f ms round trip to Cognito (every emulator answer delayed, preflights included; %d runs, %d calls)",
		rt.DelayMs, rt.Runs, rt.Calls), rt.Clients, r.Baseline)
	t.loadRows()
	t.perCallRows()
	for _, op := range operations[:2] {
		t.row("preflights per 100 "+op.label+" calls", func(c *ClientResult) float64 {
			rc := c.PerCallRequests[op.key]
			if rc.Posts == 0 {
				return 0
			}
			return 100 * float64(rc.Preflights) / float64(rc.Posts)
		}, func(v float64) string { return fmt.Sprintf("%.0f", v) })
	}
	return t.table
}

// print writes the table as aligned text.
func (t table) print(w io.Writer) {
	widths := make([]int, len(t.header))
	for _, line := range append([][]string{t.header}, t.rows...) {
		for i, cell := range line {
			widths[i] = max(widths[i], len([]rune(cell)))
		}
	}
	pr := func(line []string) {
		for i, cell := range line {
			pad := strings.Repeat(" ", widths[i]-len([]rune(cell)))
			if i == 0 {
				fmt.Fprint(w, cell+pad)
			} else {
				fmt.Fprint(w, "  "+pad+cell)
			}
		}
		fmt.Fprintln(w)
	}
	pr(t.header)
	for _, row := range t.rows {
		pr(row)
	}
}

// markdown writes the table in GitHub's Markdown.
func (t table) markdown(b *strings.Builder) {
	b.WriteString("| " + strings.Join(t.header, " | ") + " |\n|")
	for range t.header {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, row := range t.rows {
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
}

// printTables writes every summary table as aligned text.
func (r *Report) printTables(w io.Writer) {
	for i, t := range r.tables() {
		if i > 0 {
			fmt.Fprintf(w, "\n%s\n", t.title)
		}
		t.print(w)
	}
}
