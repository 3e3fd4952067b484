package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"dutybot/bot"
)

// Sessions is a bot.SessionStore in Redis: each session is a JSON value
// under its own key with the session's time-to-live, so that a numbered
// choice offered by one replica is picked on another.
//
// While Redis is down, sessions live in this process (bot.MemorySessions).
// When it is back, the sessions written during the outage are copied to
// Redis before Redis is used again, so that a conversation begun during
// the outage goes on, and an older copy in Redis does not come back.
type Sessions struct {
	c   *Client
	max int

	mu     sync.Mutex
	mem    *bot.MemorySessions
	outage map[string]time.Time // keys put in mem during the outage, with their expiry
}

var _ bot.SessionStore = (*Sessions)(nil)

// NewSessions returns the session store of c. max bounds the sessions kept
// in-process during an outage (default 10000).
func NewSessions(c *Client, max int) *Sessions {
	if max < 1 {
		max = 10000
	}
	s := &Sessions{c: c, max: max, mem: bot.NewMemorySessions(max), outage: map[string]time.Time{}}
	c.onRecover(s.writeBack)
	return s
}

// Get implements bot.SessionStore. It returns an error only for a stored
// value it cannot decode; a Redis failure falls back to in-process state.
func (s *Sessions) Get(ctx context.Context, key string) (bot.Session, bool, error) {
	if rctx, cancel, ok := s.c.op(ctx); ok {
		b, err := s.c.rdb.Get(rctx, s.c.key("session", key)).Bytes()
		cancel()
		if !s.c.failed(ctx, err) {
			if err != nil { // redis.Nil
				return bot.Session{}, false, nil
			}
			var sess bot.Session
			if err := json.Unmarshal(b, &sess); err != nil {
				return bot.Session{}, false, fmt.Errorf("redisstore: decode session: %w", err)
			}
			return sess, true, nil
		}
	}
	return s.memory().Get(ctx, key)
}

// Put implements bot.SessionStore.
func (s *Sessions) Put(ctx context.Context, key string, sess bot.Session, ttl time.Duration) error {
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("redisstore: encode session: %w", err)
	}
	if rctx, cancel, ok := s.c.op(ctx); ok {
		err := s.c.rdb.Set(rctx, s.c.key("session", key), b, ttl).Err()
		cancel()
		if !s.c.failed(ctx, err) {
			return nil
		}
	}
	s.mu.Lock()
	mem := s.mem
	if _, ok := s.outage[key]; ok || len(s.outage) < s.max {
		s.outage[key] = time.Now().Add(ttl)
	}
	s.mu.Unlock()
	return mem.Put(ctx, key, sess, ttl)
}

func (s *Sessions) memory() *bot.MemorySessions {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mem
}

// writeBack copies the sessions put during the outage to Redis, then
// starts a fresh in-process store for the next outage. The stores still
// use the in-process state meanwhile; what is put while the first copy
// runs is copied after the swap.
func (s *Sessions) writeBack(ctx context.Context) {
	s.mu.Lock()
	first := make(map[string]time.Time, len(s.outage))
	for k, exp := range s.outage {
		first[k] = exp
	}
	mem := s.mem
	s.mu.Unlock()
	s.copyToRedis(ctx, mem, first)

	s.mu.Lock()
	rest := map[string]time.Time{}
	for k, exp := range s.outage {
		if first[k] != exp {
			rest[k] = exp
		}
	}
	s.mem, s.outage = bot.NewMemorySessions(s.max), map[string]time.Time{}
	s.mu.Unlock()
	s.copyToRedis(ctx, mem, rest)
}

func (s *Sessions) copyToRedis(ctx context.Context, mem *bot.MemorySessions, keys map[string]time.Time) {
	now := time.Now()
	pipe := s.c.rdb.Pipeline()
	for key, exp := range keys {
		sess, ok, _ := mem.Get(ctx, key)
		if !ok || !exp.After(now) {
			continue
		}
		b, err := json.Marshal(sess)
		if err != nil {
			continue
		}
		pipe.Set(ctx, s.c.key("session", key), b, exp.Sub(now))
	}
	if pipe.Len() == 0 {
		return
	}
	if _, err := pipe.Exec(ctx); err != nil {
		s.c.log.Warn("redis is back but the sessions of the outage could not be copied to it", "err", err.Error())
	}
}
