package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"dutybot/bot"
)

func apiPost(path, body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

func decodeJSON(tb testing.TB, w *httptest.ResponseRecorder, v any) {
	tb.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Errorf("Content-Type = %q, want JSON", ct)
	}
	if err := json.Unmarshal(w.Body.Bytes(), v); err != nil {
		tb.Fatalf("body %q: %v", w.Body.String(), err)
	}
}

type askResult struct {
	Decision string   `json:"decision"`
	Township string   `json:"township"`
	Refs     []string `json:"refs"`
	Reply    string   `json:"reply"`
	Items    []struct {
		Ref           string          `json:"ref"`
		Name          string          `json:"name"`
		Kind          string          `json:"kind"`
		Leads         []string        `json:"leads"`
		TownshipSteps []bot.StepGroup `json:"township_steps"`
		LeadSteps     []bot.StepGroup `json:"lead_steps"`
		Handover      *bot.Handover   `json:"handover"`
	} `json:"items"`
	Choices    []struct{ Ref, Name string } `json:"choices"`
	Candidates []bot.Candidate              `json:"candidates"`
}

func TestAPIAsk(t *testing.T) {
	h := newHarness(t, Options{})
	w := h.do(apiPost("/api/ask", `{"question":"办残疾证找谁","user":"u1"}`))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d %s", w.Code, w.Body.String())
	}
	var r askResult
	decodeJSON(t, w, &r)
	if r.Decision != "answer" || len(r.Items) != 1 || r.Items[0].Name != disabilityItem || len(r.Refs) != 1 || r.Refs[0] != r.Items[0].Ref {
		t.Fatalf("ask = %+v, want an answer naming %s", r, disabilityItem)
	}
	it := r.Items[0]
	if it.Kind != "cooperative" || len(it.Leads) == 0 || len(it.TownshipSteps) == 0 || len(it.LeadSteps) == 0 {
		t.Errorf("item = %+v, want a cooperative item with leads and both sides' steps", it)
	}
	if !strings.Contains(r.Reply, disabilityItem) || r.Township == "" || r.Choices == nil {
		t.Errorf("reply %q, township %q, choices %v", r.Reply, r.Township, r.Choices)
	}
	if strings.Contains(w.Body.String(), `"candidates"`) {
		t.Error("candidates shown without explain")
	}
	if !strings.Contains(w.Body.String(), `"handover":null`) {
		t.Errorf("handover missing from %s", w.Body.String())
	}

	w = h.do(apiPost("/api/ask", `{"question":"办残疾证找谁","user":"u2","explain":true}`))
	decodeJSON(t, w, &r)
	if len(r.Candidates) == 0 || r.Candidates[0].Name != disabilityItem || len(r.Candidates[0].Matches) == 0 {
		t.Errorf("explain: candidates %+v, want the ranking with its matches", r.Candidates)
	}

	// The conversation goes on for a user: 详情 is answered from the session.
	w = h.do(apiPost("/api/ask", `{"question":"详情","user":"u1"}`))
	decodeJSON(t, w, &r)
	if r.Decision != string(bot.DecideMore) {
		t.Errorf("详情: decision %q, want more", r.Decision)
	}
}

