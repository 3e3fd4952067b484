package main

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"dutybot/handlers"
)

// Test credentials: the EncodingAESKey of the official WXBizMsgCrypt samples.
const (
	testAESKey = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testToken  = "spamtest"
	testAppID  = "wx2c2769f8efd9abc2"
)

func noEnv(string) (string, bool) { return "", false }

func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaultConfigIsValid(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
	if c.Addr != ":8080" || c.Data != "./data" || c.RateLimit != 20 || c.RetentionDays != 180 || c.DBPath() != filepath.Join("data", "dutybot.db") {
		t.Errorf("defaults = %+v", c)
	}
	if c.WeChat.Enabled() || c.WeComBot.Enabled() || c.AdminToken != "" {
		t.Error("a channel or the admin API is on by default")
	}
}

func TestParseConfig(t *testing.T) {
	t.Setenv("TEST_WECHAT_SECRET", "s3cret")
	t.Setenv("TEST_AESKEY", testAESKey)
	in := `
# comments are fine
addr: 127.0.0.1:9000
data: /var/lib/dutybot
admin_token: "0123456789abcdef0123"
rate_limit: 0
client_rate_limit: 30
trusted_proxies: [10.0.0.0/8, 192.0.2.5]
retention_days: 365
log:
  format: json
  level: debug
documents:
  - docs/喀尔墩乡.txt
  - docs/more/
synonyms: synonyms.txt
wechat:
  app_id: wx2c2769f8efd9abc2
  app_secret: ${TEST_WECHAT_SECRET}
  token: spamtest
  encoding_aes_key: ${TEST_AESKEY}
  path: /wx
wecom_bot:
  token: QDG6eK
  encoding_aes_key: jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C
redis:
  url: redis://127.0.0.1:6379/0
postgres:
  url: postgres://dutybot@127.0.0.1/dutybot?password=a$$b
`
	c, err := ParseConfig(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr: "127.0.0.1:9000", Data: "/var/lib/dutybot", AdminToken: "0123456789abcdef0123", RateLimit: 0, RetentionDays: 365,
		ClientRateLimit: 30, TrustedProxies: []string{"10.0.0.0/8", "192.0.2.5"},
		Log:       LogConfig{Format: "json", Level: "debug"},
		Documents: []string{"docs/喀尔墩乡.txt", "docs/more/"},
		Synonyms:  "synonyms.txt",
		WeChat:    WeChatConfig{AppID: testAppID, AppSecret: "s3cret", Token: testToken, EncodingAESKey: testAESKey, Path: "/wx", TimestampWindow: 300},
		WeComBot:  WeComBotConfig{Token: "QDG6eK", EncodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", Path: "/wecom/bot"},
		Redis:     URLConfig{URL: "redis://127.0.0.1:6379/0"},
		Postgres:  URLConfig{URL: "postgres://dutybot@127.0.0.1/dutybot?password=a$b"},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("ParseConfig =\n%+v\nwant\n%+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"addr: :8080\nwechat:\n  tokn: x\n", "[3:3] unknown field \"tokn\""},
		{"rate_limit: many\n", "[1:13] cannot unmarshal string into Go struct field Config.RateLimit of type int"},
		{"- a\n- b\n", "parse config"},
		{"addr: [\n", "parse config"},
	} {
		_, err := ParseConfig(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseConfig(%q) = %v, want an error with %q", tt.in, err, tt.want)
		}
	}
	// An empty file is the defaults.
	for _, in := range []string{"", "# nothing\n", "---\n", "wechat:\n"} {
		if c, err := ParseConfig(strings.NewReader(in)); err != nil || !reflect.DeepEqual(c, DefaultConfig()) {
			t.Errorf("ParseConfig(%q) = %+v, %v; want the defaults", in, c, err)
		}
	}
}

func TestParseConfigNoSecretInError(t *testing.T) {
	t.Setenv("TEST_SECRET", "topsecretvalue")
	_, err := ParseConfig(strings.NewReader("wechat:\n  app_secret: ${TEST_SECRET}\n  bogus: 1\n"))
	if err == nil || strings.Contains(err.Error(), "topsecretvalue") {
		t.Errorf("error %v shows the expanded secret", err)
	}
}

func TestReadConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dutybot.yaml")
	os.WriteFile(path, []byte("addr: :9999\nwechat:\n  path: wx\n"), 0o600)
	c, err := ReadConfigFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9999" || c.RateLimit != 20 {
		t.Errorf("ReadConfigFile = %+v", c)
	}
	err = c.Validate()
	var ve *ConfigValidationError
	if !errors.As(err, &ve) || ve.Field != "wechat.path" || err.Error() != `wechat.path: must start with / (got "wx")` {
		t.Errorf("Validate() = %v", err)
	}
	if _, err := ReadConfigFile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("ReadConfigFile(missing) succeeded")
	}
	os.WriteFile(path, []byte("nope: 1\n"), 0o600)
	if _, err := ReadConfigFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadConfigFile(bad) = %v, want the file named", err)
	}
}

