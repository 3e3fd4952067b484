//go:build !scratch

package handlers

import (
	"sync"
	"testing"

	"dutybot/bot"
	"dutybot/cmd/dutybot/app"
)

var (
	catOnce sync.Once
	cat     *app.Catalog
	catErr  error
)

// newBot returns a real bot over the embedded duty list and the real text
// index, recording into rec. The catalog (dictionary, index) is loaded once
// per test binary; each test gets its own bot, sessions and recorder.
func newBot(tb testing.TB, rec bot.Recorder) *bot.Bot {
	tb.Helper()
	catOnce.Do(func() { cat, catErr = app.Load("") })
	if catErr != nil {
		tb.Fatalf("load catalog: %v", catErr)
	}
	b, err := bot.New(cat.Library, cat.Rankers, bot.Options{Recorder: rec})
	if err != nil {
		tb.Fatalf("bot.New: %v", err)
	}
	return b
}
