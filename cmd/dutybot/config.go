package main

import (
	"dutybot/cmd/dutybot/app"
	"dutybot/handlers"
	"dutybot/nlp"

	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Config is dutybot's configuration: DefaultConfig, overlaid by a YAML file
// (ReadConfigFile), overlaid by the DUTYBOT_… environment (ApplyEnv), then by
// command-line flags. Nothing is required: the defaults serve the embedded
// duty list and the JSON API on :8080.
//
// Relative paths (data, documents, synonyms) are relative to the working
// directory of the process, not to the configuration file.
type Config struct {
	Addr       string `yaml:"addr"`        // DUTYBOT_ADDR: listen address
	Data       string `yaml:"data"`        // DUTYBOT_DATA: folder of the question log (dutybot.db)
	AdminToken string `yaml:"admin_token"` // DUTYBOT_ADMIN_TOKEN: bearer token of /api/admin; empty turns the admin API off
	RateLimit  int    `yaml:"rate_limit"`  // DUTYBOT_RATE_LIMIT: questions per user per minute, 0 = no limit
	// ClientRateLimit is the JSON API's questions per client address and
	// minute (DUTYBOT_CLIENT_RATE_LIMIT), 0 = no limit; the admin token
	// is exempt.
	ClientRateLimit int `yaml:"client_rate_limit"`
	// TrustedProxies are the reverse proxies in front, IPs or CIDR
	// prefixes (DUTYBOT_TRUSTED_PROXIES, comma-separated): the client
	// address is read from their X-Forwarded-For. Empty means loopback
	// (127.0.0.1 and ::1, a proxy on the same host).
	TrustedProxies []string `yaml:"trusted_proxies"`
	// RetentionDays is how long the question log keeps questions and
	// feedback (DUTYBOT_RETENTION_DAYS); older rows are deleted once a
	// day. Default 180; 0 keeps everything.
	RetentionDays int `yaml:"retention_days"`

	Log LogConfig `yaml:"log"`

	// Documents are duty-list files or folders of them (DUTYBOT_DOCUMENTS,
	// comma-separated); none means the embedded list.
	Documents []string `yaml:"documents"`
	// Synonyms is the synonym table (DUTYBOT_SYNONYMS); empty means the
	// embedded table.
	Synonyms string `yaml:"synonyms"`
	// Knowledge is the knowledge bank of how people ask about each matter
	// (DUTYBOT_KNOWLEDGE) and OutOfScope the bank of matters no township
	// list covers (DUTYBOT_OUT_OF_SCOPE); empty means the embedded ones.
	Knowledge  string `yaml:"knowledge"`
	OutOfScope string `yaml:"out_of_scope"`

	WeChat   WeChatConfig   `yaml:"wechat"`
	WeComBot WeComBotConfig `yaml:"wecom_bot"`

	// Contacts are the places and numbers answers name (contacts.go);
	// DUTYBOT_CONTACTS names a YAML file of the same keys, which replaces
	// them.
	Contacts ContactsConfig `yaml:"contacts"`
	// Menu is the official account's custom menu: `dutybot menu` creates
	// it, and the server answers its clicks. DUTYBOT_MENU names a YAML
	// file holding a menu: list, which replaces it.
	Menu []handlers.MenuButton `yaml:"menu"`

	// Redis and Postgres, when set, let several replicas share state: the
	// sessions, retry dedupe, rate limits and WeChat access token in Redis,
	// the question log in PostgreSQL (see scale.go).
	Redis    URLConfig `yaml:"redis"`
	Postgres URLConfig `yaml:"postgres"`
}

// LogConfig configures the process log (log/slog).
type LogConfig struct {
	Format string `yaml:"format"` // DUTYBOT_LOG_FORMAT: text or json
	Level  string `yaml:"level"`  // DUTYBOT_LOG_LEVEL: debug, info, warn or error
}

// WeChatConfig is the official account (公众号). The channel is on when
// Token is set; EncodingAESKey (with AppID) enables the safe mode.
type WeChatConfig struct {
	AppID          string `yaml:"app_id"`           // DUTYBOT_WECHAT_APPID
	AppSecret      string `yaml:"app_secret"`       // DUTYBOT_WECHAT_APPSECRET
	Token          string `yaml:"token"`            // DUTYBOT_WECHAT_TOKEN
	EncodingAESKey string `yaml:"encoding_aes_key"` // DUTYBOT_WECHAT_AESKEY
	Path           string `yaml:"path"`             // DUTYBOT_WECHAT_PATH
	// TimestampWindow is how many seconds a plaintext-mode message's
	// timestamp may be from the clock, either way
	// (DUTYBOT_WECHAT_TIMESTAMP_WINDOW); 0 means 300.
	TimestampWindow int `yaml:"timestamp_window"`
}

// Enabled reports whether the official-account channel is configured.
func (c WeChatConfig) Enabled() bool { return c.Token != "" }

// WeComBotConfig is the WeCom intelligent bot (企业微信智能机器人). The channel
// is on when Token is set; its messages are always encrypted, so
// EncodingAESKey is then required too.
type WeComBotConfig struct {
	Token          string `yaml:"token"`            // DUTYBOT_WECOM_BOT_TOKEN
	EncodingAESKey string `yaml:"encoding_aes_key"` // DUTYBOT_WECOM_BOT_AESKEY
	Path           string `yaml:"path"`             // DUTYBOT_WECOM_BOT_PATH
}

// Enabled reports whether the WeCom bot channel is configured.
func (c WeComBotConfig) Enabled() bool { return c.Token != "" }

// URLConfig is a connection URL of an external engine.
type URLConfig struct {
	URL string `yaml:"url"`
}

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Addr:            ":8080",
		Data:            "./data",
		RateLimit:       20,
		ClientRateLimit: 60,
		RetentionDays:   180,
		Log:             LogConfig{Format: "text", Level: "info"},
		WeChat:          WeChatConfig{Path: "/wechat", TimestampWindow: 300},
		WeComBot:        WeComBotConfig{Path: "/wecom/bot"},
	}
}

