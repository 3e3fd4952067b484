package handlers

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/silenceper/wechat/v2/util"

	"dutybot/bot"
)

// wecomFormat is what the WeCom bot shows: markdown, in one stream
// message of up to 20480 bytes, room enough for whole items.
var wecomFormat = bot.Format{Markdown: true, Limit: 20480, Full: true}

// wecomChannel serves the WeCom intelligent bot (企业微信智能机器人), which
// silenceper/wechat does not support: JSON messages encrypted as the
// official account's (crypt.go), but with an empty receive id, which is
// never compared.
type wecomChannel struct {
	s     *server
	token string
	key   []byte
}

func newWeCom(s *server) (*wecomChannel, error) {
	if s.o.WeComToken == "" {
		return nil, errors.New("handlers: wecom: WeComAESKey set without WeComToken")
	}
	key, err := decodeAESKey(s.o.WeComAESKey)
	if err != nil {
		return nil, fmt.Errorf("handlers: wecom WeComAESKey: %w", err)
	}
	return &wecomChannel{s: s, token: s.o.WeComToken, key: key}, nil
}

// wecomMessage is a decrypted message or event of the intelligent bot.
type wecomMessage struct {
	MsgID    flexID `json:"msgid"`
	AIBotID  string `json:"aibotid"`
	ChatID   string `json:"chatid"`
	ChatType string `json:"chattype"` // "group" or "single"
	From     struct {
		UserID string `json:"userid"`
	} `json:"from"`
	MsgType string `json:"msgtype"` // text, voice, image, mixed, file, stream, event
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	Voice struct {
		Content string `json:"content"` // the recognised text
	} `json:"voice"`
	Event struct {
		EventType string `json:"eventtype"` // enter_chat, feedback_event, ...
		Feedback  struct {
			ID      string `json:"id"`
			Type    int    `json:"type"` // 1 accurate, 2 inaccurate, 3 cancelled
			Content string `json:"content"`
			Reasons []int  `json:"inaccurate_reason_list"`
		} `json:"feedback_event"`
	} `json:"event"`
}

// flexID is an id sent as a JSON string (the intelligent bot's msgid) or
// as a number (older WeCom JSON callbacks' MsgId).
type flexID string

func (f *flexID) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		err := json.Unmarshal(b, &s)
		*f = flexID(s)
		return err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = flexID(n.String())
	return nil
}

// wecomEnvelope is the encrypted reply.
type wecomEnvelope struct {
	Encrypt      string `json:"encrypt"`
	MsgSignature string `json:"msgsignature"`
	Timestamp    int64  `json:"timestamp"`
	Nonce        string `json:"nonce"`
}

// verifyURL answers the URL check: the signature covers echostr, and the
// decrypted echostr is the answer, as is.
func (w *wecomChannel) verifyURL(c *gin.Context) error {
	q := c.Request.URL.Query()
	echo := q.Get("echostr")
	if !validSignature(q.Get("msg_signature"), w.token, q.Get("timestamp"), q.Get("nonce"), echo) {
		return errSignature
	}
	plain, _, err := openMsg(echo, w.key)
	if err != nil {
		return badRequest("cannot decrypt echostr", err)
	}
	c.Data(http.StatusOK, "text/plain; charset=utf-8", plain)
	return nil
}

