package main

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"dutybot/handlers/redisstore/enginetest"
)

// These tests run two `dutybot serve` processes behind no load balancer:
// the test is the balancer, sending each message to the replica it likes.
// They share a private Redis and a private PostgreSQL (package enginetest)
// and serve the official account in plaintext mode with a test token.

const (
	replicaToken = "replicatest"
	replicaAdmin = "replica-admin-token-0123456789"
)

// replicaLog is a bytes.Buffer safe for concurrent writes.
type replicaLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *replicaLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *replicaLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// withoutAccess returns the log without the access lines (one per
// request), for a failure message.
func (l *replicaLog) withoutAccess() string {
	var keep []string
	for _, line := range strings.Split(l.String(), "\n") {
		if !strings.Contains(line, "msg=http ") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// buildDutybot starts building the command into dir; the returned func
// waits for the build and returns the binary's path.
func buildDutybot(t *testing.T, dir string) func() string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		goTool = "go"
	}
	bin := filepath.Join(dir, "dutybot")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { // the test failed before waiting for the build
		cmd.Process.Kill()
	})
	return func() string {
		t.Helper()
		if err := <-done; err != nil {
			t.Fatalf("go build: %v\n%s", err, out.String())
		}
		t.Logf("built dutybot in %v", time.Since(start).Round(time.Millisecond))
		return bin
	}
}

// replica is a running `dutybot serve`.
type replica struct {
	name   string
	addr   string // 127.0.0.1:port
	cmd    *exec.Cmd
	stderr *replicaLog
	done   chan struct{}
	code   int
	client *http.Client
}

// baseEnv is the environment of the processes: the test's, without any
// DUTYBOT_ setting, plus env.
func baseEnv(env map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DUTYBOT_") {
			out = append(out, kv)
		}
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, k+"="+env[k])
	}
	return out
}

func startReplica(t *testing.T, bin, name string, env map[string]string) *replica {
	t.Helper()
	env["DUTYBOT_DATA"] = t.TempDir()
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0")
	cmd.Env = baseEnv(env)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	r := &replica{name: name, cmd: cmd, stderr: &replicaLog{}, done: make(chan struct{}),
		client: &http.Client{Timeout: 10 * time.Second}}
	cmd.Stderr = r.stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		first := true
		for sc.Scan() {
			if first {
				lines <- sc.Text()
				first = false
			}
		}
		close(lines)
	}()
	go func() {
		err := cmd.Wait()
		r.code = 0
		if err != nil {
			r.code = -1
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				r.code = ee.ExitCode()
			}
		}
		close(r.done)
	}()
	t.Cleanup(func() { r.stop(t) })
	select {
	case line, ok := <-lines:
		f := strings.Fields(line)
		if !ok || len(f) < 4 || !strings.HasPrefix(f[3], "http://") {
			t.Fatalf("replica %s did not start: %q\n%s", name, line, r.stderr.String())
		}
		r.addr = strings.TrimPrefix(f[3], "http://")
		if !strings.Contains(line, "state in redis") || !strings.Contains(line, "log postgres") {
			t.Errorf("start line %q does not say the state is shared", line)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("replica %s not started after 60 s\n%s", name, r.stderr.String())
	}
	return r
}

// startPair starts replicas A and B of bin side by side, each with env().
func startPair(t *testing.T, bin string, env func() map[string]string) (a, b *replica) {
	t.Helper()
	var wg sync.WaitGroup
	wg.Go(func() { a = startReplica(t, bin, "A", env()) })
	wg.Go(func() { b = startReplica(t, bin, "B", env()) })
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return a, b
}

// stop sends SIGTERM and waits for the replica to exit; it returns the
// exit code.
func (r *replica) stop(t *testing.T) int {
	select {
	case <-r.done:
		return r.code
	default:
	}
	r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		t.Errorf("replica %s did not stop within 30 s of SIGTERM", r.name)
		r.cmd.Process.Kill()
		<-r.done
	}
	return r.code
}

var nonceSeq atomic.Int64

