package seeds

import (
	"strings"

	"golang.org/x/net/html"
)

// tag is an HTML tag in a document's text, as golang.org/x/net/html's
// tokenizer reads it.
type tag struct {
	start, end int    // its offsets in the text
	name       string // lower case
	closing    bool
	// rowspan and colspan, between 1 and 100 (1 when absent or not a
	// number).
	rowspan, colspan int
}

// tags returns the tags in s, in order: start, end and self-closing tags;
// text, comments and doctypes are not returned.
func tags(s string) []tag {
	if !strings.Contains(s, "<") {
		return nil
	}
	var out []tag
	z := html.NewTokenizer(strings.NewReader(s))
	off := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		n := len(z.Raw())
		switch tt {
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			t := tag{start: off, end: off + n, name: string(name), closing: tt == html.EndTagToken, rowspan: 1, colspan: 1}
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "rowspan":
					t.rowspan = spanOf(string(v))
				case "colspan":
					t.colspan = spanOf(string(v))
				}
			}
			out = append(out, t)
		}
		off += n
	}
}

// spanOf reads a rowspan or colspan: at least 1, at most 100.
func spanOf(v string) int {
	if n, ok := atoi(strings.TrimSpace(v)); ok && n >= 1 {
		return min(n, 100)
	}
	return 1
}
