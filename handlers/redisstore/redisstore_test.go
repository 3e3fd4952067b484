package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"

	"dutybot/bot"
	"dutybot/handlers/redisstore"
	"dutybot/handlers/redisstore/enginetest"
)

// lockedBuffer collects a logger's output across goroutines.
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

// go-redis logs every failed dial to stderr; the outages here are on
// purpose.
func init() { redis.SetLogger(quietLogger{}) }

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

var prefixSeq atomic.Int64

// newClient returns a client of r with a prefix of its own (so tests on
// one server do not see each other's keys) and a fast probe. Pass the
// prefix of another client to share its keys, as replicas do.
func newClient(t *testing.T, r *enginetest.RedisServer, prefix string) (*redisstore.Client, *lockedBuffer) {
	t.Helper()
	// Generous: a loaded test machine (-race, two cores, other packages'
	// tests) must not look like an outage.
	return newClientTimeout(t, r, prefix, 2*time.Second)
}

func newClientTimeout(t *testing.T, r *enginetest.RedisServer, prefix string, opTimeout time.Duration) (*redisstore.Client, *lockedBuffer) {
	t.Helper()
	if prefix == "" {
		prefix = fmt.Sprintf("test%d:", prefixSeq.Add(1))
	}
	logs := &lockedBuffer{}
	c, err := redisstore.New(r.URL(0), redisstore.Options{
		Prefix:    prefix,
		OpTimeout: opTimeout,
		ProbeMin:  20 * time.Millisecond,
		ProbeMax:  100 * time.Millisecond,
		Logger:    slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, logs
}

// prefixOf returns a fresh prefix, for two clients that share keys.
func prefixOf() string { return fmt.Sprintf("shared%d:", prefixSeq.Add(1)) }

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("%s: not reached within 10 s", what)
}

func TestMalformedURL(t *testing.T) {
	for _, u := range []string{"", "http://x", "redis://:secret@host:notaport/0"} {
		_, err := redisstore.New(u, redisstore.Options{})
		if err == nil {
			t.Errorf("New(%q): no error", u)
		} else if strings.Contains(err.Error(), "secret") {
			t.Errorf("New(%q) = %v: shows the password", u, err)
		}
	}
}

func TestSessions(t *testing.T) {
	r := enginetest.Redis(t)
	ctx := context.Background()
	p := prefixOf()
	a, _ := newClient(t, r, p)
	b, _ := newClient(t, r, p)
	sa, sb := redisstore.NewSessions(a, 0), redisstore.NewSessions(b, 0)

	if _, ok, err := sa.Get(ctx, "wechat:u1"); ok || err != nil {
		t.Fatalf("Get of nothing = %v, %v; want false, nil", ok, err)
	}
	want := bot.Session{Township: "喀尔墩乡", Choices: []string{"C16", "R8"}, Last: []string{"C16"}, Shown: 12, Question: "残疾", MsgID: "42"}
	if err := sa.Put(ctx, "wechat:u1", want, time.Minute); err != nil {
		t.Fatal(err)
	}
	// Another replica reads it.
	got, ok, err := sb.Get(ctx, "wechat:u1")
	if err != nil || !ok || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("other replica Get = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if _, ok, _ := sb.Get(ctx, "wechat:u2"); ok {
		t.Error("another user's session found")
	}
	// The user id is not kept in the clear.
	keys, err := a.Redis().Keys(ctx, p+"*").Result()
	if err != nil || len(keys) != 1 || strings.Contains(keys[0], "u1") {
		t.Errorf("keys = %v, %v; want one hashed key", keys, err)
	}
	// Time-to-live.
	if err := sa.Put(ctx, "wechat:short", want, 150*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if _, ok, _ := sb.Get(ctx, "wechat:short"); ok {
		t.Error("session alive after its TTL")
	}
	if a.Fallbacks() != 0 || a.Outages() != 0 || !a.Up() {
		t.Errorf("fallbacks %d outages %d up %v, want 0 0 true", a.Fallbacks(), a.Outages(), a.Up())
	}
}

func TestDedupeAcrossReplicas(t *testing.T) {
	r := enginetest.Redis(t)
	ctx := context.Background()
	p := prefixOf()
	a, _ := newClient(t, r, p)
	b, _ := newClient(t, r, p)
	da, db := redisstore.NewDedupe(a, time.Minute), redisstore.NewDedupe(b, time.Minute)

	if _, err := da.Wait(ctx, "nothing"); !errors.Is(err, bot.ErrNotClaimed) {
		t.Errorf("Wait of an unknown key = %v, want ErrNotClaimed", err)
	}

	// Many attempts of one message at once, on two replicas: one claims,
	// the others wait and get its reply.
	const n = 20
	var wins atomic.Int32
	replies := make([][]byte, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		d := da
		if i%2 == 1 {
			d = db
		}
		wg.Go(func() {
			<-start
			ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			first, err := d.Claim(ctx, "wechat:gh:msg:1")
			if err != nil {
				t.Error(err)
				return
			}
			if first {
				wins.Add(1)
				time.Sleep(50 * time.Millisecond) // answering
				reply := []byte(`{"kind":"text","text":"答复"}`)
				if err := d.Store(ctx, "wechat:gh:msg:1", reply); err != nil {
					t.Error(err)
				}
				replies[i] = reply
				return
			}
			got, err := d.Wait(ctx, "wechat:gh:msg:1")
			if err != nil {
				t.Errorf("Wait: %v", err)
			}
			replies[i] = got
		})
	}
	close(start)
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d claims won, want 1", wins.Load())
	}
	for i, r := range replies {
		if string(r) != `{"kind":"text","text":"答复"}` {
			t.Errorf("attempt %d got %q", i, r)
		}
	}

	// Storing again keeps the first reply.
	db.Store(ctx, "wechat:gh:msg:1", []byte("second"))
	if got, _ := da.Wait(ctx, "wechat:gh:msg:1"); string(got) != `{"kind":"text","text":"答复"}` {
		t.Errorf("after a second Store: %q", got)
	}

	// A waiter gives up when its context ends.
	if ok, _ := da.Claim(ctx, "slow"); !ok {
		t.Fatal("claim of a new key failed")
	}
	wctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := db.Wait(wctx, "slow"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait past the deadline = %v, want DeadlineExceeded", err)
	}
	if !a.Up() || !b.Up() {
		t.Error("a context deadline marked Redis down")
	}

	// Keys expire.
	dshort := redisstore.NewDedupe(a, 100*time.Millisecond)
	dshort.Claim(ctx, "brief")
	time.Sleep(250 * time.Millisecond)
	if ok, _ := dshort.Claim(ctx, "brief"); !ok {
		t.Error("key still claimed after its TTL")
	}

	// A claim whose replica died before replying is released after
	// Pending; a reply is kept for the whole TTL.
	dp := redisstore.NewDedupe(a, time.Minute)
	dp.Pending = 150 * time.Millisecond
	dp.Claim(ctx, "orphan")
	dp.Claim(ctx, "answered")
	dp.Store(ctx, "answered", []byte("r"))
	time.Sleep(300 * time.Millisecond)
	if ok, _ := db.Claim(ctx, "orphan"); !ok {
		t.Error("an orphaned claim still holds its key after Pending")
	}
	if got, err := db.Wait(ctx, "answered"); string(got) != "r" || err != nil {
		t.Errorf("a stored reply is gone after Pending: %q, %v", got, err)
	}
}

func TestLimiter(t *testing.T) {
	r := enginetest.Redis(t)
	ctx := context.Background()
	p := prefixOf()
	a, _ := newClient(t, r, p)
	b, _ := newClient(t, r, p)
	la, lb := redisstore.NewLimiter(a, 3), redisstore.NewLimiter(b, 3)
	if time.Now().Second() == 59 { // stay within one minute's window
		time.Sleep(1100 * time.Millisecond)
	}
	var got []bool
	for i := range 5 {
		l := la
		if i%2 == 1 {
			l = lb
		}
		ok, err := l.Allow(ctx, "wechat:u1")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ok)
	}
	if fmt.Sprint(got) != "[true true true false false]" {
		t.Errorf("Allow over two replicas = %v, want three then refused", got)
	}
	if ok, _ := lb.Allow(ctx, "wechat:u2"); !ok {
		t.Error("another user refused")
	}
	keys, _ := a.Redis().Keys(ctx, p+"rate:*").Result()
	for _, k := range keys {
		if ttl := a.Redis().TTL(ctx, k).Val(); ttl <= 0 || ttl > 2*time.Minute {
			t.Errorf("key %s TTL %v, want within 2 minutes", k, ttl)
		}
	}
	if len(keys) != 2 {
		t.Errorf("rate keys %v, want 2", keys)
	}
}

