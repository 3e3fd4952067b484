// Command dutybench is dutybot's load benchmark: it starts a dutybot server
// on a free loopback port, drives it with a Go HTTP client and prints
// requests per second and p50/p99 latency for three scenarios, measured in
// the same run so that they can be compared:
//
//   - healthz: GET /healthz, the ceiling of the HTTP stack on this machine;
//   - ask: POST /api/ask with varied questions from many users;
//   - wechat: signed safe-mode (AES) WeChat messages, each with its own
//     MsgId, built and encrypted by the client as WeChat would.
//
// It also reports the server's resident memory (VmRSS) under load and,
// with -soak, over a longer mixed load, to show that sessions and dedupe
// entries expire instead of growing. Every scenario is bounded by a count
// and a duration, and the client only talks to 127.0.0.1.
//
// Usage (scripts/bench builds the binaries and runs it):
//
//	dutybench -bin ./dutybot [-c 16] [-rounds 3] [-d 5s] [-n 200000] [-soak 5m]
//
// The scenarios are interleaved in rounds (healthz, ask, wechat, healthz,
// ...), so that a drift in the machine's background load weighs on all
// three alike; the ratios of each round and of the pooled figures are
// printed.
package main

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The WeChat account and admin token the server is configured with for
// the benchmark.
const (
	benchToken = "benchtoken2026"
	benchAppID = "wxbench0000000001"
	benchAdmin = "bench-admin-token-2026"
)

// profileDir, when set, receives CPU and heap profiles of the server.
var profileDir string

// serverMemLimit, when set, is the server's GOMEMLIMIT.
var serverMemLimit string

var questions = []string{
	"办残疾证找谁", "宅基地审批怎么办", "低保怎么申请", "危房改造找哪个部门", "新生儿落户",
	"医保怎么交", "养老保险补缴", "高龄津贴怎么领", "临时救助", "农村建房审批",
	"土地承包纠纷", "林权登记", "疫苗接种", "计划生育证明", "退役军人优待证",
	"营业执照在哪办", "食品经营许可", "环境污染投诉", "噪音扰民找谁", "消防检查",
	"防汛抗旱", "安全生产检查", "户口迁移", "身份证办理", "居住证",
	"就业登记", "失业金领取", "创业贷款", "技能培训报名", "农民工工资拖欠",
	"孤儿救助", "留守儿童关爱", "五保供养", "殡葬管理", "婚姻登记",
	"村委会选举", "党员发展", "网格员职责", "人居环境整治", "垃圾清运",
	"饮水安全", "农机补贴", "种粮补贴", "动物防疫", "草原保护",
	"驾照怎么换证", "护照在哪办", "你好", "帮助", "分类",
}

func main() {
	bin := flag.String("bin", "./dutybot", "the dutybot `binary` to start")
	conc := flag.Int("c", 16, "concurrent connections")
	dur := flag.Duration("d", 5*time.Second, "duration of each scenario in each round")
	rounds := flag.Int("rounds", 3, "rounds of the three scenarios, interleaved")
	maxN := flag.Int("n", 200000, "at most this many requests per scenario")
	warm := flag.Duration("warmup", 2*time.Second, "warm-up before the measured scenarios")
	soak := flag.Duration("soak", 0, "after the scenarios, a mixed ask+wechat load this long, sampling memory (e.g. 5m)")
	users := flag.Int("users", 50000, "distinct users the questions come from")
	keep := flag.Bool("keep", false, "keep the data folder and the server log")
	flag.StringVar(&serverMemLimit, "gomemlimit", "", "GOMEMLIMIT of the server (e.g. 56MiB); default: the server's own")
	flag.StringVar(&profileDir, "profile", "", "save a CPU profile of the server per scenario, and a heap profile, in `DIR`")
	flag.Parse()
	if err := run(*bin, *conc, *dur, *rounds, *maxN, *warm, *soak, *users, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "dutybench:", err)
		os.Exit(1)
	}
}

