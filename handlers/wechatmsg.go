package handlers

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// The official account's messages, decoded, decrypted, encoded and
// encrypted here rather than by silenceper's server.Server, which did the
// same work at several times the cost: it parses the URL query for every
// parameter it reads, decodes each message with encoding/xml into a struct
// of a hundred fields, and builds the reply by reflection. What it does is
// kept exactly: the same checks in the same order, the same errors for the
// same inputs (tests hold each function to silenceper's or encoding/xml's
// result), the same reply bytes but for the time. silenceper still answers
// the URL check (GET with echostr).

// wechatCrypt is the safe mode's cipher: AES-256-CBC with IV = key[:16]
// over random(16) ‖ length(4, big-endian) ‖ message ‖ AppID, padded with
// PKCS#7 to 32 bytes (silenceper's util.EncryptMsg and DecryptMsg).
type wechatCrypt struct {
	key   []byte
	block cipher.Block // safe for concurrent use: AES holds no state
	appID string
}

func newWeChatCrypt(encodingAESKey, appID string) (*wechatCrypt, error) {
	key, err := decodeAESKey(encodingAESKey)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &wechatCrypt{key: key, block: block, appID: appID}, nil
}

// open decrypts a message's Encrypt and returns its random prefix (which
// the reply reuses, as silenceper does) and the message. It fails where
// util.DecryptMsg fails.
func (x *wechatCrypt) open(enc string) (random, msg []byte, err error) {
	const blockSize = 32 // PKCS#7 as WeChat pads, not AES's 16
	ct, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, nil, err
	}
	if len(ct) < blockSize || len(ct)%blockSize != 0 {
		return nil, nil, fmt.Errorf("ciphertext of %d bytes", len(ct))
	}
	plain := ct // decrypted in place
	cipher.NewCBCDecrypter(x.block, x.key[:aes.BlockSize]).CryptBlocks(plain, ct)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > blockSize {
		return nil, nil, fmt.Errorf("the amount to pad is incorrect: %d", pad)
	}
	plain = plain[:len(plain)-pad]
	if len(plain) <= 20 {
		return nil, nil, fmt.Errorf("plaintext too short, the length is %d", len(plain))
	}
	n := int64(binary.BigEndian.Uint32(plain[16:20]))
	if int64(len(plain)) <= 20+n {
		return nil, nil, fmt.Errorf("msg length too large: %d", n)
	}
	if string(plain[20+n:]) != x.appID {
		return nil, nil, errors.New("the message is for another AppID")
	}
	return plain[:16:16], plain[20 : 20+n : 20+n], nil
}

