package enginetest

import (
	"context"
	"database/sql"
	"testing"
	"time"
)

func TestEngines(t *testing.T) {
	r := Redis(t)
	if err := redisPing(r.Addr); err != nil {
		t.Fatal(err)
	}
	r.Stop()
	if err := redisPing(r.Addr); err == nil {
		t.Fatal("redis still answers after Stop")
	}
	r.Start(t)
	if err := redisPing(r.Addr); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	p := Postgres(t)
	t.Logf("postgres up in %v", time.Since(start))
	url := p.NewDatabase(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var one int
	if err := db.QueryRowContext(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
	var user string
	db.QueryRow("SELECT current_user").Scan(&user)
	if user != "postgres" {
		t.Errorf("current_user = %q", user)
	}
	p.Stop()
	if err := db.Ping(); err == nil {
		t.Error("postgres answers after Stop")
	}
	p.Start(t)
	for i := 0; i < 3; i++ {
		if err = db.Ping(); err == nil {
			break
		}
	}
	if err != nil {
		t.Errorf("after Start: %v", err)
	}
}
