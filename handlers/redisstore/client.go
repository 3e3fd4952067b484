package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// Options configure a Client. Zero values pick the defaults.
type Options struct {
	// Prefix starts every key, so that several bots (or a test) can share
	// one Redis. Default "dutybot:".
	Prefix string
	// OpTimeout bounds one Redis call (dial included): past it the call
	// counts as a failure and the in-process state answers. Default 1 s:
	// only the first request of an outage waits for it (later ones do not
	// try Redis), and it stays well inside WeChat's 5 s, while a busy
	// machine does not take a slow reply for an outage.
	OpTimeout time.Duration
	// ProbeMin and ProbeMax bound the backoff of the health probe while
	// Redis is down: it PINGs after ProbeMin, then doubles the wait up to
	// ProbeMax. Defaults 250 ms and 5 s.
	ProbeMin, ProbeMax time.Duration
	// Logger receives one warning per outage and a note when Redis is back.
	// Default slog.Default().
	Logger *slog.Logger
}

// Client is the connection to Redis that the stores share, and the state
// of its health: up, or down and being probed. It is safe for concurrent
// use. Create it with New, then the stores with NewSessions, NewDedupe,
// NewLimiter and NewCache; Close it last.
type Client struct {
	rdb    *redis.Client
	prefix string
	opTO   time.Duration
	pmin   time.Duration
	pmax   time.Duration
	log    *slog.Logger

	down      atomic.Bool
	outages   atomic.Uint64
	fallbacks atomic.Uint64
	downSince atomic.Int64 // unix nanoseconds

	mu      sync.Mutex
	probing bool
	closed  bool
	hooks   []func(context.Context) // run when Redis is back, before the stores use it again

	stop context.CancelFunc
	bg   context.Context
	wg   sync.WaitGroup
}

// New returns a client of the Redis at url (redis://[user:password@]host:port/db,
// or rediss:// for TLS). It fails only on a malformed URL: when Redis does
// not answer at once, the client starts down, warns, and probes until it
// is back, while the stores answer from in-process state.
func New(url string, opts Options) (*Client, error) {
	ro, err := redis.ParseURL(url)
	if err != nil {
		// The URL may hold a password: do not repeat it.
		return nil, errors.New("redisstore: malformed redis URL")
	}
	if opts.Prefix == "" {
		opts.Prefix = "dutybot:"
	}
	if opts.OpTimeout <= 0 {
		opts.OpTimeout = time.Second
	}
	if opts.ProbeMin <= 0 {
		opts.ProbeMin = 250 * time.Millisecond
	}
	if opts.ProbeMax < opts.ProbeMin {
		opts.ProbeMax = max(5*time.Second, opts.ProbeMin)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	// Fail fast: an outage must cost one short wait, not go-redis's
	// default retries over seconds.
	ro.DialTimeout = opts.OpTimeout
	ro.ReadTimeout = opts.OpTimeout
	ro.WriteTimeout = opts.OpTimeout
	ro.PoolTimeout = opts.OpTimeout
	ro.DialerRetries = 1
	ro.MaxRetries = 1 // one retry, on a fresh connection after a restart
	ro.MinRetryBackoff = 5 * time.Millisecond
	ro.MaxRetryBackoff = 50 * time.Millisecond
	ro.ContextTimeoutEnabled = true
	ro.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}

	bg, stop := context.WithCancel(context.Background())
	c := &Client{
		rdb:    redis.NewClient(ro),
		prefix: opts.Prefix,
		opTO:   opts.OpTimeout,
		pmin:   opts.ProbeMin,
		pmax:   opts.ProbeMax,
		log:    opts.Logger,
		bg:     bg,
		stop:   stop,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*opts.OpTimeout)
	defer cancel()
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		c.markDown(err)
	}
	return c, nil
}

// Redis returns the underlying go-redis client.
func (c *Client) Redis() *redis.Client { return c.rdb }

// Up reports whether the stores use Redis now (false during an outage,
// until the probe finds it back).
func (c *Client) Up() bool { return !c.down.Load() }

// Outages returns how many times Redis was found unavailable since New.
func (c *Client) Outages() uint64 { return c.outages.Load() }

// Fallbacks returns how many store operations were answered from
// in-process state because Redis was unavailable.
func (c *Client) Fallbacks() uint64 { return c.fallbacks.Load() }

// Ping checks Redis now, without changing the health state.
func (c *Client) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, c.opTO)
	defer cancel()
	return c.rdb.Ping(ctx).Err()
}

// Close stops the health probe and closes the connections. The stores
// keep answering from in-process state afterwards.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.down.Store(true)
	c.stop()
	c.wg.Wait()
	return c.rdb.Close()
}

// key returns the Redis key of a store's key: the prefix, the kind, and a
// hash of the key, so that user ids (OpenIDs) are not kept in Redis in the
// clear and odd characters cannot collide with the separators.
func (c *Client) key(kind, k string) string {
	h := sha256.Sum256([]byte(k))
	return c.prefix + kind + ":" + hex.EncodeToString(h[:16])
}

// onRecover registers f to run when Redis is back, before the stores use
// it again (to write back what was kept in-process during the outage).
func (c *Client) onRecover(f func(context.Context)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hooks = append(c.hooks, f)
}

// op returns the context of one Redis call, or ok=false when Redis is down
// and the caller must use its in-process state.
func (c *Client) op(ctx context.Context) (context.Context, context.CancelFunc, bool) {
	if c.down.Load() {
		c.fallbacks.Add(1)
		return nil, nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, c.opTO)
	return ctx, cancel, true
}

// failed looks at the error of a Redis call made under parent: nil and
// redis.Nil are not failures. On a failure it marks Redis down (unless
// only the caller's context ended) and returns true: the caller falls back
// to its in-process state.
func (c *Client) failed(parent context.Context, err error) bool {
	if err == nil || errors.Is(err, redis.Nil) {
		return false
	}
	c.fallbacks.Add(1)
	if parent.Err() == nil {
		c.markDown(err)
	}
	return true
}

// markDown records an outage: one warning, and a probe that brings the
// stores back to Redis when it answers again.
func (c *Client) markDown(err error) {
	if !c.down.CompareAndSwap(false, true) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.outages.Add(1)
	c.downSince.Store(time.Now().UnixNano())
	c.log.Warn("redis unavailable: sessions, dedupe, rate limits and the access token are kept in this process until it is back",
		"err", err.Error())
	if !c.probing {
		c.probing = true
		c.wg.Add(1)
		go c.probe()
	}
}

// probe PINGs Redis with a growing backoff until it answers, runs the
// recovery hooks, and marks it up.
func (c *Client) probe() {
	defer c.wg.Done()
	wait := c.pmin
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-c.bg.Done():
			return
		case <-t.C:
		}
		if c.Ping(c.bg) == nil {
			break
		}
		wait = min(2*wait, c.pmax)
		t.Reset(wait)
	}
	c.mu.Lock()
	hooks := append([]func(context.Context){}, c.hooks...)
	c.mu.Unlock()
	for _, h := range hooks {
		ctx, cancel := context.WithTimeout(c.bg, 10*c.opTO)
		h(ctx)
		cancel()
	}
	c.mu.Lock()
	c.probing = false
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return
	}
	c.down.Store(false)
	c.log.Info("redis is back: state is shared again",
		"outage", time.Since(time.Unix(0, c.downSince.Load())).Round(time.Millisecond))
}
