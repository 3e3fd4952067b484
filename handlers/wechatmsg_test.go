package handlers

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// wechatmsg.go does what silenceper's Server did. These tests hold each
// part to silenceper's or encoding/xml's result, and the whole channel to
// silenceper's answers on the same requests.

func TestWeChatCryptVectors(t *testing.T) {
	v := loadVectors(t)
	// Vector A: the official safe-mode message decrypts.
	x, err := newWeChatCrypt(v.A.EncodingAESKey, v.A.AppID)
	if err != nil {
		t.Fatal(err)
	}
	var env message.EncryptedXMLMsg
	if err := xml.Unmarshal([]byte(v.A.Body), &env); err != nil {
		t.Fatal(err)
	}
	_, msg, err := x.open(env.EncryptedMsg)
	if err != nil || string(msg) != v.A.Decrypted {
		t.Errorf("open(vector A) = %q, %v; want %q", msg, err, v.A.Decrypted)
	}
	if got := signature(v.A.Token, v.A.Timestamp, v.A.Nonce, env.EncryptedMsg); got != v.A.MsgSignature {
		t.Errorf("msg_signature(vector A) = %s, want %s", got, v.A.MsgSignature)
	}
	// Vector C: a known random and message encrypt to the official text.
	x, err = newWeChatCrypt(v.C.EncodingAESKey, v.C.AppID)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.seal([]byte(v.C.Random), []byte(v.C.Plain)); got != v.C.Encrypt {
		t.Errorf("seal(vector C) = %s, want %s", got, v.C.Encrypt)
	}
}

// open and seal agree with silenceper's util.DecryptMsg and EncryptMsg on
// random messages and on damaged ciphertexts.
func TestWeChatCryptMatchesSilenceper(t *testing.T) {
	x, err := newWeChatCrypt(testAESKey, testAppID)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		random := make([]byte, 16)
		for j := range random {
			random[j] = byte('a' + r.IntN(26))
		}
		msg := make([]byte, r.IntN(200))
		for j := range msg {
			msg[j] = byte(r.Uint32())
		}
		want, err := util.EncryptMsg(random, msg, testAppID, testAESKey)
		if err != nil {
			t.Fatal(err)
		}
		enc := x.seal(random, msg)
		if enc != string(want) {
			t.Fatalf("seal(%d bytes) = %s, silenceper %s", len(msg), enc, want)
		}
		// Damage it: flip bytes, cut, re-encode with other lengths.
		ct, _ := base64.StdEncoding.DecodeString(enc)
		cases := []string{enc, enc[:len(enc)-4], "!" + enc[1:], ""}
		if i%3 == 0 {
			ct[len(ct)-1-r.IntN(min(len(ct), 40))] ^= byte(1 + r.IntN(255))
			cases = append(cases, base64.StdEncoding.EncodeToString(ct))
		}
		cases = append(cases, base64.StdEncoding.EncodeToString(ct[:len(ct)-16]), base64.StdEncoding.EncodeToString(ct[:32]))
		for _, c := range cases {
			wantRandom, wantMsg, wantErr := util.DecryptMsg(testAppID, c, testAESKey)
			gotRandom, gotMsg, gotErr := x.open(c)
			if (gotErr == nil) != (wantErr == nil) || gotErr == nil && (!bytes.Equal(gotMsg, wantMsg) || !bytes.Equal(gotRandom, wantRandom[:16])) {
				t.Fatalf("open(%q) = %q, %v; silenceper %q, %v", c, gotMsg, gotErr, wantMsg, wantErr)
			}
		}
	}
	// Another AppID fails as in silenceper.
	other, _ := newWeChatCrypt(testAESKey, "wxother")
	if _, _, err := other.open(x.seal([]byte("0123456789abcdef"), []byte("<xml/>"))); err == nil {
		t.Error("a message for another AppID opened")
	}
}

func TestSignatureMatchesSilenceper(t *testing.T) {
	for _, parts := range [][]string{
		{"token", "1409735669", "1320562132"},
		{"b", "a", "c", "enc+/=="},
		{"", "x"},
		{"same", "same", "samf"},
	} {
		if got, want := signature(parts...), util.Signature(append([]string(nil), parts...)...); got != want {
			t.Errorf("signature(%q) = %s, silenceper %s", parts, got, want)
		}
	}
}

