package bot

import (
	"container/list"
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// MemorySessions is an in-process SessionStore with a time-to-live and a
// bounded size: when full, the least recently used session is dropped.
type MemorySessions struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *memEntry, most recent at the front
	byKey map[string]*list.Element
	now   func() time.Time
}

type memEntry struct {
	key string
	s   Session
	exp time.Time
}

// NewMemorySessions returns a store that keeps at most max sessions.
func NewMemorySessions(max int) *MemorySessions {
	if max < 1 {
		max = 1
	}
	return &MemorySessions{max: max, order: list.New(), byKey: map[string]*list.Element{}, now: time.Now}
}

// Get returns the session stored under key, if it has not expired.
func (m *MemorySessions) Get(_ context.Context, key string) (Session, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.byKey[key]
	if !ok {
		return Session{}, false, nil
	}
	e := el.Value.(*memEntry)
	if !m.now().Before(e.exp) {
		m.order.Remove(el)
		delete(m.byKey, key)
		return Session{}, false, nil
	}
	m.order.MoveToFront(el)
	return e.s, true, nil
}

// Put stores s under key for ttl.
func (m *MemorySessions) Put(_ context.Context, key string, s Session, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp := m.now().Add(ttl)
	if el, ok := m.byKey[key]; ok {
		e := el.Value.(*memEntry)
		e.s, e.exp = s, exp
		m.order.MoveToFront(el)
		return nil
	}
	if m.order.Len() < m.max {
		m.byKey[key] = m.order.PushFront(&memEntry{key: key, s: s, exp: exp})
		return nil
	}
	// Full: the least recently used session goes, and its entry, moved to
	// the front, becomes the new one (no allocation).
	for m.order.Len() > m.max {
		last := m.order.Back()
		m.order.Remove(last)
		delete(m.byKey, last.Value.(*memEntry).key)
	}
	el := m.order.Back()
	e := el.Value.(*memEntry)
	delete(m.byKey, e.key)
	*e = memEntry{key: key, s: s, exp: exp}
	m.order.MoveToFront(el)
	m.byKey[key] = el
	return nil
}

// Len returns how many sessions are stored (expired ones included until
// they are next touched or pushed out).
func (m *MemorySessions) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}

// MemoryLimiter is an in-process Limiter: at most N questions per key in a
// fixed one-minute window. Its size is bounded: windows of the past minute
// are dropped when a new minute starts.
//
// Keys are counted under a 64-bit hash with a seed of the process's own:
// a map without strings is one the garbage collector does not scan, and a
// busy minute holds tens of thousands of users. Two users share a count
// only if their keys collide, about once in 10¹⁰ minutes at 50,000 users.
type MemoryLimiter struct {
	mu     sync.Mutex
	n      int
	window int64
	counts map[uint64]int
	seed   maphash.Seed
	now    func() time.Time
}

// NewMemoryLimiter allows perMinute questions per key and minute.
func NewMemoryLimiter(perMinute int) *MemoryLimiter {
	return &MemoryLimiter{n: perMinute, counts: map[uint64]int{}, seed: maphash.MakeSeed(), now: time.Now}
}

// Allow counts one question for key and reports whether it is within the limit.
func (l *MemoryLimiter) Allow(_ context.Context, key string) (bool, error) {
	h := maphash.String(l.seed, key)
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.now().Unix() / 60
	if w != l.window {
		l.window = w
		clear(l.counts)
	}
	l.counts[h]++
	return l.counts[h] <= l.n, nil
}