// seal encrypts msg with the random prefix and returns the Encrypt text.
func (x *wechatCrypt) seal(random, msg []byte) string {
	const blockSize = 32
	n := 20 + len(msg) + len(x.appID)
	pad := blockSize - n%blockSize
	plain := make([]byte, n+pad)
	copy(plain[:16], random)
	binary.BigEndian.PutUint32(plain[16:20], uint32(len(msg)))
	copy(plain[20:], msg)
	copy(plain[20+len(msg):], x.appID)
	for i := n; i < len(plain); i++ {
		plain[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(x.block, x.key[:aes.BlockSize]).CryptBlocks(plain, plain)
	return base64.StdEncoding.EncodeToString(plain)
}

// signature is WeChat's signature of parts, as util.Signature computes it:
// the hex SHA-1 of the parts sorted and concatenated.
func signature(parts ...string) string {
	var buf [8]string
	p := append(buf[:0], parts...)
	for i := 1; i < len(p); i++ { // a handful of parts: insertion sort
		for j := i; j > 0 && p[j] < p[j-1]; j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
	var buf2 [512]byte
	b := buf2[:0]
	for _, s := range p {
		b = append(b, s...)
	}
	sum := sha1.Sum(b)
	return hex.EncodeToString(sum[:])
}

// parseEnvelope reads the body of a safe-mode message, as silenceper reads
// it into a message.EncryptedXMLMsg.
func parseEnvelope(body []byte) (message.EncryptedXMLMsg, error) {
	var env message.EncryptedXMLMsg
	ok := scanFlatXML(body, func(name, text []byte) bool {
		switch string(name) {
		case "ToUserName":
			env.ToUserName = string(text)
		case "Encrypt":
			env.EncryptedMsg = string(text)
		}
		return true
	})
	if ok {
		return env, nil
	}
	env = message.EncryptedXMLMsg{}
	err := xml.Unmarshal(body, &env)
	return env, err
}

// mixMessageKinds maps the elements message.MixMessage decodes to the kind
// of their field, as encoding/xml finds them: embedded structs flattened,
// a path (a>b) under its first element.
var mixMessageKinds = sync.OnceValue(func() map[string]reflect.Kind {
	kinds := map[string]reflect.Kind{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			tag := f.Tag.Get("xml")
			if !f.IsExported() || tag == "-" || f.Name == "XMLName" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			kind := f.Type.Kind()
			if path, _, ok := strings.Cut(name, ">"); ok || opts != "" && opts != "omitempty" {
				name, kind = path, reflect.Invalid // not for the fast path
			}
			kinds[name] = kind
		}
	}
	walk(reflect.TypeFor[message.MixMessage]())
	return kinds
})

// wechatMessage is what the channel reads of a message: the fields of a
// message.MixMessage (a struct of 1.3 kB) that it uses.
type wechatMessage struct {
	ToUserName, FromUserName string
	CreateTime, MsgID        int64
	MsgType                  message.MsgType
	Event                    message.EventType
	Content, Recognition     string
}

func wechatMessageOf(m *message.MixMessage) *wechatMessage {
	return &wechatMessage{ToUserName: string(m.ToUserName), FromUserName: string(m.FromUserName),
		CreateTime: m.CreateTime, MsgID: m.MsgID, MsgType: m.MsgType, Event: m.Event,
		Content: m.Content, Recognition: m.Recognition}
}

// parseMessage decodes a message as silenceper does (xml.Unmarshal into
// a message.MixMessage), for the fields the channel reads. A flat message,
// which is what WeChat sends for text, voice and the common events, is read
// directly; anything else goes to encoding/xml.
func parseMessage(raw []byte) (*wechatMessage, error) {
	m := new(wechatMessage)
	kinds := mixMessageKinds()
	ok := scanFlatXML(raw, func(name, text []byte) bool {
		switch string(name) {
		case "ToUserName":
			m.ToUserName = string(text)
		case "FromUserName":
			m.FromUserName = string(text)
		case "MsgType":
			m.MsgType = message.MsgType(text)
		case "Content":
			m.Content = string(text)
		case "Recognition":
			m.Recognition = string(text)
		case "Event":
			m.Event = message.EventType(text)
		case "CreateTime", "MsgId":
			n, ok := xmlInt(text)
			if !ok {
				return false // encoding/xml reports the error
			}
			if string(name) == "CreateTime" {
				m.CreateTime = n
			} else {
				m.MsgID = n
			}
		default:
			// Other text fields are not read here; an element of another
			// kind could fail to decode, and encoding/xml must say so.
			if k, known := kinds[string(name)]; known && k != reflect.String {
				return false
			}
		}
		return true
	})
	if ok {
		return m, nil
	}
	var mix message.MixMessage
	if err := xml.Unmarshal(raw, &mix); err != nil {
		return nil, err
	}
	return wechatMessageOf(&mix), nil
}

// xmlInt parses an int64 element as encoding/xml does.
func xmlInt(text []byte) (int64, bool) {
	if len(text) == 0 {
		return 0, true
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(text)), 10, 64)
	return n, err == nil
}

// scanFlatXML reads the common shape of WeChat's XML: optional spaces, then
// <xml>, child elements holding only text and CDATA sections, </xml>; what
// follows is ignored, as encoding/xml's Unmarshal ignores it. visit gets
// each child's name and text (valid until the next call; the text may
// alias data).
//
// It returns false, having called visit for some children maybe, for
// anything else: a declaration, comments, attributes, nested or empty
// elements, entities, carriage returns (which encoding/xml rewrites), a
// character XML does not allow, or visit returning false. The caller then
// decodes with encoding/xml, which decides. Whatever it accepts,
// encoding/xml decodes to the same text.
func scanFlatXML(data []byte, visit func(name, text []byte) bool) bool {
	const root = "xml"
	i := skipXMLSpace(data, 0)
	if !bytes.HasPrefix(data[i:], []byte("<"+root+">")) {
		return false
	}
	i += len(root) + 2
	var joined []byte
	for {
		i = skipXMLSpace(data, i)
		if i+1 >= len(data) || data[i] != '<' {
			return false
		}
		if data[i+1] == '/' {
			name, k := xmlName(data, i+2)
			return string(name) == root && k < len(data) && data[k] == '>'
		}
		name, k := xmlName(data, i+1)
		if len(name) == 0 || k >= len(data) || data[k] != '>' {
			return false
		}
		i = k + 1
		var text []byte
		pieces := 0
		add := func(p []byte) {
			switch pieces {
			case 0:
				text = p
			case 1:
				joined = append(append(joined[:0], text...), p...)
				text = joined
			default:
				joined = append(joined, p...)
				text = joined
			}
			pieces++
		}
		for {
			if i >= len(data) {
				return false
			}
			if data[i] != '<' {
				e := bytes.IndexByte(data[i:], '<')
				if e < 0 || !xmlText(data[i:i+e], false) {
					return false
				}
				add(data[i : i+e])
				i += e
				continue
			}
			if bytes.HasPrefix(data[i:], []byte("<![CDATA[")) {
				body := data[i+len("<![CDATA["):]
				e := bytes.Index(body, []byte("]]>"))
				if e < 0 || !xmlText(body[:e], true) {
					return false
				}
				add(body[:e])
				i += len("<![CDATA[") + e + len("]]>")
				continue
			}
			if i+1 < len(data) && data[i+1] == '/' {
				end, k := xmlName(data, i+2)
				if !bytes.Equal(end, name) || k >= len(data) || data[k] != '>' {
					return false
				}
				i = k + 1
				break
			}
			return false // a nested element, a comment, ...
		}
		if pieces == 0 {
			text = data[i:i] // empty, not nil
		}
		if !visit(name, text) {
			return false
		}
	}
}

func skipXMLSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n') {
		i++
	}
	return i
}

