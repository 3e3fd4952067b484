package nlp

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Synonyms is a parsed table of colloquial phrases and the official wording
// they stand for. The zero value and nil are empty tables. A Synonyms is
// read-only after ParseSynonyms and safe for concurrent use.
type Synonyms struct {
	entries []synEntry
	byFrom  map[string]int // normalised colloquial phrase → entry
	phrases trie[int32]    // the same, entry + 1, to find phrases in a text
}

type synEntry struct {
	from []string   // the colloquial phrases, normalised
	alts [][]string // alternatives, each one or more official terms
	line int
}

// maxSynonymErrors bounds how many errors ParseSynonyms reports at once.
const maxSynonymErrors = 20

// ParseSynonyms parses a synonym table. name is used in error messages only.
//
// The format is line based:
//
//	# a comment; blank lines are ignored too
//	colloquial[, variant …] => term[ term …][ / term[ term …] …]
//
// The left side lists colloquial phrases separated by commas (or 、). The
// right side lists alternatives separated by '/'; an alternative is one or
// more official terms separated by spaces, which together express the
// phrase. For example
//
//	低保, 吃低保 => 最低生活保障 / 生活困难 低收入
//
// says that a question containing 低保 may mean 最低生活保障, or 生活困难 and
// 低收入 together. Full-width separators (，／＝＞) are accepted. Phrases and
// terms are normalised with Normalize; a phrase of two or more characters is
// matched anywhere in a question's normalised text, a single character only
// where the segmenter makes it a word of its own.
//
// Errors name the file and line ("configs/synonyms.txt:12: …"): a line
// without "=>", an empty phrase or term, and a phrase defined twice. All
// errors are reported, joined, up to a limit.
func ParseSynonyms(name string, data []byte) (*Synonyms, error) {
	s := &Synonyms{byFrom: map[string]int{}}
	seenAt := map[string]int{}
	var errs []error
	fail := func(line int, format string, args ...any) {
		if len(errs) < maxSynonymErrors {
			errs = append(errs, fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...)))
		}
	}
	for i, raw := range strings.Split(string(data), "\n") {
		line := i + 1
		if !utf8.ValidString(raw) {
			fail(line, "invalid UTF-8")
			continue
		}
		text := norm.NFKC.String(raw) // full-width separators become ASCII
		if j := strings.IndexByte(text, '#'); j >= 0 {
			text = text[:j]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		left, right, ok := strings.Cut(text, "=>")
		if !ok {
			fail(line, "missing \"=>\" in %q", text)
			continue
		}
		if strings.Contains(right, "=>") {
			fail(line, "more than one \"=>\"")
			continue
		}
		e := synEntry{line: line}
		bad := false
		for _, f := range strings.FieldsFunc(left, func(r rune) bool { return r == ',' || r == '、' }) {
			p := Normalize(f)
			if p == "" {
				continue
			}
			if at, dup := seenAt[p]; dup {
				fail(line, "%q already defined on line %d", p, at)
				bad = true
				continue
			}
			seenAt[p] = line
			e.from = append(e.from, p)
		}
		if len(e.from) == 0 && !bad {
			fail(line, "no colloquial phrase before \"=>\"")
			continue
		}
		for _, a := range strings.Split(right, "/") {
			var alt []string
			for _, f := range strings.Fields(a) {
				// Normalize joins Han words separated by spaces, so each
				// space-separated term is normalised on its own.
				alt = append(alt, strings.Fields(Normalize(f))...)
			}
			if len(alt) == 0 {
				fail(line, "empty alternative after \"=>\"")
				bad = true
				break
			}
			e.alts = append(e.alts, alt)
		}
		if bad {
			continue
		}
		idx := len(s.entries)
		s.entries = append(s.entries, e)
		for _, p := range e.from {
			s.byFrom[p] = idx
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	keys := make([]string, 0, len(s.byFrom))
	for p := range s.byFrom {
		keys = append(keys, p)
	}
	slices.Sort(keys)
	vals := make([]int32, len(keys))
	for i, p := range keys {
		vals[i] = int32(s.byFrom[p] + 1)
	}
	s.phrases.build(keys, vals)
	return s, nil
}

// Len returns the number of entries (lines) of the table.
func (s *Synonyms) Len() int {
	if s == nil {
		return 0
	}
	return len(s.entries)
}

// Lookup returns the alternatives a colloquial phrase stands for, each a
// list of official terms, or nil. The phrase is normalised first.
func (s *Synonyms) Lookup(phrase string) [][]string {
	if s == nil {
		return nil
	}
	i, ok := s.byFrom[Normalize(phrase)]
	if !ok {
		return nil
	}
	return s.entries[i].alts
}

// Terms returns every phrase and term of the table, colloquial and
// official, each once, in table order.
func (s *Synonyms) Terms() []string {
	if s == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, e := range s.entries {
		for _, p := range e.from {
			add(p)
		}
		for _, a := range e.alts {
			for _, t := range a {
				add(t)
			}
		}
	}
	return out
}

// synMatch is a phrase of the table found in a text.
type synMatch struct {
	phrase string // as found (normalised)
	entry  int
}

// matchText finds the table's phrases of two or more characters in
// normalised text, leftmost-longest and without overlaps, and appends them
// to dst. wordEnd, when not nil, returns for a byte offset of text that
// falls strictly within a word of the text's segmentation the end of that
// word, and 0 for any other offset: a phrase that starts within a word must end
// within it too (村医 is no phrase of 农村医保, where it would start within
// 农村 and end in 医保), and a shorter phrase at the same place is tried
// instead. A phrase inside a word (检疫 in 动物检疫), or one that starts
// at a word and ends within a later one (改厕 in 改厕所), is found.
func (s *Synonyms) matchText(dst []synMatch, text string, wordEnd func(i int) int) []synMatch {
	if s == nil || len(s.entries) == 0 {
		return dst
	}
	for i := 0; i < len(text); {
		// The longest phrase of two runes or more (at most 32) here.
		end, v := s.phrases.longest(text, i, 2, 32)
		// One that starts inside a word must end within it: the word
		// ends are asked for only then (a segmentation costs more than
		// the matching).
		if end >= 0 && wordEnd != nil && i > 0 && text[i-1] != ' ' {
			if limit := wordEnd(i); limit > 0 && limit < end {
				end, v = s.phrases.longest(text[:limit], i, 2, 32)
			}
		}
		if end >= 0 {
			dst = append(dst, synMatch{phrase: text[i:end], entry: int(v - 1)})
			i = end
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	return dst
}

// matchWord reports the entry for a whole word, if any.
func (s *Synonyms) matchWord(w string) (int, bool) {
	if s == nil {
		return 0, false
	}
	e, ok := s.byFrom[w]
	return e, ok
}