// wechat sends a signed plaintext-mode text message and returns the text
// of the reply ("" for "success", the no-reply answer).
func (r *replica) wechat(user string, msgID int64, text string) (string, error) {
	return r.wechatNonce(user, msgID, text, strconv.FormatInt(time.Now().Unix(), 10), strconv.FormatInt(nonceSeq.Add(1), 10))
}

// wechatNonce is wechat with the timestamp and nonce given.
func (r *replica) wechatNonce(user string, msgID int64, text, ts, nonce string) (string, error) {
	parts := []string{replicaToken, ts, nonce}
	sort.Strings(parts)
	sum := sha1.Sum([]byte(strings.Join(parts, "")))
	url := fmt.Sprintf("http://%s/wechat?signature=%s&timestamp=%s&nonce=%s&openid=%s",
		r.addr, hex.EncodeToString(sum[:]), ts, nonce, user)
	body := fmt.Sprintf(`<xml><ToUserName><![CDATA[gh_replicas]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>`+
		`<CreateTime>%s</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>`,
		user, ts, text, msgID)
	b, err := postWeChat(r.client, url, body)
	if err != nil || b == nil {
		return "", err
	}
	var reply struct{ Content string }
	if err := xml.Unmarshal(b, &reply); err != nil {
		return "", fmt.Errorf("reply %q: %w", b, err)
	}
	return reply.Content, nil
}

