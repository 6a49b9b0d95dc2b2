package main

import "testing"

func TestSummarize(t *testing.T) {
	tests := []struct {
		name    string
		samples []float64
		want    stat
	}{
		{"empty", nil, stat{}},
		{"one", []float64{4}, stat{N: 1, Median: 4, P95: 4, Mean: 4, Min: 4, Max: 4}},
		{"odd unsorted", []float64{3, 1, 2}, stat{N: 3, Median: 2, P95: 2.9, Mean: 2, Min: 1, Max: 3}},
		{"even", []float64{1, 2, 3, 4}, stat{N: 4, Median: 2.5, P95: 3.85, Mean: 2.5, Min: 1, Max: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summarize(tt.samples)
			if !near(got.Median, tt.want.Median) || !near(got.P95, tt.want.P95) || got.N != tt.want.N ||
				!near(got.Mean, tt.want.Mean) || got.Min != tt.want.Min || got.Max != tt.want.Max {
				t.Errorf("summarize(%v) = %+v, want %+v", tt.samples, got, tt.want)
			}
		})
	}
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }
