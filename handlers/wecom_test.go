package handlers

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/silenceper/wechat/v2/util"

	"dutybot/bot"
)

// Vector D: the official URL check. Its receive id is a CorpID, which the
// bot must not compare (the intelligent bot's is empty).
func TestWeComVectorD(t *testing.T) {
	v := loadVectors(t).D
	h := newHarness(t, Options{WeComToken: v.Token, WeComAESKey: v.EncodingAESKey})
	q := url.Values{}
	q.Set("msg_signature", v.MsgSignature)
	q.Set("timestamp", v.Timestamp)
	q.Set("nonce", v.Nonce)
	q.Set("echostr", v.Echostr)
	w := h.do(httptest.NewRequest(http.MethodGet, "/wecom/bot?"+q.Encode(), nil))
	if w.Code != http.StatusOK || w.Body.String() != v.Echo {
		t.Errorf("URL check = %d %q, want 200 %q", w.Code, w.Body.String(), v.Echo)
	}
	for name, mutate := range map[string]func(url.Values){
		"wrong signature":   func(q url.Values) { q.Set("msg_signature", strings.Repeat("0", 40)) },
		"missing signature": func(q url.Values) { q.Del("msg_signature") },
		"other echostr":     func(q url.Values) { q.Set("echostr", "P9nAzCzyDtyTWESHep1vC5X9xho") },
	} {
		q := url.Values{}
		for k, vs := range map[string]string{"msg_signature": v.MsgSignature, "timestamp": v.Timestamp, "nonce": v.Nonce, "echostr": v.Echostr} {
			q.Set(k, vs)
		}
		mutate(q)
		if w := h.do(httptest.NewRequest(http.MethodGet, "/wecom/bot?"+q.Encode(), nil)); w.Code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, w.Code)
		}
	}
}

