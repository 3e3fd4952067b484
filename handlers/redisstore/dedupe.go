package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"dutybot/bot"
)

// Dedupe is a bot.DedupeStore in Redis, so that a WeChat or WeCom
// retry that reaches another replica is answered once, with the reply of
// the first attempt:
//
//   - Claim is SET key "-" NX PX pending: one caller across all replicas
//     wins;
//   - Store replaces "-" by "=" + reply for the full ttl, keeping the first
//     reply (a small Lua script: compare and set);
//   - Wait polls GET, from 5 ms apart up to 50 ms apart, until the reply is
//     there or ctx ends. Polling costs a few GETs for the rare retry that
//     arrives while the first attempt is being answered, and needs no
//     connection held per waiter as a subscription would.
//
// While Redis is down, keys live in this process (bot.MemoryDedupe):
// each replica then dedupes its own retries, and the question log's unique
// message ids keep a retry answered by two replicas from being logged twice.
//
// A claim that is never followed by a reply (the replica answering it was
// killed) is dropped after Pending, so that WeChat's next retry is claimed
// and answered by another replica instead of waiting in vain until ttl.
type Dedupe struct {
	// Pending is how long a claim without a reply holds its key: longer
	// than the handlers' deadline plus the time to store the reply (4 s +
	// 1 s), shorter than the ~10 s until WeChat's second retry. Default
	// 8 s; set it before use.
	Pending time.Duration

	c   *Client
	ttl time.Duration
	mem *bot.MemoryDedupe
}

var _ bot.DedupeStore = (*Dedupe)(nil)

const (
	pending     = "-" // claimed, being answered
	replyMarker = '=' // followed by the reply
)

// storeScript stores the reply only over the pending mark: a second Store,
// or a Store after the key expired, changes nothing.
var storeScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
	return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return false`)

// NewDedupe returns the dedupe store of c; keys are kept for ttl after
// they are claimed (default 2 minutes, which covers WeChat's three
// retries). In-process, at most 10000 keys are kept during an outage.
func NewDedupe(c *Client, ttl time.Duration) *Dedupe {
	if ttl <= 0 {
		ttl = 2 * time.Minute
	}
	return &Dedupe{Pending: min(8*time.Second, ttl), c: c, ttl: ttl, mem: bot.NewMemoryDedupe(10000, ttl)}
}

// Claim implements bot.DedupeStore. It does not fail: when Redis does
// not answer, the in-process store decides.
func (d *Dedupe) Claim(ctx context.Context, key string) (bool, error) {
	if rctx, cancel, ok := d.c.op(ctx); ok {
		won, err := d.c.rdb.SetNX(rctx, d.c.key("dedupe", key), pending, d.Pending).Result()
		cancel()
		if !d.c.failed(ctx, err) {
			return won, nil
		}
	}
	return d.mem.Claim(ctx, key)
}

// Store implements bot.DedupeStore.
func (d *Dedupe) Store(ctx context.Context, key string, reply []byte) error {
	if rctx, cancel, ok := d.c.op(ctx); ok {
		val := append([]byte{replyMarker}, reply...)
		err := storeScript.Run(rctx, d.c.rdb, []string{d.c.key("dedupe", key)}, pending, val, d.ttl.Milliseconds()).Err()
		cancel()
		if !d.c.failed(ctx, err) {
			return nil
		}
	}
	// Claimed in Redis, which is gone: this does nothing, and the waiters
	// (if any) answer themselves. Claimed in-process: wakes them.
	return d.mem.Store(ctx, key, reply)
}

// Wait implements bot.DedupeStore: it returns the stored reply,
// bot.ErrNotClaimed when the key is unknown (or expired), or ctx's
// error.
func (d *Dedupe) Wait(ctx context.Context, key string) ([]byte, error) {
	rkey := d.c.key("dedupe", key)
	poll := 5 * time.Millisecond
	for {
		rctx, cancel, ok := d.c.op(ctx)
		if !ok {
			return d.mem.Wait(ctx, key)
		}
		b, err := d.c.rdb.Get(rctx, rkey).Bytes()
		cancel()
		switch {
		case errors.Is(err, redis.Nil):
			return nil, bot.ErrNotClaimed
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			d.c.failed(ctx, err)
			return d.mem.Wait(ctx, key)
		case len(b) > 0 && b[0] == replyMarker:
			return b[1:], nil
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		poll = min(2*poll, 50*time.Millisecond)
	}
}