func TestCache(t *testing.T) {
	r := enginetest.Redis(t)
	ctx := context.Background()
	p := prefixOf()
	a, _ := newClient(t, r, p)
	b, _ := newClient(t, r, p)
	ca, cb := redisstore.NewCache(a), redisstore.NewCache(b)

	key := "gowechat_officialaccount__access_token_wx123"
	if v := cb.Get(key); v != nil {
		t.Fatalf("Get of nothing = %v", v)
	}
	if err := ca.Set(key, "TOKEN-1", time.Hour); err != nil {
		t.Fatal(err)
	}
	// The other replica uses the same token, as a string (silenceper
	// asserts val.(string)).
	if v, ok := cb.Get(key).(string); !ok || v != "TOKEN-1" {
		t.Errorf("other replica Get = %#v, want \"TOKEN-1\"", cb.Get(key))
	}
	if !cb.IsExist(key) || cb.IsExistContext(ctx, "other") {
		t.Error("IsExist wrong")
	}
	if err := cb.Delete(key); err != nil || ca.IsExist(key) {
		t.Errorf("after Delete: %v, exists %v", err, ca.IsExist(key))
	}
	ca.SetContext(ctx, "short", "x", 100*time.Millisecond)
	time.Sleep(250 * time.Millisecond)
	if cb.GetContext(ctx, "short") != nil {
		t.Error("value alive after its timeout")
	}
}