// Vector E: the official JSON callback decrypts to its documented text, and
// through the handler it is verified, decrypted and answered.
func TestWeComVectorE(t *testing.T) {
	v := loadVectors(t).E
	key, err := decodeAESKey(v.EncodingAESKey)
	if err != nil {
		t.Fatal(err)
	}
	enc := v.Body[strings.Index(v.Body, `"encrypt":"`)+len(`"encrypt":"`):]
	enc = enc[:strings.IndexByte(enc, '"')]
	plain, _, err := openMsg(enc, key)
	if err != nil || string(plain) != v.Decrypted {
		t.Fatalf("openMsg = %q, %v; want %q", plain, err, v.Decrypted)
	}

	h := newHarness(t, Options{WeComToken: v.Token, WeComAESKey: v.EncodingAESKey})
	q := url.Values{}
	q.Set("msg_signature", v.MsgSignature)
	q.Set("timestamp", v.Timestamp)
	q.Set("nonce", v.Nonce)
	w := h.do(httptest.NewRequest(http.MethodPost, "/wecom/bot?"+q.Encode(), strings.NewReader(v.Body)))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"msgsignature"`) {
		t.Errorf("vector E POST = %d %q, want 200 with an encrypted reply", w.Code, w.Body.String())
	}
	q.Set("msg_signature", strings.Repeat("1", 40))
	if w := h.do(httptest.NewRequest(http.MethodPost, "/wecom/bot?"+q.Encode(), strings.NewReader(v.Body))); w.Code != http.StatusForbidden {
		t.Errorf("vector E with a bad signature: status %d, want 403", w.Code)
	}
}

// Vector C: the encryption the replies use is the official one.
func TestEncryptionVectorC(t *testing.T) {
	v := loadVectors(t).C
	key, err := decodeAESKey(v.EncodingAESKey)
	if err != nil {
		t.Fatal(err)
	}
	got := util.AESEncryptMsg([]byte(v.Random), []byte(v.Plain), v.AppID, key)
	enc, _ := util.EncryptMsg([]byte(v.Random), []byte(v.Plain), v.AppID, v.EncodingAESKey)
	if string(enc) != v.Encrypt {
		t.Errorf("EncryptMsg = %s, want %s", enc, v.Encrypt)
	}
	if len(got) == 0 {
		t.Error("AESEncryptMsg returned nothing")
	}
}

func wecomText(msgID, user, chatType, content string) map[string]any {
	m := map[string]any{
		"msgid": msgID, "aibotid": "aibot1", "chattype": chatType, "from": map[string]string{"userid": user},
		"response_url": "https://example.invalid/r", "msgtype": "text", "text": map[string]string{"content": content},
	}
	if chatType == "group" {
		m["chatid"] = "chat1"
	}
	return m
}

func wecomEvent(msgID, user, eventType string, extra map[string]any) map[string]any {
	ev := map[string]any{"eventtype": eventType}
	for k, v := range extra {
		ev[k] = v
	}
	return map[string]any{"msgid": msgID, "aibotid": "aibot1", "from": map[string]string{"userid": user},
		"msgtype": "event", "event": ev, "create_time": 1700000000}
}

// In a group only @-mentions arrive; the mention is stripped whether the
// name is followed by a space or by WeCom's U+2005, and the answer is one
// finished stream of markdown.
func TestWeComGroupMention(t *testing.T) {
	h := newHarness(t, wechatOptions())
	for i, content := range []string{
		"@乡村助手 " + disabilityQuestion,
		"@乡村助手\u2005" + disabilityQuestion,
		"@乡村 助手\u2005" + disabilityQuestion, // only the first word is the mention: still finds the item
		disabilityQuestion,                  // single chat: no mention
	} {
		chat := "group"
		if i == 3 {
			chat = "single"
		}
		w := h.do(sealWeCom(t, wecomText("msg-mention-"+string(rune('a'+i)), "zhangsan", chat, content)))
		r := openWeCom(t, w)
		if r.MsgType != "stream" || !r.Stream.Finish || r.Stream.ID == "" {
			t.Errorf("%q: reply %+v, want one finished stream", content, r)
		}
		if !strings.Contains(r.Stream.Content, disabilityItem) || !strings.Contains(r.Stream.Content, "**") {
			t.Errorf("%q: reply content %q, want markdown naming %s", content, r.Stream.Content, disabilityItem)
		}
		if len(r.Stream.Content) > wecomFormat.Limit {
			t.Errorf("%q: reply is %d bytes", content, len(r.Stream.Content))
		}
	}
	qs := h.rec.Questions()
	if len(qs) != 4 {
		t.Fatalf("recorded %d questions, want 4", len(qs))
	}
	for _, q := range qs[:2] {
		if q.Text != disabilityQuestion || q.Channel != bot.WeCom || q.User != "zhangsan" {
			t.Errorf("recorded %+v, want the question without the mention", q)
		}
	}
}

func TestWeComEvents(t *testing.T) {
	h := newHarness(t, wechatOptions())
	r := openWeCom(t, h.do(sealWeCom(t, wecomEvent("ev-enter", "lisi", "enter_chat", nil))))
	if r.MsgType != "text" || r.Text.Content != h.b.Welcome(bot.Format{}) {
		t.Errorf("enter_chat reply = %+v, want the plain text welcome", r)
	}

	// Feedback on the last answer: ask, then 👎 with reasons.
	openWeCom(t, h.do(sealWeCom(t, wecomText("fb-q", "lisi", "single", disabilityQuestion))))
	w := h.do(sealWeCom(t, wecomEvent("fb-1", "lisi", "feedback_event", map[string]any{
		"feedback_event": map[string]any{"id": "s1", "type": 2, "content": "步骤不对", "inaccurate_reason_list": []int{2, 4}},
	})))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("feedback_event = %d %q, want 200 and an empty body", w.Code, w.Body.String())
	}
	fb := h.rec.Feedbacks()
	if len(fb) != 1 || fb[0].Useful || fb[0].Channel != bot.WeCom || fb[0].User != "lisi" ||
		!strings.Contains(fb[0].Reason, "步骤不对") || fb[0].Question != disabilityQuestion {
		t.Errorf("feedback recorded %+v, want one 👎 on %q", fb, disabilityQuestion)
	}
	// 👍, and a cancelled verdict (type 3), which records nothing.
	h.do(sealWeCom(t, wecomEvent("fb-2", "lisi", "feedback_event", map[string]any{"feedback_event": map[string]any{"id": "s1", "type": 1}})))
	h.do(sealWeCom(t, wecomEvent("fb-3", "lisi", "feedback_event", map[string]any{"feedback_event": map[string]any{"id": "s1", "type": 3}})))
	// The same feedback event again is not recorded twice.
	h.do(sealWeCom(t, wecomEvent("fb-2", "lisi", "feedback_event", map[string]any{"feedback_event": map[string]any{"id": "s1", "type": 1}})))
	if fb := h.rec.Feedbacks(); len(fb) != 2 || !fb[1].Useful {
		t.Errorf("feedback recorded %+v, want 👎 then 👍", fb)
	}
	// Other messages: an image asks to type; a stream refresh and an
	// unknown event get an empty reply.
	r = openWeCom(t, h.do(sealWeCom(t, map[string]any{"msgid": "img", "from": map[string]string{"userid": "lisi"}, "msgtype": "image", "image": map[string]string{"url": "https://x"}})))
	if r.Stream.Content != pleaseType || !r.Stream.Finish {
		t.Errorf("image reply = %+v, want %q", r, pleaseType)
	}
	for _, m := range []map[string]any{
		{"msgid": "st", "from": map[string]string{"userid": "lisi"}, "msgtype": "stream", "stream": map[string]string{"id": "abc"}},
		wecomEvent("ev-x", "lisi", "template_card_event", nil),
	} {
		if w := h.do(sealWeCom(t, m)); w.Code != http.StatusOK || w.Body.Len() != 0 {
			t.Errorf("%v: %d %q, want 200 and an empty body", m["msgtype"], w.Code, w.Body.String())
		}
	}
	r = openWeCom(t, h.do(sealWeCom(t, map[string]any{"msgid": "vc", "from": map[string]string{"userid": "lisi"}, "msgtype": "voice", "voice": map[string]string{"content": disabilityQuestion}})))
	if !strings.Contains(r.Stream.Content, disabilityItem) {
		t.Errorf("voice reply = %q, want it to name %s", r.Stream.Content, disabilityItem)
	}
}

func TestWeComBadRequests(t *testing.T) {
	h := newHarness(t, Options{WeComToken: testWeComToken, WeComAESKey: testWeComKey, MaxBody: 2048})
	post := func(q url.Values, body string) *httptest.ResponseRecorder {
		return h.do(httptest.NewRequest(http.MethodPost, "/wecom/bot?"+q.Encode(), strings.NewReader(body)))
	}
	signed := func(enc string) url.Values {
		q := url.Values{}
		q.Set("timestamp", testTS)
		q.Set("nonce", testNonce)
		q.Set("msg_signature", util.Signature(testWeComToken, testTS, testNonce, enc))
		return q
	}
	// Bad signatures.
	good := sealWeCom(t, wecomText("bad-1", "u", "single", disabilityQuestion))
	body := readAll(t, good.Body)
	q := good.URL.Query()
	q.Set("msg_signature", strings.Repeat("e", 40))
	if w := post(q, body); w.Code != http.StatusForbidden {
		t.Errorf("bad signature: status %d, want 403", w.Code)
	}
	q.Del("msg_signature")
	if w := post(q, body); w.Code != http.StatusForbidden {
		t.Errorf("missing signature: status %d, want 403", w.Code)
	}
	// Garbage bodies.
	for name, b := range map[string]string{
		"empty": "", "not json": "hello", "xml": "<xml><Encrypt>x</Encrypt></xml>", "no encrypt": `{"x":1}`,
		"encrypt not a string": `{"encrypt":1}`,
	} {
		if w := post(signed(""), b); w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, w.Code)
		}
	}
	for name, enc := range map[string]string{"not base64": "@@@", "short": "YWJj", "noise": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="} {
		if w := post(signed(enc), `{"encrypt":"`+enc+`"}`); w.Code != http.StatusBadRequest {
			t.Errorf("encrypt %s: status %d, want 400", name, w.Code)
		}
	}
	for name, plain := range map[string]string{"not json": "hello", "no msgtype": `{"msgid":"1"}`, "wrong types": `{"msgtype":"text","text":"x"}`} {
		if w := h.do(sealWeCom(t, []byte(plain))); w.Code != http.StatusBadRequest {
			t.Errorf("decrypted %s: status %d, want 400", name, w.Code)
		}
	}
	// Oversize.
	if w := h.do(sealWeCom(t, wecomText("big", "u", "single", strings.Repeat("很", 1000)))); w.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize: status %d, want 413", w.Code)
	}
	if qs := h.rec.Questions(); len(qs) != 0 {
		t.Errorf("questions recorded: %d, want 0", len(qs))
	}
}

// The same msgid three times at once: processed once, three equal replies.
func TestWeComDedupe(t *testing.T) {
	h := newHarness(t, wechatOptions())
	req := sealWeCom(t, wecomText("dup-1", "wangwu", "group", "@助手 "+disabilityQuestion))
	body := []byte(readAll(t, req.Body))
	replies := make([]wecomReply, 3)
	var wg sync.WaitGroup
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := httptest.NewRecorder()
			h.e.ServeHTTP(w, httptest.NewRequest(http.MethodPost, req.URL.String(), bytes.NewReader(body)))
			replies[i] = openWeCom(t, w)
		}()
	}
	wg.Wait()
	if n := len(h.rec.Questions()); n != 1 {
		t.Errorf("processed %d times, want 1", n)
	}
	for i, r := range replies {
		if r != replies[0] || !strings.Contains(r.Stream.Content, disabilityItem) {
			t.Errorf("reply %d = %+v, want %+v", i, r, replies[0])
		}
	}
}

// openMsg reads the official vectors' receive id, and the empty receive id
// of the intelligent bot, which silenceper's util.DecryptMsg refuses.
func TestOpenMsg(t *testing.T) {
	v := loadVectors(t).D
	key, err := decodeAESKey(v.EncodingAESKey)
	if err != nil {
		t.Fatal(err)
	}
	msg, id, err := openMsg(v.Echostr, key)
	if err != nil || string(msg) != v.Echo || string(id) != "wx5823bf96d3bd56c7" {
		t.Errorf("openMsg(vector D) = %q, %q, %v; want %q, wx5823bf96d3bd56c7", msg, id, err, v.Echo)
	}
	for _, plain := range []string{"", "x", strings.Repeat("长", 100)} {
		enc := sealMsg([]byte(plain), "", key)
		msg, id, err := openMsg(enc, key)
		if err != nil || string(msg) != plain || len(id) != 0 {
			t.Errorf("openMsg(sealMsg(%q)) = %q, %q, %v", plain, msg, id, err)
		}
		if _, _, err := util.DecryptMsg("", enc, v.EncodingAESKey); err == nil && plain != "" {
			t.Errorf("util.DecryptMsg now reads an empty receive id: use it")
		}
	}
	for _, ct := range [][]byte{nil, make([]byte, 15), make([]byte, 16), make([]byte, 64)} {
		if _, _, err := openMsg(base64.StdEncoding.EncodeToString(ct), key); err == nil {
			t.Errorf("openMsg(%d zero bytes) succeeded", len(ct))
		}
	}
	if _, _, err := openMsg("!!!", key); err == nil {
		t.Error("openMsg(not base64) succeeded")
	}
}

// Finding 6 of issue 15: the @-mention is cut whatever Unicode space
// follows it (WeCom's U+2005, an ideographic space, a no-break space, a
// tab, a newline) or when nothing does, and the question is answered, not
// taken for an empty message (the help text).
func TestWeComMentionVariants(t *testing.T) {
	h := newHarness(t, wechatOptions())
	var contents []string
	for _, sep := range []string{" ", "\u2005", "\u3000", "\u00a0", "\t", "\n", "\r\n", " \u3000"} {
		contents = append(contents, "@乡村助手"+sep+disabilityQuestion, disabilityQuestion+sep+"@乡村助手")
	}
	contents = append(contents, disabilityQuestion+"@乡村助手") // nothing between question and mention
	for i, content := range contents {
		r := openWeCom(t, h.do(sealWeCom(t, wecomText(fmt.Sprint("msg-sep-", i), "zhaoliu", "group", content))))
		if !strings.Contains(r.Stream.Content, disabilityItem) {
			t.Errorf("%q: reply %q, want the answer naming %s", content, r.Stream.Content, disabilityItem)
		}
	}
	for _, q := range h.rec.Questions() {
		if strings.Contains(q.Text, "助手") || strings.Contains(q.Text, "@") {
			t.Errorf("recorded question %q still holds the mention", q.Text)
		}
	}
}

// Finding 6 of issue 15: what the bot quotes from the asker is escaped in
// a markdown reply: a link, emphasis or a heading in the question stays
// text in the bot's group message.
func TestWeComQuotesEscaped(t *testing.T) {
	h := newHarness(t, wechatOptions())
	for i, q := range []string{"[点我](http://evil.example/x)", "**紧急通知** 快来", "# 标题 `代码` <b>x</b>"} {
		r := openWeCom(t, h.do(sealWeCom(t, wecomText(fmt.Sprint("msg-md-", i), "sunqi", "single", q))))
		c := r.Stream.Content
		for _, raw := range []string{"[点我](", "**紧急通知**", "`代码`", "<b>"} {
			if strings.Contains(q, raw) && strings.Contains(c, raw) {
				t.Errorf("%q: reply %q quotes %q unescaped", q, c, raw)
			}
		}
	}
}