// DBPath returns the path of the SQLite question log: <data>/dutybot.db.
func (c Config) DBPath() string { return filepath.Join(c.Data, "dutybot.db") }

// ReadConfigFile reads the YAML configuration file at path over the
// defaults. ${VAR} references in the file are expanded from the
// environment first (see ParseConfig).
func ReadConfigFile(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	c, err := ParseConfig(f)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// ParseConfig reads a YAML configuration over the defaults. Before parsing,
// ${VAR} and $VAR are replaced by the environment variable VAR (an unset
// variable becomes empty), so that secrets stay out of the file; write $$
// for a literal $. Unknown keys are an error, so that a misspelt setting is
// not silently ignored; the error names the line.
func ParseConfig(r io.Reader) (Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Config{}, fmt.Errorf("read config: %w", err)
	}
	expanded := os.Expand(string(data), func(name string) string {
		if name == "$" {
			return "$"
		}
		return os.Getenv(name)
	})
	c := DefaultConfig()
	// A file of comments only is the defaults (decoding it into c would
	// zero c).
	var doc any
	if err := yaml.Unmarshal([]byte(expanded), &doc); err == nil && doc == nil {
		return c, nil
	}
	if err := yaml.UnmarshalWithOptions([]byte(expanded), &c, yaml.DisallowUnknownField()); err != nil {
		// Without the source: the expanded text may hold secrets.
		return Config{}, fmt.Errorf("parse config: %s", yaml.FormatError(err, false, false))
	}
	if len(c.Documents) == 0 {
		c.Documents = nil // "documents: []" is the default
	}
	return c, nil
}

// envSetting binds a DUTYBOT_… variable to a setting.
type envSetting struct {
	name  string
	field string
	set   func(c *Config, v string) error
}

func envString(p func(c *Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *p(c) = v; return nil }
}

func envInt(msg string, p func(c *Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return errors.New(msg)
		}
		*p(c) = n
		return nil
	}
}

