package handlers

import (
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/cache"
)

// memoryCache is a cache.Cache for silenceper/wechat's access token. It
// replaces cache.Memory, whose Get reads its map without the lock in
// v2.1.10 (a data race under concurrent requests).
type memoryCache struct {
	mu   sync.Mutex
	data map[string]cacheEntry
	now  func() time.Time
}

type cacheEntry struct {
	val any
	exp time.Time
}

var _ cache.Cache = (*memoryCache)(nil)

func newMemoryCache() *memoryCache {
	return &memoryCache{data: map[string]cacheEntry{}, now: time.Now}
}

// get returns the live entry under key, dropping it when expired. c.mu
// must be held.
func (c *memoryCache) get(key string) (any, bool) {
	e, ok := c.data[key]
	if !ok {
		return nil, false
	}
	if !c.now().Before(e.exp) {
		delete(c.data, key)
		return nil, false
	}
	return e.val, true
}

// Get returns the value under key, or nil when there is none or it expired.
func (c *memoryCache) Get(key string) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, _ := c.get(key)
	return v
}

// Set stores val under key for timeout.
func (c *memoryCache) Set(key string, val any, timeout time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.data { // the cache holds a handful of tokens: sweep on write
		c.get(k)
	}
	c.data[key] = cacheEntry{val: val, exp: c.now().Add(timeout)}
	return nil
}

// IsExist reports whether key holds a live value.
func (c *memoryCache) IsExist(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.get(key)
	return ok
}

// Delete removes key.
func (c *memoryCache) Delete(key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.data, key)
	return nil
}
