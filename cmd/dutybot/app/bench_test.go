package app

import (
	"context"
	"os"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"dutybot/bot"
	"dutybot/nlp"
)

// Benchmarks of the whole pipeline as the server runs it: start-up (Load)
// and a whole question (Bot.Answer). Figures are CPU-bound and noisy on a
// shared machine: compare with -count and benchstat, never in a test.

// BenchmarkLoad measures what the server does before it can answer: parse
// the embedded list, build the analyser and the index.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCached is BenchmarkLoad with the examples' analysis read
// from a cache (the server's second start on).
func BenchmarkLoadCached(b *testing.B) {
	src := Sources{Cache: nlp.DirCache{Dir: b.TempDir()}}
	if _, err := LoadSources(src); err != nil { // fills the cache
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		cat, err := LoadSources(src)
		if err != nil {
			b.Fatal(err)
		}
		if s := cat.Examples["喀尔墩乡"]; s != "read from the cache" {
			b.Fatalf("examples %s", s)
		}
	}
}

// devQuestions returns the questions of testdata/dev.tsv.
func devQuestions(tb testing.TB) []string {
	tb.Helper()
	f, err := os.Open("../../../testdata/dev.tsv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	cases, err := bot.ReadCases("dev.tsv", f)
	if err != nil {
		tb.Fatal(err)
	}
	qs := make([]string, len(cases))
	for i, c := range cases {
		qs[i] = c.Question
	}
	return qs
}

// BenchmarkAnswer measures a whole question, from text to rendered reply,
// over the development questions, each from its own user as on WeChat,
// each as if it was not asked before (the rankers' caches are off). It
// reports the mean and the median time of a question.
func BenchmarkAnswer(b *testing.B) { benchmarkAnswer(b, 0) }

// BenchmarkAnswerCached is BenchmarkAnswer with the rankers' caches on:
// after the first round, every ranking is a lookup.
func BenchmarkAnswerCached(b *testing.B) { benchmarkAnswer(b, -1) }

// benchmarkAnswer runs the questions with rankers caching cache results
// (-1: the default).
func benchmarkAnswer(b *testing.B, cache int) {
	bt, cat, err := NewBot(bot.Options{}, "")
	if err != nil {
		b.Fatal(err)
	}
	if cache >= 0 {
		for _, r := range cat.Rankers {
			r.(*ranker).cache = newRankCache(cache)
		}
	}
	qs := devQuestions(b)
	ctx := context.Background()
	times := make([]float64, 0, 1<<16)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		q := bot.Question{Channel: bot.WeChat, User: "u" + strconv.Itoa(i%5000), Text: qs[i%len(qs)]}
		start := time.Now()
		if _, err := bt.Answer(ctx, q); err != nil {
			b.Fatal(err)
		}
		if len(times) < cap(times) {
			times = append(times, float64(time.Since(start)))
		}
	}
	slices.Sort(times)
	b.ReportMetric(times[len(times)/2], "median-ns/question")
}

// A question asked again gets the ranking it got the first time, which is
// what the index computes; the cache stays bounded.
func TestRankCache(t *testing.T) {
	cat, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	qs := append(devQuestions(t), "宅急地审批", "办残疾证找谁", "办残疾证找谁？", " 办残疾证找谁 ")
	for _, r := range cat.Rankers {
		r := r.(*ranker)
		fresh := &ranker{ix: r.ix, unlisted: r.unlisted}
		for round := range 3 {
			for _, q := range qs {
				for _, limit := range []int{0, 3, 10} {
					got, want := r.Rank(q, limit), fresh.Rank(q, limit)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("round %d: Rank(%q, %d) = %+v, without the cache %+v", round, q, limit, got, want)
					}
				}
			}
		}
		for i := range 3 * rankCacheSize {
			r.Rank("问题"+strconv.Itoa(i), 10)
		}
		if n := len(r.cache.cur) + len(r.cache.old); n > rankCacheSize {
			t.Errorf("cache holds %d rankings, want at most %d", n, rankCacheSize)
		}
	}
}
