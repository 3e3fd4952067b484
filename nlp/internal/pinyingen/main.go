// Command pinyingen writes nlp/pinyin.bin, the readings the analyser's
// sound-alike fallback needs, from go-pinyin's table
// (github.com/mozillazg/go-pinyin, MIT License).
//
// go-pinyin keeps its table as a map of 41,000 entries that every program
// importing it builds at start-up: about 20 ms and 2 MB, for a fallback
// that needs one reading per common character. pinyin.bin holds just that:
// the toneless most common reading of each character of the CJK Unified
// Ideographs block (U+4E00–U+9FFF), as an index into a list of syllables.
//
// Format: the syllables separated by spaces, a newline, then two bytes
// (little-endian) per character from U+4E00 to U+9FFF: 0 for no reading,
// else the syllable's position in the list plus one.
//
// Usage, from the module root (or go generate ./nlp/):
//
//	go run ./nlp/internal/pinyingen -o nlp/pinyin.bin
package main

import (
	"bytes"
	"flag"
	"log"
	"os"
	"strings"

	"github.com/mozillazg/go-pinyin"
)

const first, last = 0x4E00, 0x9FFF

func main() {
	out := flag.String("o", "nlp/pinyin.bin", "output file")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("pinyingen: ")

	index := map[string]int{}
	var syllables []string
	codes := make([]byte, 0, 2*(last-first+1))
	n := 0
	for r := first; r <= last; r++ {
		code := 0
		if v, ok := pinyin.PinyinDict[r]; ok {
			p, _, _ := strings.Cut(v, ",")
			if p = toneless(p); p != "" {
				i, ok := index[p]
				if !ok {
					i = len(syllables)
					index[p] = i
					syllables = append(syllables, p)
				}
				code = i + 1
				n++
			}
		}
		codes = append(codes, byte(code), byte(code>>8))
	}
	var b bytes.Buffer
	b.WriteString(strings.Join(syllables, " "))
	b.WriteByte('\n')
	b.Write(codes)
	if err := os.WriteFile(*out, b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%d characters, %d syllables, %d bytes", n, len(syllables), b.Len())
}

// toneless drops the tone marks of a reading of go-pinyin's table; ü is v.
func toneless(p string) string {
	var b strings.Builder
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
		if r >= 'a' && r <= 'z' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
