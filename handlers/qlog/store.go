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
	"hash"
	"os"
	"strconv"
	"strings"
	"sync"
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
	db    *sql.DB
	d     Dialect
	salt  []byte
	path  string
	hmacs sync.Pool // of hash.Hash keyed with salt, for UserHash
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
	m, _ := s.hmacs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, s.salt)
	} else {
		m.Reset()
	}
	var buf [128]byte
	m.Write(append(append(append(buf[:0], ch...), 0), user...))
	var sum [sha256.Size]byte
	h := hex.EncodeToString(m.Sum(sum[:0])[:16])
	s.hmacs.Put(m)
	return h
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
// same user's latest question before it with the same text, else to the
// user's latest answered question before it (within a week).
func (s *Store) Write(ctx context.Context, batch []Entry) error {
	if len(batch) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	// Questions first, many rows per statement (the per-statement cost is
	// most of the cost of a row); then the feedback, which may rate a
	// question of the same batch.
	var qs []Entry
	for _, e := range batch {
		if e.Question != nil {
			qs = append(qs, e)
		}
	}
	if err := s.insertQuestions(ctx, tx, qs); err != nil {
		return err
	}
	for _, e := range batch {
		if e.Feedback != nil {
			if err := s.insertFeedback(ctx, tx, e.Feedback, e.Names); err != nil {
				return err
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// pruneBatch is how many rows one pruning transaction deletes: small
// enough that the writer is never held up for long.
const pruneBatch = 2000

// Prune deletes the questions and feedback logged before before, in small
// transactions, and returns how many of each it deleted. Feedback on a
// deleted question that is itself kept loses its link (question_id NULL).
// It stops at ctx's end, keeping what it deleted so far.
func (s *Store) Prune(ctx context.Context, before time.Time) (questions, feedback int64, err error) {
	cut := before.UnixMilli()
	del := func(table string) (int64, error) {
		q := s.d.Rebind(`DELETE FROM ` + table + ` WHERE id IN (SELECT id FROM ` + table + ` WHERE ts < ? ORDER BY ts LIMIT ` +
			strconv.Itoa(pruneBatch) + `)`)
		var total int64
		for {
			res, err := s.db.ExecContext(ctx, q, cut)
			if err != nil {
				return total, fmt.Errorf("prune %s: %w", table, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return total, fmt.Errorf("prune %s: %w", table, err)
			}
			total += n
			if n < pruneBatch {
				return total, nil
			}
		}
	}
	if feedback, err = del("feedback"); err != nil {
		return 0, feedback, err
	}
	questions, err = del("questions")
	return questions, feedback, err
}

// rowsPerInsert is how many questions one INSERT carries: at
// questionColumns parameters a row, far below the engines' limits (SQLite
// 32766, PostgreSQL 65535).
const rowsPerInsert = 64

const questionColumns = 12

func (s *Store) insertQuestions(ctx context.Context, tx *sql.Tx, qs []Entry) error {
	var full *sql.Stmt
	args := make([]any, 0, rowsPerInsert*questionColumns)
	for len(qs) > 0 {
		n := min(len(qs), rowsPerInsert)
		args = args[:0]
		for _, e := range qs[:n] {
			args = s.questionArgs(args, e.Question, e.Names)
		}
		var err error
		if n == rowsPerInsert {
			if full == nil {
				if full, err = tx.PrepareContext(ctx, s.insertQuestionsSQL(n)); err != nil {
					return fmt.Errorf("prepare question insert: %w", err)
				}
				defer full.Close()
			}
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, s.insertQuestionsSQL(n), args...)
		}
		if err != nil {
			return fmt.Errorf("insert questions: %w", err)
		}
		qs = qs[n:]
	}
	return nil
}

func (s *Store) insertQuestionsSQL(rows int) string {
	var sb strings.Builder
	sb.WriteString(`INSERT INTO questions (ts, township, channel, user_hash, msg_id, text, decision, latency_us, ref, name, refs, scores) VALUES `)
	for i := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	// A retried message is already logged; keep the first.
	sb.WriteString(" ON CONFLICT DO NOTHING")
	return s.d.Rebind(sb.String())
}

func (s *Store) questionArgs(args []any, r *bot.Record, names []string) []any {
	var ref, name string
	if len(r.Refs) > 0 {
		ref, name = r.Refs[0], nameAt(names, 0)
	}
	scores := make([]string, len(r.Refs))
	for i := range r.Refs {
		var sc float64
		if i < len(r.Scores) {
			sc = r.Scores[i]
		}
		scores[i] = strconv.FormatFloat(sc, 'f', 3, 64)
	}
	return append(args, r.Time.UnixMilli(), r.Township, string(r.Channel), s.UserHash(r.Channel, r.User),
		r.MessageID, clipText(r.Text), string(r.Decision), r.Latency.Microseconds(),
		ref, name, strings.Join(r.Refs, " "), strings.Join(scores, " "))
}

func (s *Store) insertFeedback(ctx context.Context, tx *sql.Tx, f *bot.Feedback, names []string) error {
	hash := s.UserHash(f.Channel, f.User)
	qid, err := s.findQuestion(ctx, tx, f, hash)
	if err != nil {
		return fmt.Errorf("find rated question: %w", err)
	}
	useful := 0
	if f.Useful {
		useful = 1
	}
	if _, err := tx.ExecContext(ctx, s.d.Rebind(`INSERT INTO feedback (ts, question_id, township, channel, user_hash, question, refs, names, useful, reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		f.Time.UnixMilli(), qid, f.Township, string(f.Channel), hash, clipText(f.Question),
		strings.Join(f.Refs, " "), strings.Join(names, "\n"), useful, clipText(f.Reason)); err != nil {
		return fmt.Errorf("insert feedback: %w", err)
	}
	return nil
}

// findQuestion returns the id of the question a feedback rates, or nil.
// The lookups by user go through the time index, backwards from the
// feedback: the question rated is recent (sessions last half an hour), so
// the scan is short; it is bounded to a week.
func (s *Store) findQuestion(ctx context.Context, tx *sql.Tx, f *bot.Feedback, hash string) (any, error) {
	try := func(q string, args ...any) (any, error) {
		var id int64
		err := tx.QueryRowContext(ctx, s.d.Rebind(q), args...).Scan(&id)
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
	to := f.Time.UnixMilli()
	from := to - 7*24*time.Hour.Milliseconds()
	if f.Question != "" {
		if id, err := try(`SELECT id FROM questions WHERE ts >= ? AND ts <= ? AND user_hash = ? AND channel = ? AND text = ?
			ORDER BY ts DESC, id DESC LIMIT 1`, from, to, hash, string(f.Channel), clipText(f.Question)); id != nil || err != nil {
			return id, err
		}
	}
	return try(`SELECT id FROM questions WHERE ts >= ? AND ts <= ? AND user_hash = ? AND channel = ?
		AND decision IN ('answer', 'choice', 'body', 'categories') ORDER BY ts DESC, id DESC LIMIT 1`, from, to, hash, string(f.Channel))
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
