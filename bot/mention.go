package bot

import (
	"slices"
	"strings"
	"unicode"
)

// maxMentionRunes bounds the name of an @mention that stripMentions cuts.
const maxMentionRunes = 16

// stripMentions cuts the @mentions of a group-chat message out of a
// question: "@履职助手 请问…", "…@张三". A mention is an @ (or ＠) at the
// start of the text or after a space or punctuation, and the name after it
// up to the next space or punctuation (WeCom and WeChat put a space, often
// U+2005, after the name), at most maxMentionRunes characters. The name of
// a mention that runs on into the question without a break ("@助手请问")
// cannot be told from it: only the @ goes, as it does when the name would
// be the whole text. An @ inside an ASCII word (an e-mail address) is
// left alone; one glued to a question's end ("低保找谁@助手") is a mention.
func stripMentions(s string) string {
	if !strings.ContainsAny(s, "@＠") {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r != '@' && r != '＠' || i > 0 && !mentionBreak(rs[i-1]) && !gluedMention(rs, i) {
			out = append(out, r)
			continue
		}
		j := i + 1
		for j < len(rs) && j-i-1 <= maxMentionRunes && !mentionBreak(rs[j]) {
			j++
		}
		// A name that runs to the end of the text is a mention after the
		// question, unless nothing came before it.
		if n := j - i - 1; n > 0 && n <= maxMentionRunes && (j < len(rs) && mentionBreak(rs[j]) || j == len(rs) && i > 0) {
			i = j - 1 // the name goes; the break after it stays
		}
		out = append(out, ' ')
	}
	return string(out)
}

// gluedMention reports whether the @ at rs[i], right after a word, is a
// mention typed on after the question ("低保找谁@履职助手"): the word is
// not ASCII (an e-mail address's is) and the name runs to the end of the
// text.
func gluedMention(rs []rune, i int) bool {
	if rs[i-1] <= unicode.MaxASCII {
		return false
	}
	n := len(rs) - i - 1
	return n > 0 && n <= maxMentionRunes && !slices.ContainsFunc(rs[i+1:], mentionBreak)
}

// mentionBreak reports whether r ends an @mention's name: a space or
// punctuation (not a letter, digit or mark).
func mentionBreak(r rune) bool {
	return unicode.IsSpace(r) || !(unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.In(r, unicode.Mn, unicode.Me) || r == '_' || r == '-' || r == '.')
}
