package nlp

import (
	_ "embed"
	"strings"
)

// Pinyin keys find homophone typos: voice input writes 宅急地 for 宅基地 and
// 高零津贴 for 高龄津贴. A key is the toneless pinyin of each character with
// the folds that regional accents and sloppy input make equal: zh/z, ch/c,
// sh/s at the start and -ng/-n at the end (ang/an, eng/en, ing/in, ong/on).
//
// The readings are go-pinyin's (github.com/mozillazg/go-pinyin), compiled by
// ./internal/pinyingen into pinyin.bin: the most common reading of each
// common character (U+4E00–U+9FFF). go-pinyin itself builds a map of 41,000
// entries at every program start (about 20 ms and 2 MB), which the start-up
// budget cannot afford for a fallback.

//go:generate go run ./internal/pinyingen -o pinyin.bin

//go:embed pinyin.bin
var pinyinBin string

const pinyinFirst, pinyinLast = 0x4E00, 0x9FFF

// pinyinTable holds the folded syllables and, from pinyinBin, the codes.
var pinyinTable = func() struct {
	syllables []string // folded; index = code − 1
	codes     string   // two bytes per character, little-endian
} {
	head, codes, ok := strings.Cut(pinyinBin, "\n")
	if !ok || len(codes) != 2*(pinyinLast-pinyinFirst+1) {
		panic("nlp: pinyin.bin is malformed; run go generate ./nlp/")
	}
	sy := strings.Fields(head)
	for i, p := range sy {
		sy[i] = foldSyllable(p)
	}
	return struct {
		syllables []string
		codes     string
	}{sy, codes}
}()

// firstSyllable returns the folded most common reading of r, or "" when r
// has none (not a common Han character).
func firstSyllable(r rune) string {
	if r < pinyinFirst || r > pinyinLast {
		return ""
	}
	i := 2 * int(r-pinyinFirst)
	code := int(pinyinTable.codes[i]) | int(pinyinTable.codes[i+1])<<8
	if code == 0 || code > len(pinyinTable.syllables) {
		return ""
	}
	return pinyinTable.syllables[code-1]
}

// foldSyllable applies the fuzzy folds to a toneless syllable.
func foldSyllable(p string) string {
	if len(p) > 2 && p[1] == 'h' && (p[0] == 'z' || p[0] == 'c' || p[0] == 's') {
		p = p[:1] + p[2:]
	}
	if len(p) > 2 && strings.HasSuffix(p, "ng") {
		p = p[:len(p)-1]
	}
	return p
}

// pinyinKey returns the folded pinyin of s with each character's most
// common reading, syllables joined by '-', or "" when a character has no
// reading.
func pinyinKey(s string) string {
	var buf [64]byte
	b, ok := appendPinyinKey(buf[:0], s)
	if !ok {
		return ""
	}
	return string(b)
}

// appendPinyinKey appends the pinyin key of s to dst; ok is false when a
// character has no reading.
func appendPinyinKey[S string | []byte](dst []byte, s S) (b []byte, ok bool) {
	b = dst
	start := len(b)
	for _, r := range string(s) {
		p := firstSyllable(r)
		if p == "" {
			return dst, false
		}
		if len(b) > start {
			b = append(b, '-')
		}
		b = append(b, p...)
	}
	return b, len(b) > start
}
