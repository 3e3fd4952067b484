// Package enginetest starts private Redis and PostgreSQL servers for tests:
// real engines from Debian's packages (redis-server, postgresql), on free
// loopback ports, with their data in a temporary folder, stopped and
// removed when the test ends.
//
// When an engine's binaries are missing, the test is skipped with a note
// on how to install them, except when the CI environment variable is set:
// then it fails, so that a CI run never passes by skipping. As root,
// PostgreSQL (which refuses to run as root) runs as the unprivileged user
// postgres (or nobody).
//
// Starting PostgreSQL takes a second or two (initdb); a test that needs
// several databases starts one server and calls NewDatabase for each.
package enginetest

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// missing skips the test, or fails it in CI, because an engine cannot run.
func missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...) + " (as root: apt-get install -y redis-server postgresql)"
	if os.Getenv("CI") != "" {
		tb.Fatalf("enginetest: %s; CI is set, so this fails instead of skipping", msg)
		return
	}
	tb.Skipf("enginetest: %s; skipping", msg)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("enginetest: find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// tail returns the last lines of a log file, for failure messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// process is an engine's running server.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has been waited for
}

func startProcess(cmd *exec.Cmd, logPath string) (*process, error) {
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = f, f
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	// If the test binary dies without cleaning up, take the server along.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends sig and waits up to grace for the process to end, then kills it.
func (p *process) stop(sig os.Signal, grace time.Duration) {
	if p == nil || p.exited() {
		return
	}
	p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(grace):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// ---- Redis ----

// RedisServer is a private redis-server on 127.0.0.1, without persistence.
type RedisServer struct {
	Addr string // 127.0.0.1:port, the same across Stop and Start
	bin  string
	dir  string
	mu   sync.Mutex
	proc *process
}

// Redis starts a private redis-server and stops it when the test ends.
func Redis(tb testing.TB) *RedisServer {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if _, serr := os.Stat("/usr/bin/redis-server"); serr != nil {
			missing(tb, "redis-server not found")
		}
		bin = "/usr/bin/redis-server"
	}
	r := &RedisServer{bin: bin, dir: tb.TempDir()}
	var lastErr error
	for range 3 { // the free port may be taken between the check and the start
		r.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(freePort(tb)))
		if lastErr = r.start(); lastErr == nil {
			tb.Cleanup(func() { r.Stop() })
			return r
		}
	}
	tb.Fatalf("enginetest: start redis-server: %v", lastErr)
	return nil
}

// URL returns the redis:// URL of database db (0 to 15).
func (r *RedisServer) URL(db int) string { return fmt.Sprintf("redis://%s/%d", r.Addr, db) }

func (r *RedisServer) start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc != nil && !r.proc.exited() {
		return nil
	}
	_, port, _ := net.SplitHostPort(r.Addr)
	logPath := filepath.Join(r.dir, "redis.log")
	cmd := exec.Command(r.bin,
		"--bind", "127.0.0.1", "--port", port, "--dir", r.dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no",
		"--protected-mode", "yes", "--logfile", "", "--databases", "16")
	p, err := startProcess(cmd, logPath)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if p.exited() {
			return fmt.Errorf("redis-server exited at start:\n%s", tail(logPath, 20))
		}
		if redisPing(r.Addr) == nil {
			r.proc = p
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.stop(syscall.SIGKILL, time.Second)
	return fmt.Errorf("redis-server not ready after 10 s:\n%s", tail(logPath, 20))
}

// redisPing sends PING in the inline protocol and expects +PONG.
func redisPing(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// Start starts the server again after Stop, on the same address, empty.
func (r *RedisServer) Start(tb testing.TB) {
	tb.Helper()
	if err := r.start(); err != nil {
		tb.Fatalf("enginetest: restart redis-server: %v", err)
	}
}

// Stop stops the server (an outage, as seen by clients). Its data is lost.
func (r *RedisServer) Stop() {
	r.mu.Lock()
	p := r.proc
	r.proc = nil
	r.mu.Unlock()
	p.stop(syscall.SIGKILL, 5*time.Second)
}

// ---- PostgreSQL ----

// PostgresServer is a private PostgreSQL cluster on 127.0.0.1, with trust
// authentication for the superuser postgres and fsync off.
type PostgresServer struct {
	Port int
	bin  string // folder of initdb and postgres
	base string // temporary folder, owned by the server's user
	data string
	cred *syscall.Credential // nil when not root
	mu   sync.Mutex
	proc *process
}

var dbSeq atomic.Int64

// postgresBin finds the folder of Debian's postgres and initdb binaries,
// the newest version first.
func postgresBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if isExec(filepath.Join(d, "postgres")) && isExec(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("postgres"); err == nil {
		d := filepath.Dir(p)
		if isExec(filepath.Join(d, "initdb")) {
			return d, nil
		}
	}
	return "", errors.New("postgres and initdb not found (looked in /usr/lib/postgresql/*/bin and PATH)")
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// unprivileged returns the credential PostgreSQL runs under when the test
// runs as root.
func unprivileged() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
	}
	return nil, errors.New("running as root and no unprivileged user (postgres or nobody) to run PostgreSQL")
}

