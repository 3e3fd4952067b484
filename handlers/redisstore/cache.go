package redisstore

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// Cache is silenceper/wechat's cache.Cache (and cache.ContextCache) in
// Redis. The official account keeps its access_token there, so that all
// replicas use one token instead of refreshing it in turn (error 40001
// when they fight); values are stored as JSON, as silenceper's own Redis
// cache does, so a token string reads back as a string.
//
// While Redis is down, values live in this process: a replica that needs
// a token then fetches its own. With the stable-token endpoint
// (UseStableAK) that does not invalidate the token the other replicas hold.
type Cache struct {
	c   *Client
	mem *memoryCache
}

// NewCache returns the WeChat cache of c.
func NewCache(c *Client) *Cache {
	return &Cache{c: c, mem: &memoryCache{data: map[string]cacheEntry{}}}
}

// Get returns the value under key, or nil.
func (k *Cache) Get(key string) any { return k.GetContext(context.Background(), key) }

// Set stores val under key for timeout.
func (k *Cache) Set(key string, val any, timeout time.Duration) error {
	return k.SetContext(context.Background(), key, val, timeout)
}

// IsExist reports whether key holds a live value.
func (k *Cache) IsExist(key string) bool { return k.IsExistContext(context.Background(), key) }

// Delete removes key.
func (k *Cache) Delete(key string) error { return k.DeleteContext(context.Background(), key) }

func (k *Cache) rkey(key string) string { return k.c.prefix + "wechat:" + key }

// GetContext implements cache.ContextCache.
func (k *Cache) GetContext(ctx context.Context, key string) any {
	if rctx, cancel, ok := k.c.op(ctx); ok {
		b, err := k.c.rdb.Get(rctx, k.rkey(key)).Bytes()
		cancel()
		if !k.c.failed(ctx, err) {
			if err != nil { // redis.Nil
				return nil
			}
			var v any
			if json.Unmarshal(b, &v) != nil {
				return nil
			}
			return v
		}
	}
	return k.mem.get(key)
}

// SetContext implements cache.ContextCache.
func (k *Cache) SetContext(ctx context.Context, key string, val any, timeout time.Duration) error {
	b, err := json.Marshal(val)
	if err != nil {
		return err
	}
	if rctx, cancel, ok := k.c.op(ctx); ok {
		err := k.c.rdb.Set(rctx, k.rkey(key), b, timeout).Err()
		cancel()
		if !k.c.failed(ctx, err) {
			return nil
		}
	}
	// Stored as JSON here too, so both paths return the same types.
	var v any
	json.Unmarshal(b, &v)
	k.mem.set(key, v, timeout)
	return nil
}

// IsExistContext implements cache.ContextCache.
func (k *Cache) IsExistContext(ctx context.Context, key string) bool {
	if rctx, cancel, ok := k.c.op(ctx); ok {
		n, err := k.c.rdb.Exists(rctx, k.rkey(key)).Result()
		cancel()
		if !k.c.failed(ctx, err) {
			return n > 0
		}
	}
	return k.mem.get(key) != nil
}

// DeleteContext implements cache.ContextCache.
func (k *Cache) DeleteContext(ctx context.Context, key string) error {
	k.mem.delete(key)
	if rctx, cancel, ok := k.c.op(ctx); ok {
		err := k.c.rdb.Del(rctx, k.rkey(key)).Err()
		cancel()
		k.c.failed(ctx, err)
	}
	return nil
}

// memoryCache is the in-process fallback: a handful of tokens with their
// expiry, swept on write.
type memoryCache struct {
	mu   sync.Mutex
	data map[string]cacheEntry
}

type cacheEntry struct {
	val any
	exp time.Time
}

func (m *memoryCache) get(key string) any {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.data[key]
	if !ok || !time.Now().Before(e.exp) {
		return nil
	}
	return e.val
}

func (m *memoryCache) set(key string, val any, timeout time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	for k, e := range m.data {
		if !now.Before(e.exp) {
			delete(m.data, k)
		}
	}
	exp := now.Add(timeout)
	if timeout <= 0 { // no expiry, as in Redis
		exp = now.AddDate(100, 0, 0)
	}
	m.data[key] = cacheEntry{val: val, exp: exp}
}

func (m *memoryCache) delete(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, key)
}
