package handlers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/silenceper/wechat/v2/officialaccount"
	offconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"dutybot/bot"
)

// wechatFormat is what the official account shows: plain text, and WeChat
// cuts a passive reply at 2048 bytes.
var wechatFormat = bot.Format{Limit: bot.PlainLimit}

// wechatChannel serves the official account (公众号) through silenceper's
// server: its Server verifies, decrypts and decodes every request (URL
// check and message, plaintext, compatible and safe mode) and encodes and
// encrypts the reply. The OfficialAccount is built once, a Server per
// request (it holds the request's state).
//
// Around it the channel keeps what silenceper lacks: the signature checked
// first, so that a bad one is a 403 (silenceper only returns an error);
// statuses for what it cannot read; the dedupe and the deadline; and
// "success" for no reply in safe mode, where silenceper would send an
// encrypted empty envelope. The body limit, the panic guard, the request
// count and the log line are gin middleware around it (route and access in
// errors.go).
type wechatChannel struct {
	s     *server
	oa    *officialaccount.OfficialAccount
	token string
	safe  bool // an EncodingAESKey is configured: compatible and safe modes work
	// clicks are the menu's clicked buttons by key (Options.Menu).
	clicks map[string]MenuButton
}

func newWeChat(s *server) (*wechatChannel, error) {
	o := s.o
	if o.Token == "" {
		return nil, errors.New("handlers: wechat: EncodingAESKey set without Token")
	}
	if o.EncodingAESKey != "" {
		if _, err := decodeAESKey(o.EncodingAESKey); err != nil {
			return nil, fmt.Errorf("handlers: wechat EncodingAESKey: %w", err)
		}
		if o.AppID == "" {
			return nil, errors.New("handlers: wechat: EncodingAESKey set without AppID")
		}
	}
	if err := ValidateMenu(o.Menu); err != nil {
		return nil, fmt.Errorf("handlers: menu: %w", err)
	}
	return &wechatChannel{s: s, oa: newOfficialAccount(o), token: o.Token, safe: o.EncodingAESKey != "",
		clicks: menuClicks(o.Menu)}, nil
}

// newOfficialAccount builds silenceper's official account of o.
func newOfficialAccount(o Options) *officialaccount.OfficialAccount {
	tame()
	c := o.WeChatCache
	if c == nil {
		c = newMemoryCache()
	}
	return officialaccount.NewOfficialAccount(&offconfig.Config{
		AppID:          o.AppID,
		AppSecret:      o.AppSecret,
		Token:          o.Token,
		EncodingAESKey: o.EncodingAESKey,
		Cache:          c,
		// The stable-token endpoint does not invalidate the token another
		// replica holds (error 40001 when replicas fight over it).
		UseStableAK: true,
	})
}

// serve handles GET (the URL check) and POST (a message) on the WeChat
// path, the body already read and capped by the route's middleware.
//
// Statuses: 403 for a wrong or missing signature (or msg_signature in safe
// mode), 400 for a message silenceper cannot decrypt or decode or one
// without MsgType or FromUserName; otherwise 200 with the reply, or
// "success" for no reply.
func (w *wechatChannel) serve(c *gin.Context) error {
	ctx, cancel := w.s.deadline(c)
	defer cancel()
	req := c.Request
	q := req.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !validSignature(q.Get("signature"), w.token, ts, nonce) {
		return errSignature
	}
	safe := q.Get("encrypt_type") == "aes"
	if safe && !w.safe {
		return badRequest("encrypted message but no EncodingAESKey configured", nil)
	}
	var ts64 int64 // the real timestamp of a request re-signed for silenceper
	if req.Method == http.MethodPost {
		if err := w.admit(ctx, c, q, safe); err != nil {
			return err
		}
		if safe {
			var err error
			if req, ts64, err = w.resign(c, q); err != nil {
				return err
			}
		}
		// The official account pushes XML; silenceper would switch to
		// JSON on this header.
		req.Header.Set("Content-Type", "text/xml")
	}

	out := newBufferWriter()
	srv := w.oa.GetServer(req, out)
	var (
		herr error
		late bool
	)
	srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
		var r reply
		r, herr = w.handle(ctx, m)
		late = r.Late
		return r.wechat()
	})
	if err := srv.Serve(); err != nil {
		if herr != nil {
			return herr
		}
		if safe {
			return w.refused(c, q, err)
		}
		return badRequest("malformed message", err)
	}
	if herr != nil {
		return herr
	}
	if late {
		c.Set(lateKey, true)
	}
	if srv.ResponseMsg == nil {
		if out.buf.Len() > 0 { // echostr, or silenceper's own "success"
			out.flush(c)
			return nil
		}
		// A nil reply in safe mode: silenceper would send an encrypted
		// empty envelope; WeChat wants "success".
		c.String(http.StatusOK, "success")
		return nil
	}
	if err := srv.Send(); err != nil {
		return fmt.Errorf("send wechat reply: %w", err)
	}
	if ts64 != 0 {
		if err := w.restamp(out, ts64, nonce); err != nil {
			return err
		}
	}
	out.flush(c)
	return nil
}

