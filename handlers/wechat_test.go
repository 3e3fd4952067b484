package handlers

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"dutybot/bot"
)

// The item the tests ask about, and a question that names it.
const (
	disabilityQuestion = "办残疾证找谁"
	disabilityItem     = "残疾人证办理"
)

// Vector A in each of the three modes, through silenceper's server: the
// plaintext message alone, the official compatible-mode packet, and the
// safe mode's envelope of ToUserName and Encrypt only. Each is verified,
// decrypted, answered, and the reply decrypts with the same key and
// carries a valid MsgSignature; a wrong msg_signature is a 403 with
// nothing processed.
func TestWeChatVectorA(t *testing.T) {
	v := loadVectors(t).A
	enc := v.Encrypt
	for _, tc := range []struct {
		mode string
		body string
		aes  bool
	}{
		{"plaintext", v.Decrypted, false},
		{"compatible", v.Body, true},
		{"safe", "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>", true},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			o := Options{Token: v.Token, AppID: v.AppID, EncodingAESKey: v.EncodingAESKey}
			if !tc.aes {
				o = Options{Token: v.Token} // plaintext mode: no EncodingAESKey
			}
			h := newHarness(t, o)
			q := url.Values{}
			q.Set("signature", v.Signature)
			q.Set("timestamp", v.Timestamp)
			q.Set("nonce", v.Nonce)
			q.Set("openid", "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
			var r wechatReply
			if tc.aes {
				q.Set("encrypt_type", "aes")
				q.Set("msg_signature", strings.Repeat("0", 40))
				if w := h.do(wechatPost(q, tc.body)); w.Code != http.StatusForbidden || len(h.rec.Questions()) != 0 {
					t.Errorf("bad msg_signature: status %d, %d questions processed; want 403 and none", w.Code, len(h.rec.Questions()))
				}
				q.Set("msg_signature", v.MsgSignature)
				r = openReply(t, h.do(wechatPost(q, tc.body)), v.Token, v.AppID, v.EncodingAESKey)
			} else {
				r = plainReply(t, h.do(wechatPost(q, tc.body)))
			}
			if r.ToUserName != "oyORnuP8q7ou2gfYjqLzSIWZf0rs" || r.FromUserName != "gh_10f6c3c3ac5a" || r.Content == "" {
				t.Errorf("reply = %+v, want the bot's answer to oyORnuP8q7ou2gfYjqLzSIWZf0rs", r)
			}
			if qs := h.rec.Questions(); len(qs) != 1 || qs[0].Text != "abcdteT" || qs[0].MessageID != "6054768590064713728" || qs[0].Channel != bot.WeChat {
				t.Errorf("recorded %+v, want the one question abcdteT with its MsgId", qs)
			}
		})
	}
}

func TestWeChatURLCheck(t *testing.T) {
	h := newHarness(t, wechatOptions())
	q := signedQuery(testToken)
	q.Set("echostr", "8416289173617582")
	w := h.do(httptest.NewRequest(http.MethodGet, "/wechat?"+q.Encode(), nil))
	if w.Code != http.StatusOK || w.Body.String() != "8416289173617582" {
		t.Errorf("URL check = %d %q, want 200 with echostr as is", w.Code, w.Body.String())
	}
	for name, mutate := range map[string]func(url.Values){
		"wrong signature":   func(q url.Values) { q.Set("signature", strings.Repeat("a", 40)) },
		"missing signature": func(q url.Values) { q.Del("signature") },
		"other timestamp":   func(q url.Values) { q.Set("timestamp", "1409735670") },
	} {
		q := signedQuery(testToken)
		q.Set("echostr", "x")
		mutate(q)
		if w := h.do(httptest.NewRequest(http.MethodGet, "/wechat?"+q.Encode(), nil)); w.Code != http.StatusForbidden || strings.Contains(w.Body.String(), "x\"") {
			t.Errorf("%s: status %d body %q, want 403", name, w.Code, w.Body.String())
		}
	}
}

