package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"dutybot/bot"
	"dutybot/handlers/qlog"
	"dutybot/seeds"
)

const srvAdminToken = "test-admin-token-0123456789"

// lockedBuffer is a bytes.Buffer safe for the logger's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// srvStart runs a Main on a free loopback port with a fresh data folder,
// after edit changes its configuration. It is closed at the end of the test.
func srvStart(t *testing.T, edit func(c *Config)) (*Main, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	m := NewMain(io.Discard, logs)
	m.LookupEnv = noEnv
	m.Config.Addr = "127.0.0.1:0"
	m.Config.Data = t.TempDir()
	m.Config.AdminToken = srvAdminToken
	if edit != nil {
		edit(&m.Config)
	}
	if err := m.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	m.Logger = newLogger(logs, m.Config.Log)
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, logs
}

// srvDo makes a request and returns the status and body.
func srvDo(t *testing.T, method, url, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

type srvAnswer struct {
	Decision string   `json:"decision"`
	Refs     []string `json:"refs"`
	Reply    string   `json:"reply"`
}

func srvAsk(t *testing.T, addr, user, question string) srvAnswer {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"question": question, "user": user})
	code, body := srvDo(t, "POST", "http://"+addr+"/api/ask", string(b))
	if code != http.StatusOK {
		t.Fatalf("ask %q: %d %s", question, code, body)
	}
	var a srvAnswer
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("ask %q: %v in %s", question, err, body)
	}
	return a
}

func srvCount(t *testing.T, path, q string) int {
	t.Helper()
	s, err := qlog.OpenExisting(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	if err := s.DB().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestServeEndToEnd runs runServe itself, as main does, with nothing
// configured but the data folder and a free port: the JSON API answers,
// the probes and metrics are up, the admin API is off, and on shutdown the
// log holds every question.
func TestServeEndToEnd(t *testing.T) {
	data := t.TempDir()
	t.Setenv("DUTYBOT_DATA", data)
	for _, k := range []string{"DUTYBOT_CONFIG", "DUTYBOT_ADDR", "DUTYBOT_ADMIN_TOKEN", "DUTYBOT_DOCUMENTS", "DUTYBOT_SYNONYMS",
		"DUTYBOT_WECHAT_TOKEN", "DUTYBOT_WECHAT_AESKEY", "DUTYBOT_WECHAT_APPID", "DUTYBOT_WECOM_BOT_TOKEN", "DUTYBOT_WECOM_BOT_AESKEY"} {
		t.Setenv(k, "")
	}
	t.Setenv("DUTYBOT_LOG_LEVEL", "info")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		code := runServe(ctx, []string{"-addr", "127.0.0.1:0"}, pw, &stderr)
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatalf("no start line; stderr:\n%s", stderr.String())
	}
	line := sc.Text()
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`serving on http://(\S+) `).FindStringSubmatch(line)
	if m == nil || !strings.Contains(line, "喀尔墩乡") || !strings.Contains(line, "admin API off") {
		t.Fatalf("start line = %q", line)
	}
	addr := m[1]
	base := "http://" + addr

	if code, body := srvDo(t, "GET", base+"/healthz", ""); code != 200 {
		t.Errorf("/healthz = %d %s", code, body)
	}
	if code, body := srvDo(t, "GET", base+"/readyz", ""); code != 200 {
		t.Errorf("/readyz = %d %s", code, body)
	}
	questions := []string{"办残疾证找谁", "宅基地审批", "驾照怎么换证", "低保怎么申请", "帮助"}
	for i, q := range questions {
		a := srvAsk(t, addr, fmt.Sprint("user", i), q)
		if a.Reply == "" || a.Decision == "" {
			t.Errorf("ask %q = %+v", q, a)
		}
	}
	if code, _ := srvDo(t, "GET", base+"/api/admin/report", "", "Authorization", "Bearer anything"); code != 404 {
		t.Errorf("admin API without a token configured: %d, want 404", code)
	}
	code, body := srvDo(t, "GET", base+"/metrics", "")
	for _, name := range []string{"dutybot_requests_total", "dutybot_answer_seconds", "dutybot_decisions_total",
		"dutybot_log_queue_depth", "dutybot_log_dropped_total 0", "dutybot_documents_loaded 1"} {
		if code != 200 || !strings.Contains(body, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}

	// SIGHUP reloads.
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	srvWait(t, func() bool { return strings.Contains(stderr.String(), "reloaded") }, "no reload after SIGHUP:\n"+stderr.String())

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("runServe = %d; stderr:\n%s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("runServe did not return after cancel")
	}
	if n := srvCount(t, filepath.Join(data, "dutybot.db"), `SELECT COUNT(*) FROM questions`); n != len(questions) {
		t.Errorf("%d questions logged, want %d", n, len(questions))
	}
	// The stop left nothing behind: the port is closed.
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answering after runServe returned")
	}
}