func run(bin string, conc int, dur time.Duration, rounds, maxN int, warm, soak time.Duration, users int, keep bool) error {
	// An EncodingAESKey is 43 letters and digits, the base64 of the key.
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	var kb [43]byte
	rand.Read(kb[:])
	for i := range kb {
		kb[i] = alnum[int(kb[i])%len(alnum)]
	}
	aesKey := string(kb[:])
	key, err := base64.StdEncoding.DecodeString(aesKey + "=")
	if err != nil || len(key) != 32 {
		return fmt.Errorf("make key: %v", err)
	}

	srv, err := startServer(bin, aesKey, keep)
	if err != nil {
		return err
	}
	defer srv.stop()
	// Ctrl-C stops the server and removes its data folder before leaving.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	go func() {
		if _, ok := <-sigs; ok {
			fmt.Fprintln(os.Stderr, "dutybench: interrupted; stopping the server")
			srv.stop()
			os.Exit(130)
		}
	}()
	fmt.Printf("server: pid %d on %s, GOMAXPROCS=%s, GOMEMLIMIT=%s, %d CPUs; client: %d connections, %d rounds of %v or %d requests per scenario\n",
		srv.cmd.Process.Pid, srv.addr, orDefault(os.Getenv("GOMAXPROCS"), "default"), orDefault(serverMemLimit, "default"),
		numCPU(), conc, max(rounds, 1), dur, maxN)
	fmt.Printf("server RSS at start: %.1f MB\n", srv.rssMB())

	client := &http.Client{
		Transport: &http.Transport{MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc * 2, IdleConnTimeout: time.Minute,
			DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext},
		Timeout: 10 * time.Second,
	}
	base := "http://" + srv.addr
	var seq atomic.Int64
	wc := &wechatClient{key: key, base: base}
	scenarios := []scenario{
		{"healthz", func(r *mrand.Rand) (*http.Request, func([]byte) error) {
			req, _ := http.NewRequest("GET", base+"/healthz", nil)
			return req, nil
		}},
		{"ask", func(r *mrand.Rand) (*http.Request, func([]byte) error) {
			q := questions[r.IntN(len(questions))]
			body, _ := json.Marshal(map[string]string{"question": q, "user": "u" + strconv.Itoa(r.IntN(users))})
			req, _ := http.NewRequest("POST", base+"/api/ask", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			return req, checkAsk
		}},
		{"wechat", func(r *mrand.Rand) (*http.Request, func([]byte) error) {
			return wc.request(r, seq.Add(1), "o"+strconv.Itoa(r.IntN(users)), questions[r.IntN(len(questions))])
		}},
	}

	// Check each scenario once, then warm up.
	for _, s := range scenarios {
		req, check := s.next(mrand.New(mrand.NewPCG(1, 2)))
		if err := once(client, req, check); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	if warm > 0 {
		drive(client, scenarios[1], conc, warm, maxN, nil)
		drive(client, scenarios[2], conc, warm, maxN, nil)
	}

	// The scenarios run in rounds, healthz, ask, wechat, healthz, ...: on
	// a shared machine the background load drifts, and interleaving
	// spreads it over all three instead of penalising the one that ran
	// during a busy spell. Each round's ratios are printed, then the
	// pooled figures.
	type total struct {
		res            result
		srvCPU, cliCPU time.Duration
	}
	totals := make([]total, len(scenarios))
	var roundAsk, roundWeChat []float64
	for round := range max(rounds, 1) {
		rps := map[string]float64{}
		for i, s := range scenarios {
			var prof <-chan struct{}
			if round == 0 {
				prof = srv.profile("profile?seconds="+strconv.Itoa(max(1, int(dur.Seconds())-1)), s.name+".cpu.pprof")
			}
			srvCPU, cliCPU := cpuTime(srv.cmd.Process.Pid), cpuTime(os.Getpid())
			res := drive(client, s, conc, dur, maxN, srv)
			t := &totals[i]
			t.srvCPU += cpuTime(srv.cmd.Process.Pid) - srvCPU
			t.cliCPU += cpuTime(os.Getpid()) - cliCPU
			if prof != nil {
				<-prof
			}
			rps[s.name] = res.rps()
			t.res.elapsed += res.elapsed
			t.res.lat = append(t.res.lat, res.lat...)
			t.res.errs += res.errs
			t.res.rssMax = max(t.res.rssMax, res.rssMax)
			if t.res.firstErr == nil {
				t.res.firstErr = res.firstErr
			}
		}
		roundAsk = append(roundAsk, 100*rps["ask"]/rps["healthz"])
		roundWeChat = append(roundWeChat, 100*rps["wechat"]/rps["healthz"])
		if len(roundAsk) > 0 && rounds > 1 {
			fmt.Printf("round %d: healthz %.0f req/s, ask %.0f (%.1f%%), wechat %.0f (%.1f%%)\n", round+1,
				rps["healthz"], rps["ask"], roundAsk[round], rps["wechat"], roundWeChat[round])
		}
	}

	fmt.Printf("\n%-8s %9s %10s %9s %9s %9s %8s %10s %14s %14s\n", "scenario", "requests", "req/s", "p50", "p99", "max", "errors", "RSS max",
		"server µs/req", "client µs/req")
	rps := map[string]float64{}
	var peak float64
	for i, s := range scenarios {
		t := &totals[i]
		res := &t.res
		res.n = len(res.lat)
		sort.Slice(res.lat, func(i, j int) bool { return res.lat[i] < res.lat[j] })
		rps[s.name] = res.rps()
		peak = max(peak, res.rssMax)
		fmt.Printf("%-8s %9d %10.0f %9s %9s %9s %8d %7.1f MB %14.0f %14.0f\n", s.name, res.n, res.rps(),
			ms(res.pct(50)), ms(res.pct(99)), ms(res.pct(100)), res.errs, res.rssMax,
			t.srvCPU.Seconds()*1e6/float64(res.n), t.cliCPU.Seconds()*1e6/float64(res.n))
		if res.firstErr != nil {
			fmt.Printf("         first error: %v\n", res.firstErr)
		}
	}
	spread := func(v []float64) string {
		if len(v) < 2 {
			return ""
		}
		return fmt.Sprintf("; rounds %.1f–%.1f%%", slices.Min(v), slices.Max(v))
	}
	fmt.Printf("\nask    = %5.1f%% of healthz req/s (goal ≥ 30%%)%s\n", 100*rps["ask"]/rps["healthz"], spread(roundAsk))
	fmt.Printf("wechat = %5.1f%% of healthz req/s (goal ≥ 15%%)%s\n", 100*rps["wechat"]/rps["healthz"], spread(roundWeChat))
	fmt.Printf("p99 at %d connections: ask %s, wechat %s (goal ≤ 20ms)\n", conc, ms(totals[1].res.pct(99)), ms(totals[2].res.pct(99)))
	fmt.Printf("RSS under load: max %.1f MB (goal ≤ 100 MB); now %.1f MB = %.1f MB anonymous (heap, stacks, SQLite cache) + %.1f MB file-backed (the binary's pages)\n",
		peak, srv.rssMB(), srv.statusMB("RssAnon:"), srv.statusMB("RssFile:")+srv.statusMB("RssShmem:"))
	<-srv.profile("heap", "heap.pprof")

	if soak > 0 {
		fmt.Printf("\nsoak: ask and wechat alternately for %v with %d connections\n", soak, conc)
		mixed := scenario{"mixed", func(r *mrand.Rand) (*http.Request, func([]byte) error) {
			if r.IntN(2) == 0 {
				return scenarios[1].next(r)
			}
			return scenarios[2].next(r)
		}}
		start := srv.rssMB()
		samples := []float64{start}
		var mu sync.Mutex
		stop := make(chan struct{})
		go func() {
			t := time.NewTicker(soak / 10)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					v := srv.rssMB()
					mu.Lock()
					samples = append(samples, v)
					mu.Unlock()
					fmt.Printf("  %s  RSS %.1f MB\n", time.Now().Format("15:04:05"), v)
				}
			}
		}()
		res := drive(client, mixed, conc, soak, math.MaxInt, srv)
		close(stop)
		end := srv.rssMB()
		mu.Lock()
		firstHalf := slices.Max(samples[:max(1, len(samples)/2)])
		secondHalf := slices.Max(samples[len(samples)/2:])
		mu.Unlock()
		fmt.Printf("soak: %d requests, %.0f req/s, p50 %s p99 %s, %d errors\n", res.n, res.rps(), ms(res.pct(50)), ms(res.pct(99)), res.errs)
		fmt.Printf("soak RSS: start %.1f MB, max of first half %.1f MB, max of second half %.1f MB, max %.1f MB, end %.1f MB\n",
			start, firstHalf, secondHalf, res.rssMax, end)
		client.CloseIdleConnections()
		time.Sleep(10 * time.Second)
		fmt.Printf("RSS 10 s after the soak: %.1f MB\n", srv.rssMB())
	}
	return nil
}