// TestOutage: Redis stops; every store keeps answering from in-process
// state without waiting, one warning is logged and the outage counted;
// Redis comes back; the stores share state again, and the sessions of the
// outage were copied to Redis.
func TestOutage(t *testing.T) {
	r := enginetest.Redis(t)
	ctx := context.Background()
	p := prefixOf()
	a, logs := newClient(t, r, p)
	b, _ := newClient(t, r, p)
	sa, sb := redisstore.NewSessions(a, 0), redisstore.NewSessions(b, 0)
	da, db := redisstore.NewDedupe(a, time.Minute), redisstore.NewDedupe(b, time.Minute)
	la := redisstore.NewLimiter(a, 2)
	ca := redisstore.NewCache(a)

	stale := bot.Session{Township: "T", Choices: []string{"OLD1", "OLD2"}}
	if err := sa.Put(ctx, "api:u1", stale, time.Minute); err != nil {
		t.Fatal(err)
	}

	r.Stop()
	start := time.Now()
	fresh := bot.Session{Township: "T", Choices: []string{"NEW1", "NEW2"}}
	for i := range 50 {
		if err := sa.Put(ctx, "api:u1", fresh, time.Minute); err != nil {
			t.Fatalf("Put during the outage: %v", err)
		}
		if s, ok, err := sa.Get(ctx, "api:u1"); err != nil || !ok || s.Choices[0] != "NEW1" {
			t.Fatalf("Get during the outage = %+v, %v, %v", s, ok, err)
		}
		key := fmt.Sprint("msg", i)
		if ok, err := da.Claim(ctx, key); !ok || err != nil {
			t.Fatalf("Claim during the outage = %v, %v", ok, err)
		}
		da.Store(ctx, key, []byte("r"))
		if got, err := da.Wait(ctx, key); string(got) != "r" || err != nil {
			t.Fatalf("Wait during the outage = %q, %v", got, err)
		}
		la.Allow(ctx, "u")
		ca.Set("tok", "T", time.Hour)
		if ca.Get("tok") != "T" {
			t.Fatal("cache lost its value during the outage")
		}
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("250 operations took %v during the outage; they must not wait for Redis", d)
	}
	if ok, _ := la.Allow(ctx, "u"); ok {
		t.Error("the in-process limiter does not limit")
	}
	if a.Up() || a.Outages() != 1 || a.Fallbacks() < 250 {
		t.Errorf("up %v outages %d fallbacks %d; want false, 1, ≥ 250", a.Up(), a.Outages(), a.Fallbacks())
	}
	if n := strings.Count(logs.String(), "redis unavailable"); n != 1 {
		t.Errorf("%d warnings for one outage, want 1:\n%s", n, logs.String())
	}

	r.Start(t)
	waitUntil(t, "client a back on redis", a.Up)
	if !strings.Contains(logs.String(), "redis is back") {
		t.Errorf("no note that redis is back:\n%s", logs.String())
	}
	// The conversation begun during the outage goes on on another replica
	// (b had no outage of its own: it may need one failed call to notice
	// the restart, then its probe).
	waitUntil(t, "replica b sees the outage's session", func() bool {
		s, ok, _ := sb.Get(ctx, "api:u1")
		return ok && s.Choices[0] == "NEW1"
	})
	waitUntil(t, "client b back on redis", b.Up)
	// Dedupe is shared again.
	if ok, _ := da.Claim(ctx, "after"); !ok {
		t.Fatal("claim after the outage failed")
	}
	if ok, _ := db.Claim(ctx, "after"); ok {
		t.Error("both replicas claimed the same key after the outage")
	}
	if n := strings.Count(logs.String(), "redis unavailable"); n != 1 {
		t.Errorf("%d warnings, want 1", n)
	}
}