func srvWait(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal(msg)
}

func TestServeRefusesInvalidConfig(t *testing.T) {
	t.Setenv("DUTYBOT_DATA", t.TempDir())
	t.Setenv("DUTYBOT_WECHAT_TOKEN", "spamtest")
	t.Setenv("DUTYBOT_WECHAT_APPID", testAppID)
	t.Setenv("DUTYBOT_WECHAT_AESKEY", testAESKey[:42])
	var stdout, stderr bytes.Buffer
	code := runServe(context.Background(), []string{"-addr", "127.0.0.1:0"}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("runServe = %d, want 1", code)
	}
	if !strings.Contains(stderr.String(), "wechat.encoding_aes_key: must be 43 characters (got 42)") {
		t.Errorf("stderr does not name the field:\n%s", stderr.String())
	}
	if strings.Contains(stderr.String(), testAESKey[:42]) {
		t.Error("stderr shows the key")
	}
	if stdout.Len() != 0 {
		t.Errorf("started anyway: %s", stdout.String())
	}

	stderr.Reset()
	path := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(path, []byte("rate_limit: -3\n"), 0o600)
	t.Setenv("DUTYBOT_WECHAT_TOKEN", "")
	t.Setenv("DUTYBOT_WECHAT_APPID", "")
	t.Setenv("DUTYBOT_WECHAT_AESKEY", "")
	if code := runServe(context.Background(), []string{"-config", path}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "rate_limit: must be 0 (no limit) or more") {
		t.Errorf("runServe(-config bad) = %d, stderr:\n%s", code, stderr.String())
	}
	if code := runServe(context.Background(), []string{"-bogus"}, &stdout, &stderr); code != 2 {
		t.Errorf("runServe(-bogus) = %d, want 2", code)
	}
}

func TestAdminAuth(t *testing.T) {
	m, _ := srvStart(t, nil)
	base := "http://" + m.Addr()
	srvAsk(t, m.Addr(), "u1", "办残疾证找谁")
	for _, tt := range []struct {
		header string
		want   int
	}{
		{"", 401},
		{"Bearer wrong-token-0123456789abc", 401},
		{"Basic " + srvAdminToken, 401},
		{srvAdminToken, 401},
		{"Bearer " + srvAdminToken + "x", 401},
		{"Bearer " + srvAdminToken, 200},
		{"bearer " + srvAdminToken, 200},
	} {
		var h []string
		if tt.header != "" {
			h = []string{"Authorization", tt.header}
		}
		code, body := srvDo(t, "GET", base+"/api/admin/report", "", h...)
		if code != tt.want {
			t.Errorf("Authorization %q: %d %s, want %d", tt.header, code, body, tt.want)
		}
		if code == 200 {
			var rep qlog.Report
			if err := json.Unmarshal([]byte(body), &rep); err != nil || rep.Questions != 1 {
				t.Errorf("report = %s (%v), want the one question", body, err)
			}
		}
	}
	if code, _ := srvDo(t, "POST", base+"/api/admin/reload", "", "Authorization", "Bearer nope"); code != 401 {
		t.Errorf("reload without the token: %d, want 401", code)
	}
	if code, body := srvDo(t, "GET", base+"/api/admin/report?since=soon", "", "Authorization", "Bearer "+srvAdminToken); code != 400 {
		t.Errorf("report?since=soon: %d %s, want 400", code, body)
	}
}

