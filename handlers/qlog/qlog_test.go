package qlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"dutybot/bot"
)

// MustOpen opens a fresh log in a temporary folder.
func MustOpen(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(tb.TempDir(), "dutybot.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func count(tb testing.TB, s *Store, q string, args ...any) int {
	tb.Helper()
	var n int
	if err := s.DB().QueryRow(q, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.Local)

func rec(user, msg, text string, d bot.Decision, refs ...string) bot.Record {
	r := bot.Record{Time: t0, Township: "喀尔墩乡", Channel: bot.WeChat, User: user, MessageID: msg, Text: text,
		Decision: d, Refs: refs, Latency: 1500 * time.Microsecond}
	for range refs {
		r.Scores = append(r.Scores, 3.5)
	}
	return r
}

func TestOpenMigratesOnceAndKeepsSalt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dutybot.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	h1 := s.UserHash(bot.WeChat, "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
	var mode string
	if err := s.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
	s.Close()

	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := count(t, s, `SELECT COUNT(*) FROM schema_migrations`); got != len(migrations) {
		t.Errorf("schema_migrations has %d rows, want %d", got, len(migrations))
	}
	h2 := s.UserHash(bot.WeChat, "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
	if h1 != h2 || len(h1) != 32 {
		t.Errorf("user hash changed across opens or has the wrong size: %q, %q", h1, h2)
	}
	if h := s.UserHash(bot.WeCom, "oyORnuP8q7ou2gfYjqLzSIWZf0rs"); h == h1 {
		t.Error("same hash on two channels")
	}
	if s.UserHash(bot.API, "") != "" {
		t.Error("empty user should hash to empty")
	}
	// Another database has another salt.
	other := MustOpen(t)
	if other.UserHash(bot.WeChat, "oyORnuP8q7ou2gfYjqLzSIWZf0rs") == h1 {
		t.Error("two databases share a salt")
	}
}

func TestOpenExistingMissing(t *testing.T) {
	_, err := OpenExisting(filepath.Join(t.TempDir(), "none.db"))
	if !errors.Is(err, ErrNoDatabase) {
		t.Fatalf("OpenExisting(missing) = %v, want ErrNoDatabase", err)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dutybot.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Fatalf("Open(newer schema) = %v, want an error saying it is newer", err)
	}
}

func TestWriteStoresHashNotUser(t *testing.T) {
	s := MustOpen(t)
	r := rec("oyORnuP8q7ou2gfYjqLzSIWZf0rs", "6054768590064713728", "办残疾证找谁", bot.DecideAnswer, "B12")
	if err := s.Write(context.Background(), []Entry{{Question: &r, Names: []string{"残疾人证办理"}}}); err != nil {
		t.Fatal(err)
	}
	var user, text, dec, ref, name, refs, scores string
	var ts, lat int64
	err := s.DB().QueryRow(`SELECT user_hash, text, decision, ts, latency_us, ref, name, refs, scores FROM questions`).
		Scan(&user, &text, &dec, &ts, &lat, &ref, &name, &refs, &scores)
	if err != nil {
		t.Fatal(err)
	}
	if user != s.UserHash(bot.WeChat, r.User) || strings.Contains(user, "oyOR") {
		t.Errorf("stored user %q, want the salted hash", user)
	}
	if text != r.Text || dec != "answer" || ts != t0.UnixMilli() || lat != 1500 || ref != "B12" || name != "残疾人证办理" ||
		refs != "B12" || scores != "3.500" {
		t.Errorf("stored %q %q %d %d %q %q %q %q", text, dec, ts, lat, ref, name, refs, scores)
	}
	// No column anywhere holds the raw OpenID.
	var dump strings.Builder
	rows, err := s.DB().Query(`SELECT * FROM questions`)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		rows.Scan(ptrs...)
		fmt.Fprint(&dump, vals...)
	}
	rows.Close()
	if strings.Contains(dump.String(), "oyORnuP8") {
		t.Error("the raw OpenID is stored")
	}
}

func TestRetriedMessageLoggedOnce(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	a := rec("u1", "m1", "宅基地审批", bot.DecideAnswer, "B3")
	b := a // the retry, in another batch
	c := a
	c.Channel = bot.WeCom // same id on another channel is another message
	d := rec("u1", "", "宅基地审批", bot.DecideAnswer, "B3")
	e := d // no message id: no dedupe
	if err := s.Write(ctx, []Entry{{Question: &a}, {Question: &b}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, []Entry{{Question: &b}, {Question: &c}, {Question: &d}, {Question: &e}}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM questions`); n != 4 {
		t.Errorf("%d questions logged, want 4 (the retries once)", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM questions WHERE refs = 'B3' AND ref = 'B3'`); n != 4 {
		t.Errorf("%d questions with their refs, want 4", n)
	}
	// Many rows and a retry in one batch, more than one INSERT holds.
	var es []Entry
	for i := range 3*rowsPerInsert + 5 {
		r := rec("u2", fmt.Sprint("big", i%(2*rowsPerInsert)), "低保", bot.DecideChoice, "B20", "B21")
		es = append(es, Entry{Question: &r})
	}
	if err := s.Write(ctx, es); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM questions WHERE msg_id LIKE 'big%' AND refs = 'B20 B21'`); n != 2*rowsPerInsert {
		t.Errorf("%d questions from the big batch, want %d", n, 2*rowsPerInsert)
	}
}

func TestFeedbackLinks(t *testing.T) {
	s := MustOpen(t)
	ctx := context.Background()
	q1 := rec("u1", "m1", "办残疾证找谁", bot.DecideAnswer, "B12")
	q2 := rec("u1", "m2", "低保怎么申请", bot.DecideAnswer, "B20")
	more := rec("u1", "m3", "详情", bot.DecideMore, "B20")
	q3 := rec("u2", "", "危房改造", bot.DecideAnswer, "B7")
	byID := bot.Feedback{Time: t0, Township: "喀尔墩乡", Channel: bot.WeChat, User: "u1", MessageID: "m1", Question: "办残疾证找谁", Refs: []string{"B12"}}
	byText := bot.Feedback{Time: t0, Township: "喀尔墩乡", Channel: bot.WeChat, User: "u1", Question: "低保怎么申请", Refs: []string{"B20"}}
	byUser := bot.Feedback{Time: t0, Township: "喀尔墩乡", Channel: bot.WeChat, User: "u2", Refs: []string{"B7"}, Useful: true}
	nobody := bot.Feedback{Time: t0, Township: "喀尔墩乡", Channel: bot.API, Refs: []string{"B7"}}
	err := s.Write(ctx, []Entry{{Question: &q1}, {Question: &q2}, {Question: &more}, {Question: &q3},
		{Feedback: &byID}, {Feedback: &byText}, {Feedback: &byUser}, {Feedback: &nobody}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.DB().Query(`SELECT COALESCE(q.text, '-') FROM feedback f LEFT JOIN questions q ON q.id = f.question_id ORDER BY f.id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		got = append(got, s)
	}
	rows.Close()
	want := []string{"办残疾证找谁", "低保怎么申请", "危房改造", "-"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("feedback linked to %q, want %q", got, want)
	}
}

func TestClipText(t *testing.T) {
	long := strings.Repeat("宅", 1000) // 3000 bytes
	got := clipText(long)
	if len(got) > MaxTextBytes || !strings.HasPrefix(long, got) || len(got) < MaxTextBytes-3 {
		t.Errorf("clipText cut to %d bytes", len(got))
	}
	if got := clipText("a\x00b\xff"); got != "ab\uFFFD" {
		t.Errorf("clipText(NUL, invalid) = %q", got)
	}
}

func TestRebind(t *testing.T) {
	q := `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`
	if got := Postgres.Rebind(q); got != `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)` {
		t.Errorf("Postgres.Rebind = %q", got)
	}
	if got := SQLite.Rebind(q); got != q {
		t.Errorf("SQLite.Rebind = %q", got)
	}
	for _, m := range migrations {
		for _, st := range m.stmts {
			if strings.Contains(Postgres.expand(st), "{{") {
				t.Errorf("unexpanded template in %q", st)
			}
		}
	}
}

// sinkFunc is a Sink stub.
type sinkFunc func(ctx context.Context, batch []Entry) error

func (f sinkFunc) Write(ctx context.Context, batch []Entry) error { return f(ctx, batch) }

func quietLogger(buf *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, nil))
}

