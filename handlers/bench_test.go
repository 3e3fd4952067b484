package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Benchmarks of the HTTP stages, through the whole engine as the server
// runs it (without the network): the trivial endpoint, POST /api/ask and a
// safe-mode WeChat message (decrypt, decode, answer, encode, encrypt).
// Each request comes from its own user, so that the dedupe and the rate
// limit stay out of the way.

var benchQuestions = []string{"办残疾证找谁", "宅基地审批怎么办", "低保怎么申请", "危房改造找哪个部门", "新生儿落户",
	"我家老人九十多岁了 高龄补贴怎么领", "邻居家的狗老是咬人", "驾照怎么换证"}

func BenchmarkHealthz(b *testing.B) {
	h := newHarness(b, wechatOptions())
	req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.e.ServeHTTP(w, req)
	}
}

func BenchmarkAPIAsk(b *testing.B) {
	h := newHarness(b, wechatOptions())
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		body := `{"question":"` + benchQuestions[i%len(benchQuestions)] + `","user":"u` + itoa(i) + `"}`
		req := httptest.NewRequest(http.MethodPost, "/api/ask", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.e.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
	}
}

func BenchmarkWeChatSafeMode(b *testing.B) {
	h := newHarness(b, wechatOptions())
	// The messages are sealed beforehand: the benchmark measures the
	// server, not WeChat's side.
	type msg struct{ target, body string }
	var msgs []msg
	for i := range 4096 {
		q, body := sealWeChat(b, wechatText("o"+itoa(i), int64(900000+i), benchQuestions[i%len(benchQuestions)]))
		msgs = append(msgs, msg{"/wechat?" + q.Encode(), body})
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m := msgs[i%len(msgs)]
		if i >= len(msgs) {
			b.StopTimer() // a new MsgId, or the dedupe answers
			q, body := sealWeChat(b, wechatText("o"+itoa(i), int64(900000+i), benchQuestions[i%len(benchQuestions)]))
			m = msg{"/wechat?" + q.Encode(), body}
			b.StartTimer()
		}
		req := httptest.NewRequest(http.MethodPost, m.target, strings.NewReader(m.body))
		req.Header.Set("Content-Type", "text/xml")
		w := httptest.NewRecorder()
		h.e.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body.String())
		}
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i == 0 {
		return "0"
	}
	var buf [20]byte
	n := len(buf)
	for ; i > 0; i /= 10 {
		n--
		buf[n] = digits[i%10]
	}
	return string(buf[n:])
}