// Refusals of messages that could be forged or replayed.
var (
	errPlaintext = &Error{Code: http.StatusForbidden, Msg: "plaintext message refused: an EncodingAESKey is configured"}
	errStale     = &Error{Code: http.StatusForbidden, Msg: "timestamp outside the accepted window"}
	errReplay    = &Error{Code: http.StatusForbidden, Msg: "nonce already used"}
)

// admit refuses a POST that anyone who once saw a signature could forge.
// The plain signature covers only token, timestamp and nonce, not the
// message. So with an EncodingAESKey configured a message must come in
// safe or compatible mode, with an Encrypt under msg_signature: a
// plaintext one is a 403. In plaintext mode (no key) the timestamp must be
// within Options.TimestampWindow of now, and a nonce is good for one body:
// the same body again is WeChat's retry (answered once by its MsgId),
// another body under a used nonce is a 403. A failing nonce cache fails
// open, as the dedupe does.
func (w *wechatChannel) admit(ctx context.Context, c *gin.Context, q url.Values, safe bool) error {
	if w.safe {
		if !safe {
			return errPlaintext
		}
		var env message.EncryptedXMLMsg
		if err := xml.Unmarshal(body(c), &env); err == nil && env.EncryptedMsg == "" {
			return &Error{Code: http.StatusForbidden, Msg: "safe-mode message without Encrypt"}
		}
		return nil // silenceper checks msg_signature
	}
	ts := q.Get("timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return badRequest("timestamp is not a number", nil)
	}
	win := w.s.o.TimestampWindow
	if d := w.s.o.Now().Sub(time.Unix(sec, 0)); d > win || d < -win {
		return errStale
	}
	key := "wechat:nonce:" + ts + ":" + q.Get("nonce")
	sum := sha256.Sum256(body(c))
	nonces := w.s.o.Nonces
	first, err := nonces.Claim(ctx, key)
	switch {
	case err != nil:
		w.s.log.Warn("nonce cache claim failed, admitting the message", "err", err)
	case first:
		if err := nonces.Store(ctx, key, sum[:]); err != nil {
			w.s.log.Warn("nonce cache store failed", "err", err)
		}
	default:
		prev, err := nonces.Wait(ctx, key)
		if err == nil && !bytes.Equal(prev, sum[:]) {
			return errReplay
		}
	}
	return nil
}

// resign works around silenceper parsing a safe-mode timestamp as 32 bits
// (from 2038-01-19 on every message would fail): a message whose timestamp
// does not fit, once its signatures are checked here, is handed to
// silenceper re-signed under timestamp 0, and restamp puts the real one
// back into the reply. Other requests are returned as they are, with 0.
func (w *wechatChannel) resign(c *gin.Context, q url.Values) (*http.Request, int64, error) {
	req := c.Request
	ts := q.Get("timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, 0, badRequest("timestamp is not a number", nil)
	}
	if _, err := strconv.ParseInt(ts, 10, 32); err == nil || sec == 0 {
		return req, 0, nil
	}
	var env message.EncryptedXMLMsg
	if err := xml.Unmarshal(body(c), &env); err != nil {
		return nil, 0, badRequest("malformed message", err)
	}
	if !validSignature(q.Get("msg_signature"), w.token, ts, q.Get("nonce"), env.EncryptedMsg) {
		return nil, 0, errSignature
	}
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("timestamp", "0")
	q2.Set("signature", util.Signature(w.token, "0", q.Get("nonce")))
	q2.Set("msg_signature", util.Signature(w.token, "0", q.Get("nonce"), env.EncryptedMsg))
	r2 := req.Clone(req.Context())
	r2.URL.RawQuery = q2.Encode()
	return r2, sec, nil
}

