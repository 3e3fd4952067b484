package qlog

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"dutybot/bot"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// ErrNoDatabase is returned by OpenExisting when there is no log at the path.
var ErrNoDatabase = errors.New("qlog: no question log")

// Entry is one thing to log: a question or a feedback, with the names of
// the items it refers to (filled by the Writer, may be empty).
type Entry struct {
	Question *bot.Record
	Feedback *bot.Feedback
	Names    []string // names of Question.Refs or Feedback.Refs, same order
}

// Sink stores batches of entries. A batch is written whole or not at all.
// *Store is the Sink of a database; tests use others.
type Sink interface {
	Write(ctx context.Context, batch []Entry) error
}

// Store is the question log in a SQL database. It is safe for concurrent
// use.
type Store struct {
	db   *sql.DB
	d    Dialect
	salt []byte
	path string
}

// MaxTextBytes bounds a stored question, so that a flood of long messages
// cannot grow the database quickly; longer text is cut at a character
// boundary.
const MaxTextBytes = 1000

// Open opens (creating it if needed) the SQLite log at path and migrates
// it. The folder must exist. The database runs in WAL mode, so `dutybot
// report` can read it while the server writes.
func Open(path string) (*Store, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open question log: path %q must not contain ? or #", path)
	}
	// busy_timeout first: a report reading in another process must not make
	// a write fail at once. Write transactions begin IMMEDIATE so that two
	// writers wait for each other instead of failing on upgrade.
	dsn := path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(ON)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open question log: %w", err)
	}
	// One writer at a time is all SQLite allows; a few connections let
	// reports and the readiness probe read alongside it.
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s, err := OpenDB(context.Background(), db, SQLite)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open question log %s: %w", path, err)
	}
	s.path = path
	return s, nil
}

// OpenExisting is Open for readers such as `dutybot report`: it returns
// ErrNoDatabase instead of creating a log that is not there.
func OpenExisting(path string) (*Store, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s", ErrNoDatabase, path)
		}
		return nil, fmt.Errorf("open question log: %w", err)
	}
	return Open(path)
}

// OpenDB uses an open database of dialect d: it migrates the schema and
// reads (or creates, once) the salt of the user hashes. Close closes db.
func OpenDB(ctx context.Context, db *sql.DB, d Dialect) (*Store, error) {
	if err := migrate(ctx, db, d); err != nil {
		return nil, err
	}
	s := &Store{db: db, d: d}
	salt, err := s.loadSalt(ctx)
	if err != nil {
		return nil, err
	}
	s.salt = salt
	return s, nil
}

