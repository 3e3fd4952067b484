package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"dutybot/bot"
	"dutybot/cmd/dutybot/app"
	"dutybot/handlers"
	"dutybot/handlers/qlog"
	"dutybot/handlers/web"
)

// runServe is dutybot serve: load the configuration, open the question log,
// load the documents and serve until SIGINT or SIGTERM (or ctx ends).
// SIGHUP reloads the documents and the synonyms.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	m := NewMain(stdout, stderr)
	if err := m.ParseFlags(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		var ce *configError
		if errors.As(err, &ce) {
			fmt.Fprintf(stderr, "dutybot: %v\n", err)
			return 1
		}
		return 2
	}
	slog.SetDefault(m.Logger)

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	code := 0
	if err := m.Run(ctx); err != nil {
		m.Logger.Error("cannot start", "err", err)
		fmt.Fprintf(stderr, "dutybot: %v\n", err)
		code = 1
	} else {
	loop:
		for {
			select {
			case <-ctx.Done():
				m.Logger.Info("shutting down")
				break loop
			case <-hup:
				_ = m.Reload() // logged by Reload
			case err := <-m.serveErr:
				m.Logger.Error("server stopped", "err", err)
				code = 1
				break loop
			}
		}
	}
	if err := m.Close(); err != nil {
		m.Logger.Error("shutdown", "err", err)
		code = 1
	}
	return code
}

// Main is the dutybot server as a value: NewMain, ParseFlags, Run, Close.
// Tests run it with Config.Addr = "127.0.0.1:0" and read Addr.
type Main struct {
	Config     Config
	ConfigPath string
	Stdout     io.Writer
	Stderr     io.Writer
	Logger     *slog.Logger
	// LookupEnv reads the environment; tests replace it.
	LookupEnv func(string) (string, bool)
	// ShutdownTimeout bounds the wait for replies in flight. Default 15 s.
	ShutdownTimeout time.Duration

	Bot     *bot.Bot
	Store   *qlog.Store
	Log     *qlog.Writer
	Metrics *handlers.Metrics

	ln       net.Listener
	srv      *http.Server
	serveErr chan error
	stopBG   context.CancelFunc
	bgDone   chan struct{}
	reloadMu sync.Mutex // one reload at a time
	names    itemNames
	// closeShared closes the connections to the engines replicas share
	// (scale.go); nil before Run.
	closeShared func() error
}

// NewMain returns a Main with the default configuration, printing to stdout
// and logging to stderr.
func NewMain(stdout, stderr io.Writer) *Main {
	return &Main{
		Config:    DefaultConfig(),
		Stdout:    stdout,
		Stderr:    stderr,
		LookupEnv: os.LookupEnv,
		serveErr:  make(chan error, 1),
	}
}

// configError is a configuration that cannot be used: the server refuses
// to start.
type configError struct{ err error }

func (e *configError) Error() string {
	return "invalid configuration:\n  " + strings.ReplaceAll(e.err.Error(), "\n", "\n  ")
}
func (e *configError) Unwrap() error { return e.err }

