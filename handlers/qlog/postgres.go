package qlog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// openLock is the session-level advisory lock that replicas starting
// together take around the whole of OpenDB: migrate also creates
// schema_migrations outside its migration transactions, and two concurrent
// CREATE TABLE IF NOT EXISTS can fail in PostgreSQL. It differs from
// Postgres.MigrationLock, which OpenDB takes on another connection.
const openLock = 72380418

// OpenPostgres connects to the PostgreSQL database at url (a postgres://
// URL or a libpq key=value string), migrates it to the schema the SQLite
// log has, and returns the store, for the log that several replicas share.
// The database must exist and the user must be allowed to create tables.
//
// It retries for up to 15 seconds (or until ctx ends) while the server does
// not answer, as when a replica starts together with its database, then
// returns the error. Errors
// never repeat the URL, which may hold a password.
func OpenPostgres(ctx context.Context, url string) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, errors.New("open question log: malformed postgres URL")
	}
	// The writer uses one connection at a time; the others serve the
	// readiness probe and reports.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)

	s, err := openPostgres(ctx, db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open question log (postgres): %w", err)
	}
	return s, nil
}

func openPostgres(ctx context.Context, db *sql.DB) (*Store, error) {
	var conn *sql.Conn
	var err error
	giveUp := time.Now().Add(15 * time.Second)
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		conn, err = db.Conn(cctx)
		if err == nil {
			err = conn.PingContext(cctx)
			if err != nil {
				conn.Close()
			}
		}
		cancel()
		if err == nil || !retryable(err) || ctx.Err() != nil || time.Now().Add(wait).After(giveUp) {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, openLock); err != nil {
		return nil, fmt.Errorf("lock for migration: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, openLock)
	return OpenDB(ctx, db, Postgres)
}

// retryable reports whether err looks like a server that is not (yet)
// answering rather than a refusal (bad password, no such database).
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// 57P03: the database system is starting up.
		return pe.Code == "57P03"
	}
	return !errors.Is(err, context.Canceled)
}
