package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"github.com/silenceper/wechat/v2/cache"

	"dutybot/bot"
	"dutybot/handlers/qlog"
	"dutybot/handlers/redisstore"
)

// Shared is the state a replica shares with the others when several run
// behind one URL (issue 6): with redis.url, the sessions, the dedupe keys
// of retries, the rate limits and the WeChat access token live in Redis;
// with postgres.url, the question log lives in PostgreSQL. A field left
// nil keeps the embedded default of a single process (in-memory state,
// SQLite in the data folder); with nothing configured every field is nil.
type Shared struct {
	Redis       *redisstore.Client // nil without redis.url
	Sessions    bot.SessionStore   // for bot.Options.Sessions
	Limiter     bot.Limiter        // for bot.Options.Limiter; nil also when the rate limit is off
	Clients     bot.Limiter        // for handlers.Options.ClientLimiter; nil also when that limit is off
	Dedupe      bot.DedupeStore    // for handlers.Options.Dedupe
	Nonces      bot.DedupeStore    // for handlers.Options.Nonces
	WeChatCache cache.Cache        // for handlers.Options.WeChatCache
	Store       *qlog.Store        // the question log in PostgreSQL; nil without postgres.url
}

// openShared connects to what cfg configures and returns the stores to put
// into bot.Options, handlers.Options and the log writer, and a func that
// closes the Redis connection (the Store is closed by its owner, after the
// log writer is flushed).
//
// Redis that does not answer is no error: the stores then answer from
// in-process state until it does (see package redisstore). PostgreSQL that
// does not answer within 15 seconds, or refuses the connection, is: the
// question log cannot be opened and the server does not start.
func openShared(ctx context.Context, cfg Config, log *slog.Logger) (*Shared, func() error, error) {
	sh := &Shared{}
	closeFn := func() error { return nil }
	if u := cfg.Redis.URL; u != "" {
		quietRedis(log)
		c, err := redisstore.New(u, redisstore.Options{Logger: log})
		if err != nil {
			return nil, nil, fmt.Errorf("redis.url: %w", err)
		}
		sh.Redis = c
		sh.Sessions = redisstore.NewSessions(c, 10000)
		sh.Dedupe = redisstore.NewDedupe(c, 2*time.Minute)
		// A plaintext-mode nonce is remembered as long as its timestamp
		// is accepted, on every replica.
		sh.Nonces = redisstore.NewDedupe(c, 2*cfg.WeChat.window())
		sh.WeChatCache = redisstore.NewCache(c)
		if cfg.RateLimit > 0 {
			sh.Limiter = redisstore.NewLimiter(c, cfg.RateLimit)
		}
		if cfg.ClientRateLimit > 0 {
			sh.Clients = redisstore.NewLimiter(c, cfg.ClientRateLimit)
		}
		closeFn = c.Close
		log.Info("shared state in redis", "redis", redactURL(u), "up", c.Up())
	}
	if u := cfg.Postgres.URL; u != "" {
		s, err := qlog.OpenPostgres(ctx, u)
		if err != nil {
			closeFn()
			return nil, nil, err
		}
		sh.Store = s
	}
	return sh, closeFn, nil
}

// Register adds the Redis health metrics to reg: dutybot_redis_up,
// dutybot_redis_outages_total and dutybot_redis_fallbacks_total. It does
// nothing without Redis.
func (sh *Shared) Register(reg prometheus.Registerer) error {
	c := sh.Redis
	if c == nil {
		return nil
	}
	return errors.Join(
		reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "dutybot_redis_up",
			Help: "1 when the shared state is in Redis, 0 while Redis is unavailable and each replica keeps its own.",
		}, func() float64 {
			if c.Up() {
				return 1
			}
			return 0
		})),
		reg.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "dutybot_redis_outages_total",
			Help: "Times Redis was found unavailable.",
		}, func() float64 { return float64(c.Outages()) })),
		reg.Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "dutybot_redis_fallbacks_total",
			Help: "Session, dedupe, rate-limit and token operations answered from in-process state because Redis was unavailable.",
		}, func() float64 { return float64(c.Fallbacks()) })),
	)
}

// logWhere names the question log for the start line and the logs: the
// SQLite file, or the PostgreSQL host and database without credentials.
func logWhere(cfg Config) string {
	if cfg.Postgres.URL == "" {
		return cfg.DBPath()
	}
	return "postgres " + redactURL(cfg.Postgres.URL)
}

// redactURL returns host and database of a connection URL or libpq
// key=value string, never the user or password.
func redactURL(s string) string {
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil {
			return "(unreadable URL)"
		}
		return u.Host + u.Path
	}
	var host, db string
	for _, f := range strings.Fields(s) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "host":
			host = v
		case "dbname":
			db = "/" + v
		}
	}
	return host + db
}

// openReportLog opens the log `dutybot report` reads: PostgreSQL when
// pgURL is set, else the SQLite file at path (qlog.ErrNoDatabase when it
// does not exist).
func openReportLog(ctx context.Context, path, pgURL string) (*qlog.Store, error) {
	if pgURL != "" {
		return qlog.OpenPostgres(ctx, pgURL)
	}
	return qlog.OpenExisting(path)
}

// quietRedis routes go-redis's own log lines (pool and reconnect notes,
// printed to stderr by default) to the process log at debug level: the
// stores report outages themselves, once each.
var quietRedisOnce sync.Once

func quietRedis(log *slog.Logger) {
	quietRedisOnce.Do(func() { redis.SetLogger(redisLogger{log}) })
}

type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}
