package main

import (
	"context"
	"io"
	"syscall"
	"testing"
	"time"
)

// BenchmarkServeStart measures the server's start, from Run to accepting
// connections with the embedded list and knowledge bank loaded, on a data
// folder whose cache of the examples' analysis a first start filled (every
// start but the first on a machine). Then it is closed, outside the timing.
func BenchmarkServeStart(b *testing.B) {
	data := b.TempDir()
	start := func() *Main {
		m := NewMain(io.Discard, io.Discard)
		m.LookupEnv = noEnv
		m.Config.Addr = "127.0.0.1:0"
		m.Config.Data = data
		if err := m.Run(context.Background()); err != nil {
			m.Close()
			b.Fatal(err)
		}
		return m
	}
	start().Close() // fills the cache
	b.ReportAllocs()
	var cpu time.Duration // of the whole process: on a busy machine, what the start costs
	for b.Loop() {
		before := cpuTime()
		m := start()
		cpu += cpuTime() - before
		b.StopTimer()
		m.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