// ParseFlags reads `serve [-config FILE] [-addr ADDR]`, loads the
// configuration (file, then environment, then flags) and validates it. An
// unusable configuration is returned as an error naming each bad field.
func (m *Main) ParseFlags(args []string) error {
	fs := newFlags("serve", "[-config FILE] [-addr ADDR]", m.Stderr)
	fs.StringVar(&m.ConfigPath, "config", "", "configuration `FILE` (YAML; default $DUTYBOT_CONFIG; settings also from DUTYBOT_… variables)")
	addr := fs.String("addr", "", "listen `ADDR`ess, overriding the configuration and DUTYBOT_ADDR (default :8080)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(m.Stderr, "dutybot serve: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return errors.New("unexpected argument")
	}
	cfg, err := LoadConfig(m.ConfigPath, m.LookupEnv)
	if err != nil {
		return &configError{err}
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	if err := cfg.Validate(); err != nil {
		return &configError{err}
	}
	m.Config = cfg
	m.Logger = newLogger(m.Stderr, cfg.Log)
	return nil
}

// newLogger returns the process logger. Levels and formats were validated.
func newLogger(w io.Writer, c LogConfig) *slog.Logger {
	var level slog.Level
	switch strings.ToLower(c.Level) {
	case "debug":
		level = slog.LevelDebug
	case "warn", "warning":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

var ginRelease = sync.OnceFunc(func() { gin.SetMode(gin.ReleaseMode) })

// DefaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT
// is not set: with it the garbage collector works harder instead of letting
// the heap double, which keeps the server's resident memory under 100 MB
// at full load on a small machine (scripts/bench: about 94 MB). Closer to
// the live heap (about 40 MB under load) the collector runs all the time:
// at 50 MiB a WeChat message took twice the CPU. It is soft: a larger
// catalog still fits, at some cost in CPU. GOMEMLIMIT overrides it
// (GOMEMLIMIT=off for none).
const DefaultMemoryLimit = 60 << 20

// setMemoryLimit applies DefaultMemoryLimit unless GOMEMLIMIT is set, once
// per process.
var setMemoryLimit = sync.OnceValue(func() int64 {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); ok {
		return debug.SetMemoryLimit(-1)
	}
	debug.SetMemoryLimit(DefaultMemoryLimit)
	return DefaultMemoryLimit
})

// Run opens the question log, loads the documents, starts listening and
// serves in the background; it returns once the server accepts
// connections. ctx bounds the start only. On error, call Close to release
// what was opened.
func (m *Main) Run(ctx context.Context) error {
	cfg := m.Config
	if m.Logger == nil {
		m.Logger = newLogger(m.Stderr, cfg.Log)
	}
	if m.ShutdownTimeout <= 0 {
		m.ShutdownTimeout = 15 * time.Second
	}
	log := m.Logger
	ginRelease()
	// Several replicas: state in Redis, the log in PostgreSQL, when
	// configured; otherwise every field is nil and the defaults below stay.
	shared, closeShared, err := openShared(ctx, cfg, log)
	if err != nil {
		return err
	}
	m.closeShared = closeShared

	store := shared.Store
	if store == nil {
		if err := os.MkdirAll(cfg.Data, 0o750); err != nil {
			return fmt.Errorf("data folder: %w", err)
		}
		if store, err = qlog.Open(cfg.DBPath()); err != nil {
			return err
		}
	}
	m.Store = store
	m.Metrics = handlers.NewMetrics()
	if err := shared.Register(m.Metrics.Registry()); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	m.Log = qlog.NewWriter(store, qlog.WriterOptions{
		Logger: log,
		OnDrop: m.Metrics.AddLogDrops,
		Names:  m.names.name,
	})

	opts := bot.Options{Recorder: m.Log, Sessions: shared.Sessions, Limiter: shared.Limiter, Contacts: cfg.Contacts.Bot()}
	if cfg.RateLimit > 0 && opts.Limiter == nil {
		opts.Limiter = bot.NewMemoryLimiter(cfg.RateLimit)
	}
	if cfg.ClientRateLimit > 0 && shared.Clients == nil {
		shared.Clients = bot.NewMemoryLimiter(cfg.ClientRateLimit)
	}
	b, cat, err := app.NewBotSources(opts, cfg.Sources())
	if err != nil {
		return fmt.Errorf("load documents: %w", err)
	}
	if err := cfg.Contacts.checkAgainst(b.Library()); err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	for _, p := range cat.Problems {
		log.Warn("document problem", "problem", fmt.Sprint(p))
	}
	for t, status := range cat.Examples {
		log.Info("examples indexed", "township", t, "how", status)
	}
	m.Bot = b
	m.names.set(b)
	m.Metrics.SetLibrary(b.Library())

	engine, err := handlers.New(handlers.Options{
		Bot:             b,
		WeChatPath:      cfg.WeChat.Path,
		AppID:           cfg.WeChat.AppID,
		AppSecret:       cfg.WeChat.AppSecret,
		Token:           cfg.WeChat.Token,
		EncodingAESKey:  cfg.WeChat.EncodingAESKey,
		WeComPath:       cfg.WeComBot.Path,
		WeComToken:      cfg.WeComBot.Token,
		WeComAESKey:     cfg.WeComBot.EncodingAESKey,
		Logger:          log,
		Metrics:         m.Metrics,
		Dedupe:          shared.Dedupe,
		Nonces:          shared.Nonces,
		ClientLimiter:   shared.Clients,
		TrustedProxies:  cfg.proxies(),
		TimestampWindow: cfg.WeChat.window(),
		WeChatCache:     shared.WeChatCache,
		Menu:            cfg.Menu,
		Ready:           m.ready,
		Admin:           handlers.Admin{Token: cfg.AdminToken, Report: m.report, Reload: m.Reload},
		Extra:           func(e *gin.Engine) { web.Register(e) }, // the staff console at /
	})
	if err != nil {
		return err
	}

	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	m.ln = ln
	m.srv = &http.Server{
		Handler:           engine,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	srv := m.srv // Close clears m.srv, maybe before this goroutine runs
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.serveErr <- err
		}
	}()
	// Loading made garbage (parsing the lists and the knowledge bank,
	// analysing the lists) that the server's steady state does not need:
	// it is returned to the system while the server already answers, and
	// only then the memory limit is set (under it, the collector would have
	// run again and again while loading).
	go func() {
		debug.FreeOSMemory()
		if limit := setMemoryLimit(); limit < 1<<62 {
			log.Debug("memory limit", "bytes", limit)
		}
	}()

	bg, stop := context.WithCancel(context.Background())
	m.stopBG, m.bgDone = stop, make(chan struct{})
	go m.background(bg)

	fmt.Fprintln(m.Stdout, m.startLine())
	log.Info("started", "addr", m.Addr(), "townships", len(b.Library().Townships), "db", logWhere(cfg),
		"wechat", cfg.WeChat.Enabled(), "wecom_bot", cfg.WeComBot.Enabled(), "admin", cfg.AdminToken != "",
		"rate_limit", cfg.RateLimit)
	return nil
}

// Addr returns the address the server listens on (the port chosen when
// the configuration said :0), or "" before Run.
func (m *Main) Addr() string {
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// startLine is the one line printed at start: where, and what is served.
func (m *Main) startLine() string {
	cfg := m.Config
	var sb strings.Builder
	fmt.Fprintf(&sb, "dutybot serving on http://%s", m.Addr())
	var ts []string
	for _, t := range m.Bot.Library().Townships {
		ts = append(ts, fmt.Sprintf("%s (%d items)", t.Name, len(t.Items)))
	}
	docs := "embedded list"
	if len(cfg.Documents) > 0 {
		docs = strings.Join(cfg.Documents, ", ")
	}
	fmt.Fprintf(&sb, " | %s from %s", strings.Join(ts, ", "), docs)
	ch := []string{"api /api/ask"}
	if cfg.WeChat.Enabled() {
		mode := "plaintext mode"
		if cfg.WeChat.EncodingAESKey != "" {
			mode = "safe mode"
		}
		ch = append(ch, fmt.Sprintf("wechat %s (%s)", cfg.WeChat.Path, mode))
	}
	if cfg.WeComBot.Enabled() {
		ch = append(ch, "wecom bot "+cfg.WeComBot.Path)
	}
	fmt.Fprintf(&sb, " | channels: %s", strings.Join(ch, ", "))
	fmt.Fprintf(&sb, " | log %s", logWhere(cfg))
	if cfg.Redis.URL != "" {
		sb.WriteString(" | state in redis")
	}
	if cfg.AdminToken != "" {
		sb.WriteString(" | admin API on")
	} else {
		sb.WriteString(" | admin API off")
	}
	if cfg.RateLimit > 0 {
		fmt.Fprintf(&sb, " | rate limit %d/min", cfg.RateLimit)
	}
	return sb.String()
}

// background feeds the log queue depth gauge until ctx ends.
func (m *Main) background(ctx context.Context) {
	defer close(m.bgDone)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var nextPrune time.Time // now: the first pruning runs at start
	for {
		m.Metrics.SetLogQueueDepth(m.Log.Len())
		if days := m.Config.RetentionDays; days > 0 && !time.Now().Before(nextPrune) {
			nextPrune = time.Now().Add(pruneEvery)
			m.prune(ctx, time.Now().AddDate(0, 0, -days))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pruneEvery is how often the question log is pruned when retention_days
// is set.
const pruneEvery = 24 * time.Hour

// prune deletes the question log's rows older than before. With several
// replicas each prunes the shared log; the deletes do not conflict.
func (m *Main) prune(ctx context.Context, before time.Time) {
	start := time.Now()
	q, f, err := m.Store.Prune(ctx, before)
	if err != nil && ctx.Err() == nil {
		m.Logger.Warn("question log pruning failed", "before", before.Format(time.DateOnly), "err", err,
			"questions", q, "feedback", f)
		return
	}
	if q > 0 || f > 0 {
		m.Logger.Info("question log pruned", "before", before.Format(time.DateOnly), "questions", q, "feedback", f,
			"took", time.Since(start).Round(time.Millisecond))
	}
}

// ready is the readiness check: documents loaded and the log writable.
func (m *Main) ready() error {
	lib := m.Bot.Library()
	if lib == nil || len(lib.Townships) == 0 {
		return errors.New("no documents loaded")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return m.Store.Ping(ctx)
}

// Reload re-reads the documents and the synonym table and swaps them in
// when they load cleanly. Otherwise the old set keeps serving and the
// error, naming file:line, is logged and returned.
func (m *Main) Reload() error {
	m.reloadMu.Lock()
	defer m.reloadMu.Unlock()
	err := m.reload()
	if err != nil {
		m.Logger.Error("reload failed, keeping the documents in service", "err", err)
		return err
	}
	lib := m.Bot.Library()
	n := 0
	for _, t := range lib.Townships {
		n += len(t.Items)
	}
	if err := m.Config.Contacts.checkAgainst(lib); err != nil {
		m.Logger.Warn("the contacts do not fit the reloaded documents", "err", err)
	}
	m.Logger.Info("reloaded", "townships", len(lib.Townships), "items", n)
	return nil
}

// ReloadError is a reload refused because the documents have problems.
type ReloadError struct {
	Problems []string // file:line: what
}

func (e *ReloadError) Error() string {
	const show = 10
	var sb strings.Builder
	fmt.Fprintf(&sb, "documents have %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == show {
			fmt.Fprintf(&sb, "\n… and %d more", len(e.Problems)-show)
			break
		}
		sb.WriteString("\n" + p)
	}
	return sb.String()
}

func (m *Main) reload() error {
	cat, err := app.LoadSources(m.Config.Sources())
	if err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	if len(cat.Problems) > 0 {
		re := &ReloadError{}
		for _, p := range cat.Problems {
			re.Problems = append(re.Problems, fmt.Sprint(p))
		}
		return fmt.Errorf("reload: %w", re)
	}
	if err := m.Bot.Swap(cat.Library, cat.Rankers); err != nil {
		return fmt.Errorf("reload: %w", err)
	}
	m.Metrics.SetLibrary(cat.Library)
	return nil
}

// Close shuts down gracefully: it stops accepting connections, waits for
// the replies in flight (up to ShutdownTimeout), flushes the question log
// and closes the database. It is safe after a failed Run.
func (m *Main) Close() error {
	var errs []error
	if m.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), m.ShutdownTimeout)
		if err := m.srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("http shutdown: %w", err))
			m.srv.Close()
		}
		cancel()
		m.srv = nil
	} else if m.ln != nil {
		m.ln.Close()
	}
	if m.stopBG != nil {
		m.stopBG()
		<-m.bgDone
		m.stopBG = nil
	}
	if m.Log != nil {
		if err := m.Log.Close(); err != nil {
			errs = append(errs, err)
		}
		if n := m.Log.Dropped(); n > 0 {
			m.Logger.Warn("question log flushed; records lost since start", "written", m.Log.Written(), "lost", n)
		} else {
			m.Logger.Info("question log flushed", "written", m.Log.Written())
		}
		m.Log = nil
	}
	if m.Store != nil {
		if err := m.Store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close question log: %w", err))
		}
		m.Store = nil
	}
	if m.closeShared != nil {
		if err := m.closeShared(); err != nil {
			errs = append(errs, fmt.Errorf("close redis: %w", err))
		}
		m.closeShared = nil
	}
	return errors.Join(errs...)
}

// report is the admin API's report: what was just asked is flushed to
// the log first, so that it appears.
func (m *Main) report(ctx context.Context, since, until time.Time) (any, error) {
	fctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	_ = m.Log.Flush(fctx)
	cancel()
	rep, err := m.Store.Report(ctx, qlog.ReportOptions{Since: since, Until: until})
	if err != nil {
		return nil, fmt.Errorf("admin report: %w", err)
	}
	return rep, nil
}

// itemNames gives the question log the names of items, from the library
// in service. Only the log writer's goroutine calls it.
type itemNames struct {
	mu  sync.Mutex
	bot *bot.Bot
}

func (n *itemNames) set(b *bot.Bot) {
	n.mu.Lock()
	n.bot = b
	n.mu.Unlock()
}

func (n *itemNames) name(township, ref string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.bot == nil {
		return ""
	}
	if t := n.bot.Library().Township(township); t != nil {
		if it := t.Item(ref); it != nil {
			return it.Name
		}
	}
	return ""
}
