package handlers

import (
	"sync"
	"testing"
	"time"
)

func TestMemoryCache(t *testing.T) {
	now := time.Unix(1700000000, 0)
	c := newMemoryCache()
	c.now = func() time.Time { return now }
	c.Set("token", "abc", time.Hour)
	if c.Get("token") != "abc" || !c.IsExist("token") {
		t.Error("token not cached")
	}
	now = now.Add(time.Hour)
	if c.Get("token") != nil || c.IsExist("token") {
		t.Error("token kept past its timeout")
	}
	c.Set("x", 1, time.Hour)
	c.Delete("x")
	if c.IsExist("x") {
		t.Error("Delete kept x")
	}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				c.Set("k", j, time.Hour)
				c.Get("k")
				c.IsExist("k")
			}
		}()
	}
	wg.Wait()
}