// server is the dutybot process under test.
type server struct {
	cmd    *exec.Cmd
	exited chan struct{}
	addr   string
	dir    string
	keep   bool
	log    *os.File
}

func startServer(bin, aesKey string, keep bool) (*server, error) {
	dir, err := os.MkdirTemp("", "dutybench-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &server{addr: "127.0.0.1:" + strconv.Itoa(port), dir: dir, keep: keep}
	s.log, err = os.Create(dir + "/server.log")
	if err != nil {
		return nil, err
	}
	s.cmd = exec.Command(bin, "serve", "-addr", s.addr)
	env := []string{}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DUTYBOT_") && !strings.HasPrefix(e, "GOMEMLIMIT=") {
			env = append(env, e)
		}
	}
	if serverMemLimit != "" {
		env = append(env, "GOMEMLIMIT="+serverMemLimit)
	}
	s.cmd.Env = append(env,
		"DUTYBOT_DATA="+dir,
		"DUTYBOT_LOG_LEVEL=warn", // the per-request access log would be most of the work
		"DUTYBOT_WECHAT_TOKEN="+benchToken,
		"DUTYBOT_WECHAT_APPID="+benchAppID,
		"DUTYBOT_WECHAT_AESKEY="+aesKey,
		"DUTYBOT_ADMIN_TOKEN="+benchAdmin,
		"DUTYBOT_CLIENT_RATE_LIMIT=0", // every question comes from loopback
	)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.SysProcAttr = serverAttr()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s.exited = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + s.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		exited := false
		select {
		case <-s.exited:
			exited = true
		default:
		}
		if exited || time.Now().After(deadline) {
			log, _ := os.ReadFile(dir + "/server.log")
			s.stop()
			return nil, fmt.Errorf("server not ready: %v\n%s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	s.log.Close()
	if s.keep {
		fmt.Println("data and server log kept in", s.dir)
	} else {
		os.RemoveAll(s.dir)
	}
}

// profile fetches a profile from the server's admin API into profileDir,
// in the background; the channel is closed when done. Nothing happens
// without -profile.
func (s *server) profile(query, file string) <-chan struct{} {
	done := make(chan struct{})
	if profileDir == "" {
		close(done)
		return done
	}
	go func() {
		defer close(done)
		req, _ := http.NewRequest("GET", "http://"+s.addr+"/api/admin/debug/pprof/"+query, nil)
		req.Header.Set("Authorization", "Bearer "+benchAdmin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Fprintln(os.Stderr, "profile:", err)
			return
		}
		defer resp.Body.Close()
		os.MkdirAll(profileDir, 0o755)
		f, err := os.Create(profileDir + "/" + file)
		if err != nil {
			fmt.Fprintln(os.Stderr, "profile:", err)
			return
		}
		io.Copy(f, resp.Body)
		f.Close()
	}()
	return done
}

// rssMB reads the server's resident set size from /proc.
func (s *server) rssMB() float64 { return s.statusMB("VmRSS:") }

// statusMB reads a size in kB from /proc/<pid>/status, in MB.
func (s *server) statusMB(field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == field {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// scenario makes the requests of one kind; check, when set, validates a
// reply body.
type scenario struct {
	name string
	next func(r *mrand.Rand) (*http.Request, func([]byte) error)
}

type result struct {
	n, errs  int
	elapsed  time.Duration
	lat      []time.Duration
	rssMax   float64
	firstErr error
}

func (r *result) rps() float64 { return float64(r.n) / r.elapsed.Seconds() }

func (r *result) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(r.lat)))) - 1
	return r.lat[min(max(i, 0), len(r.lat)-1)]
}