func TestAPIErrors(t *testing.T) {
	h := newHarness(t, Options{MaxBody: 256})
	for _, tc := range []struct {
		name   string
		req    *http.Request
		status int
	}{
		{"bad JSON", apiPost("/api/ask", `{"question":`), 400},
		{"not an object", apiPost("/api/ask", `["办残疾证找谁"]`), 400},
		{"wrong type", apiPost("/api/ask", `{"question":1}`), 400},
		{"empty question", apiPost("/api/ask", `{"question":"  "}`), 400},
		{"no question", apiPost("/api/ask", `{}`), 400},
		{"empty body", apiPost("/api/ask", ``), 400},
		{"unknown township", apiPost("/api/ask", `{"question":"办残疾证找谁","township":"不存在乡"}`), 404},
		{"too large", apiPost("/api/ask", `{"question":"`+strings.Repeat("很", 200)+`"}`), 413},
		{"GET ask", httptest.NewRequest(http.MethodGet, "/api/ask", nil), 405},
		{"unknown item", httptest.NewRequest(http.MethodGet, "/api/items/B9999", nil), 404},
		{"item of an unknown township", httptest.NewRequest(http.MethodGet, "/api/items/C16?township=不存在乡", nil), 404},
		{"items of an unknown township", httptest.NewRequest(http.MethodGet, "/api/items?township=不存在乡", nil), 404},
		{"unknown kind", httptest.NewRequest(http.MethodGet, "/api/items?kind=other", nil), 400},
		{"unknown path", httptest.NewRequest(http.MethodGet, "/api/nothing", nil), 404},
		{"wechat off", httptest.NewRequest(http.MethodGet, "/wechat", nil), 404},
	} {
		w := h.do(tc.req)
		if w.Code != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.name, w.Code, tc.status, w.Body.String())
			continue
		}
		var e struct{ Error string }
		decodeJSON(t, w, &e)
		if e.Error == "" {
			t.Errorf("%s: body %s, want {\"error\": message}", tc.name, w.Body.String())
		}
	}
	if qs := h.rec.Questions(); len(qs) != 0 {
		t.Errorf("questions recorded: %d, want 0", len(qs))
	}
}

