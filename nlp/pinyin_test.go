package nlp

import (
	"strings"
	"testing"

	"github.com/mozillazg/go-pinyin"
)

// pinyin.bin must hold go-pinyin's most common reading of every common
// character; regenerate it with go generate when go-pinyin changes.
func TestPinyinTableMatchesGoPinyin(t *testing.T) {
	plain := strings.NewReplacer(
		"ā", "a", "á", "a", "ǎ", "a", "à", "a", "ē", "e", "é", "e", "ě", "e", "è", "e",
		"ê", "e", "ế", "e", "ề", "e", "ī", "i", "í", "i", "ǐ", "i", "ì", "i",
		"ō", "o", "ó", "o", "ǒ", "o", "ò", "o", "ū", "u", "ú", "u", "ǔ", "u", "ù", "u",
		"ü", "v", "ǖ", "v", "ǘ", "v", "ǚ", "v", "ǜ", "v", "ń", "n", "ň", "n", "ǹ", "n", "ḿ", "m",
	)
	bad := 0
	for r := rune(pinyinFirst); r <= pinyinLast; r++ {
		want := ""
		if v, ok := pinyin.PinyinDict[int(r)]; ok {
			p, _, _ := strings.Cut(v, ",")
			p = strings.Map(func(c rune) rune {
				if c >= 'a' && c <= 'z' {
					return c
				}
				return -1
			}, plain.Replace(p))
			if p != "" {
				want = foldSyllable(p)
			}
		}
		if got := firstSyllable(r); got != want {
			if bad++; bad <= 10 {
				t.Errorf("firstSyllable(%q) = %q, want %q", r, got, want)
			}
		}
	}
	if firstSyllable('a') != "" || firstSyllable(0x3400) != "" {
		t.Error("a reading outside the table's range")
	}
}
