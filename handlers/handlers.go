package handlers

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/util"
	"github.com/sirupsen/logrus"

	"dutybot/bot"
	"dutybot/version"
)

// Defaults of Options.
const (
	DefaultWeChatPath = "/wechat"
	DefaultWeComPath  = "/wecom/bot"
	DefaultDeadline   = 4 * time.Second
	DefaultMaxBody    = 64 << 10
	// DefaultTimestampWindow is Options.TimestampWindow's default.
	DefaultTimestampWindow = 5 * time.Minute
	// DefaultMaxQuestion is Options.MaxQuestion's default: a question
	// is a sentence or two; 60 KB of text took 14 ms to match.
	DefaultMaxQuestion = 500
)

// Options configure the HTTP handlers. The zero value of each field picks a
// default. A channel without its token is off: with nothing configured only
// the JSON API, /healthz, /readyz and /metrics are served.
type Options struct {
	Bot *bot.Bot // required

	// Official account (公众号). On when Token is set; EncodingAESKey
	// (43 characters) and AppID enable the compatible and safe modes.
	WeChatPath     string // default /wechat
	AppID          string
	AppSecret      string
	Token          string
	EncodingAESKey string
	// WeChatCache holds the access token; share one (Redis) between
	// instances. Default: an in-memory cache safe for concurrent use.
	WeChatCache cache.Cache
	// TimestampWindow bounds how far a plaintext-mode message's timestamp
	// may be from Now, either way; a message outside it is refused (403).
	// Default 5 minutes. Nonces are the replay cache of plaintext mode: a
	// nonce is good for one message body only within the window (share
	// one, Redis, between replicas). Default an in-memory cache. Now is
	// the clock (default time.Now); tests set it to the official vectors'
	// 2014.
	TimestampWindow time.Duration
	Nonces          bot.DedupeStore
	Now             func() time.Time
	// Menu is the account's custom menu (created by CreateMenu): a CLICK
	// on one of its buttons gets the button's reply or the answer to its
	// question.
	Menu []MenuButton

	// WeCom intelligent bot (企业微信智能机器人). On when WeComToken is set;
	// WeComAESKey is then required.
	WeComPath   string // default /wecom/bot
	WeComToken  string
	WeComAESKey string

	// Deadline bounds the time from a request's arrival to its reply on the
	// WeChat, WeCom and API channels; past it WeChat and WeCom get the
	// "no reply" answer. WeChat gives up after 5 s. Default 4 s.
	Deadline time.Duration
	MaxBody  int64        // request body limit in bytes; default 64 KiB
	Logger   *slog.Logger // default slog.Default()
	Metrics  *Metrics     // default NewMetrics()
	// Dedupe remembers the replies to recent messages, so that a message
	// WeChat or WeCom sends again is answered once. Default
	// bot.NewMemoryDedupe(10000, 2*time.Minute).
	Dedupe bot.DedupeStore

	// ClientLimiter limits the JSON API's questions per client address,
	// whatever user a request names (the user only keys its
	// conversation); a request with the admin token is exempt, and a
	// refused one is a 429. Nil: no such limit. The signed WeChat and
	// WeCom callbacks all come from the platforms' few addresses: they are
	// limited per user by the bot, never here.
	ClientLimiter bot.Limiter
	// TrustedProxies are the reverse proxies in front (IPs or CIDR
	// prefixes): the client address is read from X-Forwarded-For only when
	// the connection comes from one of them. None: the connection's peer.
	TrustedProxies []string
	// MaxQuestion cuts every question, on every channel, to this many
	// characters before it is matched and logged. Default 500.
	MaxQuestion int

	// Admin configures the admin API (/api/admin); off without a token.
	Admin Admin

	// Ready reports whether the service can take traffic: GET /readyz
	// answers 200 when it returns nil and 503 otherwise. Nil means ready.
	Ready func() error
	// Extra, when set, is called last with the engine, to add routes
	// (the staff console).
	Extra func(*gin.Engine)
}

// server is the state shared by the handlers.
type server struct {
	o       Options
	log     *slog.Logger
	m       *Metrics
	wc      *wechatChannel // nil when the official account is off
	wk      *wecomChannel  // nil when the WeCom bot is off
	workers *workers       // answer the questions
	items   atomic.Pointer[itemJSONCache]

	readyMu     sync.Mutex // guards the last /readyz failure logged
	readyErr    string
	readyLogged time.Time
}