func TestWriterFlushesOnClose(t *testing.T) {
	s := MustOpen(t)
	var logs bytes.Buffer
	w := NewWriter(s, WriterOptions{Logger: quietLogger(&logs), Names: func(township, ref string) string { return township + "/" + ref }})
	for i := range 500 {
		w.RecordQuestion(rec(fmt.Sprint("u", i%7), fmt.Sprint("m", i), "问题", bot.DecideAnswer, "B1"))
	}
	w.RecordFeedback(bot.Feedback{Time: t0, Channel: bot.WeChat, User: "u1", Refs: []string{"B1"}})
	w.RecordQuestion(rec("u1", "", "x", bot.DecideLimited))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM questions`); n != 500 {
		t.Errorf("%d questions after Close, want 500 (limited ones are not logged)", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM feedback`); n != 1 {
		t.Errorf("%d feedback rows, want 1", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM questions WHERE name = '喀尔墩乡/B1'`); n != 500 {
		t.Errorf("%d refs named by Names, want 500", n)
	}
	if w.Written() != 501 || w.Dropped() != 0 {
		t.Errorf("written %d dropped %d, want 501, 0", w.Written(), w.Dropped())
	}
	// After Close: dropped and counted, never a panic.
	w.RecordQuestion(rec("u1", "late", "迟到", bot.DecideAnswer))
	if w.Dropped() != 1 {
		t.Errorf("dropped %d after a record past Close, want 1", w.Dropped())
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestWriterFailingDatabase: the database fails; recording never blocks,
// every loss is counted, reported to OnDrop and warned about.
func TestWriterFailingDatabase(t *testing.T) {
	s := MustOpen(t)
	var logs bytes.Buffer
	var onDrop atomic.Int64
	w := NewWriter(s, WriterOptions{QueueSize: 8, Logger: quietLogger(&logs), OnDrop: func(n int) { onDrop.Add(int64(n)) }})
	s.DB().Close() // every write fails from now on

	start := time.Now()
	for i := range 100 {
		w.RecordQuestion(rec("u", fmt.Sprint(i), "问题", bot.DecideAnswer))
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("100 records took %v with a failing database; recording must not wait", d)
	}
	w.Close()
	if w.Dropped() != 100 || w.Written() != 0 {
		t.Errorf("dropped %d written %d, want 100, 0", w.Dropped(), w.Written())
	}
	if onDrop.Load() != 100 {
		t.Errorf("OnDrop counted %d, want 100", onDrop.Load())
	}
	if !w.Failing() {
		t.Error("Failing() = false after failed writes")
	}
	if !strings.Contains(logs.String(), "records dropped") || strings.Count(logs.String(), "records dropped") > 2 {
		t.Errorf("want one or two (rate-limited) warnings, got:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "问题") {
		t.Error("a warning shows a citizen's text")
	}
}

// TestWriterQueueFull: a stuck database fills the queue; what does not fit
// is dropped at once, and what was queued is written when it recovers.
func TestWriterQueueFull(t *testing.T) {
	release := make(chan struct{})
	var written atomic.Int64
	sink := sinkFunc(func(ctx context.Context, b []Entry) error {
		<-release
		written.Add(int64(len(b)))
		return nil
	})
	var logs bytes.Buffer
	w := NewWriter(sink, WriterOptions{QueueSize: 10, BatchSize: 5, MaxDelay: -1, Logger: quietLogger(&logs)})
	w.RecordQuestion(rec("u", "first", "q", bot.DecideAnswer)) // taken by the writer, which blocks
	waitFor(t, func() bool { return w.Len() == 0 })
	for i := range 30 {
		w.RecordQuestion(rec("u", fmt.Sprint(i), "q", bot.DecideAnswer))
	}
	if w.Len() != 10 || w.Dropped() != 20 {
		t.Errorf("queue %d dropped %d, want 10, 20", w.Len(), w.Dropped())
	}
	close(release)
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if written.Load() != 11 || w.Written() != 11 {
		t.Errorf("written %d (%d), want 11", written.Load(), w.Written())
	}
	w.Close()
}

func TestWriterRecoversAfterFailure(t *testing.T) {
	var fail atomic.Bool
	fail.Store(true)
	sink := sinkFunc(func(ctx context.Context, b []Entry) error {
		if fail.Load() {
			return errors.New("disk I/O error")
		}
		return nil
	})
	var logs bytes.Buffer
	w := NewWriter(sink, WriterOptions{Logger: quietLogger(&logs)})
	w.RecordQuestion(rec("u", "1", "q", bot.DecideAnswer))
	w.Flush(context.Background())
	fail.Store(false)
	w.RecordQuestion(rec("u", "2", "q", bot.DecideAnswer))
	w.Flush(context.Background())
	w.Close()
	if w.Dropped() != 1 || w.Written() != 1 || w.Failing() {
		t.Errorf("dropped %d written %d failing %v, want 1, 1, false", w.Dropped(), w.Written(), w.Failing())
	}
	if !strings.Contains(logs.String(), "writing again") {
		t.Errorf("no recovery notice in:\n%s", logs.String())
	}
}

// TestWriterConcurrentClose records from many goroutines while closing;
// run with -race.
func TestWriterConcurrentClose(t *testing.T) {
	s := MustOpen(t)
	var logs bytes.Buffer
	w := NewWriter(s, WriterOptions{QueueSize: 64, Logger: quietLogger(&logs)})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				w.RecordQuestion(rec(fmt.Sprint("u", g), fmt.Sprint(g, "-", i), "q", bot.DecideNone))
				if i%50 == 0 {
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					w.Flush(ctx)
					cancel()
				}
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	w.Close()
	wg.Wait()
	total := w.Written() + w.Dropped()
	if total != 1600 {
		t.Errorf("written %d + dropped %d = %d, want every record accounted for (1600)", w.Written(), w.Dropped(), total)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM questions`); uint64(n) != w.Written() {
		t.Errorf("%d rows, writer says %d written", n, w.Written())
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not reached")
}

// seed writes a week of questions: two days, three channels, answers,
// unanswered questions in near-duplicate wordings, and feedback.
func seed(t *testing.T, s *Store) {
	t.Helper()
	day1 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	day2 := day1.Add(24 * time.Hour)
	var es []Entry
	add := func(at time.Time, ch bot.Channel, user, msg, text string, d bot.Decision, refs []string, names []string) {
		r := bot.Record{Time: at, Township: "喀尔墩乡", Channel: ch, User: user, MessageID: msg, Text: text, Decision: d, Refs: refs}
		es = append(es, Entry{Question: &r, Names: names})
	}
	n := 0
	msg := func() string { n++; return fmt.Sprint("m", n) }
	for i := range 5 {
		add(day1, bot.WeChat, fmt.Sprint("w", i), msg(), "办残疾证找谁", bot.DecideAnswer, []string{"B12"}, []string{"残疾人证办理"})
	}
	for i := range 3 {
		add(day2, bot.WeCom, fmt.Sprint("k", i), msg(), "低保怎么申请", bot.DecideAnswer, []string{"B20"}, []string{"最低生活保障申请"})
	}
	add(day2, bot.API, "a", "", "宅基地", bot.DecideChoice, []string{"B3", "B4"}, []string{"宅基地审批", "宅基地确权"})
	add(day2, bot.API, "a", "", "2", bot.DecideAnswer, []string{"B4"}, []string{"宅基地确权"})
	// Unanswered: one question in four wordings, and another.
	add(day1, bot.WeChat, "w1", msg(), "请问驾照怎么换证？", bot.DecideNone, nil, nil)
	add(day1, bot.WeChat, "w2", msg(), "驾照怎么换证", bot.DecideNone, nil, nil)
	add(day2, bot.WeChat, "w3", msg(), "驾照怎么换证", bot.DecideNone, nil, nil)
	add(day2, bot.WeCom, "k1", msg(), "驾照怎么换证呢", bot.DecideNone, nil, nil)
	add(day2, bot.WeChat, "w4", msg(), "护照在哪里办理", bot.DecideNone, nil, nil)
	// Too old for the report.
	add(day1.Add(-30*24*time.Hour), bot.WeChat, "old", msg(), "很久以前的问题", bot.DecideNone, nil, nil)
	// Feedback: B20 twice 没用 (one with a reason), B12 有用.
	fb := func(ch bot.Channel, user string, useful bool, reason, question string, refs, names []string) {
		f := bot.Feedback{Time: day2.Add(time.Minute), Township: "喀尔墩乡", Channel: ch, User: user, Useful: useful, Reason: reason, Question: question, Refs: refs}
		es = append(es, Entry{Feedback: &f, Names: names})
	}
	fb(bot.WeCom, "k0", false, "", "低保怎么申请", []string{"B20"}, []string{"最低生活保障申请"})
	fb(bot.WeCom, "k1", false, "没有说要带什么材料", "低保怎么申请", []string{"B20"}, []string{"最低生活保障申请"})
	fb(bot.WeChat, "w0", true, "", "办残疾证找谁", []string{"B12"}, []string{"残疾人证办理"})
	if err := s.Write(context.Background(), es); err != nil {
		t.Fatal(err)
	}
}

func TestReport(t *testing.T) {
	s := MustOpen(t)
	seed(t, s)
	until := time.Date(2026, 3, 9, 0, 0, 0, 0, time.Local)
	rep, err := s.Report(context.Background(), ReportOptions{Since: until.Add(-7 * 24 * time.Hour), Until: until})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Questions != 15 {
		t.Errorf("Questions = %d, want 15", rep.Questions)
	}
	wantDays := []DayCount{
		{Day: "2026-03-02", Channel: "wechat", Questions: 7, Unanswered: 2},
		{Day: "2026-03-03", Channel: "api", Questions: 2, Unanswered: 0},
		{Day: "2026-03-03", Channel: "wechat", Questions: 2, Unanswered: 2},
		{Day: "2026-03-03", Channel: "wecom", Questions: 4, Unanswered: 1},
	}
	if !reflect.DeepEqual(rep.ByDay, wantDays) {
		t.Errorf("ByDay = %+v\nwant %+v", rep.ByDay, wantDays)
	}
	wantTop := []ItemCount{
		{Ref: "B12", Name: "残疾人证办理", Count: 5, Township: "喀尔墩乡"},
		{Ref: "B20", Name: "最低生活保障申请", Count: 3, Township: "喀尔墩乡"},
		{Ref: "B4", Name: "宅基地确权", Count: 1, Township: "喀尔墩乡"},
	}
	if !reflect.DeepEqual(rep.TopItems, wantTop) {
		t.Errorf("TopItems = %+v\nwant %+v", rep.TopItems, wantTop)
	}
	if len(rep.Unanswered) != 2 || rep.Unanswered[0].Question != "驾照怎么换证" || rep.Unanswered[0].Count != 4 ||
		rep.Unanswered[1].Question != "护照在哪里办理" || rep.Unanswered[1].Count != 1 {
		t.Errorf("Unanswered = %+v, want 驾照怎么换证 ×4 then 护照在哪里办理 ×1", rep.Unanswered)
	}
	if len(rep.NotUseful) != 1 {
		t.Fatalf("NotUseful = %+v, want one answer", rep.NotUseful)
	}
	nu := rep.NotUseful[0]
	if nu.Count != 2 || !reflect.DeepEqual(nu.Refs, []string{"B20"}) || !reflect.DeepEqual(nu.Names, []string{"最低生活保障申请"}) ||
		!reflect.DeepEqual(nu.Questions, []string{"低保怎么申请"}) || !reflect.DeepEqual(nu.Reasons, []string{"没有说要带什么材料"}) {
		t.Errorf("NotUseful[0] = %+v", nu)
	}

	// The JSON shape staff tools rely on.
	b, _ := json.Marshal(rep)
	var top map[string]json.RawMessage
	json.Unmarshal(b, &top)
	var keys []string
	for k := range top {
		keys = append(keys, k)
	}
	for _, k := range []string{"questions", "by_day", "top_items", "unanswered", "not_useful"} {
		if _, ok := top[k]; !ok {
			t.Errorf("report JSON lacks %q: %s", k, b)
		}
	}
	if len(top) != 5 {
		t.Errorf("report JSON keys = %v, want exactly the five", keys)
	}
	var items []map[string]any
	json.Unmarshal(top["top_items"], &items)
	if items[0]["ref"] != "B12" || items[0]["name"] != "残疾人证办理" || items[0]["count"] != 5.0 {
		t.Errorf("top_items[0] = %v", items[0])
	}
	var un []map[string]any
	json.Unmarshal(top["unanswered"], &un)
	if un[0]["question"] != "驾照怎么换证" || un[0]["count"] != 4.0 {
		t.Errorf("unanswered[0] = %v", un[0])
	}
}

func TestReportEmpty(t *testing.T) {
	s := MustOpen(t)
	rep, err := s.Report(context.Background(), ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(rep)
	if string(b) != `{"questions":0,"by_day":[],"top_items":[],"unanswered":[],"not_useful":[]}` {
		t.Errorf("empty report = %s", b)
	}
}

// BenchmarkStoreWrite is the cost of logging one question, in batches of
// 200 as the Writer makes them under load.
func BenchmarkStoreWrite(b *testing.B) {
	s := MustOpen(b)
	ctx := context.Background()
	batch := make([]Entry, 200)
	n := 0
	b.ResetTimer()
	for i := 0; i < b.N; i += len(batch) {
		for j := range batch {
			n++
			r := rec(fmt.Sprint("user", n%5000), fmt.Sprint(n), "宅基地审批怎么办理", bot.DecideAnswer, "B12")
			batch[j] = Entry{Question: &r, Names: []string{"宅基地审批"}}
		}
		if err := s.Write(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriterBatches: records arriving within MaxDelay of each other are
// written in one transaction, up to BatchSize.
func TestWriterBatches(t *testing.T) {
	var mu sync.Mutex
	var sizes []int
	sink := sinkFunc(func(ctx context.Context, b []Entry) error {
		mu.Lock()
		sizes = append(sizes, len(b))
		mu.Unlock()
		return nil
	})
	w := NewWriter(sink, WriterOptions{BatchSize: 50, MaxDelay: time.Second})
	for i := range 120 {
		w.RecordQuestion(rec("u", fmt.Sprint(i), "q", bot.DecideAnswer))
	}
	w.Flush(context.Background())
	w.Close()
	if !reflect.DeepEqual(sizes, []int{50, 50, 20}) {
		t.Errorf("batch sizes = %v, want [50 50 20]", sizes)
	}
}

// checkPrune logs questions and feedback on both sides of a cut, more old
// questions than one pruning transaction deletes, and prunes.
func checkPrune(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	cut := t0.Add(-24 * time.Hour)
	var batch []Entry
	old := pruneBatch + 37
	for i := range old {
		q := rec(fmt.Sprint("u", i%50), fmt.Sprint("old", i), "低保怎么申请", bot.DecideAnswer, "B20")
		q.Time = cut.Add(-time.Duration(i+1) * time.Minute)
		batch = append(batch, Entry{Question: &q})
	}
	for i := range 5 {
		q := rec("keep", fmt.Sprint("new", i), "办残疾证找谁", bot.DecideAnswer, "B12")
		q.Time = cut.Add(time.Duration(i) * time.Minute)
		batch = append(batch, Entry{Question: &q})
	}
	if err := s.Write(ctx, batch); err != nil {
		t.Fatal(err)
	}
	// Feedback before the cut, and feedback after it on a question before it.
	oldFB := bot.Feedback{Time: cut.Add(-time.Hour), Township: "喀尔墩乡", Channel: bot.WeChat, User: "u1", MessageID: "old1", Refs: []string{"B20"}}
	lateFB := bot.Feedback{Time: cut.Add(time.Hour), Township: "喀尔墩乡", Channel: bot.WeChat, User: "u2", MessageID: "old2", Refs: []string{"B20"}}
	if err := s.Write(ctx, []Entry{{Feedback: &oldFB}, {Feedback: &lateFB}}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM feedback WHERE question_id IS NOT NULL`); n != 2 {
		t.Fatalf("%d feedback rows linked before pruning, want 2", n)
	}

	q, f, err := s.Prune(ctx, cut)
	if err != nil {
		t.Fatal(err)
	}
	if q != int64(old) || f != 1 {
		t.Errorf("Prune deleted %d questions and %d feedback, want %d and 1", q, f, old)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM questions`); n != 5 {
		t.Errorf("%d questions left, want the 5 after the cut", n)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM feedback WHERE question_id IS NULL`); n != 1 {
		t.Errorf("%d feedback rows left without their question, want 1 (the kept one on a pruned question)", n)
	}
	if q, f, err := s.Prune(ctx, cut); err != nil || q != 0 || f != 0 {
		t.Errorf("second Prune = %d, %d, %v; want nothing left to delete", q, f, err)
	}
}

func TestPrune(t *testing.T) { checkPrune(t, MustOpen(t)) }

// A question asked in the very millisecond a report runs "until" is in it:
// a report made right after a question shows it.
func TestReportIncludesUntil(t *testing.T) {
	s := MustOpen(t)
	q := rec("u", "m1", "低保怎么申请", bot.DecideAnswer, "B20")
	if err := s.Write(context.Background(), []Entry{{Question: &q}}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Report(context.Background(), ReportOptions{Since: t0.Add(-time.Hour), Until: t0})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Questions != 1 {
		t.Errorf("report until the question's own time counts %d questions, want 1", rep.Questions)
	}
}