// xmlName reads an ASCII name without a namespace at data[i:]: a letter or
// '_', then letters, digits, '_', '-' and '.'. The name is empty for
// anything else. It also returns the offset after the name.
func xmlName(data []byte, i int) ([]byte, int) {
	j := i
	for j < len(data) {
		c := data[j]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' ||
			j > i && ('0' <= c && c <= '9' || c == '-' || c == '.') {
			j++
			continue
		}
		break
	}
	return data[i:j], j
}

// xmlText reports whether p is text that encoding/xml takes as it is:
// valid UTF-8 of characters XML allows, without carriage returns and,
// outside CDATA, without entities or "]]>".
func xmlText(p []byte, cdata bool) bool {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&' && !cdata, c == '\r', c < 0x20 && c != '\t' && c != '\n':
				return false
			case c == '>' && !cdata && i >= 2 && p[i-1] == ']' && p[i-2] == ']':
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}

// appendTextReply appends the reply silenceper builds for a text message
// (xml.Marshal of a message.Text), created at ts.
func appendTextReply(b []byte, to, from string, ts int64, content string) []byte {
	b = append(b, "<xml><ToUserName>"...)
	b = appendCDATA(b, to)
	b = append(b, "</ToUserName><FromUserName>"...)
	b = appendCDATA(b, from)
	b = append(b, "</FromUserName><CreateTime>"...)
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, "</CreateTime><MsgType>text</MsgType><Content>"...)
	b = appendCDATA(b, content)
	return append(b, "</Content></xml>"...)
}

// appendCDATA appends s as encoding/xml writes a ",cdata" field: nothing
// for an empty s, and "]]>" split across two sections.
func appendCDATA(b []byte, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, "<![CDATA["...)
	for {
		before, after, ok := strings.Cut(s, "]]>")
		if !ok {
			break
		}
		b = append(b, before...)
		b = append(b, "]]]]><![CDATA[>"...)
		s = after
	}
	b = append(b, s...)
	return append(b, "]]>"...)
}

// appendEncryptedReply appends the safe-mode envelope of a reply, as
// silenceper writes a message.ResponseEncryptedXMLMsg.
func appendEncryptedReply(b []byte, enc, sig string, ts int64, nonce string) []byte {
	b = append(b, "<xml><Encrypt>"...)
	b = appendEscaped(b, enc)
	b = append(b, "</Encrypt><MsgSignature>"...)
	b = appendEscaped(b, sig)
	b = append(b, "</MsgSignature><TimeStamp>"...)
	b = strconv.AppendInt(b, ts, 10)
	b = append(b, "</TimeStamp><Nonce>"...)
	b = appendEscaped(b, nonce)
	return append(b, "</Nonce></xml>"...)
}

// appendEscaped appends s escaped as encoding/xml escapes a string field.
func appendEscaped(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\'' || c == '&' || c == '<' || c == '>' {
			plain = false
			break
		}
	}
	if plain {
		return append(b, s...)
	}
	var buf bytes.Buffer
	_ = xml.EscapeText(&buf, []byte(s))
	return append(b, buf.Bytes()...)
}
