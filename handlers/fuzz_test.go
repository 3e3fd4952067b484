package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzWeChat sends arbitrary bodies, correctly signed, to the official
// account in plaintext mode and (encrypted with the right key) in safe
// mode: never a panic, and only 200, 400 or 413.
func FuzzWeChat(f *testing.F) {
	v := loadVectors(f).A
	for _, s := range []string{
		wechatText("oFuzz", 1, disabilityQuestion),
		wechatVoice("oFuzz", 2, ""),
		wechatEvent("oFuzz", "subscribe", 3),
		wechatOther("oFuzz", "image", 4),
		v.Decrypted,
		v.Body,
		"<xml><MsgType>text</MsgType>",
		"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><MsgId>99999999999999999999</MsgId></xml>",
		"<xml><FromUserName>o</FromUserName><MsgType>event</MsgType><Event>subscribe</Event><CreateTime>1</CreateTime></xml>",
		"",
		"\xff\xfe<",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	h := newHarness(f, Options{Token: testToken, AppID: testAppID, EncodingAESKey: testAESKey, MaxBody: 4096})
	hp := newHarness(f, Options{Token: testToken, MaxBody: 4096}) // plaintext mode
	f.Fuzz(func(t *testing.T, body []byte, safe bool) {
		var req *http.Request
		h := h
		if safe {
			q, b := sealWeChat(t, string(body))
			req = wechatPost(q, b)
		} else {
			h = hp
			req = wechatPost(signedQuery(testToken), string(body))
		}
		w := httptest.NewRecorder()
		h.e.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Errorf("status %d for %q (safe %v): %s", w.Code, body, safe, w.Body.String())
		}
	})
}

// FuzzWeCom sends arbitrary decrypted messages (sealed with the right key
// and signed), and arbitrary raw bodies, to the WeCom bot: never a panic,
// and only 200, 400, 403 (a raw body cannot carry a valid signature) or 413.
func FuzzWeCom(f *testing.F) {
	for _, m := range []any{
		wecomText("f1", "u", "group", "@助手 "+disabilityQuestion),
		wecomText("f2", "u", "single", "@"),
		wecomEvent("f3", "u", "enter_chat", nil),
		wecomEvent("f4", "u", "feedback_event", map[string]any{"feedback_event": map[string]any{"type": 2}}),
	} {
		b, _ := json.Marshal(m)
		f.Add(b, true)
	}
	for _, s := range []string{`{"msgtype":"text","msgid":1}`, `{"msgtype":"event","event":null}`, `{}`, `null`, `[`, "", `{"encrypt":"YWJj"}`} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	h := newHarness(f, Options{WeComToken: testWeComToken, WeComAESKey: testWeComKey, MaxBody: 4096})
	f.Fuzz(func(t *testing.T, data []byte, seal bool) {
		var req *http.Request
		if seal {
			req = sealWeCom(t, data)
		} else {
			req = httptest.NewRequest(http.MethodPost, "/wecom/bot?msg_signature=x&timestamp=1&nonce=2", bytes.NewReader(data))
		}
		w := httptest.NewRecorder()
		h.e.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		case http.StatusForbidden:
			if seal {
				t.Errorf("403 for a sealed message %q", data)
			}
		default:
			t.Errorf("status %d for %q (sealed %v): %s", w.Code, data, seal, w.Body.String())
		}
	})
}

// FuzzAPI posts arbitrary bodies to /api/ask: never a panic, JSON every
// time, and only 200, 400, 404 or 413.
func FuzzAPI(f *testing.F) {
	for _, s := range []string{
		`{"question":"办残疾证找谁"}`,
		`{"question":"1","user":"u"}`,
		`{"question":"详情","user":"u","explain":true}`,
		`{"question":"x","township":"不存在"}`,
		`{"question":null}`,
		`{"question":"` + "\xff" + `"}`,
		`{`, ``, `[]`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	h := newHarness(f, Options{MaxBody: 4096})
	f.Fuzz(func(t *testing.T, body []byte) {
		w := httptest.NewRecorder()
		h.e.ServeHTTP(w, apiPost("/api/ask", string(body)))
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusRequestEntityTooLarge:
		default:
			t.Errorf("status %d for %q: %s", w.Code, body, w.Body.String())
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Errorf("body %q is not JSON", w.Body.String())
		}
	})
}
