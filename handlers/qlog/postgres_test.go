package qlog

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"dutybot/bot"
	"dutybot/handlers/redisstore/enginetest"
)

// TestPostgres runs the log on a private PostgreSQL server: the same
// migrations, writes and report as on SQLite. One server serves the
// subtests (starting one takes seconds), each on a database of its own.
func TestPostgres(t *testing.T) {
	pg := enginetest.Postgres(t)
	ctx := context.Background()
	open := func(t *testing.T, url string) *Store {
		t.Helper()
		s, err := OpenPostgres(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}

	t.Run("replicas migrate together", func(t *testing.T) {
		url := pg.NewDatabase(t)
		const n = 4
		stores := make([]*Store, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { stores[i], errs[i] = OpenPostgres(ctx, url) })
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("replica %d: %v", i, errs[i])
			}
			defer stores[i].Close()
		}
		if got := count(t, stores[0], `SELECT COUNT(*) FROM schema_migrations`); got != len(migrations) {
			t.Errorf("schema_migrations has %d rows, want %d", got, len(migrations))
		}
		h := stores[0].UserHash(bot.WeChat, "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
		for i, s := range stores {
			if s.UserHash(bot.WeChat, "oyORnuP8q7ou2gfYjqLzSIWZf0rs") != h {
				t.Errorf("replica %d hashes users with another salt", i)
			}
		}
		if err := stores[1].Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})

	t.Run("prune", func(t *testing.T) { checkPrune(t, open(t, pg.NewDatabase(t))) })

	t.Run("report as on sqlite", func(t *testing.T) {
		lite := MustOpen(t)
		p := open(t, pg.NewDatabase(t))
		seed(t, lite)
		seed(t, p)
		until := time.Date(2026, 3, 9, 0, 0, 0, 0, time.Local)
		opts := ReportOptions{Since: until.Add(-7 * 24 * time.Hour), Until: until}
		want, err := lite.Report(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Report(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("postgres report:\n%+v\nsqlite report:\n%+v", got, want)
		}
		if got.Questions != 15 {
			t.Errorf("Questions = %d, want 15", got.Questions)
		}
		// Feedback is linked to the question rated.
		if n := count(t, p, `SELECT COUNT(*) FROM feedback WHERE question_id IS NOT NULL`); n != 3 {
			t.Errorf("%d feedback rows linked, want 3", n)
		}
	})

	t.Run("a retry on two replicas is logged once", func(t *testing.T) {
		url := pg.NewDatabase(t)
		a, b := open(t, url), open(t, url)
		r := rec("u1", "6054768590064713728", "办残疾证找谁", bot.DecideAnswer, "C16")
		var wg sync.WaitGroup
		for _, s := range []*Store{a, b, a, b} {
			wg.Go(func() {
				if err := s.Write(ctx, []Entry{{Question: &r, Names: []string{"残疾人证办理"}}}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := count(t, a, `SELECT COUNT(*) FROM questions`); n != 1 {
			t.Errorf("%d questions, want 1", n)
		}
		rep, err := b.Report(ctx, ReportOptions{Since: t0.Add(-time.Hour), Until: t0.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Questions != 1 || len(rep.TopItems) != 1 || rep.TopItems[0].Ref != "C16" || rep.TopItems[0].Count != 1 {
			t.Errorf("report = %+v, want one question answered with C16", rep)
		}
		if n := count(t, a, `SELECT COUNT(*) FROM questions WHERE user_hash = 'u1'`); n != 0 {
			t.Error("the raw user id is stored")
		}
	})

	t.Run("text postgres refuses is cleaned", func(t *testing.T) {
		p := open(t, pg.NewDatabase(t))
		r := rec("u1", "m1", "a\x00b\xff"+strings.Repeat("很", 500), bot.DecideNone)
		if err := p.Write(ctx, []Entry{{Question: &r}}); err != nil {
			t.Fatal(err)
		}
		var text string
		if err := p.DB().QueryRow(`SELECT text FROM questions`).Scan(&text); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(text, "ab\uFFFD很") || len(text) > MaxTextBytes {
			t.Errorf("stored %q (%d bytes)", text[:20], len(text))
		}
	})

	t.Run("refusals are not retried and hide the password", func(t *testing.T) {
		url := strings.Replace(pg.URL("no_such_db"), "postgres@", "postgres:s3cret@", 1)
		start := time.Now()
		_, err := OpenPostgres(ctx, url)
		if err == nil {
			t.Fatal("no error for a missing database")
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("took %v: a refusal must not be retried", d)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("error shows the password: %v", err)
		}
	})

	// Last: stops the server.
	t.Run("writer through an outage", func(t *testing.T) {
		p := open(t, pg.NewDatabase(t))
		var logs bytes.Buffer
		var mu sync.Mutex
		w := NewWriter(p, WriterOptions{WriteTimeout: 2 * time.Second, Logger: slog.New(slog.NewTextHandler(&syncWriter{mu: &mu, w: &logs}, nil))})
		defer w.Close()
		w.RecordQuestion(rec("u1", "before", "q", bot.DecideAnswer, "B1"))
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		pg.Stop()
		for i := range 5 {
			w.RecordQuestion(rec("u1", fmt.Sprint("during", i), "q", bot.DecideAnswer))
		}
		w.Flush(ctx)
		if w.Dropped() == 0 || !w.Failing() {
			t.Errorf("dropped %d failing %v with the database down; want losses counted", w.Dropped(), w.Failing())
		}
		pg.Start(t)
		// The pool may hold a broken connection: the first write after the
		// restart can fail too.
		waitFor(t, func() bool {
			w.RecordQuestion(rec("u1", "after", "q", bot.DecideAnswer))
			w.Flush(ctx)
			return !w.Failing()
		})
		if n := count(t, p, `SELECT COUNT(*) FROM questions WHERE msg_id IN ('before', 'after')`); n != 2 {
			t.Errorf("%d of the questions before and after the outage logged, want 2", n)
		}
	})
}

type syncWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