// Plaintext mode: a real question gets an answer that names the item.
func TestWeChatPlaintext(t *testing.T) {
	h := newHarness(t, plainOptions())
	w := h.do(wechatPost(signedQuery(testToken), wechatText("oAlice", 1001, disabilityQuestion)))
	r := plainReply(t, w)
	if !strings.Contains(r.Content, disabilityItem) {
		t.Errorf("reply to %q = %q, want it to name %s", disabilityQuestion, r.Content, disabilityItem)
	}
	if r.ToUserName != "oAlice" || r.FromUserName != "gh_dutybot" || r.MsgType != "text" {
		t.Errorf("reply envelope = %+v", r)
	}
	if len(r.Content) > wechatFormat.Limit {
		t.Errorf("reply is %d bytes, over %d", len(r.Content), wechatFormat.Limit)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/xml") {
		t.Errorf("Content-Type = %q, want application/xml", ct)
	}
}

// Safe mode built in the test: a question, and a nil reply (unsubscribe),
// which must be a plain "success", not an encrypted empty envelope.
func TestWeChatSafeMode(t *testing.T) {
	h := newHarness(t, wechatOptions())
	q, body := sealWeChat(t, wechatText("oBob", 2001, disabilityQuestion))
	r := openReply(t, h.do(wechatPost(q, body)), testToken, testAppID, testAESKey)
	if !strings.Contains(r.Content, disabilityItem) {
		t.Errorf("safe-mode reply = %q, want it to name %s", r.Content, disabilityItem)
	}
	q, body = sealWeChat(t, wechatEvent("oBob", "unsubscribe", 1409735700))
	if w := h.do(wechatPost(q, body)); w.Code != http.StatusOK || w.Body.String() != "success" {
		t.Errorf("safe-mode unsubscribe = %d %q, want 200 success", w.Code, w.Body.String())
	}
	// A message encrypted for another AppID does not decrypt here.
	q, body = sealWeChat(t, wechatText("oBob", 2002, "x"))
	h2 := newHarness(t, Options{Token: testToken, AppID: "wxother", EncodingAESKey: testAESKey})
	if w := h2.do(wechatPost(q, body)); w.Code != http.StatusBadRequest {
		t.Errorf("other AppID: status %d, want 400", w.Code)
	}
}

func TestWeChatMessages(t *testing.T) {
	h := newHarness(t, plainOptions())
	welcome := h.b.Welcome(wechatFormat)
	for _, tc := range []struct {
		name, body string
		want       string // the reply content, or "success"
		contains   bool
	}{
		{"voice", wechatVoice("oCarol", 3001, disabilityQuestion), disabilityItem, true},
		{"voice without recognition", wechatVoice("oCarol", 3002, ""), pleaseVoice, false},
		{"voice with blank recognition", wechatVoice("oCarol", 3003, "  "), pleaseVoice, false},
		{"subscribe", wechatEvent("oDave", "subscribe", 1409735701), welcome, false},
		{"unsubscribe", wechatEvent("oDave", "unsubscribe", 1409735702), "success", false},
		{"menu click without a menu", wechatEvent("oDave", "CLICK", 1409735703), welcome, false},
		{"image", wechatOther("oErin", "image", 3004), pleaseType, false},
		{"location", wechatOther("oErin", "location", 3005), pleaseType, false},
		{"link", wechatOther("oErin", "link", 3006), pleaseType, false},
		{"video", wechatOther("oErin", "video", 3007), pleaseType, false},
		{"shortvideo", wechatOther("oErin", "shortvideo", 3008), pleaseType, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := h.do(wechatPost(signedQuery(testToken), tc.body))
			if tc.want == "success" {
				if w.Code != http.StatusOK || w.Body.String() != "success" {
					t.Errorf("= %d %q, want 200 success", w.Code, w.Body.String())
				}
				return
			}
			got := plainReply(t, w).Content
			if tc.contains && !strings.Contains(got, tc.want) || !tc.contains && got != tc.want {
				t.Errorf("reply = %q, want %q", got, tc.want)
			}
		})
	}
	if !strings.Contains(welcome, "办残疾证找谁") {
		t.Errorf("welcome %q does not say how to ask", welcome)
	}
}

