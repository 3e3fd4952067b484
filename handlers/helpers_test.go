package handlers

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/silenceper/wechat/v2/util"

	"dutybot/bot"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// vectors are the official test vectors in testdata/vectors.json.
type vectors struct {
	A struct {
		EncodingAESKey string `json:"encoding_aes_key"`
		Token          string `json:"token"`
		AppID          string `json:"app_id"`
		Timestamp      string `json:"timestamp"`
		Nonce          string `json:"nonce"`
		MsgSignature   string `json:"msg_signature"`
		Signature      string `json:"signature"`
		Encrypt        string `json:"encrypt"`
		Body           string `json:"body"`
		Decrypted      string `json:"decrypted"`
	}
	C struct {
		EncodingAESKey string `json:"encoding_aes_key"`
		AppID          string `json:"app_id"`
		Random         string `json:"random"`
		Plain          string `json:"plain"`
		Encrypt        string `json:"encrypt"`
	}
	D struct {
		Token          string `json:"token"`
		EncodingAESKey string `json:"encoding_aes_key"`
		MsgSignature   string `json:"msg_signature"`
		Timestamp      string `json:"timestamp"`
		Nonce          string `json:"nonce"`
		Echostr        string `json:"echostr"`
		Echo           string `json:"echo"`
	}
	E struct {
		Token          string `json:"token"`
		EncodingAESKey string `json:"encoding_aes_key"`
		MsgSignature   string `json:"msg_signature"`
		Timestamp      string `json:"timestamp"`
		Nonce          string `json:"nonce"`
		Body           string `json:"body"`
		Decrypted      string `json:"decrypted"`
	}
}

func loadVectors(tb testing.TB) vectors {
	tb.Helper()
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		tb.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatal(err)
	}
	return v
}

// Accounts used by the tests' own signed requests.
const (
	testToken      = "dutybottoken"
	testAppID      = "wx0123456789abcdef"
	testAESKey     = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	testWeComToken = "wecomtoken"
	testWeComKey   = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	testTS         = "1409735669" // an old timestamp: they must not be rejected
	testNonce      = "1320562132"
)

// recorder is a real bot.Recorder that keeps what it is given, so that
// tests can count how often a question was processed. When gate is set,
// RecordQuestion waits on it (a slow question log, which makes Answer
// slow).
type recorder struct {
	mu        sync.Mutex
	questions []bot.Record
	feedback  []bot.Feedback
	gate      chan struct{}
}

func (r *recorder) RecordQuestion(rec bot.Record) {
	if r.gate != nil {
		<-r.gate
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.questions = append(r.questions, rec)
}

func (r *recorder) RecordFeedback(f bot.Feedback) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.feedback = append(r.feedback, f)
}

func (r *recorder) Questions() []bot.Record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Record(nil), r.questions...)
}

func (r *recorder) Feedbacks() []bot.Feedback {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.Feedback(nil), r.feedback...)
}

// harness is the real gin engine over a real bot.
type harness struct {
	tb  testing.TB
	e   *gin.Engine
	b   *bot.Bot
	rec *recorder
	o   Options
	log *syncBuffer // what was logged at info and above
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.String()
}

// newHarness builds the engine with o, completed with a bot and the test
// accounts when o leaves them empty.
func newHarness(tb testing.TB, o Options) *harness {
	tb.Helper()
	h := &harness{tb: tb, rec: &recorder{}, log: &syncBuffer{}}
	if o.Bot == nil {
		h.b = newBot(tb, h.rec)
		o.Bot = h.b
	} else {
		h.b = o.Bot
	}
	if o.Logger == nil {
		buf := &syncBuffer{}
		o.Logger = slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
		tb.Cleanup(func() {
			if tb.Failed() {
				tb.Logf("log:\n%s", buf.String())
			}
		})
		h.log = buf
	}
	if o.Now == nil {
		o.Now = vectorTime
	}
	e, err := New(o)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	h.e, h.o = e, o
	return h
}

// wechatOptions configures the official account in safe-capable mode.
func wechatOptions() Options {
	return Options{Token: testToken, AppID: testAppID, EncodingAESKey: testAESKey,
		WeComToken: testWeComToken, WeComAESKey: testWeComKey}
}