// restamp gives a safe-mode reply, encrypted and signed by silenceper
// under the substitute timestamp 0, the request's real timestamp and the
// signature over it.
func (w *wechatChannel) restamp(out *bufferWriter, ts int64, nonce string) error {
	var env message.ResponseEncryptedXMLMsg
	if err := xml.Unmarshal(out.buf.Bytes(), &env); err != nil {
		return fmt.Errorf("restamp wechat reply: %w", err)
	}
	env.Timestamp = ts
	env.MsgSignature = util.Signature(w.token, strconv.FormatInt(ts, 10), nonce, env.EncryptedMsg)
	b, err := xml.Marshal(env)
	if err != nil {
		return fmt.Errorf("restamp wechat reply: %w", err)
	}
	out.buf.Reset()
	out.buf.Write(b)
	return nil
}

// refused tells why silenceper refused a safe-mode message, from its
// envelope (silenceper's errors carry no type): a 403 when msg_signature
// does not cover its Encrypt, a 400 otherwise.
func (w *wechatChannel) refused(c *gin.Context, q url.Values, err error) error {
	var env message.EncryptedXMLMsg
	if xerr := xml.Unmarshal(body(c), &env); xerr != nil || env.EncryptedMsg == "" {
		return badRequest("malformed message", err)
	}
	if !validSignature(q.Get("msg_signature"), w.token, q.Get("timestamp"), q.Get("nonce"), env.EncryptedMsg) {
		return errSignature
	}
	return badRequest("malformed message", err)
}

// handle answers one decoded message, once per MsgId. Its reply is nil
// (Kind "") for no reply.
func (w *wechatChannel) handle(ctx context.Context, m *message.MixMessage) (reply, error) {
	if m.MsgType == "" || m.FromUserName == "" {
		return reply{}, badRequest("message without MsgType or FromUserName", nil)
	}
	return w.s.once(ctx, bot.WeChat, wechatKey(m), func(ctx context.Context) reply {
		return w.produce(ctx, m)
	}), nil
}

// wechatKey is the dedupe key of a message: its MsgId, or for an event
// (which has none) FromUserName + CreateTime + Event, as the official
// documentation recommends. The account (ToUserName) scopes both.
func wechatKey(m *message.MixMessage) string {
	to := string(m.ToUserName)
	switch {
	case m.MsgID != 0:
		return "wechat:" + to + ":msg:" + strconv.FormatInt(m.MsgID, 10)
	case m.MsgType == message.MsgTypeEvent:
		return "wechat:" + to + ":event:" + string(m.FromUserName) + ":" + strconv.FormatInt(m.CreateTime, 10) + ":" + string(m.Event)
	}
	return ""
}

func (w *wechatChannel) produce(ctx context.Context, m *message.MixMessage) reply {
	q := bot.Question{Channel: bot.WeChat, Format: wechatFormat, User: string(m.FromUserName)}
	if m.MsgID != 0 {
		q.MessageID = strconv.FormatInt(m.MsgID, 10)
	}
	switch m.MsgType {
	case message.MsgTypeText:
		q.Text = m.Content
		return w.s.ask(ctx, q, replyText)
	case message.MsgTypeVoice:
		// Recognition is empty when voice recognition is off (WeChat has
		// said it will be retired).
		if strings.TrimSpace(m.Recognition) == "" {
			return reply{Kind: replyText, Text: pleaseVoice}
		}
		q.Text = m.Recognition
		return w.s.ask(ctx, q, replyText)
	case message.MsgTypeEvent:
		switch m.Event {
		case message.EventSubscribe:
			return reply{Kind: replyText, Text: w.s.o.Bot.Welcome(wechatFormat)}
		case message.EventClick:
			return w.click(ctx, q, m.EventKey)
		}
		return reply{} // unsubscribe, SCAN, VIEW, ...: "success"
	}
	return reply{Kind: replyText, Text: pleaseType} // image, location, link, video, shortvideo, file
}

// click answers a click on a menu button: its reply, or the bot's answer
// to its question. A key the menu does not have (a menu created by an
// older configuration) gets the welcome, which tells how to ask.
func (w *wechatChannel) click(ctx context.Context, q bot.Question, key string) reply {
	b, ok := w.clicks[key]
	switch {
	case !ok:
		w.s.log.Warn("menu click with an unknown key", "key", key)
		return reply{Kind: replyText, Text: w.s.o.Bot.Welcome(wechatFormat)}
	case b.Reply != "":
		return reply{Kind: replyText, Text: b.Reply}
	}
	q.Text = b.Ask
	return w.s.ask(ctx, q, replyText)
}

// wechat returns the silenceper reply for r, nil for no reply.
func (r reply) wechat() *message.Reply {
	if r.Kind == replyNone || r.Text == "" {
		return nil
	}
	return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(r.Text)}
}
