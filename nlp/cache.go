package nlp

import "sync"

// resultCacheSize is how many recent questions an Index keeps the results
// of. People ask the same few things in the same words more often than
// not (the examples of the welcome message, a menu's question, a copied
// sentence); a few hundred results cost about a megabyte.
const resultCacheSize = 256

// resultCache keeps the results of recent questions, by normalised text
// and limit. A result depends on nothing else: the Index is read-only, and
// a new one (a reload) starts with an empty cache. It holds at most size
// entries in two generations: new entries go to the current one, which
// becomes the old one when it is half full, and the old one is dropped;
// a hit in the old generation moves the entry to the current one. That
// keeps what is asked again at the cost of two map lookups, without a
// list to maintain. A nil *resultCache keeps nothing. It is safe for
// concurrent use.
type resultCache struct {
	mu       sync.Mutex
	half     int
	cur, old map[resultKey]Result
}

type resultKey struct {
	norm  string
	limit int
}

func newResultCache(size int) *resultCache {
	if size < 2 {
		return nil
	}
	return &resultCache{half: size / 2, cur: make(map[resultKey]Result, size/2)}
}

func (c *resultCache) get(norm string, limit int) (Result, bool) {
	if c == nil {
		return Result{}, false
	}
	k := resultKey{norm, limit}
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.cur[k]; ok {
		return r, true
	}
	r, ok := c.old[k]
	if ok {
		delete(c.old, k)
		c.add(k, r)
	}
	return r, ok
}

func (c *resultCache) put(norm string, limit int, r Result) {
	if c == nil || len(norm) > 1024 {
		return // a long text is not asked twice
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(resultKey{norm, limit}, r)
}

// add puts an entry in the current generation. c.mu is held.
func (c *resultCache) add(k resultKey, r Result) {
	if len(c.cur) >= c.half {
		c.old, c.cur = c.cur, make(map[resultKey]Result, c.half)
	}
	c.cur[k] = r
}

// SetCache sets how many recent questions the index keeps the results of:
// resultCacheSize by default, none for a size below 2. Call it before the
// index is used; benchmarks of the ranking itself turn the cache off.
func (ix *Index) SetCache(size int) { ix.cache = newResultCache(size) }