// checkEvery: one reply in so many is decoded and checked in full, so
// that the client's own work weighs little in the figures; every status is
// checked.
const checkEvery = 20

// drive runs s on conc connections until d has passed or maxN requests
// were made, sampling the server's memory when srv is set.
func drive(client *http.Client, s scenario, conc int, d time.Duration, maxN int, srv *server) *result {
	var (
		mu       sync.Mutex
		res      = &result{}
		issued   atomic.Int64
		wg       sync.WaitGroup
		stopRSS  = make(chan struct{})
		rssDone  = make(chan struct{})
		deadline = time.Now().Add(d)
	)
	go func() {
		defer close(rssDone)
		if srv == nil {
			return
		}
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stopRSS:
				return
			case <-t.C:
				v := srv.rssMB()
				mu.Lock()
				res.rssMax = max(res.rssMax, v)
				mu.Unlock()
			}
		}
	}()
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := mrand.New(mrand.NewPCG(uint64(w), uint64(start.UnixNano())))
			lat := make([]time.Duration, 0, 4096)
			errs := 0
			var firstErr error
			for i := 0; issued.Add(1) <= int64(maxN) && time.Now().Before(deadline); i++ {
				req, check := s.next(r)
				if i%checkEvery != 0 {
					check = nil // the status is still checked
				}
				t0 := time.Now()
				err := once(client, req, check)
				lat = append(lat, time.Since(t0))
				if err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
				}
			}
			mu.Lock()
			res.lat = append(res.lat, lat...)
			res.errs += errs
			if res.firstErr == nil {
				res.firstErr = firstErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	close(stopRSS)
	<-rssDone
	res.n = len(res.lat)
	sort.Slice(res.lat, func(i, j int) bool { return res.lat[i] < res.lat[j] })
	return res
}