// A wrong or missing signature on a POST: 403, nothing processed, nothing
// logged as a question.
func TestWeChatBadSignature(t *testing.T) {
	h := newHarness(t, wechatOptions())
	body := wechatText("oMallory", 4001, disabilityQuestion)
	for name, q := range map[string]url.Values{
		"wrong":                    {"signature": {strings.Repeat("f", 40)}, "timestamp": {testTS}, "nonce": {testNonce}},
		"missing":                  {"timestamp": {testTS}, "nonce": {testNonce}},
		"empty":                    {},
		"token of another account": {"signature": {signedQuery("other").Get("signature")}, "timestamp": {testTS}, "nonce": {testNonce}},
	} {
		if w := h.do(wechatPost(q, body)); w.Code != http.StatusForbidden {
			t.Errorf("%s signature: status %d, want 403", name, w.Code)
		}
	}
	if qs := h.rec.Questions(); len(qs) != 0 {
		t.Errorf("questions recorded: %d, want 0", len(qs))
	}
	if strings.Contains(h.log.String(), disabilityQuestion) || strings.Contains(h.log.String(), "oMallory") {
		t.Errorf("the log shows the message:\n%s", h.log.String())
	}
}

func TestWeChatBadBodies(t *testing.T) {
	h := newHarness(t, Options{Token: testToken, AppID: testAppID, EncodingAESKey: testAESKey, MaxBody: 1024})
	hp := newHarness(t, Options{Token: testToken, MaxBody: 1024})
	for name, body := range map[string]string{
		"empty":           "",
		"not xml":         "hello",
		"json":            `{"MsgType":"text"}`,
		"truncated":       "<xml><MsgType><![CDATA[text]]></MsgType><Content>",
		"other root":      "<a><MsgType>text</MsgType></a>",
		"no MsgType":      "<xml><FromUserName>o</FromUserName></xml>",
		"no FromUserName": "<xml><MsgType>text</MsgType><Content>x</Content></xml>",
		"bad MsgId":       "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><MsgId>x</MsgId></xml>",
		"bad CreateTime":  "<xml><FromUserName>o</FromUserName><MsgType>event</MsgType><CreateTime>-</CreateTime></xml>",
		"binary":          "\x00\x01\x02<xml>",
	} {
		if w := hp.do(wechatPost(signedQuery(testToken), body)); w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d body %q, want 400", name, w.Code, w.Body.String())
		}
	}
	// Safe mode: a correctly signed Encrypt that is not a message.
	for name, enc := range map[string]string{
		"not base64":     "!!!",
		"short":          "YWJj",
		"not the key":    strings.Repeat("QUFBQUFBQUFBQUFBQUFBQQ==", 1),
		"64 bytes noise": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==",
	} {
		q := signedQuery(testToken)
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", util.Signature(testToken, testTS, q.Get("nonce"), enc))
		body := "<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
		if w := h.do(wechatPost(q, body)); w.Code != http.StatusBadRequest {
			t.Errorf("safe mode, %s: status %d body %q, want 400", name, w.Code, w.Body.String())
		}
	}
	q := signedQuery(testToken)
	q.Set("encrypt_type", "aes")
	if w := h.do(wechatPost(q, "<xml><ToUserName>gh</ToUserName></xml>")); w.Code != http.StatusForbidden {
		t.Errorf("safe mode without Encrypt: status %d, want 403", w.Code)
	}
	// Oversize, with and without a Content-Length.
	big := wechatText("oBig", 5001, strings.Repeat("很", 400))
	if w := hp.do(wechatPost(signedQuery(testToken), big)); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize: status %d, want 413", w.Code)
	}
	req := wechatPost(signedQuery(testToken), big)
	req.ContentLength = -1
	if w := hp.do(req); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize, chunked: status %d, want 413", w.Code)
	}
	if qs := append(h.rec.Questions(), hp.rec.Questions()...); len(qs) != 0 {
		t.Errorf("questions recorded: %d, want 0", len(qs))
	}
	// Safe mode is off without an EncodingAESKey.
	h2 := newHarness(t, Options{Token: testToken})
	q, body := sealWeChat(t, wechatText("o", 1, "x"))
	if w := h2.do(wechatPost(q, body)); w.Code != http.StatusBadRequest {
		t.Errorf("safe mode not configured: status %d, want 400", w.Code)
	}
}

