package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemoryDedupe(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1700000000, 0)
	d := NewMemoryDedupe(3, time.Minute)
	d.now = func() time.Time { return now }

	if ok, _ := d.Claim(ctx, "a"); !ok {
		t.Fatal("first Claim(a) = false")
	}
	if ok, _ := d.Claim(ctx, "a"); ok {
		t.Fatal("second Claim(a) = true")
	}
	// A waiter gets the reply once it is stored.
	got := make(chan string, 1)
	go func() {
		b, err := d.Wait(ctx, "a")
		got <- fmt.Sprintf("%s %v", b, err)
	}()
	time.Sleep(10 * time.Millisecond)
	d.Store(ctx, "a", []byte("reply-a"))
	if g := <-got; g != "reply-a <nil>" {
		t.Errorf("Wait(a) = %s", g)
	}
	d.Store(ctx, "a", []byte("other")) // the first reply stays
	if b, _ := d.Wait(ctx, "a"); string(b) != "reply-a" {
		t.Errorf("Wait(a) after a second Store = %q", b)
	}
	// Waiting ends with the context.
	d.Claim(ctx, "b")
	wctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := d.Wait(wctx, "b"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait(b) without a reply = %v, want the deadline", err)
	}
	if _, err := d.Wait(ctx, "never"); !errors.Is(err, ErrNotClaimed) {
		t.Errorf("Wait(never) = %v, want ErrNotClaimed", err)
	}
	// Bounded: a fourth key pushes out the oldest.
	d.Claim(ctx, "c")
	d.Claim(ctx, "d")
	if d.Len() != 3 {
		t.Errorf("Len = %d, want 3", d.Len())
	}
	if ok, _ := d.Claim(ctx, "a"); !ok {
		t.Error("Claim(a) after it was pushed out = false")
	}
	// Expiry: after the ttl a key can be claimed again.
	now = now.Add(time.Minute)
	if ok, _ := d.Claim(ctx, "c"); !ok {
		t.Error("Claim(c) after its ttl = false")
	}
	if d.Len() != 1 {
		t.Errorf("Len after expiry = %d, want 1", d.Len())
	}
}

func TestMemoryDedupeConcurrent(t *testing.T) {
	d := NewMemoryDedupe(100, time.Minute)
	ctx := context.Background()
	var claimed atomic.Int32
	var wg sync.WaitGroup
	replies := make([]string, 50)
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := d.Claim(ctx, "k"); ok {
				claimed.Add(1)
				d.Store(ctx, "k", []byte("r"))
				replies[i] = "r"
				return
			}
			b, err := d.Wait(ctx, "k")
			if err != nil {
				t.Error(err)
			}
			replies[i] = string(b)
		}()
	}
	wg.Wait()
	if claimed.Load() != 1 {
		t.Errorf("claimed %d times, want 1", claimed.Load())
	}
	for i, r := range replies {
		if r != "r" {
			t.Errorf("reply %d = %q", i, r)
		}
	}
}
