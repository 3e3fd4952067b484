package bot

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"time"
)

// ErrNotClaimed is returned by DedupeStore.Wait when nobody holds the key:
// it was never claimed, or it expired or was pushed out.
var ErrNotClaimed = errors.New("bot: dedupe key not claimed")

// DedupeStore remembers the replies to recent messages, so that a message
// WeChat or WeCom sends again (it retries after 5 s, and may send the retry
// while the first attempt is still being answered) is answered once and
// every attempt gets the same reply.
//
// The protocol: the handler calls Claim; the one caller that gets true
// answers the message and calls Store with the encoded reply; the others
// call Wait, which returns that reply as soon as it is stored. A Redis
// implementation maps Claim to SET key "" NX PX ttl, Store to SET key reply
// XX PX ttl plus a PUBLISH (or a list push), and Wait to a subscription or
// polling GET until the value is not empty.
//
// Implementations must be safe for concurrent use.
type DedupeStore interface {
	// Claim atomically marks key as being answered. It returns true for
	// the first caller since the key expired, false for every later one.
	Claim(ctx context.Context, key string) (bool, error)
	// Store records the reply of a claimed key and wakes its waiters.
	Store(ctx context.Context, key string, reply []byte) error
	// Wait returns the reply stored under key, waiting until it is stored
	// or ctx is done (then it returns ctx's error). It returns
	// ErrNotClaimed when the key is unknown.
	Wait(ctx context.Context, key string) ([]byte, error)
}

// MemoryDedupe is an in-process DedupeStore: a key is kept for a fixed
// time-to-live after it is claimed, and at most max keys are kept (when
// full, the oldest key is dropped).
type MemoryDedupe struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	byKey map[string]*list.Element
	order *list.List // of *dedupeEntry, oldest at the front
	now   func() time.Time
}

type dedupeEntry struct {
	key    string
	exp    time.Time
	stored bool          // reply is set
	done   chan struct{} // made by the first Wait before Store; closed by Store
	reply  []byte
}

// NewMemoryDedupe returns a store that keeps at most max keys, each for ttl
// (defaults: 10000 keys, 2 minutes, which covers WeChat's three retries).
func NewMemoryDedupe(max int, ttl time.Duration) *MemoryDedupe {
	if max < 1 {
		max = 10000
	}
	if ttl <= 0 {
		ttl = 2 * time.Minute
	}
	return &MemoryDedupe{max: max, ttl: ttl, byKey: map[string]*list.Element{}, order: list.New(), now: time.Now}
}

// expire drops expired keys; every key has the same ttl, so the oldest are
// at the front. m.mu must be held.
func (m *MemoryDedupe) expire(now time.Time) {
	for el := m.order.Front(); el != nil; el = m.order.Front() {
		e := el.Value.(*dedupeEntry)
		if now.Before(e.exp) {
			return
		}
		m.order.Remove(el)
		delete(m.byKey, e.key)
	}
}

// Claim implements DedupeStore.
func (m *MemoryDedupe) Claim(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.expire(now)
	if _, ok := m.byKey[key]; ok {
		return false, nil
	}
	for m.order.Len() >= m.max {
		el := m.order.Front()
		m.order.Remove(el)
		delete(m.byKey, el.Value.(*dedupeEntry).key)
	}
	m.byKey[key] = m.order.PushBack(&dedupeEntry{key: key, exp: now.Add(m.ttl)})
	return true, nil
}

// Store implements DedupeStore. Storing under a key that is no longer held
// does nothing; storing twice keeps the first reply.
func (m *MemoryDedupe) Store(_ context.Context, key string, reply []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[key]
	if !ok {
		return nil
	}
	e := el.Value.(*dedupeEntry)
	if !e.stored {
		e.reply = append([]byte(nil), reply...)
		e.stored = true
		if e.done != nil {
			close(e.done)
		}
	}
	return nil
}

// Wait implements DedupeStore.
func (m *MemoryDedupe) Wait(ctx context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	m.expire(m.now())
	el, ok := m.byKey[key]
	if !ok {
		m.mu.Unlock()
		return nil, ErrNotClaimed
	}
	e := el.Value.(*dedupeEntry)
	if e.stored {
		m.mu.Unlock()
		return e.reply, nil
	}
	// Most keys are never waited for: their channel is made here.
	if e.done == nil {
		e.done = make(chan struct{})
	}
	done := e.done
	m.mu.Unlock()
	select {
	case <-done:
		m.mu.Lock()
		defer m.mu.Unlock()
		return e.reply, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Len returns how many keys are held, expired ones included until the next
// Claim or Wait.
func (m *MemoryDedupe) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}