// Postgres initialises and starts a private PostgreSQL cluster and stops
// and removes it when the test ends.
func Postgres(tb testing.TB) *PostgresServer {
	tb.Helper()
	bin, err := postgresBin()
	if err != nil {
		missing(tb, "%v", err)
	}
	p := &PostgresServer{bin: bin}
	if os.Geteuid() == 0 {
		if p.cred, err = unprivileged(); err != nil {
			missing(tb, "%v", err)
		}
	}
	// Not tb.TempDir: its parents are private to root, and the server runs
	// as another user.
	if p.base, err = os.MkdirTemp("", "dutybot-pg-"); err != nil {
		tb.Fatalf("enginetest: %v", err)
	}
	tb.Cleanup(func() { os.RemoveAll(p.base) })
	if p.cred != nil {
		if err := os.Chown(p.base, int(p.cred.Uid), int(p.cred.Gid)); err != nil {
			tb.Fatalf("enginetest: %v", err)
		}
	}
	p.data = filepath.Join(p.base, "data")

	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", p.data, "-U", "postgres", "-A", "trust",
		"-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	initdb.Env = append(os.Environ(), "LC_ALL=C")
	if out, err := initdb.CombinedOutput(); err != nil {
		tb.Fatalf("enginetest: initdb: %v\n%s", err, out)
	}
	var lastErr error
	for range 3 {
		p.Port = freePort(tb)
		if lastErr = p.start(); lastErr == nil {
			tb.Cleanup(func() { p.Stop() })
			return p
		}
	}
	tb.Fatalf("enginetest: start postgres: %v", lastErr)
	return nil
}

// URL returns the URL of database name as the superuser.
func (p *PostgresServer) URL(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.Port, name)
}

// NewDatabase creates an empty database with a unique name and returns its
// URL.
func (p *PostgresServer) NewDatabase(tb testing.TB) string {
	tb.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), dbSeq.Add(1))
	db, err := sql.Open("pgx", p.URL("postgres"))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("enginetest: create database: %v", err)
	}
	return p.URL(name)
}

func (p *PostgresServer) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proc != nil && !p.proc.exited() {
		return nil
	}
	logPath := filepath.Join(p.base, "postgres.log")
	cmd := exec.Command(filepath.Join(p.bin, "postgres"), "-D", p.data, "-p", strconv.Itoa(p.Port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=60", "-c", "shared_buffers=16MB", "-c", "log_min_messages=warning")
	// The log file is opened here and inherited, so its owner does not
	// matter.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	proc, err := startProcess(cmd, logPath)
	if err != nil {
		return err
	}
	db, err := sql.Open("pgx", p.URL("postgres"))
	if err != nil {
		proc.stop(syscall.SIGKILL, time.Second)
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if proc.exited() {
			return fmt.Errorf("postgres exited at start:\n%s", tail(logPath, 20))
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := db.PingContext(ctx)
		cancel()
		if err == nil {
			p.proc = proc
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	proc.stop(syscall.SIGQUIT, 2*time.Second)
	return fmt.Errorf("postgres not ready after 30 s:\n%s", tail(logPath, 20))
}

// Start starts the server again after Stop, on the same port and data.
func (p *PostgresServer) Start(tb testing.TB) {
	tb.Helper()
	if err := p.start(); err != nil {
		tb.Fatalf("enginetest: restart postgres: %v", err)
	}
}

// Stop stops the server (fast shutdown: clients are disconnected at once).
func (p *PostgresServer) Stop() {
	p.mu.Lock()
	proc := p.proc
	p.proc = nil
	p.mu.Unlock()
	proc.stop(syscall.SIGINT, 15*time.Second)
}