// loadSalt returns the salt stored in meta, creating it the first time.
// Inserting with ON CONFLICT DO NOTHING and reading back keeps replicas
// that start together on one salt.
func (s *Store) loadSalt(ctx context.Context) ([]byte, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("make salt: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, s.d.Rebind(`INSERT INTO meta (key, value) VALUES ('user_salt', ?) ON CONFLICT (key) DO NOTHING`),
		hex.EncodeToString(b)); err != nil {
		return nil, fmt.Errorf("store salt: %w", err)
	}
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'user_salt'`).Scan(&v); err != nil {
		return nil, fmt.Errorf("read salt: %w", err)
	}
	salt, err := hex.DecodeString(v)
	if err != nil || len(salt) < 16 {
		return nil, errors.New("read salt: the stored salt is damaged")
	}
	return salt, nil
}

// Path returns the file of a SQLite store ("" for one from OpenDB).
func (s *Store) Path() string { return s.path }

// DB returns the database, for tests and maintenance.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// UserHash returns what is stored for a user of a channel: the first 16
// bytes of HMAC-SHA256(salt, channel 0 user), in hex. An empty user stays
// empty.
func (s *Store) UserHash(ch bot.Channel, user string) string {
	if user == "" {
		return ""
	}
	m := hmac.New(sha256.New, s.salt)
	m.Write([]byte(ch))
	m.Write([]byte{0})
	m.Write([]byte(user))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Ping checks that the log is writable: it writes a row of meta. It is the
// readiness check of the database.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, s.d.Rebind(`INSERT INTO meta (key, value) VALUES ('ping', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`), time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("question log not writable: %w", err)
	}
	return nil
}

// Write stores a batch in one transaction. A question whose channel and
// message id are already logged (a retried message) is skipped. Feedback
// is linked to the question rated: by message id when known, else to the
// same user's latest question with the same text, else to the user's
// latest answered question.
func (s *Store) Write(ctx context.Context, batch []Entry) error {
	if len(batch) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	w := batchWriter{s: s, tx: tx}
	for i := range batch {
		e := &batch[i]
		switch {
		case e.Question != nil:
			err = w.question(ctx, e.Question, e.Names)
		case e.Feedback != nil:
			err = w.feedback(ctx, e.Feedback, e.Names)
		}
		if err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

type batchWriter struct {
	s          *Store
	tx         *sql.Tx
	insQ, insR *sql.Stmt
}

func (w *batchWriter) prepare(ctx context.Context, p **sql.Stmt, q string) (*sql.Stmt, error) {
	if *p == nil {
		st, err := w.tx.PrepareContext(ctx, w.s.d.Rebind(q))
		if err != nil {
			return nil, err
		}
		*p = st
	}
	return *p, nil
}

func (w *batchWriter) question(ctx context.Context, r *bot.Record, names []string) error {
	insQ, err := w.prepare(ctx, &w.insQ, `INSERT INTO questions (ts, township, channel, user_hash, msg_id, text, decision, latency_us)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`)
	if err != nil {
		return fmt.Errorf("prepare question insert: %w", err)
	}
	var id int64
	err = insQ.QueryRowContext(ctx, r.Time.UnixMilli(), r.Township, string(r.Channel), w.s.UserHash(r.Channel, r.User),
		r.MessageID, clipText(r.Text), string(r.Decision), r.Latency.Microseconds()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // a retried message, logged already
	}
	if err != nil {
		return fmt.Errorf("insert question: %w", err)
	}
	if len(r.Refs) == 0 {
		return nil
	}
	insR, err := w.prepare(ctx, &w.insR, `INSERT INTO answer_refs (question_id, pos, ref, name, score) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare ref insert: %w", err)
	}
	for i, ref := range r.Refs {
		var score float64
		if i < len(r.Scores) {
			score = r.Scores[i]
		}
		if _, err := insR.ExecContext(ctx, id, i, ref, nameAt(names, i), score); err != nil {
			return fmt.Errorf("insert ref: %w", err)
		}
	}
	return nil
}

func (w *batchWriter) feedback(ctx context.Context, f *bot.Feedback, names []string) error {
	hash := w.s.UserHash(f.Channel, f.User)
	qid, err := w.findQuestion(ctx, f, hash)
	if err != nil {
		return fmt.Errorf("find rated question: %w", err)
	}
	useful := 0
	if f.Useful {
		useful = 1
	}
	if _, err := w.tx.ExecContext(ctx, w.s.d.Rebind(`INSERT INTO feedback (ts, question_id, township, channel, user_hash, question, refs, names, useful, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		f.Time.UnixMilli(), qid, f.Township, string(f.Channel), hash, clipText(f.Question),
		strings.Join(f.Refs, "\n"), strings.Join(names, "\n"), useful, clipText(f.Reason)); err != nil {
		return fmt.Errorf("insert feedback: %w", err)
	}
	return nil
}

// findQuestion returns the id of the question a feedback rates, or nil.
func (w *batchWriter) findQuestion(ctx context.Context, f *bot.Feedback, hash string) (any, error) {
	try := func(q string, args ...any) (any, error) {
		var id int64
		err := w.tx.QueryRowContext(ctx, w.s.d.Rebind(q), args...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return id, nil
	}
	if f.MessageID != "" {
		if id, err := try(`SELECT id FROM questions WHERE channel = ? AND msg_id = ?`, string(f.Channel), f.MessageID); id != nil || err != nil {
			return id, err
		}
	}
	if hash == "" {
		return nil, nil
	}
	if f.Question != "" {
		if id, err := try(`SELECT id FROM questions WHERE user_hash = ? AND channel = ? AND text = ? ORDER BY id DESC LIMIT 1`,
			hash, string(f.Channel), clipText(f.Question)); id != nil || err != nil {
			return id, err
		}
	}
	return try(`SELECT id FROM questions WHERE user_hash = ? AND channel = ?
		AND decision IN ('answer', 'choice', 'body', 'categories') ORDER BY id DESC LIMIT 1`, hash, string(f.Channel))
}

func nameAt(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	return ""
}

// clipText cuts s to MaxTextBytes at a character boundary and replaces
// invalid UTF-8 and NUL bytes (PostgreSQL refuses both).
func clipText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if len(s) <= MaxTextBytes {
		return s
	}
	cut := MaxTextBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}