// envSettings lists every environment variable that overrides a setting.
// The channel names are fixed by the channels issue; keep them.
var envSettings = []envSetting{
	{"DUTYBOT_ADDR", "addr", envString(func(c *Config) *string { return &c.Addr })},
	{"DUTYBOT_DATA", "data", envString(func(c *Config) *string { return &c.Data })},
	{"DUTYBOT_ADMIN_TOKEN", "admin_token", envString(func(c *Config) *string { return &c.AdminToken })},
	{"DUTYBOT_RATE_LIMIT", "rate_limit", envInt("must be a whole number", func(c *Config) *int { return &c.RateLimit })},
	{"DUTYBOT_CLIENT_RATE_LIMIT", "client_rate_limit", envInt("must be a whole number", func(c *Config) *int { return &c.ClientRateLimit })},
	{"DUTYBOT_TRUSTED_PROXIES", "trusted_proxies", func(c *Config, v string) error {
		c.TrustedProxies = splitList(v)
		return nil
	}},
	{"DUTYBOT_RETENTION_DAYS", "retention_days", envInt("must be a whole number of days", func(c *Config) *int { return &c.RetentionDays })},
	{"DUTYBOT_LOG_FORMAT", "log.format", envString(func(c *Config) *string { return &c.Log.Format })},
	{"DUTYBOT_LOG_LEVEL", "log.level", envString(func(c *Config) *string { return &c.Log.Level })},
	{"DUTYBOT_DOCUMENTS", "documents", func(c *Config, v string) error {
		c.Documents = splitList(v)
		return nil
	}},
	{"DUTYBOT_SYNONYMS", "synonyms", envString(func(c *Config) *string { return &c.Synonyms })},
	{"DUTYBOT_KNOWLEDGE", "knowledge", envString(func(c *Config) *string { return &c.Knowledge })},
	{"DUTYBOT_OUT_OF_SCOPE", "out_of_scope", envString(func(c *Config) *string { return &c.OutOfScope })},
	{"DUTYBOT_WECHAT_APPID", "wechat.app_id", envString(func(c *Config) *string { return &c.WeChat.AppID })},
	{"DUTYBOT_WECHAT_APPSECRET", "wechat.app_secret", envString(func(c *Config) *string { return &c.WeChat.AppSecret })},
	{"DUTYBOT_WECHAT_TOKEN", "wechat.token", envString(func(c *Config) *string { return &c.WeChat.Token })},
	{"DUTYBOT_WECHAT_AESKEY", "wechat.encoding_aes_key", envString(func(c *Config) *string { return &c.WeChat.EncodingAESKey })},
	{"DUTYBOT_WECHAT_PATH", "wechat.path", envString(func(c *Config) *string { return &c.WeChat.Path })},
	{"DUTYBOT_WECHAT_TIMESTAMP_WINDOW", "wechat.timestamp_window", envInt("must be a whole number of seconds", func(c *Config) *int { return &c.WeChat.TimestampWindow })},
	{"DUTYBOT_WECOM_BOT_TOKEN", "wecom_bot.token", envString(func(c *Config) *string { return &c.WeComBot.Token })},
	{"DUTYBOT_WECOM_BOT_AESKEY", "wecom_bot.encoding_aes_key", envString(func(c *Config) *string { return &c.WeComBot.EncodingAESKey })},
	{"DUTYBOT_WECOM_BOT_PATH", "wecom_bot.path", envString(func(c *Config) *string { return &c.WeComBot.Path })},
	{"DUTYBOT_REDIS_URL", "redis.url", envString(func(c *Config) *string { return &c.Redis.URL })},
	{"DUTYBOT_CONTACTS", "contacts", func(c *Config, v string) (err error) {
		c.Contacts, err = readContactsFile(v)
		return err
	}},
	{"DUTYBOT_MENU", "menu", func(c *Config, v string) (err error) {
		c.Menu, err = readMenuFile(v)
		return err
	}},
	{"DUTYBOT_POSTGRES_URL", "postgres.url", envString(func(c *Config) *string { return &c.Postgres.URL })},
}

// Sources are the files the bot's catalog is loaded from, with the cache
// of the examples' analysis in <data>/cache.
func (c *Config) Sources() app.Sources {
	return app.Sources{
		Documents: c.Documents, Synonyms: c.Synonyms, Knowledge: c.Knowledge, OutOfScope: c.OutOfScope,
		Cache: nlp.DirCache{Dir: filepath.Join(c.Data, "cache")},
	}
}

// ApplyEnv overrides settings from the environment, read through lookup
// (os.LookupEnv in the command). A variable that is unset or empty leaves
// the setting alone. It returns a ConfigValidationError naming the variable
// when a value cannot be read (DUTYBOT_RATE_LIMIT=abc).
func (c *Config) ApplyEnv(lookup func(string) (string, bool)) error {
	var errs []error
	for _, s := range envSettings {
		v, ok := lookup(s.name)
		if !ok || v == "" {
			continue
		}
		if err := s.set(c, v); err != nil {
			errs = append(errs, &ConfigValidationError{Field: s.name, Err: err, Value: v})
		}
	}
	return errors.Join(errs...)
}

