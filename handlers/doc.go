// Package handlers is dutybot's HTTP adapter: gin handlers that decode and
// verify a request from the WeChat official account, the WeCom intelligent
// bot or the local JSON API, ask the bot (package bot), and encode its
// answer. New returns the engine; Options configures it with plain fields.
//
// # Routes
//
//	GET/POST /wechat      official account (公众号), through silenceper/wechat
//	GET/POST /wecom/bot   WeCom intelligent bot (企业微信智能机器人)
//	POST /api/ask         {"question","user","township","explain"} → decision, refs, reply, items, choices
//	GET  /api/items       townships and their items (?township= &kind= &q=)
//	GET  /api/items/:ref  one item in full (?township=)
//	GET  /healthz /readyz /metrics
//	/api/admin/…          report, reload, pprof, behind a bearer token (Admin)
//
// A channel without its token is off (its path is a 404), and so is the
// admin API.
//
// # A message's way through
//
// The official account's requests go through silenceper's server, which
// verifies, decrypts and decodes them and encodes and encrypts the reply;
// the WeCom bot's through the same crypto (crypt.go). Every WeChat and
// WeCom request is verified before anything else: a wrong or missing
// signature is a 403, and nothing is processed or logged. The body is
// capped (413). What does not decode or decrypt is a 400; a panic is a
// logged 500.
//
// WeChat drops the connection after 5 seconds and sends the message again,
// up to three times, sometimes while the first attempt is still being
// answered; WeCom retries too. So a message is answered once: the handler
// claims its id in a bot.DedupeStore (MsgId; FromUserName+CreateTime+Event for
// an official account event; msgid on WeCom), the claimant asks the bot and
// stores the reply, and every other attempt waits for that reply and sends
// it as its own. Every reply leaves within Options.Deadline (4 s); past it
// the answer is "no reply" ("success" for WeChat, an empty body for WeCom),
// which stops the retries. Old timestamps are accepted: the dedupe makes a
// replay harmless, and a township server's clock may be wrong.
//
// Each channel declares its bot.Format, and the bot renders by it. The
// official account gets plain text (≤ 2000 bytes), in plaintext,
// compatible or safe mode; a nil reply in safe mode is a plain "success",
// not silenceper's encrypted empty envelope. Voice uses Recognition;
// images, locations, links and videos get a request to type; subscribe
// gets the welcome, and a CLICK on the custom menu (Options.Menu, created
// by CreateMenu through silenceper's menu API) its button's reply or the
// answer to its question. The WeCom
// bot gets one encrypted stream message, finish:true, with markdown;
// enter_chat gets the welcome as text and feedback_event is recorded
// through (*bot.Bot).Feedback. Its messages carry an empty receive id,
// which is never compared.
//
// # Errors
//
// Errors become statuses in one place (status in errors.go); the JSON API
// answers {"error": message}. Citizens' text and user ids are logged only at
// debug level; secrets never.
//
// # Process-wide state
//
// silenceper/wechat keeps global state: logrus (its root package sets it to
// Debug, and its Server then logs every message) and an HTTP client without
// a timeout. New, when the official account is on, sets logrus to Warn and
// the client's timeout to 5 s, once. New does not set gin's mode.
package handlers
