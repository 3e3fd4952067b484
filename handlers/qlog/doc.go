// Package qlog is dutybot's question log: every question answered, on any
// channel, with the decision, the items and scores, the latency and later
// the feedback on it, kept so that township staff can see what people ask
// and where the bot fails (Report).
//
// Two halves meet at the Sink interface. A Writer is the bot.Recorder the
// bot calls: it only puts records on a bounded queue, so a reply never
// waits for the disk, and a background goroutine writes them in batches.
// When the queue is full or the database fails, records are dropped and
// counted (Writer.Dropped, the OnDrop hook, a rate-limited warning) rather
// than slowing or breaking a reply. A Store is the database behind it:
// SQLite through modernc.org/sqlite (pure Go) by default, in WAL mode, with
// the schema migrations versioned in this package. The SQL is kept to what
// SQLite and PostgreSQL share; the few differences live in a Dialect, so a
// PostgreSQL store is OpenDB(db, Postgres) over a pgx *sql.DB and reuses
// the migrations, the writes and the report queries.
//
// People are never stored by their channel id (an OpenID, a WeCom userid):
// the Store keeps an HMAC of it under a random salt created once in the
// database, enough to link feedback to a person's last question and to
// count distinct askers, not to identify anyone.
package qlog
