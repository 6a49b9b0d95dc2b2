package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// perCall times each operation n times in a row, after a warm-up, in one
// browser. Deletes run in rounds: the emulator is reset to the seed (tokens
// stay valid), then the page deletes alice's passkeys one by one.
func (r *runner) perCall(ctx context.Context) error {
	c, err := r.signedInBrowser(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	defer r.em.Reset()
	for _, cl := range r.selected() {
		if err := r.perCallClient(ctx, c, cl); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.fail(cl.Name, fmt.Errorf("per-call: %w", err))
		}
	}
	return nil
}

func (r *runner) perCallClient(ctx context.Context, c *chromium, cl client) error {
	cr := r.results[cl.Name]
	v, err := r.visit(ctx, c, cl, visitOpts{keep: true})
	if err != nil {
		return err
	}
	t := v.tab
	defer t.close()
	pctx, cancel := context.WithTimeout(ctx, time.Duration(r.cfg.Calls)*3*time.Second+time.Minute)
	defer cancel()
	for _, op := range []string{"listCredentials", "listDevices"} {
		if err := r.timeList(pctx, t, cr, op); err != nil {
			return err
		}
	}
	d, err := r.timeDeletes(pctx, t)
	if err != nil {
		return err
	}
	cr.PerCall["deleteCredential"] = summarize(d)
	return nil
}

// timeList times r.cfg.Calls calls of a list operation after the warm-up
// and counts what reached the emulator meanwhile.
func (r *runner) timeList(ctx context.Context, t *tab, cr *ClientResult, op string) error {
	if err := t.eval(ctx, fmt.Sprintf("bench.time(%q, %d)", op, r.cfg.Warmup), nil); err != nil {
		return err
	}
	r.emCount.take()
	var d []float64
	if err := t.eval(ctx, fmt.Sprintf("bench.time(%q, %d)", op, r.cfg.Calls), &d); err != nil {
		return err
	}
	cr.PerCall[op] = summarize(d)
	posts, pre := r.emCount.take()
	cr.PerCallRequests[op] = requestCount{Posts: posts, Preflights: pre}
	return nil
}

// timeDeletes times r.cfg.Calls deletes, in rounds over the seeded
// passkeys on a pool reset before each round; the first round is a
// warm-up. The pool is left reset.
func (r *runner) timeDeletes(ctx context.Context, t *tab) ([]float64, error) {
	defer r.em.Reset()
	idsJSON, _ := json.Marshal(r.seedIDs)
	var deletes []float64
	for round := 0; len(deletes) < r.cfg.Calls; round++ {
		r.em.Reset()
		var d []float64
		if err := t.eval(ctx, "bench.timeDeletes("+string(idsJSON)+")", &d); err != nil {
			return nil, fmt.Errorf("delete round %d: %w", round, err)
		}
		if round == 0 {
			continue // warm-up round
		}
		deletes = append(deletes, d...)
	}
	return deletes[:r.cfg.Calls], nil
}