func TestAdminOffWithoutToken(t *testing.T) {
	m, _ := srvStart(t, func(c *Config) { c.AdminToken = "" })
	for _, p := range []string{"/api/admin/report", "/api/admin/reload"} {
		code, _ := srvDo(t, "POST", "http://"+m.Addr()+p, "", "Authorization", "Bearer ")
		code2, _ := srvDo(t, "GET", "http://"+m.Addr()+p, "")
		if code != 404 || code2 != 404 {
			t.Errorf("%s with the admin API off: %d/%d, want 404", p, code, code2)
		}
	}
}

// TestReloadBrokenDocumentKeepsOldSet: a document broken after start is
// refused with file:line, the old set keeps answering; once fixed, the
// reload goes through.
func TestReloadBrokenDocumentKeepsOldSet(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "kaerdun.txt")
	orig := seeds.Default()
	if err := os.WriteFile(doc, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	m, logs := srvStart(t, func(c *Config) { c.Documents = []string{dir} })
	before := m.Bot.Library()
	want := srvAsk(t, m.Addr(), "u1", "办残疾证找谁")

	broken := strings.Replace(string(orig), "\n5\t党的建设\t", "\n五x\t党的建设\t", 1)
	if broken == string(orig) {
		t.Fatal("could not break the document")
	}
	os.WriteFile(doc, []byte(broken), 0o600)
	code, body := srvDo(t, "POST", "http://"+m.Addr()+"/api/admin/reload", "", "Authorization", "Bearer "+srvAdminToken)
	if code != http.StatusUnprocessableEntity || !regexp.MustCompile(`kaerdun\.txt:\d+: `).MatchString(body) {
		t.Errorf("reload of a broken document: %d %s; want 422 naming file:line", code, body)
	}
	if m.Bot.Library() != before {
		t.Error("the broken set replaced the old one")
	}
	if got := srvAsk(t, m.Addr(), "u2", "办残疾证找谁"); got.Reply != want.Reply {
		t.Errorf("answer changed after a refused reload:\n%s\nwant\n%s", got.Reply, want.Reply)
	}
	if !strings.Contains(logs.String(), "reload failed") {
		t.Errorf("refused reload not logged:\n%s", logs.String())
	}
	// A missing document is refused too.
	os.Remove(doc)
	os.WriteFile(filepath.Join(dir, "kaerdun.txt.bak"), nil, 0o600)
	if err := m.Reload(); err == nil || m.Bot.Library() != before {
		t.Errorf("Reload(no document) = %v, library replaced: %v", err, m.Bot.Library() != before)
	}

	os.WriteFile(doc, orig, 0o600)
	if code, body := srvDo(t, "POST", "http://"+m.Addr()+"/api/admin/reload", "", "Authorization", "Bearer "+srvAdminToken); code != 200 {
		t.Fatalf("reload of the fixed document: %d %s", code, body)
	}
	if m.Bot.Library() == before {
		t.Error("the fixed set was not swapped in")
	}
}

// TestShutdownFlushes: every question answered before Close is in the log
// after it.
func TestShutdownFlushes(t *testing.T) {
	m, _ := srvStart(t, func(c *Config) { c.RateLimit, c.ClientRateLimit = 0, 0 })
	path := m.Config.DBPath()
	const n = 200
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n / 4 {
				srvAsk(t, m.Addr(), fmt.Sprint("user", g), fmt.Sprintf("宅基地审批第%d次", i))
			}
		}()
	}
	wg.Wait()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if got := srvCount(t, path, `SELECT COUNT(*) FROM questions`); got != n {
		t.Errorf("%d questions in the log after Close, want %d", got, n)
	}
}