// ConfigValidationError is a setting that is wrong, named as in the YAML file
// (wechat.encoding_aes_key) or as the environment variable it came from.
type ConfigValidationError struct {
	Field string
	Err   error
	// Value is the offending value when it is safe to show; secrets are
	// never copied here.
	Value any
}

func (e *ConfigValidationError) Error() string {
	if e.Value != nil {
		return fmt.Sprintf("%s: %v (got %q)", e.Field, e.Err, fmt.Sprint(e.Value))
	}
	return fmt.Sprintf("%s: %v", e.Field, e.Err)
}

func (e *ConfigValidationError) Unwrap() error { return e.Err }

// Validate checks every setting and returns all the problems found, joined;
// each is a *ConfigValidationError naming its field (errors.As finds the
// first). The server refuses to start on a non-nil result.
func (c Config) Validate() error {
	var errs []error
	bad := func(field string, value any, format string, args ...any) {
		errs = append(errs, &ConfigValidationError{Field: field, Err: fmt.Errorf(format, args...), Value: value})
	}
	secret := func(field, format string, args ...any) { bad(field, nil, format, args...) }

	if c.Addr == "" {
		bad("addr", nil, "must not be empty (e.g. :8080)")
	} else if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("addr", c.Addr, "must be host:port or :port")
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("addr", c.Addr, "port must be a number from 0 to 65535")
	}
	if strings.TrimSpace(c.Data) == "" {
		bad("data", nil, "must not be empty (e.g. ./data)")
	}
	if c.AdminToken != "" {
		if len(c.AdminToken) < 16 {
			secret("admin_token", "must be at least 16 characters (or empty to turn the admin API off)")
		} else if strings.ContainsFunc(c.AdminToken, func(r rune) bool { return r <= ' ' || r > '~' }) {
			secret("admin_token", "must be printable ASCII without spaces")
		}
	}
	if c.RateLimit < 0 {
		bad("rate_limit", c.RateLimit, "must be 0 (no limit) or more")
	}
	if c.ClientRateLimit < 0 {
		bad("client_rate_limit", c.ClientRateLimit, "must be 0 (no limit) or more")
	}
	for i, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				bad(fmt.Sprintf("trusted_proxies[%d]", i), p, "must be an IP address or a CIDR prefix (10.0.0.0/8)")
			}
		}
	}
	if c.RetentionDays < 0 {
		bad("retention_days", c.RetentionDays, "must be 0 (keep everything) or more")
	} else if c.RetentionDays > 0 && c.RetentionDays < 7 {
		bad("retention_days", c.RetentionDays, "must be at least 7, so that the weekly report has its data (or 0 to keep everything)")
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format", c.Log.Format, "must be text or json")
	}
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "warning", "error":
	default:
		bad("log.level", c.Log.Level, "must be debug, info, warn or error")
	}
	for i, d := range c.Documents {
		if strings.TrimSpace(d) == "" {
			bad(fmt.Sprintf("documents[%d]", i), nil, "must not be empty")
		}
	}

	// Official account.
	w := c.WeChat
	if w.Token != "" && !tokenOK(w.Token, 3, 32) {
		secret("wechat.token", "must be 3 to 32 letters or digits")
	}
	if w.EncodingAESKey != "" {
		if err := aesKeyOK(w.EncodingAESKey); err != nil {
			secret("wechat.encoding_aes_key", "%v", err)
		}
		if w.Token == "" {
			secret("wechat.token", "required when wechat.encoding_aes_key is set")
		}
		if w.AppID == "" {
			bad("wechat.app_id", nil, "required when wechat.encoding_aes_key is set (safe mode checks it)")
		}
	}
	if w.AppID != "" && !tokenOK(w.AppID, 1, 64) {
		bad("wechat.app_id", w.AppID, "must be letters and digits (wx…)")
	}
	if (w.AppID != "" || w.AppSecret != "") && w.Token == "" {
		secret("wechat.token", "required when wechat.app_id or wechat.app_secret is set")
	}
	checkPath(&errs, "wechat.path", w.Path)
	if w.TimestampWindow != 0 && (w.TimestampWindow < 30 || w.TimestampWindow > 86400) {
		bad("wechat.timestamp_window", w.TimestampWindow, "must be from 30 to 86400 seconds (or 0 for the default, 300)")
	}

	// WeCom intelligent bot.
	b := c.WeComBot
	if b.Token != "" && !tokenOK(b.Token, 1, 32) {
		secret("wecom_bot.token", "must be at most 32 letters or digits")
	}
	if b.EncodingAESKey != "" {
		if err := aesKeyOK(b.EncodingAESKey); err != nil {
			secret("wecom_bot.encoding_aes_key", "%v", err)
		}
		if b.Token == "" {
			secret("wecom_bot.token", "required when wecom_bot.encoding_aes_key is set")
		}
	} else if b.Token != "" {
		secret("wecom_bot.encoding_aes_key", "required when wecom_bot.token is set (the bot's messages are always encrypted)")
	}
	checkPath(&errs, "wecom_bot.path", b.Path)
	if w.Path != "" && w.Path == b.Path {
		bad("wecom_bot.path", b.Path, "must differ from wechat.path")
	}

	c.Contacts.validate(bad)
	var menuErr *handlers.MenuError
	for _, err := range unjoin(handlers.ValidateMenu(c.Menu)) {
		if errors.As(err, &menuErr) {
			bad("menu"+menuErr.Field, menuErr.Value, "%v", menuErr.Err)
		}
	}

	if u := c.Redis.URL; u != "" {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "redis" && p.Scheme != "rediss") || p.Host == "" {
			secret("redis.url", "must be a redis:// or rediss:// URL with a host")
		}
	}
	if u := c.Postgres.URL; u != "" && strings.Contains(u, "://") {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
			secret("postgres.url", "must be a postgres:// URL or a libpq key=value string")
		}
	}
	return errors.Join(errs...)
}