// The same MsgId three times at once (WeChat's retries racing the first
// attempt): the question is processed once and all three get the same
// reply.
func TestWeChatDedupe(t *testing.T) {
	for _, mode := range []string{"plain", "safe"} {
		t.Run(mode, func(t *testing.T) {
			h := newHarness(t, wechatOptions())
			if mode == "plain" {
				h = newHarness(t, plainOptions())
			}
			before := len(h.rec.Questions())
			msgID := int64(6001)
			if mode == "safe" {
				msgID = 6002
			}
			body := wechatText("oFrank", msgID, disabilityQuestion)
			q := signedQuery(testToken)
			if mode == "safe" {
				q, body = sealWeChat(t, body)
			}
			replies := make([]string, 3)
			var wg sync.WaitGroup
			for i := range replies {
				wg.Add(1)
				go func() {
					defer wg.Done()
					w := httptest.NewRecorder()
					h.e.ServeHTTP(w, wechatPost(q, body))
					if w.Code != http.StatusOK {
						t.Errorf("attempt %d: status %d", i, w.Code)
						return
					}
					var r wechatReply
					if mode == "safe" {
						r = openReply(t, w, testToken, testAppID, testAESKey)
					} else {
						r = plainReply(t, w)
					}
					replies[i] = r.Content
				}()
			}
			wg.Wait()
			if n := len(h.rec.Questions()) - before; n != 1 {
				t.Errorf("Answer processed the message %d times, want 1", n)
			}
			for i, r := range replies {
				if r != replies[0] || !strings.Contains(r, disabilityItem) {
					t.Errorf("reply %d = %q, want %q naming %s", i, r, replies[0], disabilityItem)
				}
			}
			// A later retry gets the same reply too.
			w := h.do(wechatPost(q, body))
			var r wechatReply
			if mode == "safe" {
				r = openReply(t, w, testToken, testAppID, testAESKey)
			} else {
				r = plainReply(t, w)
			}
			if r.Content != replies[0] {
				t.Errorf("retry reply = %q, want %q", r.Content, replies[0])
			}
		})
	}
	// Events are deduplicated by FromUserName + CreateTime + Event.
	h := newHarness(t, plainOptions())
	ev := wechatEvent("oGina", "subscribe", 1409735800)
	a := plainReply(t, h.do(wechatPost(signedQuery(testToken), ev)))
	b := plainReply(t, h.do(wechatPost(signedQuery(testToken), ev)))
	if a.Content != b.Content {
		t.Errorf("repeated event: %q then %q", a.Content, b.Content)
	}
	if !strings.Contains(readAll(t, h.do(httptest.NewRequest(http.MethodGet, "/metrics", nil)).Body), `dutybot_dedupe_hits_total{channel="wechat"}`) {
		t.Error("/metrics has no dedupe hits for wechat")
	}
}