// once makes one request and checks the reply.
func once(client *http.Client, req *http.Request, check func([]byte) error) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: status %d: %.200s", req.Method, req.URL.Path, resp.StatusCode, body)
	}
	if check != nil {
		return check(body)
	}
	return nil
}

func checkAsk(body []byte) error {
	var a struct {
		Decision string `json:"decision"`
		Reply    string `json:"reply"`
	}
	if err := json.Unmarshal(body, &a); err != nil || a.Reply == "" || a.Decision == "" || a.Decision == "limited" {
		return fmt.Errorf("ask: unexpected reply %.200s", body)
	}
	return nil
}

// wechatClient builds safe-mode messages as the WeChat server does.
type wechatClient struct {
	key  []byte
	base string
}

// request returns a signed, encrypted text message from openid, and a
// check that decrypts the reply and verifies its signature.
func (c *wechatClient) request(r *mrand.Rand, id int64, openid, text string) (*http.Request, func([]byte) error) {
	now := strconv.FormatInt(time.Now().Unix(), 10)
	nonce := strconv.FormatUint(r.Uint64()%1e10, 10)
	msg := fmt.Sprintf("<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%s</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%d</MsgId></xml>", openid, now, text, 7000000000000000000+id)
	enc := c.encrypt(r, []byte(msg))
	q := url.Values{}
	q.Set("signature", signature(benchToken, now, nonce))
	q.Set("timestamp", now)
	q.Set("nonce", nonce)
	q.Set("openid", openid)
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", signature(benchToken, now, nonce, enc))
	body := "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>"
	req, _ := http.NewRequest("POST", c.base+"/wechat?"+q.Encode(), strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	return req, c.checkReply
}

// encrypt is WeChat's message encryption: AES-256-CBC, IV = key[:16], over
// random(16) ‖ length(4, big-endian) ‖ msg ‖ appid, PKCS#7 to 32 bytes.
func (c *wechatClient) encrypt(r *mrand.Rand, msg []byte) string {
	plain := make([]byte, 0, 20+len(msg)+len(benchAppID)+32)
	var rnd [16]byte
	for i := range rnd {
		rnd[i] = byte('a' + r.IntN(26))
	}
	plain = append(plain, rnd[:]...)
	plain = binary.BigEndian.AppendUint32(plain, uint32(len(msg)))
	plain = append(plain, msg...)
	plain = append(plain, benchAppID...)
	pad := 32 - len(plain)%32
	plain = append(plain, bytes.Repeat([]byte{byte(pad)}, pad)...)
	block, _ := aes.NewCipher(c.key)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, c.key[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

func (c *wechatClient) decrypt(enc string) ([]byte, error) {
	data, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, errors.New("bad ciphertext")
	}
	block, _ := aes.NewCipher(c.key)
	plain := make([]byte, len(data))
	cipher.NewCBCDecrypter(block, c.key[:16]).CryptBlocks(plain, data)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) {
		return nil, errors.New("bad padding")
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, errors.New("short plaintext")
	}
	n := int(binary.BigEndian.Uint32(plain[16:20]))
	if 20+n > len(plain) || string(plain[20+n:]) != benchAppID {
		return nil, errors.New("bad length or app id")
	}
	return plain[20 : 20+n], nil
}

// checkReply verifies a safe-mode reply: its MsgSignature, and that it
// decrypts to a text message.
func (c *wechatClient) checkReply(body []byte) error {
	var env struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
		Nonce        string `xml:"Nonce"`
	}
	if string(body) == "success" {
		return errors.New("wechat: no reply (success)")
	}
	if err := xml.Unmarshal(body, &env); err != nil || env.Encrypt == "" {
		return fmt.Errorf("wechat: not an encrypted reply: %.200s", body)
	}
	if env.MsgSignature != signature(benchToken, env.TimeStamp, env.Nonce, env.Encrypt) {
		return errors.New("wechat: bad MsgSignature on the reply")
	}
	plain, err := c.decrypt(env.Encrypt)
	if err != nil {
		return fmt.Errorf("wechat: reply: %w", err)
	}
	if !bytes.Contains(plain, []byte("<Content><![CDATA[")) {
		return fmt.Errorf("wechat: reply is not text: %.200s", plain)
	}
	return nil
}

// signature is WeChat's: hex(sha1(concat(sort(parts)))).
func signature(parts ...string) string {
	p := slices.Clone(parts)
	sort.Strings(p)
	h := sha1.Sum([]byte(strings.Join(p, "")))
	return hex.EncodeToString(h[:])
}

// cpuTime returns the user+system CPU time of a process, from /proc.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command name (which may hold spaces): utime
	// and stime are the 12th and 13th, in clock ticks (100 per second on
	// Linux).
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func numCPU() int { return runtime.NumCPU() }
