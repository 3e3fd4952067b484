package handlers

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"dutybot/bot"
)

// What the bot says when it cannot take the message as a question.
const (
	pleaseType  = "目前只能读懂文字消息。请直接用文字输入您的问题，例如：办残疾证找谁。"
	pleaseVoice = "没有听清您的语音。请直接用文字输入您的问题，例如：办残疾证找谁。"
	sorry       = "抱歉，系统暂时出了点问题，请稍后再问。"
)

// Kinds of reply.
const (
	replyNone   = ""       // no reply: "success" on WeChat, an empty body on WeCom
	replyText   = "text"   // plain text
	replyStream = "stream" // WeCom markdown, sent as one finished stream message
)

// reply is what a channel sends back for one message, before it is
// encoded for the channel. The dedupe store keeps it (as JSON), so that
// every attempt at a message gets the same reply.
type reply struct {
	Kind string `json:"k,omitempty"`
	Text string `json:"t,omitempty"`
	// Late is set when the deadline passed before the reply was ready.
	Late bool `json:"-"`
}

// once produces the reply to the message identified by key exactly once
// per dedupe period: the first caller runs produce and stores its reply, a
// caller with the same key (a retry, or a copy sent concurrently) waits for
// that reply until ctx is done. An empty key disables the dedupe. A failing
// store fails open: the message is answered anyway.
func (s *server) once(ctx context.Context, ch bot.Channel, key string, produce func(context.Context) reply) reply {
	if key == "" {
		return produce(ctx)
	}
	first, err := s.o.Dedupe.Claim(ctx, key)
	if err != nil {
		s.log.Warn("dedupe claim failed, answering anyway", "channel", ch, "err", err)
		return produce(ctx)
	}
	if !first {
		s.m.dedupeHit(ch)
		b, err := s.o.Dedupe.Wait(ctx, key)
		if err == nil {
			var r reply
			if err := json.Unmarshal(b, &r); err != nil {
				s.log.Warn("dedupe: undecodable reply", "channel", ch, "err", err)
			}
			return r
		}
		if ctx.Err() != nil {
			return reply{Late: true}
		}
		s.log.Warn("dedupe wait failed, answering anyway", "channel", ch, "err", err)
		return produce(ctx)
	}
	r := produce(ctx)
	b, _ := json.Marshal(r) // two strings: cannot fail
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
	defer cancel()
	if err := s.o.Dedupe.Store(sctx, key, b); err != nil {
		s.log.Warn("dedupe store failed", "channel", ch, "err", err)
	}
	return r
}

// ask answers a question and turns the answer into a reply of the given
// kind: no reply when the deadline passed, an apology on any other error.
func (s *server) ask(ctx context.Context, q bot.Question, kind string) reply {
	a, err := s.answer(ctx, q)
	switch {
	case err != nil && ctx.Err() != nil:
		s.log.Warn("no answer within the deadline", "channel", q.Channel)
		return reply{Late: true}
	case err != nil:
		s.log.Error("answer failed", "channel", q.Channel, "err", err)
		return reply{Kind: kind, Text: sorry}
	case strings.TrimSpace(a.Text) == "":
		return reply{}
	}
	return reply{Kind: kind, Text: a.Text}
}

// answer calls the bot, giving up when ctx is done even if the bot does
// not. A panic in the bot becomes an error.
func (s *server) answer(ctx context.Context, q bot.Question) (*bot.Answer, error) {
	type result struct {
		a   *bot.Answer
		err error
	}
	q.Text = cutRunes(q.Text, s.o.MaxQuestion)
	done := make(chan result, 1)
	start := time.Now()
	s.workers.run(func() {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("bot panic", "panic", r, "stack", string(debug.Stack()))
				done <- result{err: fmt.Errorf("bot panic: %v", r)}
			}
		}()
		a, err := s.o.Bot.Answer(ctx, q)
		done <- result{a, err}
	})
	select {
	case r := <-done:
		if r.err == nil {
			s.m.observe(q.Channel, r.a.Decision, time.Since(start))
			s.log.Debug("answered", "channel", q.Channel, "text", bot.Mask(q.Text), "decision", r.a.Decision,
				"refs", r.a.Refs(), "latency", time.Since(start))
		}
		return r.a, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// cutRunes returns s cut to at most n characters.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	runes := 0
	for i := range s {
		if runes == n {
			return s[:i]
		}
		runes++
	}
	return s
}

// workers run functions on goroutines of their own, reused: answering a
// question takes a deeper stack than a new goroutine starts with, and a
// goroutine per question spent about a twentieth of the server's time
// growing it. Workers start on demand, up to max, and stop after a minute
// without work; when they are all busy, a function gets a new goroutine.
type workers struct {
	jobs chan func()
	n    atomic.Int32
	max  int32
}

func newWorkers(max int) *workers { return &workers{jobs: make(chan func()), max: int32(max)} }

// run calls f on another goroutine.
func (w *workers) run(f func()) {
	if w == nil {
		go f()
		return
	}
	select {
	case w.jobs <- f: // an idle worker took it
		return
	default:
	}
	if w.n.Add(1) <= w.max {
		go w.work(f)
		return
	}
	w.n.Add(-1)
	go f()
}

func (w *workers) work(f func()) {
	defer w.n.Add(-1)
	const idle = time.Minute
	t := time.NewTimer(idle)
	defer t.Stop()
	for {
		f()
		t.Reset(idle)
		select {
		case f = <-w.jobs:
		case <-t.C:
			return
		}
	}
}

// randomString returns n random letters and digits, as the official SDKs
// use for the random prefix of an encrypted message and for nonces.
func randomString(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// bufferWriter is an http.ResponseWriter that keeps what is written, so
// that a handler can decide the status after silenceper has written.
type bufferWriter struct {
	header http.Header
	code   int
	buf    bytes.Buffer
}

func newBufferWriter() *bufferWriter { return &bufferWriter{header: http.Header{}} }

func (w *bufferWriter) Header() http.Header { return w.header }

func (w *bufferWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
}

func (w *bufferWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return w.buf.Write(p)
}

// flush writes what was buffered to c.
func (w *bufferWriter) flush(c *gin.Context) {
	code := w.code
	if code == 0 {
		code = http.StatusOK
	}
	c.Data(code, w.header.Get("Content-Type"), w.buf.Bytes())
}