func TestApplyEnv(t *testing.T) {
	c := DefaultConfig()
	c.Documents = []string{"from-file.txt"}
	dir := t.TempDir()
	contacts, menu := filepath.Join(dir, "contacts.yaml"), filepath.Join(dir, "menu.yaml")
	os.WriteFile(contacts, []byte("hotlines: {government: '0999-12345'}\n"), 0o600)
	os.WriteFile(menu, []byte("menu:\n  - {name: 帮助, ask: 帮助}\n"), 0o600)
	env := map[string]string{
		"DUTYBOT_CONTACTS":                contacts,
		"DUTYBOT_MENU":                    menu,
		"DUTYBOT_ADDR":                    "127.0.0.1:7000",
		"DUTYBOT_DATA":                    "/srv/data",
		"DUTYBOT_ADMIN_TOKEN":             "abcdefghijklmnopq",
		"DUTYBOT_RATE_LIMIT":              "0",
		"DUTYBOT_CLIENT_RATE_LIMIT":       "0",
		"DUTYBOT_TRUSTED_PROXIES":         " 10.0.0.1, fd00::/8 ,",
		"DUTYBOT_RETENTION_DAYS":          "90",
		"DUTYBOT_LOG_FORMAT":              "json",
		"DUTYBOT_LOG_LEVEL":               "warn",
		"DUTYBOT_DOCUMENTS":               " a.txt, docs/ ,,",
		"DUTYBOT_SYNONYMS":                "syn.txt",
		"DUTYBOT_KNOWLEDGE":               "bank.tsv",
		"DUTYBOT_OUT_OF_SCOPE":            "oos.tsv",
		"DUTYBOT_WECHAT_APPID":            testAppID,
		"DUTYBOT_WECHAT_APPSECRET":        "secret",
		"DUTYBOT_WECHAT_TOKEN":            testToken,
		"DUTYBOT_WECHAT_AESKEY":           testAESKey,
		"DUTYBOT_WECHAT_PATH":             "/mp",
		"DUTYBOT_WECHAT_TIMESTAMP_WINDOW": "600",
		"DUTYBOT_WECOM_BOT_TOKEN":         "QDG6eK",
		"DUTYBOT_WECOM_BOT_AESKEY":        "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
		"DUTYBOT_WECOM_BOT_PATH":          "/wk",
		"DUTYBOT_REDIS_URL":               "redis://localhost:6379/1",
		"DUTYBOT_POSTGRES_URL":            "postgres://localhost/dutybot",
	}
	if err := c.ApplyEnv(mapEnv(env)); err != nil {
		t.Fatal(err)
	}
	want := Config{
		Addr: "127.0.0.1:7000", Data: "/srv/data", AdminToken: "abcdefghijklmnopq", RateLimit: 0, RetentionDays: 90,
		ClientRateLimit: 0, TrustedProxies: []string{"10.0.0.1", "fd00::/8"},
		Log:       LogConfig{Format: "json", Level: "warn"},
		Documents: []string{"a.txt", "docs/"},
		Synonyms:  "syn.txt", Knowledge: "bank.tsv", OutOfScope: "oos.tsv",
		WeChat:   WeChatConfig{AppID: testAppID, AppSecret: "secret", Token: testToken, EncodingAESKey: testAESKey, Path: "/mp", TimestampWindow: 600},
		WeComBot: WeComBotConfig{Token: "QDG6eK", EncodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", Path: "/wk"},
		Redis:    URLConfig{URL: "redis://localhost:6379/1"},
		Postgres: URLConfig{URL: "postgres://localhost/dutybot"},
		Contacts: ContactsConfig{Hotlines: HotlinesConfig{Government: "0999-12345"}},
		Menu:     []handlers.MenuButton{{Name: "帮助", Ask: "帮助"}},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("ApplyEnv =\n%+v\nwant\n%+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	// Every variable of envSettings was exercised.
	for _, s := range envSettings {
		if _, ok := env[s.name]; !ok {
			t.Errorf("%s not tested", s.name)
		}
	}

	// Empty and unset variables leave the setting alone; a bad number is
	// named by its variable.
	c = DefaultConfig()
	err := c.ApplyEnv(mapEnv(map[string]string{"DUTYBOT_ADDR": "", "DUTYBOT_RATE_LIMIT": "lots"}))
	var ve *ConfigValidationError
	if !errors.As(err, &ve) || ve.Field != "DUTYBOT_RATE_LIMIT" || c.Addr != ":8080" {
		t.Errorf("ApplyEnv(bad) = %v, addr %q", err, c.Addr)
	}
}

func TestLoadConfigPrecedence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dutybot.yaml")
	os.WriteFile(path, []byte("addr: :9001\nrate_limit: 5\n"), 0o600)
	c, err := LoadConfig("", mapEnv(map[string]string{"DUTYBOT_CONFIG": path, "DUTYBOT_RATE_LIMIT": "7"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9001" || c.RateLimit != 7 {
		t.Errorf("LoadConfig: addr %q rate %d, want the file's addr and the environment's rate", c.Addr, c.RateLimit)
	}
	if c, err := LoadConfig("", noEnv); err != nil || !reflect.DeepEqual(c, DefaultConfig()) {
		t.Errorf("LoadConfig(nothing) = %+v, %v", c, err)
	}
}

func TestValidateMessages(t *testing.T) {
	ok := func(c *Config) {}
	for _, tt := range []struct {
		name  string
		edit  func(c *Config)
		field string
		msg   string // the whole message of the first error
	}{
		{"default", ok, "", ""},
		{"short aes key", func(c *Config) {
			c.WeChat = WeChatConfig{AppID: testAppID, Token: testToken, EncodingAESKey: testAESKey[:42], Path: "/wechat"}
		}, "wechat.encoding_aes_key", "wechat.encoding_aes_key: must be 43 characters (got 42)"},
		{"aes key charset", func(c *Config) {
			c.WeChat = WeChatConfig{AppID: testAppID, Token: testToken, EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDE+/", Path: "/wechat"}
		}, "wechat.encoding_aes_key", "wechat.encoding_aes_key: must be letters and digits only"},
		{"token charset", func(c *Config) { c.WeChat.Token = "spam-test" }, "wechat.token", "wechat.token: must be 3 to 32 letters or digits"},
		{"token short", func(c *Config) { c.WeChat.Token = "ab" }, "wechat.token", "wechat.token: must be 3 to 32 letters or digits"},
		{"aes key without app id", func(c *Config) { c.WeChat.Token, c.WeChat.EncodingAESKey = testToken, testAESKey },
			"wechat.app_id", "wechat.app_id: required when wechat.encoding_aes_key is set (safe mode checks it)"},
		{"app id without token", func(c *Config) { c.WeChat.AppID = testAppID },
			"wechat.token", "wechat.token: required when wechat.app_id or wechat.app_secret is set"},
		{"wecom token without key", func(c *Config) { c.WeComBot.Token = "QDG6eK" },
			"wecom_bot.encoding_aes_key", "wecom_bot.encoding_aes_key: required when wecom_bot.token is set (the bot's messages are always encrypted)"},
		{"wecom key without token", func(c *Config) { c.WeComBot.EncodingAESKey = testAESKey },
			"wecom_bot.token", "wecom_bot.token: required when wecom_bot.encoding_aes_key is set"},
		{"wecom token too long", func(c *Config) {
			c.WeComBot.Token, c.WeComBot.EncodingAESKey = strings.Repeat("a", 33), testAESKey
		}, "wecom_bot.token", "wecom_bot.token: must be at most 32 letters or digits"},
		{"path without slash", func(c *Config) { c.WeComBot.Path = "wecom" }, "wecom_bot.path", `wecom_bot.path: must start with / (got "wecom")`},
		{"reserved path", func(c *Config) { c.WeChat.Path = "/api/wechat" }, "wechat.path", `wechat.path: must not be under /api (used by dutybot itself) (got "/api/wechat")`},
		{"same paths", func(c *Config) { c.WeComBot.Path = "/wechat" }, "wecom_bot.path", `wecom_bot.path: must differ from wechat.path (got "/wechat")`},
		{"negative rate", func(c *Config) { c.RateLimit = -1 }, "rate_limit", `rate_limit: must be 0 (no limit) or more (got "-1")`},
		{"negative client rate", func(c *Config) { c.ClientRateLimit = -1 }, "client_rate_limit", `client_rate_limit: must be 0 (no limit) or more (got "-1")`},
		{"bad trusted proxy", func(c *Config) { c.TrustedProxies = []string{"10.0.0.1", "nginx"} }, "trusted_proxies[1]", `trusted_proxies[1]: must be an IP address or a CIDR prefix (10.0.0.0/8) (got "nginx")`},
		{"timestamp window too short", func(c *Config) { c.WeChat.TimestampWindow = 5 }, "wechat.timestamp_window", `wechat.timestamp_window: must be from 30 to 86400 seconds (or 0 for the default, 300) (got "5")`},
		{"negative retention", func(c *Config) { c.RetentionDays = -5 }, "retention_days", `retention_days: must be 0 (keep everything) or more (got "-5")`},
		{"retention shorter than the report", func(c *Config) { c.RetentionDays = 3 }, "retention_days", `retention_days: must be at least 7, so that the weekly report has its data (or 0 to keep everything) (got "3")`},
		{"bad addr", func(c *Config) { c.Addr = "8080" }, "addr", `addr: must be host:port or :port (got "8080")`},
		{"bad port", func(c *Config) { c.Addr = ":http8" }, "addr", `addr: port must be a number from 0 to 65535 (got ":http8")`},
		{"empty data", func(c *Config) { c.Data = "" }, "data", "data: must not be empty (e.g. ./data)"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, "log.format", `log.format: must be text or json (got "xml")`},
		{"log level", func(c *Config) { c.Log.Level = "loud" }, "log.level", `log.level: must be debug, info, warn or error (got "loud")`},
		{"short admin token", func(c *Config) { c.AdminToken = "short" }, "admin_token",
			"admin_token: must be at least 16 characters (or empty to turn the admin API off)"},
		{"redis url", func(c *Config) { c.Redis.URL = "localhost:6379" }, "redis.url", "redis.url: must be a redis:// or rediss:// URL with a host"},
		{"postgres url", func(c *Config) { c.Postgres.URL = "mysql://x" }, "postgres.url", "postgres.url: must be a postgres:// URL or a libpq key=value string"},
		{"postgres dsn", func(c *Config) { c.Postgres.URL = "host=localhost dbname=dutybot" }, "", ""},
		{"full wechat", func(c *Config) {
			c.WeChat = WeChatConfig{AppID: testAppID, AppSecret: "x", Token: testToken, EncodingAESKey: testAESKey, Path: "/wechat"}
		}, "", ""},
		{"empty document", func(c *Config) { c.Documents = []string{"a.txt", " "} }, "documents[1]", "documents[1]: must not be empty"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			tt.edit(&c)
			err := c.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var ve *ConfigValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a ConfigValidationError", err)
			}
			if ve.Field != tt.field || ve.Error() != tt.msg {
				t.Errorf("Validate() first error = %q (field %q), want %q (field %q)", ve.Error(), ve.Field, tt.msg, tt.field)
			}
			if ve.Unwrap() == nil {
				t.Error("Unwrap() = nil")
			}
		})
	}
}

func TestValidateReportsAllAndHidesSecrets(t *testing.T) {
	c := DefaultConfig()
	c.RateLimit = -5
	c.WeChat.Token = "bad token!"
	c.WeChat.EncodingAESKey = "tooShortSecretKey"
	c.AdminToken = "tiny"
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() = nil")
	}
	msg := err.Error()
	for _, f := range []string{"rate_limit:", "wechat.token:", "wechat.encoding_aes_key:", "admin_token:", "wechat.app_id:"} {
		if !strings.Contains(msg, f) {
			t.Errorf("Validate() does not name %s:\n%s", f, msg)
		}
	}
	for _, secret := range []string{"bad token!", "tooShortSecretKey", "tiny"} {
		if strings.Contains(msg, secret) {
			t.Errorf("Validate() shows the secret %q:\n%s", secret, msg)
		}
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	c, err := ReadConfigFile(filepath.Join("..", "..", "configs", "dutybot.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("the example configuration is invalid: %v", err)
	}
	if !reflect.DeepEqual(c, DefaultConfig()) {
		t.Errorf("the example should spell out the defaults, got %+v", c)
	}
}
