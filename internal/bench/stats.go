package main

import (
	"math"
	"slices"
)

// stat summarises samples in milliseconds (or bytes).
type stat struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	P95    float64 `json:"p95"`
	Mean   float64 `json:"mean"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

func summarize(samples []float64) stat {
	if len(samples) == 0 {
		return stat{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	var sum float64
	for _, v := range s {
		sum += v
	}
	return stat{
		N: len(s), Median: quantile(s, 0.5), P95: quantile(s, 0.95),
		Mean: sum / float64(len(s)), Min: s[0], Max: s[len(s)-1],
	}
}

// quantile of sorted samples with linear interpolation between closest
// ranks (the usual "type 7" definition).
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}