// Past the deadline the answer is "success", for the first attempt and for
// a retry alike; the question is still processed once.
func TestWeChatDeadline(t *testing.T) {
	rec := &recorder{gate: make(chan struct{})}
	h := newHarness(t, Options{Bot: newBot(t, rec), Token: testToken, Deadline: 150 * time.Millisecond})
	defer close(rec.gate)
	start := time.Now()
	w := h.do(wechatPost(signedQuery(testToken), wechatText("oHank", 7001, disabilityQuestion)))
	if took := time.Since(start); took > time.Second {
		t.Errorf("reply took %v, want about the 150ms deadline", took)
	}
	if w.Code != http.StatusOK || w.Body.String() != "success" {
		t.Errorf("late reply = %d %q, want 200 success", w.Code, w.Body.String())
	}
	w = h.do(wechatPost(signedQuery(testToken), wechatText("oHank", 7001, disabilityQuestion)))
	if w.Code != http.StatusOK || w.Body.String() != "success" {
		t.Errorf("retry of a late message = %d %q, want 200 success", w.Code, w.Body.String())
	}
	body := readAll(t, h.do(httptest.NewRequest(http.MethodGet, "/metrics", nil)).Body)
	if !strings.Contains(body, `dutybot_requests_total{channel="wechat",outcome="late"} 1`) {
		t.Errorf("/metrics does not count the late request:\n%s", grep(body, "dutybot_requests_total"))
	}
}

