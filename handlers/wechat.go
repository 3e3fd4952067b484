package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/silenceper/wechat/v2/officialaccount"
	offconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"dutybot/bot"
)

// wechatChannel serves the official account (公众号). silenceper/wechat's
// OfficialAccount is built once; a silenceper Server per request answers
// the URL check, and messages are decrypted, decoded and answered the way
// its Server does by the code of wechatmsg.go, at a fraction of the cost.
//
// The adapter adds what silenceper lacks: a body limit, the signature
// checks done first (so a bad one is a 403 with nothing read or processed;
// silenceper only returns an error), statuses for malformed messages, a
// recover, the dedupe and the deadline, and "success" instead of an
// encrypted empty envelope in safe mode.
type wechatChannel struct {
	s     *server
	oa    *officialaccount.OfficialAccount
	token string
	safe  bool         // an EncodingAESKey is configured: compatible and safe modes work
	crypt *wechatCrypt // when safe
}

func newWeChat(s *server) (*wechatChannel, error) {
	o := s.o
	if o.Token == "" {
		return nil, errors.New("handlers: wechat: EncodingAESKey set without Token")
	}
	var crypt *wechatCrypt
	if o.EncodingAESKey != "" {
		var err error
		if crypt, err = newWeChatCrypt(o.EncodingAESKey, o.AppID); err != nil {
			return nil, fmt.Errorf("handlers: wechat EncodingAESKey: %w", err)
		}
		if o.AppID == "" {
			return nil, errors.New("handlers: wechat: EncodingAESKey set without AppID")
		}
	}
	tame()
	c := o.WeChatCache
	if c == nil {
		c = newMemoryCache()
	}
	oa := officialaccount.NewOfficialAccount(&offconfig.Config{
		AppID:          o.AppID,
		AppSecret:      o.AppSecret,
		Token:          o.Token,
		EncodingAESKey: o.EncodingAESKey,
		Cache:          c,
		// The stable-token endpoint does not invalidate the token another
		// replica holds (error 40001 when replicas fight over it).
		UseStableAK: true,
	})
	return &wechatChannel{s: s, oa: oa, token: o.Token, safe: o.EncodingAESKey != "", crypt: crypt}, nil
}

// serve handles GET (the URL check) and POST (a message) on the WeChat path.
//
// Statuses: 403 for a wrong or missing signature (or msg_signature in safe
// mode), 413 for a body over MaxBody, 400 for a malformed or undecryptable
// message; otherwise 200 with the reply, or "success" for no reply.
func (w *wechatChannel) serve(c *gin.Context) error {
	ctx, cancel := w.s.deadline(c)
	defer cancel()
	q := c.Request.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if !validSignature(q.Get("signature"), w.token, ts, nonce) {
		return errSignature
	}
	if c.Request.Method == http.MethodGet {
		if !q.Has("echostr") {
			return badRequest("missing echostr", nil)
		}
		// silenceper answers echostr as is, in every mode.
		return w.run(ctx, c, nil)
	}

	body, err := readBody(c, w.s.o.MaxBody)
	if err != nil {
		return err
	}
	safe := q.Get("encrypt_type") == "aes"
	var enc string
	if safe {
		if !w.safe {
			return badRequest("encrypted message but no EncodingAESKey configured", nil)
		}
		env, err := parseEnvelope(body)
		if err != nil {
			return badRequest("malformed message", err)
		}
		if env.EncryptedMsg == "" {
			return badRequest("missing Encrypt", nil)
		}
		if !validSignature(q.Get("msg_signature"), w.token, ts, nonce, env.EncryptedMsg) {
			return errSignature
		}
		enc = env.EncryptedMsg
	}
	if q.Has("echostr") {
		// silenceper answers echostr, even to a POST: let it.
		return w.run(ctx, c, body)
	}
	return w.message(ctx, c, body, safe, enc, ts, nonce)
}

