package app

import (
	"sync"

	"dutybot/bot"
)

// rankCacheSize is how many recent questions a ranker keeps the ranking
// of. People ask the same few things in the same words more often than not
// (the examples of the welcome message, a menu's question, a copied
// sentence); a few hundred rankings take about a megabyte.
const rankCacheSize = 256

// rankCache keeps the rankings of recent questions, by nlp.QueryKey and
// limit: a ranking depends on nothing else, as the index is read-only. It
// holds at most size entries in two generations: new entries go to the
// current one, which becomes the old one when it is half full, and the old
// one is dropped; a hit in the old generation moves the entry to the
// current one. That keeps what is asked again at the cost of two map
// lookups, without a list to maintain. A nil *rankCache keeps nothing. It
// is safe for concurrent use.
type rankCache struct {
	mu       sync.Mutex
	half     int
	cur, old map[rankKey]bot.Ranking
}

type rankKey struct {
	q     string
	limit int
}

// newRankCache returns a cache of size rankings, or nil (no cache) for a
// size below 2.
func newRankCache(size int) *rankCache {
	if size < 2 {
		return nil
	}
	return &rankCache{half: size / 2, cur: make(map[rankKey]bot.Ranking, size/2)}
}

func (c *rankCache) get(q string, limit int) (bot.Ranking, bool) {
	if c == nil {
		return bot.Ranking{}, false
	}
	k := rankKey{q, limit}
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

func (c *rankCache) put(q string, limit int, r bot.Ranking) {
	if c == nil || len(q) > 1024 {
		return // a long text is not asked twice
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.add(rankKey{q, limit}, r)
}

// add puts an entry in the current generation. c.mu is held.
func (c *rankCache) add(k rankKey, r bot.Ranking) {
	if len(c.cur) >= c.half {
		c.old, c.cur = c.cur, make(map[rankKey]bot.Ranking, c.half)
	}
	c.cur[k] = r
}
