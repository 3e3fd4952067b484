package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"dutybot/handlers/redisstore/enginetest"
)

// These tests try the release and the deploy files with the real tools:
// scripts/release, then file and ldd on its binary, podman build of the
// Containerfile, nginx (deploy/nginx.conf) in front of two replicas of the
// released binary, systemd-analyze on the units and the backup script
// with sqlite3 and pg_dump.

const (
	releaseVersion = "9.8.7-test"
	deployToken    = "deploytest"
	deployAppID    = "wxdeploy0123456789"
	deployAESKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

// needTool returns the path of a command, or skips the test without it;
// in CI (CI set) it fails instead.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	for _, p := range []string{name, "/usr/sbin/" + name} { // nginx, when sbin is not on PATH
		if p, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("%s not found (as root: apt-get install -y %s)", name, pkg)
	if os.Getenv("CI") != "" {
		t.Fatalf("%s; CI is set, so this fails instead of skipping", msg)
	}
	t.Skip(msg)
	return ""
}

// runOut runs a command and returns its combined output; a failure ends
// the test.
func runOut(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// exitCode runs a command that must fail, and returns its exit code and
// output.
func exitCode(t *testing.T, env []string, name string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("%s %s: want a failure, got %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return ee.ExitCode(), string(out)
}

func TestRelease(t *testing.T) {
	if testing.Short() && os.Getenv("CI") == "" {
		t.Skip("builds a release and runs nginx, Redis and PostgreSQL; skipped with -short")
	}
	needTool(t, "file", "file")
	needTool(t, "ldd", "libc-bin")
	env := baseEnv(map[string]string{})

	// Bad input: a clear error before anything is built.
	for _, args := range [][]string{{"1.x"}, {"-t", "linux/amd65", "1.0.0"}, {}} {
		code, out := exitCode(t, env, "../../scripts/release", append([]string{"-o", t.TempDir()}, args...)...)
		if code != 2 || !strings.Contains(out, "release") {
			t.Errorf("scripts/release %q: exit %d %q, want 2 and a message", args, code, out)
		}
	}

	dist := t.TempDir()
	start := time.Now()
	out := runOut(t, env, "../../scripts/release", "-o", dist, "-t", "linux/amd64", releaseVersion)
	t.Logf("scripts/release in %v:\n%s", time.Since(start).Round(time.Second), out)
	if !strings.Contains(out, "== linux/amd64: building") {
		t.Errorf("scripts/release printed no progress:\n%s", out)
	}
	archive := "dutybot-" + releaseVersion + "-linux-amd64.tar.gz"
	sums := runOut(t, env, "sh", "-c", "cd "+dist+" && cat SHA256SUMS && sha256sum -c SHA256SUMS")
	if !strings.Contains(sums, "  "+archive+"\n") || !strings.Contains(sums, archive+": OK") {
		t.Errorf("SHA256SUMS does not check %s:\n%s", archive, sums)
	}

	unpacked := t.TempDir()
	runOut(t, env, "tar", "-C", unpacked, "-xzf", filepath.Join(dist, archive))
	dir := filepath.Join(unpacked, strings.TrimSuffix(archive, ".tar.gz"))
	for _, f := range []string{"dutybot", "README.md", "dutybot.example.yaml", "Containerfile", "ca-certificates.crt", "data",
		"deploy/dutybot.service", "deploy/nginx.conf", "deploy/env.example",
		"deploy/dutybot-backup", "deploy/dutybot-backup.service", "deploy/dutybot-backup.timer"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the archive has no %s: %v", f, err)
		}
	}
	bin := filepath.Join(dir, "dutybot")

	t.Run("static binary", func(t *testing.T) {
		if f := runOut(t, env, "file", "-b", bin); !strings.Contains(f, "x86-64") || !strings.Contains(f, "statically linked") {
			t.Errorf("file: %s, want a statically linked x86-64 executable", f)
		}
		if code, out := exitCode(t, env, "ldd", bin); code != 1 || !strings.Contains(out, "not a dynamic executable") {
			t.Errorf("ldd: exit %d %q, want 1 and not a dynamic executable", code, out)
		}
		if v := runOut(t, env, bin, "version"); !strings.HasPrefix(v, "dutybot "+releaseVersion+" (go") || !strings.HasSuffix(v, " linux/amd64)\n") {
			t.Errorf("dutybot version = %q, want dutybot %s (go… linux/amd64)", v, releaseVersion)
		}
		if out := runOut(t, env, bin, "check"); !strings.Contains(out, "喀尔墩乡 (伊宁市") || !strings.Contains(out, "87 basic") {
			t.Errorf("dutybot check does not report the embedded list:\n%s", out)
		}
		data := baseEnv(map[string]string{"DUTYBOT_DATA": t.TempDir()})
		if out := runOut(t, data, bin, "ask", "办残疾证找谁"); !strings.Contains(out, "残疾") {
			t.Errorf("dutybot ask 办残疾证找谁 = %q, want an answer about 残疾", out)
		}
	})

	t.Run("container image", func(t *testing.T) { testContainer(t, dir) })
	t.Run("nginx in front of two replicas", func(t *testing.T) { testNginx(t, bin) })
}

// testContainer builds the Containerfile in the unpacked archive and
// checks the image's configuration and files. (Running it is not
// possible on these machines: no cgroup delegation.)
func testContainer(t *testing.T, dir string) {
	podman := needTool(t, "podman", "podman")
	image := fmt.Sprintf("localhost/dutybot-test:%d", os.Getpid())
	env := baseEnv(map[string]string{})
	runOut(t, env, podman, "build", "-q", "-t", image, dir)
	t.Cleanup(func() { exec.Command(podman, "rmi", "-f", image).Run() })

	var inspect []struct {
		Config struct {
			User       string
			Env        []string
			Entrypoint []string
			Cmd        []string
			Volumes    map[string]struct{}
		}
	}
	if err := json.Unmarshal([]byte(runOut(t, env, podman, "image", "inspect", image)), &inspect); err != nil || len(inspect) != 1 {
		t.Fatalf("podman image inspect: %v", err)
	}
	c := inspect[0].Config
	if !slices.Equal(c.Entrypoint, []string{"/dutybot"}) || !slices.Equal(c.Cmd, []string{"serve"}) {
		t.Errorf("entrypoint %q, cmd %q; want [/dutybot] [serve]", c.Entrypoint, c.Cmd)
	}
	if c.User != "65534:65534" {
		t.Errorf("user %q, want 65534:65534 (not root)", c.User)
	}
	if _, ok := c.Volumes["/data"]; !ok || !slices.Contains(c.Env, "DUTYBOT_DATA=/data") {
		t.Errorf("volumes %v, env %q; want /data, DUTYBOT_DATA=/data", c.Volumes, c.Env)
	}

	// The files: a container is created (not started) and exported.
	id := strings.TrimSpace(runOut(t, env, podman, "create", image))
	t.Cleanup(func() { exec.Command(podman, "rm", "-f", id).Run() })
	cmd := exec.Command(podman, "export", id)
	var tarOut bytes.Buffer
	cmd.Stdout = &tarOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("podman export: %v", err)
	}
	list := exec.Command("tar", "-tvf", "-")
	list.Stdin = &tarOut
	files, err := list.Output()
	if err != nil {
		t.Fatalf("tar -tvf: %v", err)
	}
	fi, _ := os.Stat(filepath.Join(dir, "dutybot"))
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^-rwxr-xr-x 0/0 +` + strconv.FormatInt(fi.Size(), 10) + ` .* dutybot$`),
		regexp.MustCompile(`(?m)^drwx.* 65534/65534 .* data/$`),
		regexp.MustCompile(`(?m) etc/ssl/certs/ca-certificates.crt$`),
	} {
		if !want.Match(files) {
			t.Errorf("the image has no file matching %s:\n%s", want, files)
		}
	}
}

// nginxServer is nginx started with deploy/nginx.conf made local: plain
// HTTP on loopback ports, the replicas as the upstream.
type nginxServer struct {
	base     string // http://127.0.0.1:port, the conf's port 443
	redirect string // http://127.0.0.1:port, the conf's port 80
	access   string // the access log: client, request, status, upstreams
}

func freeLoopbackPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startNginx rewrites deploy/nginx.conf for the test and starts nginx.
func startNginx(t *testing.T, upstreams ...string) *nginxServer {
	t.Helper()
	nginx := needTool(t, "nginx", "nginx")
	conf, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tls, plain := freeLoopbackPort(t), freeLoopbackPort(t)
	site := rewriteConf(t, string(conf),
		[2]string{"    listen 443 ssl;\n", fmt.Sprintf("    listen 127.0.0.1:%d;\n", tls)},
		[2]string{"    listen 80;\n", fmt.Sprintf("    listen 127.0.0.1:%d;\n", plain)},
		[2]string{"    listen [::]:443 ssl;\n", ""},
		[2]string{"    listen [::]:80;\n", ""},
		[2]string{"server 127.0.0.1:8081 ", "server " + upstreams[0] + " "},
		[2]string{"server 127.0.0.1:8082 ", "server " + upstreams[1] + " "})
	ssl := regexp.MustCompile(`(?m)^\s*ssl_.*\n`)
	if len(ssl.FindAllString(site, -1)) < 2 {
		t.Fatalf("deploy/nginx.conf has no ssl_certificate lines")
	}
	site = ssl.ReplaceAllString(site, "") // plain HTTP in the test
	n := &nginxServer{base: fmt.Sprintf("http://127.0.0.1:%d", tls), redirect: fmt.Sprintf("http://127.0.0.1:%d", plain),
		access: filepath.Join(dir, "access.log")}
	mainPath, errLog := nginxCheck(t, nginx, dir, site)
	cmd := exec.Command(nginx, "-e", errLog, "-p", dir, "-c", mainPath)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT) // graceful
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(errLog)
			t.Logf("nginx error log:\n%s%s", b, out.String())
		}
	})
	waitFor(t, "nginx listening", 10*time.Second, func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", tls))
		if err == nil {
			c.Close()
		}
		return err == nil
	})
	return n
}

// rewriteConf replaces in conf each pair's first string, which must stand
// there once, by its second: a changed deploy/nginx.conf fails here rather
// than going untested.
func rewriteConf(t *testing.T, conf string, pairs ...[2]string) string {
	t.Helper()
	for _, r := range pairs {
		if strings.Count(conf, r[0]) != 1 {
			t.Fatalf("deploy/nginx.conf: want %q once", r[0])
		}
		conf = strings.Replace(conf, r[0], r[1], 1)
	}
	return conf
}

// nginxCheck writes site and a main configuration that includes it, with
// everything else (pid, logs, temporary files) in dir, and checks them
// with nginx -t. It returns the main configuration and the error log.
func nginxCheck(t *testing.T, nginx, dir, site string) (mainPath, errLog string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "dutybot.conf"), []byte(site), 0o644); err != nil {
		t.Fatal(err)
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root root;" // the workers can then reach the private temporary folder
	}
	main := fmt.Sprintf(`%[2]s
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
daemon off;
events { worker_connections 512; }
http {
    log_format deploy '$remote_addr "$request" $status "$upstream_addr" $upstream_status';
    access_log %[1]s/access.log deploy;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[1]s/dutybot.conf;
}
`, dir, user)
	mainPath = filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(mainPath, []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	errLog = filepath.Join(dir, "error.log")
	if out := runOut(t, os.Environ(), nginx, "-t", "-e", errLog, "-p", dir, "-c", mainPath); !strings.Contains(out, "test is successful") {
		t.Fatalf("nginx -t:\n%s", out)
	}
	return mainPath, errLog
}

// TestNginxConfTLS checks deploy/nginx.conf as it is shipped, TLS and all,
// with nginx -t: only the certificate's placeholder paths are pointed at a
// certificate made here.
func TestNginxConfTLS(t *testing.T) {
	nginx := needTool(t, "nginx", "nginx")
	conf, err := os.ReadFile("../../deploy/nginx.conf")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bot.example.gov.cn"},
		DNSNames: []string{"bot.example.gov.cn"}, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	crt, pkey := filepath.Join(dir, "test.crt"), filepath.Join(dir, "test.key")
	os.WriteFile(crt, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(pkey, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	nginxCheck(t, nginx, dir, rewriteConf(t, string(conf),
		[2]string{"/etc/nginx/ssl/bot.example.gov.cn.crt;", crt + ";"},
		[2]string{"/etc/nginx/ssl/bot.example.gov.cn.key;", pkey + ";"}))
}

// deployClient is an HTTP client from a loopback address: 127.0.0.1 is
// this host (allowed everywhere), 127.0.0.2 a client outside the office
// network.
func deployClient(from string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	return &http.Client{
		Timeout:       15 * time.Second,
		Transport:     &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func deployGet(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var deployNonce atomic.Int64

// safeModeMessage sends a text message as WeChat does in safe mode (signed
// and encrypted) to base/wechat, and returns the decrypted reply's text
// ("" for "success", no reply yet).
func safeModeMessage(c *http.Client, base, user string, msgID int64, text string) (string, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := strconv.FormatInt(deployNonce.Add(1), 10)
	plain := fmt.Sprintf(`<xml><ToUserName><![CDATA[gh_deploy]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>`+
		`<CreateTime>%s</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content><MsgId>%d</MsgId></xml>`,
		user, ts, text, msgID)
	enc, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(plain), deployAppID, deployAESKey)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("signature", util.Signature(deployToken, ts, nonce))
	q.Set("timestamp", ts)
	q.Set("nonce", nonce)
	q.Set("openid", user)
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", util.Signature(deployToken, ts, nonce, string(enc)))
	body := "<xml><ToUserName><![CDATA[gh_deploy]]></ToUserName><Encrypt><![CDATA[" + string(enc) + "]]></Encrypt></xml>"
	b, err := postWeChat(c, base+"/wechat?"+q.Encode(), body)
	if err != nil || b == nil {
		return "", err
	}
	var env struct{ Encrypt, MsgSignature, TimeStamp, Nonce string }
	if err := xml.Unmarshal(b, &env); err != nil {
		return "", fmt.Errorf("reply %.200q: %w", b, err)
	}
	if env.MsgSignature != util.Signature(deployToken, env.TimeStamp, env.Nonce, env.Encrypt) {
		return "", fmt.Errorf("reply with a wrong MsgSignature: %.200s", b)
	}
	_, reply, err := util.DecryptMsg(deployAppID, env.Encrypt, deployAESKey)
	if err != nil {
		return "", fmt.Errorf("reply does not decrypt: %w", err)
	}
	var r struct{ Content string }
	if err := xml.Unmarshal(reply, &r); err != nil {
		return "", fmt.Errorf("decrypted reply %.200q: %w", reply, err)
	}
	return r.Content, nil
}

// wechatWithRetries sends a message as WeChat does: when no reply comes
// (an error, or "success"), the same message again, up to three retries.
func wechatWithRetries(c *http.Client, base, user string, msgID int64, text string) (string, error) {
	var got string
	var err error
	for try := range 4 {
		if try > 0 {
			time.Sleep(3 * time.Second)
		}
		if got, err = safeModeMessage(c, base, user, msgID, text); err == nil && got != "" {
			return got, nil
		}
	}
	if err == nil {
		err = errors.New("no reply after three retries")
	}
	return "", err
}

// testNginx runs two replicas of bin sharing Redis and PostgreSQL behind
// nginx and kills one in the middle of a stream of WeChat messages and
// questions to the JSON API.
func testNginx(t *testing.T, bin string) {
	needTool(t, "nginx", "nginx")
	rds := enginetest.Redis(t)
	pg := enginetest.Postgres(t)
	dbURL := pg.NewDatabase(t)
	env := func() map[string]string {
		return map[string]string{
			"DUTYBOT_WECHAT_TOKEN":  deployToken,
			"DUTYBOT_WECHAT_APPID":  deployAppID,
			"DUTYBOT_WECHAT_AESKEY": deployAESKey,
			"DUTYBOT_REDIS_URL":     rds.URL(0),
			"DUTYBOT_POSTGRES_URL":  dbURL,
			"DUTYBOT_ADMIN_TOKEN":   replicaAdmin,
			"DUTYBOT_RATE_LIMIT":    "0",
		}
	}
	a, b := startPair(t, bin, env)
	ngx := startNginx(t, a.addr, b.addr)
	local, outside := deployClient("127.0.0.1"), deployClient("127.0.0.2")
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	t.Run("routes", func(t *testing.T) {
		resp, body := deployGet(t, outside, ngx.base+"/healthz")
		var h struct{ Status, Version string }
		if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &h) != nil || h.Status != "ok" || h.Version != releaseVersion {
			t.Errorf("/healthz through nginx = %d %q, want ok and version %s", resp.StatusCode, body, releaseVersion)
		}
		if resp, _ := deployGet(t, outside, ngx.redirect+"/wechat?x=1"); resp.StatusCode != 301 ||
			!strings.HasPrefix(resp.Header.Get("Location"), "https://") || !strings.HasSuffix(resp.Header.Get("Location"), "/wechat?x=1") {
			t.Errorf("port 80: %d %q, want 301 to https://…/wechat?x=1", resp.StatusCode, resp.Header.Get("Location"))
		}
		// WeChat's URL check (a signed GET) from the Internet.
		ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "42"
		check := fmt.Sprintf("%s/wechat?signature=%s&timestamp=%s&nonce=%s&echostr=hello123", ngx.base, util.Signature(deployToken, ts, nonce), ts, nonce)
		if resp, body := deployGet(t, outside, check); resp.StatusCode != 200 || body != "hello123" {
			t.Errorf("WeChat URL check from outside = %d %q, want 200 hello123", resp.StatusCode, body)
		}
		for _, path := range []string{"/", "/api/items", "/api/admin/report", "/metrics", "/readyz"} {
			if resp, _ := deployGet(t, outside, ngx.base+path); resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s from outside the office network = %d, want 403", path, resp.StatusCode)
			}
		}
		resp, err := outside.Post(ngx.base+"/api/ask", "application/json", strings.NewReader(`{"question":"低保"}`))
		if err != nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("POST /api/ask from outside = %v %v, want 403", resp.StatusCode, err)
		}
		if err == nil {
			resp.Body.Close()
		}
		for _, path := range []string{"/", "/readyz", "/api/items"} {
			if resp, _ := deployGet(t, local, ngx.base+path); resp.StatusCode != 200 {
				t.Errorf("%s from this host = %d, want 200", path, resp.StatusCode)
			}
		}
	})

	t.Run("a replica killed during a stream", func(t *testing.T) {
		const n = 60
		const firstID = 7400000000000000000
		texts := []string{"办残疾证找谁", "低保怎么申请", "宅基地审批", "养老保险怎么交", "危房改造"}
		errs := make([]error, n)
		replies := make([]string, n)
		var next, acked atomic.Int32
		var killedAt atomic.Int32
		killedAt.Store(n)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= n {
						return
					}
					text := texts[i%len(texts)]
					if i%2 == 0 {
						replies[i], errs[i] = wechatWithRetries(outside, ngx.base, fmt.Sprint("oStream", i), firstID+int64(i), text)
					} else {
						replies[i], errs[i] = apiAsk(local, ngx.base, fmt.Sprint("staff", i), text)
					}
					acked.Add(1)
					time.Sleep(20 * time.Millisecond)
				}
			})
		}
		waitFor(t, "a third of the stream answered", 60*time.Second, func() bool { return acked.Load() >= n/3 })
		killedAt.Store(next.Load())
		if err := a.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil || replies[i] == "" {
				t.Errorf("request %d: reply %q, %v; want every request answered", i, replies[i], err)
			}
		}
		// None twice: every WeChat message is logged at most once, and
		// those sent after the kill exactly once (B logs them; what A had
		// queued when it was killed is lost, as the README says).
		var after []int64
		for i := 0; i < n; i += 2 {
			id := int64(firstID + i)
			if i >= int(killedAt.Load()) { // sent after the kill
				after = append(after, id)
			} else if c := logged(t, db, id); c > 1 {
				t.Errorf("message %d logged %d times", id, c)
			}
		}
		waitLogged(t, db, after)
		// The same message once more, as a late WeChat retry: the same
		// reply, still logged once.
		again, err := safeModeMessage(outside, ngx.base, "oStream0", firstID, texts[0])
		if err != nil || again != replies[0] {
			t.Errorf("message 0 sent again: %q, %v; want the first reply %q", again, err, replies[0])
		}
		waitLogged(t, db, []int64{firstID})

		// nginx's log: both replicas served, and after the kill the failed
		// tries on A went on to B.
		log, _ := os.ReadFile(ngx.access)
		if !bytes.Contains(log, []byte(`"`+a.addr)) || !bytes.Contains(log, []byte(`"`+b.addr+`"`)) {
			t.Errorf("nginx log does not show both replicas %s and %s:\n%s", a.addr, b.addr, log)
		}
		if bytes.Contains(log, []byte(`" 502 `)) || bytes.Contains(log, []byte(`" 504 `)) {
			t.Errorf("nginx answered 502/504:\n%s", log)
		}
		t.Logf("killed A after %d requests; nginx fail-overs: %d", killedAt.Load(), strings.Count(string(log), a.addr+", "+b.addr))
	})

	t.Run("pg_dump backup restores", func(t *testing.T) {
		needTool(t, "pg_dump", "postgresql-client")
		needTool(t, "pg_restore", "postgresql-client")
		dir := t.TempDir()
		out := runOut(t, baseEnv(map[string]string{"DUTYBOT_POSTGRES_URL": dbURL}), "../../deploy/dutybot-backup", dir)
		dumps, _ := filepath.Glob(filepath.Join(dir, "dutybot-*.pgdump"))
		if len(dumps) != 1 || !strings.Contains(out, dumps[0]) {
			t.Fatalf("dutybot-backup wrote %v, said %q", dumps, out)
		}
		restored := pg.NewDatabase(t)
		runOut(t, os.Environ(), "pg_restore", "--no-owner", "-d", restored, dumps[0])
		rdb, err := sql.Open("pgx", restored)
		if err != nil {
			t.Fatal(err)
		}
		defer rdb.Close()
		var live, back int
		if err := db.QueryRow(`SELECT COUNT(*) FROM questions`).Scan(&live); err != nil {
			t.Fatal(err)
		}
		if err := rdb.QueryRow(`SELECT COUNT(*) FROM questions`).Scan(&back); err != nil || back != live || live == 0 {
			t.Errorf("restored backup: %d questions (%v), the live log %d", back, err, live)
		}
	})

	if t.Failed() {
		t.Logf("replica A:\n%s\nreplica B:\n%s", a.stderr.withoutAccess(), b.stderr.withoutAccess())
	}
}

