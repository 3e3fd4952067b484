package enginetest

import (
	"fmt"
	"strings"
	"testing"
)

// TestRedis: the server answers, stops and starts again on its address.
// (PostgreSQL is exercised, with a stop and a start, by the question log's
// tests; starting one costs seconds.)
func TestRedis(t *testing.T) {
	r := Redis(t)
	if err := redisPing(r.Addr); err != nil {
		t.Fatal(err)
	}
	r.Stop()
	if err := redisPing(r.Addr); err == nil {
		t.Fatal("redis still answers after Stop")
	}
	r.Start(t)
	if err := redisPing(r.Addr); err != nil {
		t.Fatal(err)
	}
}

// recordingTB records what a helper reports instead of ending the test.
type recordingTB struct {
	testing.TB
	fatal, skip string
}

func (r *recordingTB) Helper()                           {}
func (r *recordingTB) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recordingTB) Skipf(format string, args ...any)  { r.skip = fmt.Sprintf(format, args...) }

// TestMissingFailsInCI: a missing engine skips a developer's run and fails
// a CI run.
func TestMissingFailsInCI(t *testing.T) {
	t.Setenv("CI", "true")
	r := &recordingTB{TB: t}
	missing(r, "redis-server not found")
	if r.fatal == "" || r.skip != "" || !strings.Contains(r.fatal, "apt-get install") {
		t.Errorf("with CI set: fatal %q, skip %q; want a failure saying how to install", r.fatal, r.skip)
	}
	t.Setenv("CI", "")
	r = &recordingTB{TB: t}
	missing(r, "redis-server not found")
	if r.skip == "" || r.fatal != "" {
		t.Errorf("without CI: fatal %q, skip %q; want a skip", r.fatal, r.skip)
	}
}