func TestAPIItems(t *testing.T) {
	h := newHarness(t, Options{})
	lib := h.b.Library()
	var all struct {
		Townships []struct {
			Township string
			City     string
			Count    int
			Items    []struct{ Ref, Name, Kind, Category string }
		}
	}
	decodeJSON(t, h.do(httptest.NewRequest(http.MethodGet, "/api/items", nil)), &all)
	if len(all.Townships) != len(lib.Townships) {
		t.Fatalf("townships %d, want %d", len(all.Townships), len(lib.Townships))
	}
	t0 := lib.Townships[0]
	if got := all.Townships[0]; got.Township != t0.Name || got.Count != len(t0.Items) || len(got.Items) != len(t0.Items) {
		t.Errorf("first township = %s with %d items, want %s with %d", got.Township, got.Count, t0.Name, len(t0.Items))
	}

	decodeJSON(t, h.do(httptest.NewRequest(http.MethodGet, "/api/items?kind=cooperative&township="+t0.Name, nil)), &all)
	if len(all.Townships) != 1 || all.Townships[0].Count != t0.Count(bot.Cooperative) {
		t.Errorf("kind filter: %+v, want %d cooperative items", all.Townships, t0.Count(bot.Cooperative))
	}
	for _, it := range all.Townships[0].Items {
		if it.Kind != "cooperative" {
			t.Errorf("kind filter let %s (%s) through", it.Ref, it.Kind)
		}
	}

	decodeJSON(t, h.do(httptest.NewRequest(http.MethodGet, "/api/items?q=残疾人证", nil)), &all)
	found := false
	for _, it := range all.Townships[0].Items {
		found = found || it.Name == disabilityItem
		if !strings.Contains(it.Name, "残疾人证") {
			t.Errorf("q filter let %s %s through", it.Ref, it.Name)
		}
	}
	if !found {
		t.Errorf("q=残疾人证 did not list %s", disabilityItem)
	}

	var ref string
	for _, it := range t0.Items {
		if it.Name == disabilityItem {
			ref = it.Ref
		}
	}
	var one struct {
		Township string
		Seq      int
		Ref      string
		Name     string
		Kind     string
		Leads    []string
		Steps    []bot.StepGroup `json:"township_steps"`
	}
	decodeJSON(t, h.do(httptest.NewRequest(http.MethodGet, "/api/items/"+strings.ToLower(ref), nil)), &one)
	if one.Ref != ref || one.Name != disabilityItem || one.Township != t0.Name || len(one.Leads) == 0 || len(one.Steps) == 0 {
		t.Errorf("/api/items/%s = %+v", ref, one)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	ready := errors.New("documents not loaded")
	extra := false
	m := NewMetrics()
	h := newHarness(t, Options{
		Metrics: m,
		Ready:   func() error { return ready },
		Extra:   func(e *gin.Engine) { extra = true; e.GET("/admin/x", func(c *gin.Context) { c.String(200, "admin") }) },
	})
	if w := h.do(httptest.NewRequest(http.MethodGet, "/healthz", nil)); w.Code != http.StatusOK {
		t.Errorf("/healthz = %d", w.Code)
	}
	if w := h.do(httptest.NewRequest(http.MethodGet, "/readyz", nil)); w.Code != http.StatusServiceUnavailable || w.Body.String() != `{"status":"unavailable"}` {
		t.Errorf("/readyz not ready = %d %s", w.Code, w.Body.String())
	}
	ready = nil
	if w := h.do(httptest.NewRequest(http.MethodGet, "/readyz", nil)); w.Code != http.StatusOK {
		t.Errorf("/readyz ready = %d", w.Code)
	}
	if w := h.do(httptest.NewRequest(http.MethodGet, "/admin/x", nil)); !extra || w.Body.String() != "admin" {
		t.Errorf("Extra routes not installed")
	}
	h.do(apiPost("/api/ask", `{"question":"办残疾证找谁"}`))
	h.do(apiPost("/api/ask", `{"question":""}`))
	m.SetLogQueueDepth(7)
	m.AddLogDrops(2)
	m.SetLibrary(h.b.Library())
	body := readAll(t, h.do(httptest.NewRequest(http.MethodGet, "/metrics", nil)).Body)
	for _, want := range []string{
		`dutybot_requests_total{channel="api",outcome="ok"} 1`,
		`dutybot_requests_total{channel="api",outcome="bad_request"} 1`,
		`dutybot_decisions_total{channel="api",decision="answer"} 1`,
		`dutybot_answer_seconds_count{channel="api"} 1`,
		`dutybot_log_queue_depth 7`,
		`dutybot_log_dropped_total 2`,
		`dutybot_documents_loaded 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

func TestNewOptions(t *testing.T) {
	b := newBot(t, nil)
	for name, o := range map[string]Options{
		"no bot":                      {},
		"wechat key without token":    {Bot: b, EncodingAESKey: testAESKey, AppID: testAppID},
		"wechat key without app id":   {Bot: b, Token: "t", EncodingAESKey: testAESKey},
		"wechat key too short":        {Bot: b, Token: "t", AppID: testAppID, EncodingAESKey: "abc"},
		"wechat key not base64":       {Bot: b, Token: "t", AppID: testAppID, EncodingAESKey: strings.Repeat("!", 43)},
		"wecom token without key":     {Bot: b, WeComToken: "t"},
		"wecom key without token":     {Bot: b, WeComAESKey: testWeComKey},
		"wecom key of the wrong size": {Bot: b, WeComToken: "t", WeComAESKey: testWeComKey + "A"},
		"path without a slash":        {Bot: b, Token: "t", WeChatPath: "wechat"},
		"paths that clash":            {Bot: b, Token: "t", WeComToken: "t", WeComAESKey: testWeComKey, WeChatPath: "/x", WeComPath: "/x"},
		"path over the API":           {Bot: b, Token: "t", WeChatPath: "/api/ask"},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("%s: New succeeded", name)
		} else if strings.Contains(err.Error(), testAESKey) || strings.Contains(err.Error(), testWeComKey) {
			t.Errorf("%s: the error shows the key: %v", name, err)
		}
	}
	// Plaintext-only official account and custom paths.
	h := newHarness(t, Options{Token: testToken, WeChatPath: "/mp", WeComPath: "/wk", WeComToken: testWeComToken, WeComAESKey: testWeComKey})
	req := wechatPost(signedQuery(testToken), wechatText("oPath", 9001, disabilityQuestion))
	req.URL.Path = "/mp"
	if r := plainReply(t, h.do(req)); !strings.Contains(r.Content, disabilityItem) {
		t.Errorf("custom path reply = %q", r.Content)
	}
	req = sealWeCom(t, wecomText("path-1", "u", "single", disabilityQuestion))
	req.URL.Path = "/wk"
	if r := openWeCom(t, h.do(req)); !strings.Contains(r.Stream.Content, disabilityItem) {
		t.Errorf("custom WeCom path reply = %q", r.Stream.Content)
	}
}

// Different questions at once, through the real bot: race-clean.
func TestConcurrentAsk(t *testing.T) {
	b := newBot(t, nil)
	h := newHarness(t, Options{Bot: b})
	var wg sync.WaitGroup
	for i, q := range []string{"办残疾证找谁", "村里改厕所还有补贴吗", "C16", "B1", "分类", "人社局管哪些事"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := httptest.NewRecorder()
			h.e.ServeHTTP(w, apiPost("/api/ask", `{"question":"`+q+`","user":"c`+string(rune('a'+i))+`"}`))
			if w.Code != http.StatusOK {
				t.Errorf("%s: %d", q, w.Code)
			}
		}()
	}
	wg.Wait()
}

// A panic in a route becomes a logged 500 with a JSON error, and the
// server goes on serving.
func TestPanicIsA500(t *testing.T) {
	h := newHarness(t, Options{Extra: func(e *gin.Engine) {
		e.GET("/admin/boom", func(c *gin.Context) { panic("boom") })
	}})
	w := h.do(httptest.NewRequest(http.MethodGet, "/admin/boom", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), `"error"`) {
		t.Errorf("panicking route = %d %s, want 500 with a JSON error", w.Code, w.Body.String())
	}
	if !strings.Contains(h.log.String(), "panic") || !strings.Contains(h.log.String(), "boom") {
		t.Errorf("panic not logged:\n%s", h.log.String())
	}
	if w := h.do(httptest.NewRequest(http.MethodGet, "/healthz", nil)); w.Code != http.StatusOK {
		t.Errorf("/healthz after a panic = %d", w.Code)
	}
}

// Finding 5 of issue 15: while PostgreSQL is down, /readyz told anyone the
// database user, name and host:port. The public answer is a bare
// "unavailable"; the error, from a real connection attempt, goes to the
// log and to a caller with the admin token, once per reason in the log.
func TestReadyzHidesInternals(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// What pgx says when PostgreSQL is down, as the store's Ping returns it.
	_, dbErr := pgx.Connect(ctx, "postgres://dutyuser:pw@127.0.0.1:1/dutydb?connect_timeout=1")
	if dbErr == nil {
		t.Fatal("PostgreSQL on port 1 answered")
	}
	const admin = "0123456789abcdef-admin"
	h := newHarness(t, Options{Ready: func() error { return dbErr }, Admin: Admin{Token: admin}})
	for range 3 {
		w := h.do(httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if w.Code != http.StatusServiceUnavailable || w.Body.String() != `{"status":"unavailable"}` {
			t.Errorf("public /readyz = %d %s, want 503 {\"status\":\"unavailable\"}", w.Code, w.Body.String())
		}
	}
	req := httptest.NewRequest(http.MethodGet, "/readyz", nil)
	req.Header.Set("Authorization", "Bearer wrong-token-0123456789")
	if w := h.do(req); strings.Contains(w.Body.String(), "dutydb") {
		t.Errorf("/readyz with a wrong token tells %s", w.Body.String())
	}
	req.Header.Set("Authorization", "Bearer "+admin)
	if w := h.do(req); w.Code != http.StatusServiceUnavailable || !strings.Contains(w.Body.String(), dbErr.Error()[:20]) {
		t.Errorf("/readyz with the admin token = %d %s, want the error %q", w.Code, w.Body.String(), dbErr)
	}
	log := h.log.String()
	if n := strings.Count(log, "not ready"); n != 1 {
		t.Errorf("logged %d not-ready lines for one reason, want 1:\n%s", n, log)
	}
	if !strings.Contains(log, "127.0.0.1") {
		t.Errorf("the log does not tell the error:\n%s", log)
	}
}

// Finding 1 of issue 15: the per-user limit never held on the JSON API
// (no user, or a new user per request, got a new allowance). Each client
// address now has its own allowance, whatever user it names; its
// X-Forwarded-For counts only from a trusted proxy (a client cannot forge
// its way to a new address); the admin token is exempt; and a WeChat user
// on the same address is answered all the same. Nothing past the
// allowance reaches the question log.
func TestAPIClientLimit(t *testing.T) {
	const admin = "0123456789abcdef-admin"
	h := newHarness(t, Options{Token: testToken, ClientLimiter: bot.NewMemoryLimiter(5),
		TrustedProxies: []string{"10.0.0.1"}, Admin: Admin{Token: admin}})
	ask := func(peer, xff, user, auth string) int {
		body := `{"question":"办残疾证找谁"}`
		if user != "" {
			body = `{"question":"办残疾证找谁","user":"` + user + `"}`
		}
		req := apiPost("/api/ask", body)
		req.RemoteAddr = peer + ":40000"
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		w := h.do(req)
		if w.Code == http.StatusTooManyRequests && w.Header().Get("Retry-After") != "60" {
			t.Errorf("429 without Retry-After: 60")
		}
		return w.Code
	}
	codes := func(peer, xff string, n int) (ok, limited int) {
		for i := range n {
			switch ask(peer, xff, fmt.Sprint("user", i%3), "") { // users vary: no help
			case http.StatusOK:
				ok++
			case http.StatusTooManyRequests:
				limited++
			}
		}
		return ok, limited
	}
	if ok, lim := codes("192.0.2.10", "", 12); ok != 5 || lim != 7 {
		t.Errorf("direct client: %d answered, %d limited; want 5, 7", ok, lim)
	}
	if c := ask("192.0.2.10", "", "", ""); c != http.StatusTooManyRequests {
		t.Errorf("without a user: status %d, want 429", c)
	}
	if c := ask("192.0.2.10", "198.51.100.99", "", ""); c != http.StatusTooManyRequests {
		t.Errorf("X-Forwarded-For from an untrusted peer: status %d, want 429 (ignored)", c)
	}
	if c := ask("192.0.2.10", "", "", admin); c != http.StatusOK {
		t.Errorf("admin token: status %d, want 200", c)
	}
	if c := ask("192.0.2.10", "", "", "wrong-admin-token-xx"); c != http.StatusTooManyRequests {
		t.Errorf("wrong admin token: status %d, want 429", c)
	}
	// Behind the proxy: the address it saw (the rightmost one it added),
	// not what the client wrote before it.
	if ok, lim := codes("10.0.0.1", "198.51.100.7", 8); ok != 5 || lim != 3 {
		t.Errorf("client behind the proxy: %d answered, %d limited; want 5, 3", ok, lim)
	}
	if c := ask("10.0.0.1", "203.0.113.1, 198.51.100.7", "", ""); c != http.StatusTooManyRequests {
		t.Errorf("forged X-Forwarded-For before the proxy's: status %d, want 429", c)
	}
	if ok, _ := codes("10.0.0.1", "198.51.100.8", 1); ok != 1 {
		t.Error("another client behind the proxy is limited")
	}
	// A signed WeChat message from the limited address is answered.
	req := wechatPost(signedQuery(testToken), wechatText("oNeighbour", 9601, disabilityQuestion))
	req.RemoteAddr = "192.0.2.10:40001"
	if r := plainReply(t, h.do(req)); !strings.Contains(r.Content, disabilityItem) {
		t.Errorf("WeChat from the limited address: %q", r.Content)
	}
	if n := len(h.rec.Questions()); n != 5+1+5+1+1 {
		t.Errorf("logged %d questions, want 13 (the allowances, the admin's, the WeChat one)", n)
	}
}

// Finding 8 of issue 15: a long question is cut to MaxQuestion characters
// before it is matched and logged, on every channel.
func TestLongQuestionCut(t *testing.T) {
	h := newHarness(t, Options{})
	long := disabilityQuestion + strings.Repeat("很", 20000) // 60 KB
	start := time.Now()
	w := h.do(apiPost("/api/ask", `{"question":"`+long+`"}`))
	took := time.Since(start)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d %s", w.Code, w.Body.String())
	}
	qs := h.rec.Questions()
	if len(qs) != 1 || utf8.RuneCountInString(qs[0].Text) != DefaultMaxQuestion {
		t.Fatalf("logged %d questions, text of %d characters; want one of %d", len(qs), utf8.RuneCountInString(qs[len(qs)-1].Text), DefaultMaxQuestion)
	}
	t.Logf("a 60 KB question answered in %v", took)
}