// TestRateLimit: past the limit a user gets a polite reply, others are not
// affected, and the limited questions are not logged.
func TestRateLimit(t *testing.T) {
	m, logs := srvStart(t, func(c *Config) { c.RateLimit = 3 })
	for i := range 3 {
		if a := srvAsk(t, m.Addr(), "flood", "办残疾证找谁"); a.Decision == "limited" {
			t.Fatalf("question %d limited", i+1)
		}
	}
	a := srvAsk(t, m.Addr(), "flood", "办残疾证找谁")
	if a.Decision != "limited" || !strings.Contains(a.Reply, "请稍等") {
		t.Errorf("4th question = %+v, want a polite limit", a)
	}
	if a := srvAsk(t, m.Addr(), "other", "办残疾证找谁"); a.Decision == "limited" {
		t.Error("another user was limited")
	}
	m.Log.Flush(context.Background())
	rep, err := m.Store.Report(context.Background(), qlog.ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Questions != 4 {
		t.Errorf("%d questions logged, want 4 (the limited one is not); server log:\n%s", rep.Questions, logs.String())
	}
}

// TestFailingDatabase: with the database gone, replies still go out, the
// loss is counted in the metrics, and /readyz says not ready.
func TestFailingDatabase(t *testing.T) {
	m, logs := srvStart(t, nil)
	base := "http://" + m.Addr()
	m.Store.DB().Close()
	for i := range 20 {
		start := time.Now()
		a := srvAsk(t, m.Addr(), fmt.Sprint("u", i), "低保怎么申请")
		if a.Reply == "" {
			t.Fatal("no reply with a failing database")
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("reply took %v with a failing database", d)
		}
	}
	m.Log.Flush(context.Background())
	if m.Log.Dropped() != 20 {
		t.Errorf("dropped %d, want 20", m.Log.Dropped())
	}
	srvWait(t, func() bool {
		_, body := srvDo(t, "GET", base+"/metrics", "")
		return strings.Contains(body, "dutybot_log_dropped_total 20")
	}, "dutybot_log_dropped_total is not 20")
	if code, _ := srvDo(t, "GET", base+"/readyz", ""); code != 503 {
		t.Errorf("/readyz = %d with a failing database, want 503", code)
	}
	if !strings.Contains(logs.String(), "records dropped") {
		t.Error("no warning about the loss")
	}
}

// TestReportCommand prints the report of a seeded log for staff and as
// JSON.
func TestReportCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dutybot.db")
	s, err := qlog.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	w := qlog.NewWriter(s, qlog.WriterOptions{Names: func(_, ref string) string {
		return map[string]string{"C16": "残疾人证办理", "B20": "最低生活保障"}[ref]
	}})
	now := time.Now().Add(-time.Hour)
	q := func(ch, user, msg, text, dec string, refs ...string) {
		w.RecordQuestion(srvRecord(now, ch, user, msg, text, dec, refs))
	}
	for i := range 4 {
		q("wechat", fmt.Sprint("w", i), fmt.Sprint("m", i), "办残疾证找谁", "answer", "C16")
	}
	q("wecom", "k1", "k1", "低保怎么申请", "answer", "B20")
	q("wechat", "w9", "m9", "请问驾照怎么换证？", "none")
	q("api", "a1", "", "驾照怎么换证", "none")
	q("api", "a2", "", "护照在哪办", "none")
	w.RecordFeedback(srvFeedback(now, "wecom", "k1", "低保怎么申请", "B20"))
	w.Close()
	s.Close()

	var stdout, stderr bytes.Buffer
	if code := runReport([]string{"-db", path, "-since", "2d"}, &stdout, &stderr); code != 0 {
		t.Fatalf("runReport = %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"问答情况报告", "共收到提问 8 条，其中清单里没有找到答案的 3 条",
		"一、每天的提问（按渠道）", "公众号", "企业微信", "网页/接口",
		"二、问得最多的事项", "1. C16 残疾人证办理  4 次", "2. B20 最低生活保障  1 次",
		"三、清单里没有找到答案的问题", "2 次  请问驾照怎么换证？", "1 次  护照在哪办",
		"四、被评为“没用”的回答", "1 次  B20 最低生活保障", "提问：低保怎么申请",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}

	stdout.Reset()
	if code := runReport([]string{"-json", "-db", path}, &stdout, &stderr); code != 0 {
		t.Fatalf("runReport -json = %d: %s", code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep["questions"] != 8.0 || len(rep["by_day"].([]any)) == 0 || len(rep["top_items"].([]any)) != 2 ||
		len(rep["unanswered"].([]any)) != 2 || len(rep["not_useful"].([]any)) != 1 {
		t.Errorf("report JSON = %s", stdout.String())
	}
	top := rep["top_items"].([]any)[0].(map[string]any)
	if top["ref"] != "C16" || top["name"] != "残疾人证办理" || top["count"] != 4.0 {
		t.Errorf("top_items[0] = %v", top)
	}

	// Nothing in the period.
	stdout.Reset()
	if code := runReport([]string{"-db", path, "-since", "1m"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "这段时间没有人提问") {
		t.Errorf("empty period: %d %s", code, stdout.String())
	}
	// The default database comes from DUTYBOT_DATA.
	t.Setenv("DUTYBOT_CONFIG", "")
	t.Setenv("DUTYBOT_DATA", filepath.Dir(path))
	stdout.Reset()
	if code := runReport(nil, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "共收到提问 8 条") {
		t.Errorf("report from DUTYBOT_DATA: %d %s %s", code, stdout.String(), stderr.String())
	}
	// Errors.
	stderr.Reset()
	if code := runReport([]string{"-db", filepath.Join(t.TempDir(), "none.db")}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "no question log") {
		t.Errorf("missing database: %d %s", code, stderr.String())
	}
	if code := runReport([]string{"-since", "soon", "-db", path}, &stdout, &stderr); code != 2 {
		t.Errorf("bad -since: %d, want 2", code)
	}
}

func srvRecord(at time.Time, ch, user, msg, text, dec string, refs []string) bot.Record {
	return bot.Record{Time: at, Township: "喀尔墩乡", Channel: bot.Channel(ch), User: user, MessageID: msg,
		Text: text, Decision: bot.Decision(dec), Refs: refs}
}

func srvFeedback(at time.Time, ch, user, question string, refs ...string) bot.Feedback {
	return bot.Feedback{Time: at, Township: "喀尔墩乡", Channel: bot.Channel(ch), User: user, Question: question, Refs: refs}
}

// TestRetention: with retention_days set, the server deletes the older
// questions of the log at start, and keeps the recent ones.
func TestRetention(t *testing.T) {
	data := t.TempDir()
	store, err := qlog.Open(filepath.Join(data, "dutybot.db"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var batch []qlog.Entry
	for i, age := range []int{400, 120, 31, 29, 1} { // days
		r := bot.Record{Time: now.AddDate(0, 0, -age), Township: "喀尔墩乡", Channel: bot.API, User: "u",
			MessageID: fmt.Sprint("m", i), Text: fmt.Sprint("问题", age), Decision: bot.DecideNone}
		batch = append(batch, qlog.Entry{Question: &r})
	}
	if err := store.Write(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
	store.Close()

	m, logs := srvStart(t, func(c *Config) { c.Data = data; c.RetentionDays = 30 })
	path := m.Config.DBPath()
	deadline := time.Now().Add(10 * time.Second)
	for srvCount(t, path, `SELECT COUNT(*) FROM questions`) != 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := srvCount(t, path, `SELECT COUNT(*) FROM questions WHERE text IN ('问题29', '问题1')`); got != 2 {
		t.Errorf("the questions of the last 30 days: %d left, want 2", got)
	}
	if got := srvCount(t, path, `SELECT COUNT(*) FROM questions`); got != 2 {
		t.Errorf("%d questions left, want the 2 of the last 30 days", got)
	}
	waitFor(t, "the pruning log line", 5*time.Second, func() bool { return strings.Contains(logs.String(), "question log pruned") })
	if !strings.Contains(logs.String(), "questions=3") {
		t.Errorf("log does not say 3 questions were pruned:\n%s", logs.String())
	}
}
