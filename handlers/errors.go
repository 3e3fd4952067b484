package handlers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"dutybot/bot"
)

// Error is an error with the HTTP status it maps to and a message that is
// safe to show to the caller. Err, when set, is what operators see in the
// log.
type Error struct {
	Code int
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// The errors the handlers return.
var (
	errNotFound  = &Error{Code: http.StatusNotFound, Msg: "not found"}
	errMethod    = &Error{Code: http.StatusMethodNotAllowed, Msg: "method not allowed"}
	errSignature = &Error{Code: http.StatusForbidden, Msg: "bad signature"}
	errTooMany   = &Error{Code: http.StatusTooManyRequests, Msg: "too many questions from this address: wait a minute"}
)

// badRequest returns a 400 error showing msg, wrapping the cause err (may be
// nil), which is not shown.
func badRequest(msg string, err error) error {
	return &Error{Code: http.StatusBadRequest, Msg: msg, Err: err}
}

// status maps an error to its HTTP status and the message the caller sees.
// This is the only place where errors become statuses; anything unknown is
// a 500 with a generic message.
func status(err error) (int, string) {
	var he *Error
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		return he.Code, he.Msg
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, "request body too large"
	case errors.Is(err, bot.ErrNoTownship):
		return http.StatusNotFound, strings.TrimPrefix(err.Error(), "bot: ")
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable, "timed out"
	case errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "canceled"
	}
	return http.StatusInternalServerError, "internal error"
}

// outcome names a request's outcome for dutybot_requests_total.
func outcome(code int) string {
	switch {
	case code < 400:
		return "ok"
	case code == http.StatusForbidden:
		return "forbidden"
	case code == http.StatusRequestEntityTooLarge:
		return "too_large"
	case code == http.StatusNotFound:
		return "not_found"
	case code == http.StatusTooManyRequests:
		return "limited"
	case code == http.StatusServiceUnavailable:
		return "unavailable"
	case code < 500:
		return "bad_request"
	}
	return "error"
}

// fail writes err as JSON {"error": message} with its status. Server errors
// are logged with their cause; client errors at debug level only.
func (s *server) fail(c *gin.Context, err error) {
	code, msg := status(err)
	if code >= 500 {
		s.log.Error("request failed", "route", c.FullPath(), "status", code, "err", err)
	} else {
		s.log.Debug("request refused", "route", c.FullPath(), "status", code, "err", err)
	}
	if c.Writer.Written() {
		c.Abort()
		return
	}
	c.AbortWithStatusJSON(code, gin.H{"error": msg})
}

// route returns a route's handlers, outermost first, for a handler that
// returns an error: count the request under channel and guard against
// panics (count), read the body within MaxBody (limitBody), then h, whose
// error goes through fail.
func (s *server) route(channel string, h func(*gin.Context) error) []gin.HandlerFunc {
	return []gin.HandlerFunc{s.count(channel), s.limitBody, func(c *gin.Context) {
		if err := h(c); err != nil {
			s.fail(c, err)
		}
	}}
}

// count is middleware that counts a request under channel in
// dutybot_requests_total by its final status; a panic below it becomes a
// logged 500 first.
func (s *server) count(channel string) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			o := outcome(c.Writer.Status())
			if late, _ := c.Get(lateKey); late == true {
				o = "late"
			}
			s.m.request(channel, o)
		}()
		defer s.catchPanic(c)
		c.Next()
	}
}

// bodyKey holds, in a gin context, the request body limitBody read.
const bodyKey = "dutybot.body"

// limitBody is middleware that reads the request body, at most MaxBody
// bytes (413 for a longer one, 400 when it cannot be read), and puts it
// back as the request's body, and under bodyKey: silenceper reads the body
// itself and loses the error's type.
func (s *server) limitBody(c *gin.Context) {
	max := s.o.MaxBody
	if c.Request.ContentLength > max {
		s.fail(c, &http.MaxBytesError{Limit: max})
		return
	}
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, max))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if !errors.As(err, &tooLarge) {
			err = badRequest("cannot read the body", err)
		}
		s.fail(c, err)
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(b))
	c.Set(bodyKey, b)
}

// body returns the request body limitBody read.
func body(c *gin.Context) []byte {
	b, _ := c.Get(bodyKey)
	p, _ := b.([]byte)
	return p
}

// lateKey marks, in a gin context, a WeChat or WeCom request answered with
// "no reply" because its deadline passed.
const lateKey = "dutybot.late"

// recover turns a panic in a handler (the routes added by Options.Extra;
// count recovers its own) into a logged 500.
func (s *server) recover(c *gin.Context) {
	defer s.catchPanic(c)
	c.Next()
}

// catchPanic, deferred, turns a panic into a logged 500; an aborted
// response (http.ErrAbortHandler) goes on up to net/http.
func (s *server) catchPanic(c *gin.Context) {
	if r := recover(); r != nil {
		if r == http.ErrAbortHandler {
			panic(r)
		}
		s.log.Error("panic", "route", c.FullPath(), "panic", r, "stack", string(debug.Stack()))
		s.fail(c, errors.New("panic"))
	}
}

// access logs each request: route, status and duration, never the query
// (it carries OpenIDs and signatures) nor the body.
func (s *server) access(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	level := slog.LevelInfo
	switch route {
	case "/healthz", "/readyz", "/metrics": // probes and scrapes: every few seconds
		level = slog.LevelDebug
	}
	if !s.log.Enabled(c.Request.Context(), level) {
		return // spare building the record's arguments
	}
	s.log.Log(c.Request.Context(), level, "http", "method", c.Request.Method, "route", route,
		"status", c.Writer.Status(), "bytes", c.Writer.Size(), "dur", time.Since(start).Round(time.Microsecond))
}