// Citizens' text and OpenIDs stay out of the info log.
func TestWeChatLogsNoCitizenText(t *testing.T) {
	h := newHarness(t, wechatOptions())
	hp := newHarness(t, Options{Token: testToken, Logger: slog.New(slog.NewTextHandler(h.log, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	plainReply(t, hp.do(wechatPost(signedQuery(testToken), wechatText("oSecretUser", 8001, "我家的低保申请进度怎么查"))))
	q, body := sealWeChat(t, wechatText("oSecretUser", 8002, "我家的低保申请进度怎么查"))
	openReply(t, h.do(wechatPost(q, body)), testToken, testAppID, testAESKey)
	log := h.log.String()
	for _, s := range []string{"低保", "oSecretUser", testToken, testAESKey, "signature"} {
		if strings.Contains(log, s) {
			t.Errorf("the info log contains %q:\n%s", s, log)
		}
	}
	if !strings.Contains(log, "route=/wechat") {
		t.Errorf("the access log does not show the requests:\n%s", log)
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Finding 2 of issue 15: with an EncodingAESKey configured, a plaintext
// message (whose signature covers only token, timestamp and nonce, not the
// message) is refused, so that a signature seen once cannot carry a forged
// question: the official vector A's plaintext, and a forged message under
// its signature, are 403 with nothing processed. Compatible and safe mode
// still work (TestWeChatVectorA).
func TestWeChatSafeModeRefusesPlaintext(t *testing.T) {
	v := loadVectors(t).A
	h := newHarness(t, Options{Token: v.Token, AppID: v.AppID, EncodingAESKey: v.EncodingAESKey})
	q := url.Values{}
	q.Set("signature", v.Signature)
	q.Set("timestamp", v.Timestamp)
	q.Set("nonce", v.Nonce)
	q.Set("openid", "oyORnuP8q7ou2gfYjqLzSIWZf0rs")
	for name, body := range map[string]string{
		"the vector's plaintext": v.Decrypted,
		"forged":                 wechatText("oVictim", 9101, disabilityQuestion),
	} {
		if w := h.do(wechatPost(q, body)); w.Code != http.StatusForbidden {
			t.Errorf("%s: status %d %q, want 403", name, w.Code, w.Body.String())
		}
	}
	// encrypt_type=aes without an Encrypt: nothing the signature covers.
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", util.Signature(v.Token, v.Timestamp, v.Nonce, ""))
	if w := h.do(wechatPost(q, wechatText("oVictim", 9102, disabilityQuestion))); w.Code != http.StatusForbidden {
		t.Errorf("safe mode without Encrypt: status %d, want 403", w.Code)
	}
	if qs := h.rec.Questions(); len(qs) != 0 {
		t.Errorf("processed %+v, want nothing", qs)
	}
}

// Plaintext mode: the timestamp must be within the window of the clock
// (default 5 minutes, either way), and a nonce carries one body only: the
// same body again is WeChat's retry (the same reply), another body under
// it is a forgery (403).
func TestWeChatPlaintextWindowAndReplay(t *testing.T) {
	at := func(d time.Duration) func() time.Time { return func() time.Time { return vectorTime().Add(d) } }
	for _, tc := range []struct {
		name   string
		now    func() time.Time
		window time.Duration
		want   int
	}{
		{"vector's own time", vectorTime, 0, http.StatusOK},
		{"4m59s later", at(4*time.Minute + 59*time.Second), 0, http.StatusOK},
		{"5m01s later", at(5*time.Minute + time.Second), 0, http.StatusForbidden},
		{"5m01s earlier", at(-5*time.Minute - time.Second), 0, http.StatusForbidden},
		{"the real clock", time.Now, 0, http.StatusForbidden},
		{"20 minutes later, window 30m", at(20 * time.Minute), 30 * time.Minute, http.StatusOK},
	} {
		o := plainOptions()
		o.Now, o.TimestampWindow = tc.now, tc.window
		h := newHarness(t, o)
		if w := h.do(wechatPost(signedQuery(testToken), wechatText("oIvy", 9201, disabilityQuestion))); w.Code != tc.want {
			t.Errorf("%s: status %d %q, want %d", tc.name, w.Code, w.Body.String(), tc.want)
		}
	}

	h := newHarness(t, plainOptions())
	q := signedQuery(testToken)
	first := plainReply(t, h.do(wechatPost(q, wechatText("oJack", 9301, disabilityQuestion)))).Content
	if again := plainReply(t, h.do(wechatPost(q, wechatText("oJack", 9301, disabilityQuestion)))).Content; again != first {
		t.Errorf("retry under the same nonce = %q, want %q", again, first)
	}
	if w := h.do(wechatPost(q, wechatText("oVictim", 9302, "低保怎么申请"))); w.Code != http.StatusForbidden {
		t.Errorf("another body under a used nonce: status %d, want 403", w.Code)
	}
	if qs := h.rec.Questions(); len(qs) != 1 {
		t.Errorf("processed %d questions, want 1", len(qs))
	}
	// Timestamps are 64-bit: past 2038 plaintext mode still works.
	o := plainOptions()
	o.Now = func() time.Time { return time.Unix(1<<31, 0) }
	h = newHarness(t, o)
	q = signedQueryAt(testToken, "2147483648", "2038")
	plainReply(t, h.do(wechatPost(q, wechatText("oKate", 9401, disabilityQuestion))))
	q = signedQueryAt(testToken, "x", "n")
	if w := h.do(wechatPost(q, wechatText("oKate", 9402, disabilityQuestion))); w.Code != http.StatusBadRequest {
		t.Errorf("timestamp x: status %d, want 400", w.Code)
	}
}

// Finding 8 of issue 15: silenceper parses a safe-mode timestamp as 32
// bits, so from 2038-01-19 every message was a 400. Now it is answered,
// and the reply carries the request's timestamp under a valid signature.
func TestWeChatSafeModeTimestamp2038(t *testing.T) {
	h := newHarness(t, wechatOptions())
	const ts = "2147483648"
	enc, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(wechatText("oLeo", 9501, disabilityQuestion)), testAppID, testAESKey)
	if err != nil {
		t.Fatal(err)
	}
	q := signedQueryAt(testToken, ts, "2038")
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", util.Signature(testToken, ts, "2038", string(enc)))
	body := "<xml><ToUserName><![CDATA[gh_dutybot]]></ToUserName><Encrypt><![CDATA[" + string(enc) + "]]></Encrypt></xml>"
	w := h.do(wechatPost(q, body))
	if r := openReply(t, w, testToken, testAppID, testAESKey); !strings.Contains(r.Content, disabilityItem) {
		t.Errorf("reply = %q, want it to name %s", r.Content, disabilityItem)
	}
	if !strings.Contains(w.Body.String(), "<TimeStamp>2147483648</TimeStamp>") {
		t.Errorf("reply envelope %q does not carry the request's timestamp", w.Body.String())
	}
	q.Set("msg_signature", strings.Repeat("0", 40))
	if w := h.do(wechatPost(q, body)); w.Code != http.StatusForbidden {
		t.Errorf("2038, bad msg_signature: status %d, want 403", w.Code)
	}
}