// New returns a gin engine serving the configured channels:
//
//	GET/POST Options.WeChatPath  official account
//	GET/POST Options.WeComPath   WeCom intelligent bot
//	POST /api/ask, GET /api/items, GET /api/items/:ref
//	GET /healthz, /readyz, /metrics
//
// It fails when Bot is missing or a channel is half configured (a token
// without its key, a malformed EncodingAESKey). New does not change gin's
// mode: call gin.SetMode(gin.ReleaseMode) in main.
func New(o Options) (*gin.Engine, error) {
	if o.Bot == nil {
		return nil, errors.New("handlers: no bot")
	}
	if o.WeChatPath == "" {
		o.WeChatPath = DefaultWeChatPath
	}
	if o.WeComPath == "" {
		o.WeComPath = DefaultWeComPath
	}
	if o.Deadline <= 0 {
		o.Deadline = DefaultDeadline
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics()
	}
	if o.Dedupe == nil {
		o.Dedupe = bot.NewMemoryDedupe(10000, 2*time.Minute)
	}
	if o.TimestampWindow <= 0 {
		o.TimestampWindow = DefaultTimestampWindow
	}
	if o.Nonces == nil {
		// Twice the window: a nonce is remembered as long as its
		// timestamp is accepted.
		o.Nonces = bot.NewMemoryDedupe(100000, 2*o.TimestampWindow)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxQuestion <= 0 {
		o.MaxQuestion = DefaultMaxQuestion
	}
	s := &server{o: o, log: o.Logger, m: o.Metrics, workers: newWorkers(4 * runtime.GOMAXPROCS(0))}

	if o.Token != "" || o.EncodingAESKey != "" {
		wc, err := newWeChat(s)
		if err != nil {
			return nil, err
		}
		s.wc = wc
	}
	if o.WeComToken != "" || o.WeComAESKey != "" {
		wk, err := newWeCom(s)
		if err != nil {
			return nil, err
		}
		s.wk = wk
	}

	for _, p := range []string{o.WeChatPath, o.WeComPath} {
		if !strings.HasPrefix(p, "/") {
			return nil, fmt.Errorf("handlers: path %q does not start with /", p)
		}
	}
	return s.engine()
}

// engine builds the gin engine. gin panics on a route that clashes with
// another (a channel path set to /api/ask); that becomes an error.
func (s *server) engine() (e *gin.Engine, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, fmt.Errorf("handlers: routes: %v", r)
		}
	}()
	o := s.o
	e = gin.New()
	// gin trusts X-Forwarded-For from anyone by default: only from the
	// configured proxies here (SetTrustedProxies(nil) trusts none).
	if err := e.SetTrustedProxies(o.TrustedProxies); err != nil {
		return nil, fmt.Errorf("handlers: trusted proxies: %w", err)
	}
	e.RemoteIPHeaders = []string{"X-Forwarded-For"}
	e.Use(s.recover, s.access)
	e.HandleMethodNotAllowed = true
	e.NoRoute(func(c *gin.Context) { s.fail(c, errNotFound) })
	e.NoMethod(func(c *gin.Context) { s.fail(c, errMethod) })
	if s.wc != nil {
		e.GET(o.WeChatPath, s.route("wechat", s.wc.serve)...)
		e.POST(o.WeChatPath, s.route("wechat", s.wc.serve)...)
	}
	if s.wk != nil {
		e.GET(o.WeComPath, s.route("wecom", s.wk.verifyURL)...)
		e.POST(o.WeComPath, s.route("wecom", s.wk.serve)...)
	}
	e.POST("/api/ask", s.route("api", s.apiAsk)...)
	e.GET("/api/items", s.route("api", s.apiItems)...)
	e.GET("/api/items/:ref", s.route("api", s.apiItem)...)
	healthz := fmt.Appendf(nil, "{\"status\":\"ok\",\"version\":%q}\n", version.String())
	e.GET("/healthz", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", healthz) })
	e.GET("/readyz", s.ready)
	e.GET("/metrics", gin.WrapH(s.m.Handler()))
	s.adminRoutes(e)
	if o.Extra != nil {
		o.Extra(e)
	}
	return e, nil
}

// tame sets silenceper/wechat's process-wide state once: its init sets
// logrus to Debug on stdout, and its Server then logs every decrypted
// message, citizens' text and OpenIDs included; its HTTP client has no
// timeout.
var tame = sync.OnceFunc(func() {
	logrus.SetLevel(logrus.WarnLevel)
	util.DefaultHTTPClient = &http.Client{Timeout: 5 * time.Second}
})

// decodeAESKey decodes a 43-character EncodingAESKey into the 32-byte key.
func decodeAESKey(s string) ([]byte, error) {
	if len(s) != 43 {
		return nil, fmt.Errorf("must be 43 characters, not %d", len(s))
	}
	key, err := base64.StdEncoding.DecodeString(s + "=")
	if err != nil || len(key) != 32 {
		return nil, errors.New("not base64 of 32 bytes")
	}
	return key, nil
}

// ready answers /readyz from Options.Ready: 200 "ready", or 503
// {"status":"unavailable"}. Why it is not ready (a database error names
// its user, database and host:port) is told only to the log and, with the
// admin token, to the caller.
func (s *server) ready(c *gin.Context) {
	if s.o.Ready != nil {
		if err := s.o.Ready(); err != nil {
			s.notReady(err)
			body := gin.H{"status": "unavailable"}
			if s.isAdmin(c) {
				body["error"] = err.Error()
			}
			c.JSON(http.StatusServiceUnavailable, body)
			return
		}
	}
	c.String(http.StatusOK, "ready\n")
}

// notReady logs why /readyz failed: when the reason changes, and at most
// once a minute while it stays (a balancer polls every few seconds).
func (s *server) notReady(err error) {
	now := time.Now()
	s.readyMu.Lock()
	defer s.readyMu.Unlock()
	if msg := err.Error(); msg != s.readyErr || now.Sub(s.readyLogged) >= time.Minute {
		s.readyErr, s.readyLogged = msg, now
		s.log.Warn("not ready", "err", err)
	}
}

// deadline returns the context a request is answered under. It is not
// canceled when the client goes away: the answer is still stored for the
// retry that follows.
func (s *server) deadline(c *gin.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(c.Request.Context()), s.o.Deadline)
}