// postWeChat posts a message to a WeChat callback URL and returns the
// reply's body, nil for "success" (no reply).
func postWeChat(c *http.Client, url, body string) ([]byte, error) {
	resp, err := c.Post(url, "text/xml", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	if string(b) == "success" {
		return nil, nil
	}
	return b, nil
}

// metric returns the value of an unlabelled metric, or -1.
func (r *replica) metric(t *testing.T, name string) float64 {
	t.Helper()
	resp, err := r.client.Get("http://" + r.addr + "/metrics")
	if err != nil {
		t.Fatalf("metrics of %s: %v", r.name, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	total, found := 0.0, false
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && (f[0] == name || strings.HasPrefix(f[0], name+"{")) {
			v, _ := strconv.ParseFloat(f[1], 64)
			total += v
			found = true
		}
	}
	if !found {
		return -1
	}
	return total
}

// dedupeHits sums the dedupe hits of the replicas. The counter is
// exported at 0 from the start, so a missing one is a failure rather than
// a -1 in the sum.
func dedupeHits(t *testing.T, rs ...*replica) float64 {
	t.Helper()
	total := 0.0
	for _, r := range rs {
		v := r.metric(t, "dutybot_dedupe_hits_total")
		if v < 0 {
			t.Fatalf("replica %s exports no dutybot_dedupe_hits_total", r.name)
		}
		total += v
	}
	return total
}

// logged returns how many questions with msgID are in the log.
func logged(t *testing.T, db *sql.DB, msgID int64) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM questions WHERE channel = 'wechat' AND msg_id = $1`, strconv.FormatInt(msgID, 10)).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitLogged waits until every message of ids is logged, then checks that
// each is logged exactly once.
func waitLogged(t *testing.T, db *sql.DB, ids []int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, id := range ids {
		for logged(t, db, id) == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	time.Sleep(300 * time.Millisecond) // let a second write, if any, land
	for _, id := range ids {
		if n := logged(t, db, id); n != 1 {
			t.Errorf("message %d logged %d times, want once", id, n)
		}
	}
}

func waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not within %v", what, limit)
}

// choiceQuestions yield a numbered choice from the embedded list (the
// first that does is used, so that tuning the ranking does not break the
// test as long as one of them still offers a choice).
var choiceQuestions = []string{"残疾", "土地", "补贴"}

// choiceThenPick offers a numbered choice on a and picks 2 on b: b must
// answer with the second item offered.
func choiceThenPick(t *testing.T, a, b *replica, user string, msgID int64) {
	t.Helper()
	var offer string
	for i, q := range choiceQuestions {
		got, err := a.wechat(user, msgID+int64(i), q)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got, "请回复序号") {
			offer = got
			break
		}
	}
	second := ""
	for _, line := range strings.Split(offer, "\n") {
		if name, ok := strings.CutPrefix(line, "2. "); ok {
			name, _, _ = strings.Cut(name, "（")
			name, _, _ = strings.Cut(name, "…")
			second = name
		}
	}
	if r := []rune(second); len(r) > 12 {
		second = string(r[:12])
	}
	if second == "" {
		t.Fatalf("replica %s offered no numbered choice with a second item for %v (last reply %q)", a.name, choiceQuestions, offer)
	}
	got, err := b.wechat(user, msgID+10, "2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, second) || strings.Contains(got, "请回复序号") {
		t.Errorf("replica %s: 2 = %q, want the answer about %s…", b.name, got, second)
	}
}

func TestReplicas(t *testing.T) {
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("starts Redis, PostgreSQL and two servers; skipped with -short")
	}
	built := buildDutybot(t, t.TempDir()) // while the engines start
	rds := enginetest.Redis(t)
	pg := enginetest.Postgres(t)
	dbURL := pg.NewDatabase(t)
	bin := built()

	env := func() map[string]string {
		return map[string]string{
			"DUTYBOT_WECHAT_TOKEN": replicaToken,
			"DUTYBOT_REDIS_URL":    rds.URL(0),
			"DUTYBOT_POSTGRES_URL": dbURL,
			"DUTYBOT_ADMIN_TOKEN":  replicaAdmin,
		}
	}
	a, b := startPair(t, bin, env)
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	t.Run("same message on both replicas", func(t *testing.T) {
		var ids []int64
		for i := range 5 {
			id := int64(7000000000000000000 + i)
			ids = append(ids, id)
			user := fmt.Sprint("oDedupe", i)
			var ra, rb string
			var ea, eb error
			var wg sync.WaitGroup
			start := make(chan struct{})
			wg.Go(func() { <-start; ra, ea = a.wechat(user, id, "办残疾证找谁") })
			wg.Go(func() { <-start; rb, eb = b.wechat(user, id, "办残疾证找谁") })
			close(start)
			wg.Wait()
			if ea != nil || eb != nil {
				t.Fatalf("message %d: %v, %v", id, ea, eb)
			}
			if ra == "" || ra != rb {
				t.Errorf("message %d: A replied %q, B replied %q; want the same reply", id, ra, rb)
			}
		}
		waitLogged(t, db, ids)
		if hits := dedupeHits(t, a, b); hits < 5 {
			t.Errorf("dedupe hits over both replicas = %v, want ≥ 5 (each message answered once)", hits)
		}
	})

	// Issue 15: a plaintext-mode nonce carries one message on all
	// replicas (the replay cache is in Redis): a forged body under a
	// signature seen on A is refused by B.
	t.Run("nonce used on A, forged on B", func(t *testing.T) {
		ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "replay"+strconv.FormatInt(nonceSeq.Add(1), 10)
		if got, err := a.wechatNonce("oNonce", 7050000000000000000, "办残疾证找谁", ts, nonce); err != nil || got == "" {
			t.Fatalf("A: %q, %v", got, err)
		}
		if _, err := b.wechatNonce("oVictim", 7050000000000000001, "低保怎么申请", ts, nonce); err == nil || !strings.Contains(err.Error(), "status 403") {
			t.Errorf("B, another body under A's nonce: %v, want status 403", err)
		}
		if got, err := b.wechatNonce("oNonce", 7050000000000000000, "办残疾证找谁", ts, nonce); err != nil || got == "" {
			t.Errorf("B, WeChat's retry of A's message: %q, %v; want the reply", got, err)
		}
	})

	// Issue 15: the JSON API's per-client limit (60 a minute by default)
	// is counted over both replicas, whatever user a request names; the
	// client address is the one the proxy on loopback (trusted by
	// default) put into X-Forwarded-For.
	t.Run("client limit over both replicas", func(t *testing.T) {
		answered := 0
		for i := range 80 {
			r := a
			if i%2 == 1 {
				r = b
			}
			body := fmt.Sprintf(`{"question":"低保怎么申请","user":"flood%d"}`, i)
			req, _ := http.NewRequest(http.MethodPost, "http://"+r.addr+"/api/ask", strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Forwarded-For", "198.51.100.50")
			resp, err := r.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			switch resp.StatusCode {
			case http.StatusOK:
				answered++
			case http.StatusTooManyRequests:
			default:
				t.Fatalf("status %d", resp.StatusCode)
			}
		}
		if answered != 60 {
			t.Errorf("answered %d of 80 from one client over two replicas, want 60", answered)
		}
	})

	t.Run("choice on A, pick on B", func(t *testing.T) {
		choiceThenPick(t, a, b, "oChoice", 7100000000000000000)
		choiceThenPick(t, b, a, "oChoice2", 7100000000000000100)
	})

	t.Run("redis stopped then back", func(t *testing.T) {
		rds.Stop()
		var ids []int64
		for i := range 6 {
			r := a
			if i%2 == 1 {
				r = b
			}
			id := int64(7200000000000000000 + i)
			ids = append(ids, id)
			got, err := r.wechat(fmt.Sprint("oOutage", i), id, "低保怎么申请")
			if err != nil || got == "" {
				t.Fatalf("replica %s during the outage: %q, %v", r.name, got, err)
			}
		}
		for _, r := range []*replica{a, b} {
			if up, n := r.metric(t, "dutybot_redis_up"), r.metric(t, "dutybot_redis_outages_total"); up != 0 || n < 1 {
				t.Errorf("replica %s during the outage: dutybot_redis_up %v, outages %v; want 0, ≥ 1", r.name, up, n)
			}
			if strings.Count(r.stderr.String(), "redis unavailable") != 1 {
				t.Errorf("replica %s: want one warning for the outage:\n%s", r.name, r.stderr.String())
			}
		}
		waitLogged(t, db, ids)

		rds.Start(t)
		for _, r := range []*replica{a, b} {
			waitFor(t, "replica "+r.name+" back on redis", 15*time.Second, func() bool { return r.metric(t, "dutybot_redis_up") == 1 })
		}
		choiceThenPick(t, a, b, "oAfterOutage", 7200000000000000100)
		// Dedupe is shared again.
		id := int64(7200000000000000200)
		hits := dedupeHits(t, a, b)
		ra, ea := a.wechat("oAfterOutage2", id, "低保怎么申请")
		rb, eb := b.wechat("oAfterOutage2", id, "低保怎么申请")
		if ea != nil || eb != nil || ra == "" || ra != rb {
			t.Errorf("retry after the outage: A %q %v, B %q %v", ra, ea, rb, eb)
		}
		if now := dedupeHits(t, a, b); now != hits+1 {
			t.Errorf("dedupe hits %v → %v, want one more", hits, now)
		}
		waitLogged(t, db, []int64{id})
	})

	t.Run("report and admin API read postgres", func(t *testing.T) {
		var total int
		if err := db.QueryRow(`SELECT COUNT(*) FROM questions`).Scan(&total); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "report", "-json", "-since", "1h")
		cmd.Env = baseEnv(map[string]string{"DUTYBOT_POSTGRES_URL": dbURL, "DUTYBOT_DATA": t.TempDir()})
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("dutybot report: %v\n%s", err, out)
		}
		var rep struct{ Questions int }
		if err := json.Unmarshal(out, &rep); err != nil || rep.Questions != total || total == 0 {
			t.Errorf("dutybot report: %d questions (%v), the log has %d", rep.Questions, err, total)
		}
		req, _ := http.NewRequest(http.MethodGet, "http://"+b.addr+"/api/admin/report?since=1h", nil)
		req.Header.Set("Authorization", "Bearer "+replicaAdmin)
		resp, err := b.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		rep.Questions = -1
		if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil || rep.Questions != total {
			t.Errorf("admin report: %d questions (%v), the log has %d", rep.Questions, err, total)
		}
	})

	// Last: A goes away.
	t.Run("A stopped during a stream", func(t *testing.T) {
		const n = 48
		type result struct {
			by  string
			err error
		}
		results := make([]result, n)
		var mu sync.Mutex // guards results
		var acked atomic.Int32
		var next atomic.Int32
		texts := []string{"办残疾证找谁", "低保怎么申请", "宅基地审批", "养老保险怎么交", "危房改造"}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= n {
						return
					}
					id := int64(7300000000000000000 + i)
					user, text := fmt.Sprint("oStream", i), texts[i%len(texts)]
					// The balancer prefers A and sends to B what A does
					// not answer, as WeChat's retry would.
					got, err := a.wechat(user, id, text)
					by := "A"
					if err != nil || got == "" {
						got, err = b.wechat(user, id, text)
						by = "B"
					}
					if err == nil && got == "" {
						err = errors.New("no reply")
					}
					mu.Lock()
					results[i] = result{by, err}
					mu.Unlock()
					acked.Add(1)
					time.Sleep(20 * time.Millisecond)
				}
			})
		}
		waitFor(t, "a third of the stream answered", 30*time.Second, func() bool { return acked.Load() >= n/3 })
		if code := a.stop(t); code != 0 {
			t.Errorf("replica A exited with %d after SIGTERM\n%s", code, a.stderr.String())
		}
		// A flushed its log before exiting: what it answered is there now.
		mu.Lock()
		var answeredByA []int
		for i, r := range results {
			if r.by == "A" && r.err == nil {
				answeredByA = append(answeredByA, i)
			}
		}
		mu.Unlock()
		for _, i := range answeredByA {
			if c := logged(t, db, int64(7300000000000000000+i)); c != 1 {
				t.Errorf("message %d answered by A is logged %d times right after A exited, want once", i, c)
			}
		}
		wg.Wait()
		var ids []int64
		byA, byB := 0, 0
		for i, r := range results {
			if r.err != nil {
				t.Errorf("message %d: %v", i, r.err)
			}
			switch r.by {
			case "A":
				byA++
			case "B":
				byB++
			}
			ids = append(ids, int64(7300000000000000000+i))
		}
		if byA == 0 || byB == 0 {
			t.Errorf("A answered %d, B %d; want both to have answered some", byA, byB)
		}
		waitLogged(t, db, ids)
		if strings.Contains(a.stderr.String(), "records lost") || strings.Contains(a.stderr.String(), "records dropped") {
			t.Errorf("A lost log records:\n%s", a.stderr.String())
		}
		t.Logf("A answered %d, B %d of %d", byA, byB, n)
	})

	if t.Failed() {
		t.Logf("replica A:\n%s\nreplica B:\n%s", a.stderr.withoutAccess(), b.stderr.withoutAccess())
	}
}

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://dutybot:s3cret@10.0.0.6:5432/dutybot?sslmode=require", "10.0.0.6:5432/dutybot"},
		{"host=10.0.0.6 dbname=dutybot user=dutybot password=s3cret", "10.0.0.6/dutybot"},
		{"redis://:s3cret@127.0.0.1:6379/0", "127.0.0.1:6379/0"},
	} {
		if got := redactURL(tc.in); got != tc.want {
			t.Errorf("redactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	c := DefaultConfig()
	if got := logWhere(c); got != c.DBPath() {
		t.Errorf("logWhere without postgres = %q, want %q", got, c.DBPath())
	}
}

// TestSharedDefaults: with nothing configured, nothing is shared and the
// embedded defaults stay.
func TestSharedDefaults(t *testing.T) {
	sh, closeFn, err := openShared(t.Context(), DefaultConfig(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if sh.Redis != nil || sh.Sessions != nil || sh.Limiter != nil || sh.Dedupe != nil || sh.WeChatCache != nil || sh.Store != nil {
		t.Errorf("openShared with nothing configured = %+v, want all nil", sh)
	}
	if err := sh.Register(prometheus.NewRegistry()); err != nil {
		t.Error(err)
	}
	if err := closeFn(); err != nil {
		t.Error(err)
	}
}
