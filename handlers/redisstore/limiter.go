package redisstore

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"dutybot/bot"
)

// Limiter is a bot.Limiter in Redis: at most N questions per user in a
// fixed one-minute window, counted across all replicas with INCR on a key
// per user and minute, which EXPIRE removes two minutes later (one round
// trip: INCR and EXPIRE in a MULTI).
//
// While Redis is down each replica counts in-process
// (bot.MemoryLimiter), so a user may get up to N per replica in that time.
type Limiter struct {
	c   *Client
	n   int
	now func() time.Time
	mem *bot.MemoryLimiter
}

var _ bot.Limiter = (*Limiter)(nil)

// NewLimiter allows perMinute questions per key and minute.
func NewLimiter(c *Client, perMinute int) *Limiter {
	return &Limiter{c: c, n: perMinute, now: time.Now, mem: bot.NewMemoryLimiter(perMinute)}
}

// Allow implements bot.Limiter: it counts one question for key and reports
// whether it is within the limit. It does not fail.
func (l *Limiter) Allow(ctx context.Context, key string) (bool, error) {
	if rctx, cancel, ok := l.c.op(ctx); ok {
		window := l.now().Unix() / 60
		rkey := l.c.key("rate", key) + ":" + strconv.FormatInt(window, 10)
		var incr *redis.IntCmd
		_, err := l.c.rdb.TxPipelined(rctx, func(p redis.Pipeliner) error {
			incr = p.Incr(rctx, rkey)
			p.Expire(rctx, rkey, 2*time.Minute)
			return nil
		})
		cancel()
		if !l.c.failed(ctx, err) {
			return incr.Val() <= int64(l.n), nil
		}
	}
	return l.mem.Allow(ctx, key)
}