// serve handles a message (the body already read and capped by the
// route's middleware): 400 for a body that is not {"encrypt": "…"}, 403
// when msg_signature does not cover it, 400 when it does not decrypt to a
// message; otherwise 200 with the encrypted reply, or an empty body for no
// reply.
func (w *wecomChannel) serve(c *gin.Context) error {
	ctx, cancel := w.s.deadline(c)
	defer cancel()
	q := c.Request.URL.Query()
	var env struct {
		Encrypt string `json:"encrypt"`
	}
	if err := json.Unmarshal(body(c), &env); err != nil {
		return badRequest("malformed message", err)
	}
	if env.Encrypt == "" {
		return badRequest("missing encrypt", nil)
	}
	if !validSignature(q.Get("msg_signature"), w.token, q.Get("timestamp"), q.Get("nonce"), env.Encrypt) {
		return errSignature
	}
	plain, _, err := openMsg(env.Encrypt, w.key)
	if err != nil {
		return badRequest("cannot decrypt the message", err)
	}
	var m wecomMessage
	if err := json.Unmarshal(plain, &m); err != nil {
		return badRequest("malformed message", err)
	}
	if m.MsgType == "" {
		return badRequest("message without msgtype", nil)
	}
	key := ""
	if m.MsgID != "" {
		key = "wecom:" + m.AIBotID + ":" + string(m.MsgID)
	}
	r := w.s.once(ctx, bot.WeCom, key, func(ctx context.Context) reply { return w.produce(ctx, &m) })
	if r.Late {
		c.Set(lateKey, true)
	}
	if r.Kind == replyNone || r.Text == "" {
		c.Status(http.StatusOK)
		return nil
	}
	out, err := w.seal(r.payload(streamID(key)), q.Get("nonce"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, out)
	return nil
}

func (w *wecomChannel) produce(ctx context.Context, m *wecomMessage) reply {
	q := bot.Question{Channel: bot.WeCom, Format: wecomFormat, User: m.From.UserID, MessageID: string(m.MsgID)}
	switch m.MsgType {
	case "text":
		q.Text = m.Text.Content // "@机器人 …": the bot cuts the @-mention
		return w.s.ask(ctx, q, replyStream)
	case "voice":
		if strings.TrimSpace(m.Voice.Content) == "" {
			return reply{Kind: replyStream, Text: pleaseVoice}
		}
		q.Text = m.Voice.Content
		return w.s.ask(ctx, q, replyStream)
	case "event":
		switch m.Event.EventType {
		case "enter_chat":
			// The only event a plain text reply is allowed for.
			return reply{Kind: replyText, Text: w.s.o.Bot.Welcome(bot.Format{})}
		case "feedback_event":
			w.feedback(ctx, q, m)
		}
		return reply{}
	case "stream":
		// A refresh of a stream: ours are finished in one reply, so there
		// is nothing more to send.
		return reply{}
	}
	return reply{Kind: replyStream, Text: pleaseType} // image, mixed, file
}

// feedback records a 👍/👎 on the user's last answer.
func (w *wecomChannel) feedback(ctx context.Context, q bot.Question, m *wecomMessage) {
	f := m.Event.Feedback
	if f.Type != 1 && f.Type != 2 { // 3: the user took the verdict back
		return
	}
	reason := f.Content
	if len(f.Reasons) > 0 {
		codes := make([]string, len(f.Reasons))
		for i, r := range f.Reasons {
			codes[i] = strconv.Itoa(r)
		}
		reason = strings.TrimSpace("reasons " + strings.Join(codes, ",") + " " + reason)
	}
	if !w.s.o.Bot.Feedback(ctx, q, f.Type == 1, reason) {
		w.s.log.Debug("feedback without a recent answer", "channel", bot.WeCom)
	}
}

// streamID derives the stream id from the dedupe key, so that a repeated
// message gets the same stream; without a key it is random.
func streamID(key string) string {
	if key == "" {
		return randomString(16)
	}
	sum := sha1.Sum([]byte(key))
	return hex.EncodeToString(sum[:10])
}

// payload is the plaintext JSON of a WeCom reply: one finished stream
// message with markdown, or plain text (only for enter_chat).
func (r reply) payload(id string) any {
	if r.Kind == replyText {
		return map[string]any{"msgtype": "text", "text": map[string]string{"content": r.Text}}
	}
	return map[string]any{"msgtype": "stream", "stream": map[string]any{
		"id":       id,
		"finish":   true,
		"content":  r.Text,
		"feedback": map[string]string{"id": id},
	}}
}

// seal encrypts and signs a reply, with the receive id empty.
func (w *wecomChannel) seal(v any, nonce string) (*wecomEnvelope, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode wecom reply: %w", err)
	}
	if nonce == "" {
		nonce = randomString(10)
	}
	ts := time.Now().Unix()
	enc := sealMsg(plain, "", w.key)
	return &wecomEnvelope{
		Encrypt:      enc,
		MsgSignature: util.Signature(w.token, strconv.FormatInt(ts, 10), nonce, enc),
		Timestamp:    ts,
		Nonce:        nonce,
	}, nil
}