// apiAsk asks through the JSON API and returns the reply's text.
func apiAsk(c *http.Client, base, user, question string) (string, error) {
	body, _ := json.Marshal(map[string]string{"question": question, "user": user})
	resp, err := c.Post(base+"/api/ask", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	var a srvAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		return "", err
	}
	return a.Reply, nil
}

// TestSystemdUnits checks the units with systemd-analyze in a root folder
// holding them, the commands they run and systemd's own units.
func TestSystemdUnits(t *testing.T) {
	sa := needTool(t, "systemd-analyze", "systemd")
	root := t.TempDir()
	for _, d := range []string{"usr/bin", "usr/local/bin", "usr/lib/systemd", "etc/systemd/system"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range []string{"bin", "lib"} {
		if err := os.Symlink("usr/"+l, filepath.Join(root, l)); err != nil {
			t.Fatal(err)
		}
	}
	env := baseEnv(map[string]string{})
	runOut(t, env, "cp", "-a", "/usr/lib/systemd/system", filepath.Join(root, "usr/lib/systemd/"))
	runOut(t, env, "cp", "/usr/bin/kill", filepath.Join(root, "usr/bin/"))
	runOut(t, env, "cp", "../../deploy/dutybot-backup", filepath.Join(root, "usr/local/bin/"))
	// ExecStart must be an executable; which one does not matter here.
	if err := os.WriteFile(filepath.Join(root, "usr/local/bin/dutybot"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	units := []string{"dutybot.service", "dutybot-backup.service", "dutybot-backup.timer"}
	var paths []string
	for _, u := range units {
		runOut(t, env, "cp", "../../deploy/"+u, filepath.Join(root, "etc/systemd/system/"))
		paths = append(paths, "/etc/systemd/system/"+u)
	}
	// verify exits 0 on unknown keys and bad values: any output fails.
	if out := runOut(t, env, sa, append([]string{"verify", "--root=" + root}, paths...)...); out != "" {
		t.Errorf("systemd-analyze verify:\n%s", out)
	}
	out := runOut(t, env, sa, "security", "--offline=yes", "--root="+root, paths[0])
	m := regexp.MustCompile(`Overall exposure level for dutybot.service: ([0-9.]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("systemd-analyze security: no exposure level in\n%s", out)
	}
	if v, _ := strconv.ParseFloat(m[1], 64); v > 2 {
		t.Errorf("dutybot.service exposure level %s, want ≤ 2 (OK):\n%s", m[1], out)
	}
	t.Logf("dutybot.service exposure level %s", m[1])

	unit, _ := os.ReadFile("../../deploy/dutybot.service")
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=dutybot", "EnvironmentFile=/etc/dutybot/env",
		"ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID",
		"Environment=DUTYBOT_DATA=/var/lib/dutybot", "ExecStart=/usr/local/bin/dutybot serve"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(want) + `$`).Match(unit) {
			t.Errorf("deploy/dutybot.service has no line %s", want)
		}
	}
}

// TestBackupSQLite backs up the SQLite log of a running server with
// deploy/dutybot-backup and reads the copy.
func TestBackupSQLite(t *testing.T) {
	needTool(t, "sqlite3", "sqlite3")
	m, _ := srvStart(t, nil)
	for i, q := range []string{"办残疾证找谁", "低保怎么申请", "宅基地审批"} {
		srvAsk(t, m.Addr(), fmt.Sprint("backup", i), q)
	}
	live := m.Config.DBPath()
	srvWait(t, func() bool { return srvCount(t, live, `SELECT COUNT(*) FROM questions`) == 3 }, "3 questions logged")
	dir := filepath.Join(t.TempDir(), "backups")
	script := "../../deploy/dutybot-backup"
	env := baseEnv(map[string]string{"DUTYBOT_DATA": m.Config.Data})
	out := runOut(t, env, script, dir)
	copies, _ := filepath.Glob(filepath.Join(dir, "dutybot-*.db"))
	if len(copies) != 1 || !strings.Contains(out, copies[0]) {
		t.Fatalf("dutybot-backup wrote %v, said %q", copies, out)
	}
	if n := srvCount(t, copies[0], `SELECT COUNT(*) FROM questions`); n != 3 {
		t.Errorf("the backup holds %d questions, want 3", n)
	}
	// Old backups go, others stay.
	old := filepath.Join(dir, "dutybot-20200101-000000.db")
	other := filepath.Join(dir, "notes.txt")
	for _, f := range []string{old, other} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		ago := time.Now().AddDate(0, 0, -30)
		os.Chtimes(f, ago, ago)
	}
	runOut(t, env, script, dir)
	if _, err := os.Stat(old); err == nil {
		t.Errorf("a 30-day-old backup was kept")
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another file in the folder was deleted: %v", err)
	}

	// Bad input: clear errors.
	for _, tc := range []struct {
		env  map[string]string
		code int
		msg  string
	}{
		{map[string]string{"DUTYBOT_DATA": t.TempDir()}, 1, "no question log at"},
		{map[string]string{"DUTYBOT_DATA": m.Config.Data, "DUTYBOT_BACKUP_DAYS": "two"}, 2, "not a number of days"},
	} {
		code, out := exitCode(t, baseEnv(tc.env), script, dir)
		if code != tc.code || !strings.Contains(out, tc.msg) {
			t.Errorf("dutybot-backup with %v: exit %d %q, want %d and %q", tc.env, code, out, tc.code, tc.msg)
		}
	}
}
