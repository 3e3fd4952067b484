package seeds

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// decode returns data as UTF-8 text. Documents saved on Windows come as
// UTF-16 with a byte-order mark, or in GB18030 (which includes GBK) without
// any mark; UTF-8 is taken as it is, less its byte-order mark.
func decode(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewDecoder()
		if out, _, err := transform.Bytes(dec, data); err == nil {
			return string(out)
		}
	case !utf8.Valid(data):
		if out, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data); err == nil && utf8.Valid(out) {
			return string(out)
		}
	}
	return strings.ToValidUTF8(string(data), "\uFFFD")
}

// clean tidies one piece of text: HTML entities decoded, every run of white
// space made one space, spaces between two CJK characters (ideographs or CJK
// punctuation) removed, and the ends trimmed. The PDF extraction put spaces
// inside words (管理工 作); between two Chinese characters a space is never
// meaningful.
func clean(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	prev := rune(-1)
	for _, r := range s {
		switch {
		case isInvisible(r):
			continue
		case isSpace(r):
			space = prev >= 0
			continue
		}
		if space && !(isCJK(prev) && isCJK(r)) {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
		prev = r
	}
	out := b.String()
	if strings.Contains(out, " and ") {
		// The extraction turned some 和 into English: 单位 and 个人.
		out = andRE.ReplaceAllString(out, "${1}和${2}")
	}
	return out
}

var andRE = regexp.MustCompile(`(\p{Han}) and (\p{Han})`)

// isSpace reports white space, including the no-break and ideographic spaces.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u00A0' || r == '\u3000'
}

// isInvisible reports characters that carry nothing: zero-width spaces and
// joiners, byte-order marks left in the middle of text.
func isInvisible(r rune) bool {
	return r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060' || r == '\uFEFF'
}

// isHan reports a Chinese character (an ideograph).
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isCJK reports an ideograph or a punctuation mark used in Chinese text.
func isCJK(r rune) bool {
	switch {
	case isHan(r):
		return true
	case r >= 0x3000 && r <= 0x303F: // CJK symbols and punctuation: 、。《》「」
		return true
	case r >= 0xFF00 && r <= 0xFFEF: // full-width forms: ，；：（）
		return true
	case r >= 0x2018 && r <= 0x201F, r == 0x2014, r == 0x2026, r == 0x00B7: // “”‘’—…·
		return true
	}
	return false
}

// trimPunct removes white space and the punctuation that ends a step or a
// heading (；;，,。.：:、) from the end of s.
func trimPunct(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool {
		return isSpace(r) || strings.ContainsRune("；;，,。.：:、", r)
	})
}

// atoi reads a small positive number written with ASCII or full-width
// digits, with or without surrounding punctuation (3, ３, 3., （3）). It
// returns false for anything else.
func atoi(s string) (int, bool) {
	s = strings.Trim(s, " .．、,，()（）")
	if s == "" || len(s) > 18 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		d, ok := digit(r)
		if !ok {
			return 0, false
		}
		n = n*10 + d
		if n > 1e6 {
			return 0, false
		}
	}
	return n, true
}

// digit returns the value of an ASCII or full-width decimal digit.
func digit(r rune) (int, bool) {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0'), true
	case r >= '０' && r <= '９':
		return int(r - '０'), true
	}
	return 0, false
}
