package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLongestTask(t *testing.T) {
	const url = "http://127.0.0.1:1/bench/amplify.html"
	meta := `{"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"CrRendererMain"}},
		{"ph":"M","name":"thread_name","pid":1,"tid":2,"args":{"name":"DedicatedWorker thread"}},
		{"ph":"R","cat":"blink.user_timing","name":"navigationStart","pid":1,"tid":1,"ts":1000,"args":{"data":{"documentLoaderURL":"about:blank","navigationId":"A"}}},
		{"ph":"R","cat":"blink.user_timing","name":"navigationStart","pid":1,"tid":1,"ts":10000,"args":{"data":{"documentLoaderURL":"` + url + `","navigationId":"B"}}},
		{"ph":"I","cat":"blink.user_timing","name":"bench-first","pid":1,"tid":1,"ts":200000,"args":{"data":{"navigationId":"B"}}}`
	tests := []struct {
		name        string
		events      string
		wantLongest float64
		wantErr     string
	}{
		{
			name: "longest main-thread task in the window",
			events: meta + `,
				{"ph":"X","cat":"toplevel","name":"ThreadControllerImpl::RunTask","pid":1,"tid":1,"ts":20000,"dur":30000},
				{"ph":"X","cat":"toplevel","name":"ThreadControllerImpl::RunTask","pid":1,"tid":1,"ts":60000,"dur":45500}`,
			wantLongest: 45.5,
		},
		{
			name: "tasks outside the window, on a worker or in another process do not count",
			events: meta + `,
				{"ph":"X","cat":"toplevel","name":"ThreadControllerImpl::RunTask","pid":1,"tid":1,"ts":2000,"dur":5000},
				{"ph":"X","cat":"toplevel","name":"ThreadControllerImpl::RunTask","pid":1,"tid":1,"ts":300000,"dur":90000},
				{"ph":"X","cat":"toplevel","name":"ThreadControllerImpl::RunTask","pid":1,"tid":2,"ts":20000,"dur":90000},
				{"ph":"X","cat":"toplevel","name":"ThreadControllerImpl::RunTask","pid":7,"tid":1,"ts":20000,"dur":90000},
				{"ph":"X","cat":"toplevel","name":"RunTask","pid":1,"tid":1,"ts":20000,"dur":12000}`,
			wantLongest: 12,
		},
		{
			name: "a task and the microtask checkpoint it runs are one stretch; a checkpoint alone counts",
			events: meta + `,
				{"ph":"X","cat":"toplevel","name":"ThreadControllerImpl::RunTask","pid":1,"tid":1,"ts":20000,"dur":10000},
				{"ph":"X","cat":"toplevel","name":"BlinkScheduler_PerformMicrotaskCheckpoint","pid":1,"tid":1,"ts":25000,"dur":15000},
				{"ph":"X","cat":"toplevel","name":"BlinkScheduler_PerformMicrotaskCheckpoint","pid":1,"tid":1,"ts":50000,"dur":21000},
				{"ph":"X","cat":"toplevel,mojom","name":"Receive mojo message","pid":1,"tid":1,"ts":100000,"dur":5000}`,
			wantLongest: 21,
		},
		{
			name: "begin/end pairs",
			events: meta + `,
				{"ph":"B","cat":"toplevel","name":"ThreadControllerImpl::RunTask","pid":1,"tid":1,"ts":50000},
				{"ph":"E","cat":"toplevel","name":"ThreadControllerImpl::RunTask","pid":1,"tid":1,"ts":70000}`,
			wantLongest: 20,
		},
		{
			name:    "no mark",
			events:  `{"ph":"M","name":"thread_name","pid":1,"tid":1,"args":{"name":"CrRendererMain"}}`,
			wantErr: "no bench-first mark",
		},
		{
			name:    "no tasks",
			events:  meta,
			wantErr: "no main-thread tasks",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw []json.RawMessage
			if err := json.Unmarshal([]byte("["+tt.events+"]"), &raw); err != nil {
				t.Fatal(err)
			}
			longest, window, err := longestTask(raw, url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if longest != tt.wantLongest {
				t.Errorf("longest = %v ms, want %v", longest, tt.wantLongest)
			}
			if window != 190 {
				t.Errorf("window = %v ms, want 190", window)
			}
		})
	}
}