// unjoin returns the errors that errors.Join joined (err itself when it
// joined none).
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// reservedPaths are served by dutybot itself; a channel path must not
// shadow them.
var reservedPaths = []string{"/api", "/healthz", "/readyz", "/metrics"}

func checkPath(errs *[]error, field, p string) {
	bad := func(msg string) {
		*errs = append(*errs, &ConfigValidationError{Field: field, Err: errors.New(msg), Value: p})
	}
	switch {
	case p == "":
		bad("must not be empty (e.g. /wechat)")
	case !strings.HasPrefix(p, "/"):
		bad("must start with /")
	case p == "/":
		bad("must not be the root path /")
	case strings.ContainsAny(p, " ?#:*\t\r\n"):
		bad("must be a plain path without spaces, ?, #, : or *")
	default:
		for _, r := range reservedPaths {
			if p == r || strings.HasPrefix(p, r+"/") {
				bad("must not be under " + r + " (used by dutybot itself)")
				return
			}
		}
	}
}

// tokenOK reports whether s is min to max ASCII letters or digits, as
// WeChat and WeCom require of a callback Token.
func tokenOK(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// aesKeyOK checks an EncodingAESKey: 43 characters of base64 that decode
// (with the "=" WeChat leaves out) to a 32-byte AES-256 key.
func aesKeyOK(k string) error {
	if len(k) != 43 {
		return fmt.Errorf("must be 43 characters (got %d)", len(k))
	}
	if !tokenOK(k, 43, 43) {
		return errors.New("must be letters and digits only")
	}
	if key, err := base64.StdEncoding.DecodeString(k + "="); err != nil || len(key) != 32 {
		return errors.New("is not a valid EncodingAESKey (base64 of 32 bytes)")
	}
	return nil
}

// LoadConfig returns the configuration in force: the defaults, overlaid by
// the file at path (or at $DUTYBOT_CONFIG when path is empty; no file when
// both are empty), overlaid by the environment read through lookup. It
// does not validate.
func LoadConfig(path string, lookup func(string) (string, bool)) (Config, error) {
	if path == "" {
		path, _ = lookup("DUTYBOT_CONFIG")
	}
	c := DefaultConfig()
	if path != "" {
		var err error
		if c, err = ReadConfigFile(path); err != nil {
			return Config{}, err
		}
	}
	if err := c.ApplyEnv(lookup); err != nil {
		return Config{}, err
	}
	return c, nil
}

// window returns TimestampWindow as a duration, the default for 0.
func (c WeChatConfig) window() time.Duration {
	if c.TimestampWindow == 0 {
		return handlers.DefaultTimestampWindow
	}
	return time.Duration(c.TimestampWindow) * time.Second
}

// splitList splits a comma-separated setting, dropping empty entries.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// proxies returns TrustedProxies, loopback when empty.
func (c Config) proxies() []string {
	if len(c.TrustedProxies) == 0 {
		return []string{"127.0.0.1", "::1"}
	}
	return c.TrustedProxies
}