// message answers a POSTed message, in plaintext or safe mode (enc is then
// its Encrypt), as silenceper's Server would (see wechatmsg.go): 400 for
// what it cannot decrypt or decode, "success" for no reply.
func (w *wechatChannel) message(ctx context.Context, c *gin.Context, body []byte, safe bool, enc, ts, nonce string) error {
	raw := body
	var (
		random []byte
		stamp  int64
	)
	if safe {
		var err error
		if stamp, err = strconv.ParseInt(ts, 10, 32); err != nil {
			return badRequest("malformed message", err)
		}
		if random, raw, err = w.crypt.open(enc); err != nil {
			return badRequest("malformed message", fmt.Errorf("decrypt: %w", err))
		}
	}
	m, err := parseMessage(raw)
	if err != nil {
		return badRequest("malformed message", err)
	}
	r, err := w.handle(ctx, m)
	if err != nil {
		return err
	}
	if r.Late {
		c.Set(lateKey, true)
	}
	if r.wechat() == nil {
		c.String(http.StatusOK, "success")
		return nil
	}
	out := appendTextReply(make([]byte, 0, 256+len(r.Text)), m.FromUserName, m.ToUserName, time.Now().Unix(), r.Text)
	if safe {
		sealed := w.crypt.seal(random, out)
		sig := signature(w.token, strconv.FormatInt(stamp, 10), nonce, sealed)
		out = appendEncryptedReply(make([]byte, 0, len(sealed)+len(sig)+len(nonce)+128), sealed, sig, stamp, nonce)
	}
	c.Header("Content-Length", strconv.Itoa(len(out))) // not sent in chunks
	c.Data(http.StatusOK, "application/xml; charset=utf-8", out)
	return nil
}

// run hands the request to a silenceper Server, with body as the request
// body (nil for the URL check): the URL check, GET or POST.
func (w *wechatChannel) run(ctx context.Context, c *gin.Context, body []byte) error {
	req := c.Request
	if body != nil {
		req.Body = io.NopCloser(bytes.NewReader(body))
		// The official account pushes XML; silenceper would switch to JSON
		// on this header, and the signature was checked on the XML.
		req.Header.Set("Content-Type", "text/xml")
	}
	out := newBufferWriter()
	srv := w.oa.GetServer(req, out)
	var (
		herr error
		late bool
	)
	srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
		r, err := w.handle(ctx, wechatMessageOf(m))
		herr, late = err, r.Late
		return r.wechat()
	})
	if err := protect(srv.Serve); err != nil {
		if herr != nil {
			return herr
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
	if err := protect(srv.Send); err != nil {
		return fmt.Errorf("send wechat reply: %w", err)
	}
	out.flush(c)
	return nil
}

// handle answers one decoded message. Its reply is nil (Kind "") for no
// reply.
func (w *wechatChannel) handle(ctx context.Context, m *wechatMessage) (reply, error) {
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
func wechatKey(m *wechatMessage) string {
	to := m.ToUserName
	switch {
	case m.MsgID != 0:
		return "wechat:" + to + ":msg:" + strconv.FormatInt(m.MsgID, 10)
	case m.MsgType == message.MsgTypeEvent:
		return "wechat:" + to + ":event:" + m.FromUserName + ":" + strconv.FormatInt(m.CreateTime, 10) + ":" + string(m.Event)
	}
	return ""
}

func (w *wechatChannel) produce(ctx context.Context, m *wechatMessage) reply {
	q := bot.Question{Channel: bot.WeChat, User: m.FromUserName}
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
		if m.Event == message.EventSubscribe {
			return reply{Kind: replyText, Text: w.s.o.Bot.Welcome(bot.WeChat)}
		}
		return reply{} // unsubscribe, SCAN, CLICK, VIEW, ...: "success"
	}
	return reply{Kind: replyText, Text: pleaseType} // image, location, link, video, shortvideo, file
}

// wechat returns the silenceper reply for r, nil for no reply.
func (r reply) wechat() *message.Reply {
	if r.Kind == replyNone || r.Text == "" {
		return nil
	}
	return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(r.Text)}
}

// protect calls f, turning a panic into an error: silenceper panics when
// writing fails and on some malformed input.
func protect(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}