// plainOptions configures the official account in plaintext mode (no
// EncodingAESKey): the only mode in which a plaintext message is taken.
func plainOptions() Options {
	return Options{Token: testToken, WeComToken: testWeComToken, WeComAESKey: testWeComKey}
}

func (h *harness) do(req *http.Request) *httptest.ResponseRecorder {
	h.tb.Helper()
	w := httptest.NewRecorder()
	h.e.ServeHTTP(w, req)
	return w
}

// signedQuery returns the query WeChat sends to the official account, at
// testTS with a nonce of its own (a nonce is good for one message).
func signedQuery(token string) url.Values {
	return signedQueryAt(token, testTS, strconv.FormatInt(nonceSeq.Add(1), 10))
}

var nonceSeq atomic.Int64

// signedQueryAt returns the query WeChat sends, at timestamp ts with nonce.
func signedQueryAt(token, ts, nonce string) url.Values {
	q := url.Values{}
	q.Set("timestamp", ts)
	q.Set("nonce", nonce)
	q.Set("signature", util.Signature(token, ts, nonce))
	q.Set("openid", "oUser")
	return q
}

// vectorTime is the time of the official vectors' timestamp (testTS),
// the harness's clock unless the test sets Options.Now.
func vectorTime() time.Time { return time.Unix(1409735669, 0) }

// wechatPost is a POST to the official account path with query q.
func wechatPost(q url.Values, body string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/wechat?"+q.Encode(), strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	return req
}

// wechatText is a text message as WeChat pushes it.
func wechatText(from string, msgID int64, content string) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[gh_dutybot]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>"+
		"<MsgId>%d</MsgId></xml>", from, content, msgID)
}

func wechatVoice(from string, msgID int64, recognition string) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[gh_dutybot]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>1409735668</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media]]></MediaId>"+
		"<Format><![CDATA[amr]]></Format><Recognition><![CDATA[%s]]></Recognition><MsgId>%d</MsgId></xml>", from, recognition, msgID)
}

func wechatEvent(from, event string, created int64) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[gh_dutybot]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>%d</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[%s]]></Event></xml>", from, created, event)
}

func wechatOther(from, msgType string, msgID int64) string {
	return fmt.Sprintf("<xml><ToUserName><![CDATA[gh_dutybot]]></ToUserName><FromUserName><![CDATA[%s]]></FromUserName>"+
		"<CreateTime>1409735668</CreateTime><MsgType><![CDATA[%s]]></MsgType><PicUrl><![CDATA[http://x/y.jpg]]></PicUrl>"+
		"<MediaId><![CDATA[m]]></MediaId><MsgId>%d</MsgId></xml>", from, msgType, msgID)
}

// sealWeChat encrypts a message as WeChat does in safe mode, and returns
// the query and body to POST.
func sealWeChat(tb testing.TB, plain string) (url.Values, string) {
	tb.Helper()
	enc, err := util.EncryptMsg([]byte("0123456789abcdef"), []byte(plain), testAppID, testAESKey)
	if err != nil {
		tb.Fatal(err)
	}
	q := signedQuery(testToken)
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", util.Signature(testToken, testTS, q.Get("nonce"), string(enc)))
	body := fmt.Sprintf("<xml><ToUserName><![CDATA[gh_dutybot]]></ToUserName><Encrypt><![CDATA[%s]]></Encrypt></xml>", enc)
	return q, body
}

// wechatReply is a passive text reply.
type wechatReply struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	MsgType      string `xml:"MsgType"`
	Content      string `xml:"Content"`
}

// plainReply parses a plaintext-mode reply.
func plainReply(tb testing.TB, w *httptest.ResponseRecorder) wechatReply {
	tb.Helper()
	if w.Code != http.StatusOK {
		tb.Fatalf("status %d, body %q", w.Code, w.Body.String())
	}
	var r wechatReply
	if err := xml.Unmarshal(w.Body.Bytes(), &r); err != nil {
		tb.Fatalf("reply %q is not XML: %v", w.Body.String(), err)
	}
	return r
}