// wechatSamples are message bodies in the shapes WeChat sends and in
// shapes it does not, which must still get encoding/xml's verdict.
var wechatSamples = []string{
	wechatText("oAlice", 1001, "办残疾证找谁"),
	wechatVoice("oAlice", 1002, "宅基地审批"),
	wechatVoice("oAlice", 1003, ""),
	wechatEvent("oAlice", "subscribe", 1409735701),
	wechatEvent("oAlice", "CLICK", 1409735702),
	wechatOther("oAlice", "image", 1004),
	wechatOther("oAlice", "location", 1005),
	// Compatible mode: plaintext fields and Encrypt side by side.
	"<xml><ToUserName><![CDATA[gh]]></ToUserName><Encrypt><![CDATA[abc]]></Encrypt><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>",
	// Text, entities, spaces and line breaks.
	"<xml>\n  <ToUserName>gh</ToUserName>\n  <FromUserName>o</FromUserName>\n  <MsgType>text</MsgType>\n  <Content>a &lt;b&gt; &amp; c</Content>\n</xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content>x\r\ny</Content></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content><![CDATA[x\r\ny]]></Content></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content> <![CDATA[a]]> b <![CDATA[c]]></Content></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content>a]]>b</Content></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content></Content><MsgId></MsgId></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content/></xml>",
	"<xml><FromUserName>o</FromUserName><FromUserName>p</FromUserName><MsgType>text</MsgType></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><MsgId> 12 </MsgId><CreateTime>\t7\n</CreateTime></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><MsgId>  </MsgId></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><MsgId>99999999999999999999</MsgId></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><MsgID>x</MsgID></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>event</MsgType><Latitude>23.1</Latitude><Scale>x</Scale></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>event</MsgType><Unknown><a>1</a></Unknown></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>event</MsgType><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum>x</PicMd5Sum></item></PicList></SendPicsInfo></xml>",
	"<xml><FromUserName a=\"1\">o</FromUserName><MsgType>text</MsgType></xml>",
	"<?xml version=\"1.0\"?><xml><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>",
	"<!-- c --><xml><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>",
	"junk<xml><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>trailing <junk",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType></xm>",
	"<xml><FromUserName>o</fromUserName><MsgType>text</MsgType></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>te\x01xt</MsgType></xml>",
	"<xml><FromUserName>o\xff</FromUserName><MsgType>text</MsgType></xml>",
	"<xml><FromUserName>o\uffff</FromUserName><MsgType>text</MsgType></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content>&#20320;&#x597D;</Content></xml>",
	"<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content>&nbsp;</Content></xml>",
	"<xml><ns:FromUserName xmlns:ns=\"u\">o</ns:FromUserName><MsgType>text</MsgType></xml>",
	"<xml ><FromUserName>o</FromUserName><MsgType>text</MsgType></xml>",
	"<a><MsgType>text</MsgType></a>",
	"<xml></xml>",
	"",
	"hello",
	`{"MsgType":"text"}`,
}

// mixFields are the fields of a MixMessage the channel reads.
func mixFields(m *wechatMessage) [8]string {
	return [8]string{string(m.ToUserName), string(m.FromUserName), string(m.MsgType), m.Content, m.Recognition,
		string(m.Event), strconv.FormatInt(m.CreateTime, 10), strconv.FormatInt(m.MsgID, 10)}
}

func TestParseMixMessageMatchesXML(t *testing.T) {
	for _, s := range wechatSamples {
		checkMixMessage(t, []byte(s))
	}
}

func checkMixMessage(t *testing.T, raw []byte) {
	t.Helper()
	var want message.MixMessage
	wantErr := xml.Unmarshal(raw, &want)
	got, err := parseMessage(raw)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("parseMessage(%q): error %v, encoding/xml %v", raw, err, wantErr)
	}
	if err == nil && mixFields(got) != mixFields(wechatMessageOf(&want)) {
		t.Fatalf("parseMessage(%q) = %q, encoding/xml %q", raw, mixFields(got), mixFields(wechatMessageOf(&want)))
	}
	var env message.EncryptedXMLMsg
	wantErr = xml.Unmarshal(raw, &env)
	gotEnv, err := parseEnvelope(raw)
	if (err == nil) != (wantErr == nil) || err == nil && gotEnv != env {
		t.Fatalf("parseEnvelope(%q) = %+v, %v; encoding/xml %+v, %v", raw, gotEnv, err, env, wantErr)
	}
}

func FuzzParseMixMessage(f *testing.F) {
	for _, s := range wechatSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkMixMessage(t, raw) })
}

