package nlp

import (
	"slices"
	"strings"
	"sync"

	"github.com/mozillazg/go-pinyin"
)

// Pinyin keys find homophone typos: voice input writes 宅急地 for 宅基地 and
// 高零津贴 for 高龄津贴. A key is the toneless pinyin of each character with
// the folds that regional accents and sloppy input make equal: zh/z, ch/c,
// sh/s at the start and -ng/-n at the end (ang/an, eng/en, ing/in, ong/on).
// The readings come from go-pinyin's table; the folding is done here,
// without go-pinyin's regular expressions and string replacing, because it
// runs per query.

// syllables returns the folded readings of r, most common first, or nil
// when r has none (not a Han character, or not in the table).
func syllables(r rune) []string {
	v, ok := pinyin.PinyinDict[int(r)]
	if !ok {
		return nil
	}
	var out []string
	for v != "" {
		var p string
		p, v, _ = strings.Cut(v, ",")
		if p = foldSyllable(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// foldSyllable drops the tone marks of a syllable of go-pinyin's table and
// applies the fuzzy folds.
func foldSyllable(p string) string {
	var buf [12]byte
	b := buf[:0]
	for _, r := range p {
		switch r {
		case 'ā', 'á', 'ǎ', 'à':
			r = 'a'
		case 'ē', 'é', 'ě', 'è', 'ê', 'ế', 'ề':
			r = 'e'
		case 'ī', 'í', 'ǐ', 'ì':
			r = 'i'
		case 'ō', 'ó', 'ǒ', 'ò':
			r = 'o'
		case 'ū', 'ú', 'ǔ', 'ù':
			r = 'u'
		case 'ü', 'ǖ', 'ǘ', 'ǚ', 'ǜ':
			r = 'v'
		case 'ń', 'ň', 'ǹ':
			r = 'n'
		case 'ḿ':
			r = 'm'
		}
		if r < 'a' || r > 'z' || len(b) == len(buf) {
			continue // combining marks of rare readings
		}
		b = append(b, byte(r))
	}
	if len(b) > 2 && b[1] == 'h' && (b[0] == 'z' || b[0] == 'c' || b[0] == 's') {
		b = append(b[:1], b[2:]...)
	}
	if len(b) > 2 && b[len(b)-2] == 'n' && b[len(b)-1] == 'g' {
		b = b[:len(b)-1]
	}
	return string(b)
}

// firstSyllables caches the folded most common reading by rune ("" for
// none); it fills as questions come, and the characters people use are few.
var firstSyllables sync.Map

// firstSyllable returns the folded most common reading of r, or "".
func firstSyllable(r rune) string {
	if v, ok := firstSyllables.Load(r); ok {
		return v.(string)
	}
	p := ""
	if sy := syllables(r); len(sy) > 0 {
		p = sy[0]
	}
	firstSyllables.Store(r, p)
	return p
}

// pinyinKey returns the folded pinyin of s with each character's most
// common reading, syllables joined by '-', or "" when a character has no
// reading.
func pinyinKey(s string) string {
	var buf [64]byte
	b := buf[:0]
	for _, r := range s {
		p := firstSyllable(r)
		if p == "" {
			return ""
		}
		if len(b) > 0 {
			b = append(b, '-')
		}
		b = append(b, p...)
	}
	return string(b)
}