// openReply checks and decrypts a safe-mode reply.
func openReply(tb testing.TB, w *httptest.ResponseRecorder, token, appID, aesKey string) wechatReply {
	tb.Helper()
	if w.Code != http.StatusOK {
		tb.Fatalf("status %d, body %q", w.Code, w.Body.String())
	}
	var env struct {
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
		Nonce        string `xml:"Nonce"`
	}
	if err := xml.Unmarshal(w.Body.Bytes(), &env); err != nil {
		tb.Fatalf("reply %q is not XML: %v", w.Body.String(), err)
	}
	if got, want := env.MsgSignature, util.Signature(token, env.TimeStamp, env.Nonce, env.Encrypt); got != want || got == "" {
		tb.Fatalf("reply MsgSignature = %q, want %q", got, want)
	}
	_, plain, err := util.DecryptMsg(appID, env.Encrypt, aesKey)
	if err != nil {
		tb.Fatalf("reply does not decrypt: %v", err)
	}
	var r wechatReply
	if err := xml.Unmarshal(plain, &r); err != nil {
		tb.Fatalf("decrypted reply %q is not XML: %v", plain, err)
	}
	return r
}

// sealWeCom encrypts a WeCom bot message (receive id empty) and returns
// the POST to the bot path.
func sealWeCom(tb testing.TB, msg any) *http.Request {
	tb.Helper()
	plain, ok := msg.([]byte)
	if !ok {
		var err error
		if plain, err = json.Marshal(msg); err != nil {
			tb.Fatal(err)
		}
	}
	key, err := decodeAESKey(testWeComKey)
	if err != nil {
		tb.Fatal(err)
	}
	enc := base64.StdEncoding.EncodeToString(util.AESEncryptMsg([]byte("0123456789abcdef"), plain, "", key))
	q := url.Values{}
	q.Set("timestamp", testTS)
	q.Set("nonce", testNonce)
	q.Set("msg_signature", util.Signature(testWeComToken, testTS, testNonce, enc))
	body, _ := json.Marshal(map[string]string{"encrypt": enc})
	req := httptest.NewRequest(http.MethodPost, "/wecom/bot?"+q.Encode(), bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}

// wecomReply is a decrypted WeCom bot reply.
type wecomReply struct {
	MsgType string `json:"msgtype"`
	Stream  struct {
		ID       string `json:"id"`
		Finish   bool   `json:"finish"`
		Content  string `json:"content"`
		Feedback struct {
			ID string `json:"id"`
		} `json:"feedback"`
	} `json:"stream"`
	Text struct {
		Content string `json:"content"`
	} `json:"text"`
}

// openWeCom checks the signature of a WeCom reply and decrypts it.
func openWeCom(tb testing.TB, w *httptest.ResponseRecorder) wecomReply {
	tb.Helper()
	if w.Code != http.StatusOK {
		tb.Fatalf("status %d, body %q", w.Code, w.Body.String())
	}
	var env struct {
		Encrypt      string          `json:"encrypt"`
		MsgSignature string          `json:"msgsignature"`
		Timestamp    json.RawMessage `json:"timestamp"`
		Nonce        string          `json:"nonce"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
		tb.Fatalf("reply %q is not JSON: %v", w.Body.String(), err)
	}
	ts := string(env.Timestamp)
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil {
		tb.Fatalf("reply timestamp %s is not a number", ts)
	}
	if got, want := env.MsgSignature, util.Signature(testWeComToken, ts, env.Nonce, env.Encrypt); got != want {
		tb.Fatalf("reply msgsignature = %q, want %q", got, want)
	}
	key, _ := decodeAESKey(testWeComKey)
	plain, id, err := openMsg(env.Encrypt, key)
	if err != nil {
		tb.Fatalf("reply does not decrypt: %v", err)
	}
	if len(id) != 0 {
		tb.Errorf("reply receive id = %q, want empty", id)
	}
	var r wecomReply
	if err := json.Unmarshal(plain, &r); err != nil {
		tb.Fatalf("decrypted reply %q is not JSON: %v", plain, err)
	}
	return r
}

func readAll(tb testing.TB, r io.Reader) string {
	tb.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