// TestStartsDown: Redis is not there when the client starts; the stores
// work in-process, and use Redis once it is there.
func TestStartsDown(t *testing.T) {
	r := enginetest.Redis(t)
	r.Stop()
	ctx := context.Background()
	a, logs := newClient(t, r, "")
	if a.Up() {
		t.Fatal("up without redis")
	}
	s := redisstore.NewSessions(a, 0)
	if err := s.Put(ctx, "k", bot.Session{Township: "T"}, time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.Get(ctx, "k"); !ok {
		t.Error("session lost while redis is down")
	}
	if !strings.Contains(logs.String(), "redis unavailable") {
		t.Errorf("no warning:\n%s", logs.String())
	}
	r.Start(t)
	waitUntil(t, "client up", a.Up)
	if _, ok, _ := s.Get(ctx, "k"); !ok {
		t.Error("session of the outage not copied to redis")
	}
}

// TestClose: after Close the stores still answer, in-process.
func TestClose(t *testing.T) {
	r := enginetest.Redis(t)
	a, _ := newClient(t, r, "")
	l := redisstore.NewLimiter(a, 1)
	a.Close()
	if ok, err := l.Allow(context.Background(), "u"); !ok || err != nil {
		t.Errorf("Allow after Close = %v, %v", ok, err)
	}
}

// TestOutageKeepsNewerSessions: Redis stops answering (paused, its data
// kept); a conversation goes on in-process; when Redis answers again the
// newer session replaces the older copy it held.
func TestOutageKeepsNewerSessions(t *testing.T) {
	r := enginetest.Redis(t)
	ctx := context.Background()
	p := prefixOf()
	a, _ := newClientTimeout(t, r, p, 300*time.Millisecond)
	b, _ := newClient(t, r, p)
	sa, sb := redisstore.NewSessions(a, 0), redisstore.NewSessions(b, 0)
	if err := sa.Put(ctx, "wechat:u1", bot.Session{Township: "T", Choices: []string{"OLD"}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	// An admin connection pauses every other client for a while: a's
	// calls time out.
	if err := b.Redis().Do(ctx, "CLIENT", "PAUSE", 2500, "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	sa.Put(ctx, "wechat:u1", bot.Session{Township: "T", Choices: []string{"NEW"}}, time.Minute)
	if a.Up() {
		t.Fatal("a paused redis was not noticed")
	}
	if s, _, _ := sa.Get(ctx, "wechat:u1"); s.Choices[0] != "NEW" {
		t.Fatalf("during the outage: %v", s.Choices)
	}
	waitUntil(t, "client back", a.Up)
	waitUntil(t, "the other replica reads the newer session", func() bool {
		s, ok, _ := sb.Get(ctx, "wechat:u1")
		return ok && s.Choices[0] == "NEW"
	})
}

// The stores implement what their consumers declare.
var (
	_ bot.SessionStore   = (*redisstore.Sessions)(nil)
	_ bot.DedupeStore    = (*redisstore.Dedupe)(nil)
	_ bot.Limiter        = (*redisstore.Limiter)(nil)
	_ cache.Cache        = (*redisstore.Cache)(nil)
	_ cache.ContextCache = (*redisstore.Cache)(nil)
)

// The stores depend on bot and the Redis client only: no web framework,
// metrics or WeChat library comes with them.
func TestDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, bad := range []string{"gin-gonic", "prometheus", "silenceper", "dutybot/handlers", "dutybot/nlp"} {
			if strings.Contains(pkg, bad) && pkg != "dutybot/handlers/redisstore" {
				t.Errorf("redisstore depends on %s", pkg)
			}
		}
	}
}