func TestTextReplyMatchesXML(t *testing.T) {
	for _, s := range []string{"", "a", "办残疾证找谁\n1. 第一步", "a]]>b", "]]>]]>", "<&>\"'", "\t\r\n", "x]]"} {
		want, err := xml.Marshal(&message.Text{
			CommonToken: message.CommonToken{ToUserName: message.CDATA(s), FromUserName: "gh", CreateTime: 1700000000, MsgType: message.MsgTypeText},
			Content:     message.CDATA(s),
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendTextReply(nil, s, "gh", 1700000000, s); !bytes.Equal(got, want) {
			t.Errorf("appendTextReply(%q) = %s, xml.Marshal %s", s, got, want)
		}
		want, err = xml.Marshal(message.ResponseEncryptedXMLMsg{EncryptedMsg: "enc+/=", MsgSignature: "ab12", Timestamp: 1409735669, Nonce: s})
		if err != nil {
			t.Fatal(err)
		}
		if got := appendEncryptedReply(nil, "enc+/=", "ab12", 1409735669, s); !bytes.Equal(got, want) {
			t.Errorf("appendEncryptedReply(nonce %q) = %s, xml.Marshal %s", s, got, want)
		}
	}
}

// The channel answers every request as it did when silenceper's Server
// handled messages: the same status, type and reply (but for the time it
// was made), in plaintext and safe mode.
func TestWeChatMessageMatchesSilenceper(t *testing.T) {
	o := wechatOptions()
	fast := newHarness(t, o)
	slow := newSilenceperHarness(t, o)
	createTime := regexp.MustCompile(`<CreateTime>\d+</CreateTime>`)
	for i, body := range wechatSamples {
		for _, safe := range []bool{false, true} {
			q := signedQuery(testToken)
			if safe {
				q, body = sealWeChat(t, body)
			}
			a, b := fast.do(wechatPost(q, body)), slow.do(wechatPost(q, body))
			if a.Code != b.Code || a.Header().Get("Content-Type") != b.Header().Get("Content-Type") {
				t.Errorf("#%d safe=%v %q: %d %s, silenceper %d %s (%q)", i, safe, body, a.Code, a.Header().Get("Content-Type"),
					b.Code, b.Header().Get("Content-Type"), b.Body.String())
				continue
			}
			ga, gb := a.Body.String(), b.Body.String()
			if safe && a.Code == http.StatusOK && ga != "success" {
				ga = openEnvelope(t, ga)
				gb = openEnvelope(t, gb)
			}
			if createTime.ReplaceAllString(ga, "") != createTime.ReplaceAllString(gb, "") {
				t.Errorf("#%d safe=%v %q:\n got %q\nwant %q", i, safe, body, ga, gb)
			}
		}
	}
}

// openEnvelope decrypts a safe-mode reply and returns its message, with
// the envelope's other fields.
func openEnvelope(t *testing.T, body string) string {
	t.Helper()
	var env message.ResponseEncryptedXMLMsg
	if err := xml.Unmarshal([]byte(body), &env); err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	_, msg, err := util.DecryptMsg(testAppID, env.EncryptedMsg, testAESKey)
	if err != nil {
		t.Fatalf("reply %q: %v", body, err)
	}
	if env.MsgSignature != util.Signature(testToken, strconv.FormatInt(env.Timestamp, 10), env.Nonce, env.EncryptedMsg) {
		t.Errorf("reply %q: bad MsgSignature", body)
	}
	return strconv.FormatInt(env.Timestamp, 10) + " " + env.Nonce + " " + string(msg)
}

// newSilenceperHarness serves the WeChat path as it was before
// wechatmsg.go: every POST goes to silenceper's Server.
func newSilenceperHarness(t *testing.T, o Options) *harness {
	h := newHarness(t, o)
	o = h.o
	o.WeChatPath, o.Deadline, o.MaxBody, o.Dedupe = DefaultWeChatPath, DefaultDeadline, DefaultMaxBody, NewMemoryDedupe(100, 0)
	s := &server{o: o, log: o.Logger, m: NewMetrics(), workers: newWorkers(4)}
	wc, err := newWeChat(s)
	if err != nil {
		t.Fatal(err)
	}
	e := gin.New()
	e.POST(o.WeChatPath, s.wrap("wechat", func(c *gin.Context) error {
		ctx, cancel := context.WithTimeout(context.Background(), s.o.Deadline)
		defer cancel()
		q := c.Request.URL.Query()
		ts, nonce := q.Get("timestamp"), q.Get("nonce")
		if !validSignature(q.Get("signature"), wc.token, ts, nonce) {
			return errSignature
		}
		body, err := readBody(c, s.o.MaxBody)
		if err != nil {
			return err
		}
		if q.Get("encrypt_type") == "aes" {
			var env message.EncryptedXMLMsg
			if err := xml.Unmarshal(body, &env); err != nil {
				return badRequest("malformed message", err)
			}
			if env.EncryptedMsg == "" {
				return badRequest("missing Encrypt", nil)
			}
			if !validSignature(q.Get("msg_signature"), wc.token, ts, nonce, env.EncryptedMsg) {
				return errSignature
			}
		}
		return wc.run(ctx, c, body)
	}))
	h.e = e
	return h
}
