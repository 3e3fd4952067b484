package handlers

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParseSince(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.Local)
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"7d", now.Add(-7 * 24 * time.Hour)},
		{"24h", now.Add(-24 * time.Hour)},
		{"30m", now.Add(-30 * time.Minute)},
		{"1h30m", now.Add(-90 * time.Minute)},
		{"2w", now.Add(-14 * 24 * time.Hour)},
		{"2026-03-01", time.Date(2026, 3, 1, 0, 0, 0, 0, time.Local)},
	} {
		got, err := ParseSince(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("ParseSince(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "soon", "0d", "-3h", "7x", "2026-04-01", "d"} {
		if _, err := ParseSince(bad, now); err == nil {
			t.Errorf("ParseSince(%q) succeeded", bad)
		}
	}
}

// The admin API's errors go through the one error map: 401 with a
// challenge, 400 for a bad period, 422 for a refused reload, 500 for a
// failing report; each a JSON {"error"}.
func TestAdminErrors(t *testing.T) {
	reloadErr := errors.New("documents have 1 problem(s)\nx.txt:3: no 序号")
	var reportErr error
	h := newHarness(t, Options{Admin: Admin{Token: "admin-token",
		Report: func(ctx context.Context, since, until time.Time) (any, error) {
			return map[string]int{"questions": 1}, reportErr
		},
		Reload: func() error { return reloadErr },
	}})
	do := func(method, path, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return h.do(req)
	}
	for _, tc := range []struct {
		method, path, token string
		code                int
		body                string
	}{
		{"GET", "/api/admin/report", "", 401, "unauthorized"},
		{"GET", "/api/admin/report", "wrong", 401, "unauthorized"},
		{"GET", "/api/admin/report", "admin-token", 200, `"questions":1`},
		{"GET", "/api/admin/report?since=soon", "admin-token", 400, "since"},
		{"POST", "/api/admin/reload", "admin-token", 422, "x.txt:3"},
		{"GET", "/api/admin/debug/pprof/cmdline", "admin-token", 404, "not found"},
	} {
		w := do(tc.method, tc.path, tc.token)
		if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.body) {
			t.Errorf("%s %s: %d %s, want %d with %q", tc.method, tc.path, w.Code, w.Body.String(), tc.code, tc.body)
		}
		if w.Code == 401 && w.Header().Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without a challenge", tc.path)
		}
	}
	reportErr = errors.New("database is locked")
	if w := do("GET", "/api/admin/report", "admin-token"); w.Code != 500 || strings.Contains(w.Body.String(), "locked") {
		t.Errorf("failing report: %d %s, want a 500 that does not show the cause", w.Code, w.Body.String())
	}
	reloadErr = nil
	if w := do("POST", "/api/admin/reload", "admin-token"); w.Code != 200 || !strings.Contains(w.Body.String(), `"status":"reloaded"`) {
		t.Errorf("reload: %d %s", w.Code, w.Body.String())
	}
	// Without a token the routes do not exist.
	h2 := newHarness(t, Options{})
	if w := h2.do(httptest.NewRequest("GET", "/api/admin/report", nil)); w.Code != 404 {
		t.Errorf("admin API off: %d, want 404", w.Code)
	}
}
