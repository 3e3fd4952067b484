package main

import (
	"context"
	"io"
	"testing"
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
	for b.Loop() {
		m := start()
		b.StopTimer()
		m.Close()
		b.StartTimer()
	}
}
