package nlp

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// AnalyzerOptions configures NewAnalyzer.
type AnalyzerOptions struct {
	// Vocabulary holds words and phrases from the loaded documents: item
	// names' phrases, body names and aliases, categories. Each becomes a
	// dictionary word, so that it is segmented as one term (with its parts
	// as further terms). Entries longer than 8 characters are ignored: a
	// whole item name is no word, and as one it would crowd out the words
	// inside it.
	Vocabulary []string
	// Synonyms is the colloquial-phrase table; nil means none.
	Synonyms *Synonyms
	// StopWords are dropped in addition to the embedded list.
	StopWords []string
}

// Analyzer turns text into terms: Normalize, cut filler phrases, segment
// with gse over a compact dictionary, drop stop words, and add the
// character bigrams of runs of single characters (words outside the
// dictionary). An Analyzer is safe for concurrent use.
type Analyzer struct {
	seg     segmenter
	words   map[string]float64 // the dictionary, for the long words' parts
	stop    map[string]bool
	fillers phraseSet
	syn     *Synonyms
	// fingerprint covers what the analysis of a text depends on besides
	// the code: the dictionary, the stop words and the fillers.
	fingerprint [sha256.Size]byte

	segs sync.Pool // of *segmentation, for questions
}

// getSegmentation returns an empty segmentation from the pool.
func (a *Analyzer) getSegmentation() *segmentation {
	if s, ok := a.segs.Get().(*segmentation); ok {
		return s
	}
	return &segmentation{}
}

// putSegmentation returns s to the pool, unless a long text made it big.
func (a *Analyzer) putSegmentation(s *segmentation) {
	if cap(s.terms) > 1024 {
		return
	}
	clear(s.runs) // let the runs' characters go
	s.terms, s.runs = s.terms[:0], s.runs[:0]
	a.segs.Put(s)
}

// NewAnalyzer builds the segmentation dictionary and returns an Analyzer.
// It fails only when the embedded lists are malformed.
func NewAnalyzer(o AnalyzerOptions) (*Analyzer, error) {
	d := newDictBuilder(8192)
	if err := d.loadList("words.txt", wordsTxt); err != nil {
		return nil, fmt.Errorf("nlp: %w", err)
	}
	if d.total == 0 {
		return nil, errors.New("nlp: words.txt: no #total line")
	}
	if err := d.loadList("phrases.txt", phrasesTxt); err != nil {
		return nil, fmt.Errorf("nlp: %w", err)
	}
	stop, fillers := parseStopwords(stopwordsTxt)
	for _, w := range o.StopWords {
		if w = Normalize(w); w != "" {
			stop = append(stop, w)
		}
	}
	a := &Analyzer{
		stop:    make(map[string]bool, len(stop)),
		fillers: newPhraseSet(fillers),
		syn:     o.Synonyms,
	}
	for _, w := range stop {
		a.stop[w] = true
		d.add(w, 0) // so that a multi-character stop word is cut whole
	}
	for _, t := range o.Synonyms.Terms() {
		d.add(t, 0)
	}
	for _, v := range o.Vocabulary {
		if tooLong(v) {
			continue // most item names: spare normalising them
		}
		for _, f := range strings.Fields(Normalize(v)) {
			if utf8.RuneCountInString(f) <= maxVocabularyRunes {
				d.add(f, 0)
			}
		}
	}
	pad := d.finish()
	a.words = d.freq
	dict := d.dictString(pad)
	if err := a.seg.load(dict); err != nil {
		return nil, fmt.Errorf("nlp: %w", err)
	}
	h := sha256.New()
	io.WriteString(h, dict)
	for _, list := range [][]string{stop, fillers} {
		fmt.Fprintf(h, "\x00%d", len(list))
		for _, w := range list {
			io.WriteString(h, "\x00"+w)
		}
	}
	h.Sum(a.fingerprint[:0])
	return a, nil
}

// tooLong reports whether every word Normalize makes of v is longer than
// maxVocabularyRunes: v is all Han characters and punctuation (which
// Normalize drops between Han characters) with more Han characters than
// that.
func tooLong(v string) bool {
	han := 0
	for _, r := range v {
		switch {
		case isHan(r):
			han++
		case r < utf8.RuneSelf || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsSpace(r):
			return false
		}
	}
	return han > maxVocabularyRunes
}

// isWord reports whether w is a word of the segmentation dictionary.
func (a *Analyzer) isWord(w string) bool {
	_, ok := a.words[w]
	return ok
}

// DictionarySize returns the number of words in the segmentation
// dictionary.
func (a *Analyzer) DictionarySize() int { return len(a.words) }

// Analyze returns the index-side terms of text: the words gse's search mode
// finds (a long word and its known parts), minus stop words, plus the
// bigrams of runs of single characters. Synonyms are not applied: they
// expand questions, not documents. Terms repeat as often as they occur.
func (a *Analyzer) Analyze(text string) []string { return a.analyze(text, nil) }

// analyze is Analyze with a memo for segmentMemo.
func (a *Analyzer) analyze(text string, memo *chunkMemo) []string {
	s := a.getSegmentation()
	defer a.putSegmentation(s)
	a.segmentMemo(s, a.fillers.cut(normalize(text, true)), memo)
	out := make([]string, len(s.terms))
	for i, t := range s.terms {
		out[i] = t.text
	}
	return a.parenReadings(out, text)
}

// maxParenRunes bounds the words in parentheses that parenReadings reads
// as an alternative to the characters before them, and the context taken
// on each side.
const maxParenRunes = 4

// parenReadings appends to out the words that the two readings of a
// parenthesised alternative inside a phrase make: 医疗（养老）保险 means
// 医疗保险 and 养老保险, 村（居）民委员会 村民委员会 and 居民委员会. The
// text as written breaks at each parenthesis, and neither reading's words
// would be found. The alternative must be one to four Han characters
// between Han characters; only the words that span the join are added
// (医疗保险, 养老保险), the others being the text's own already.
func (a *Analyzer) parenReadings(out []string, text string) []string {
	if !strings.ContainsAny(text, "(（") {
		return out
	}
	rs := []rune(text)
	for i := 1; i < len(rs); i++ {
		if rs[i] != '（' && rs[i] != '(' || !isHan(rs[i-1]) {
			continue
		}
		j := i + 1
		for j < len(rs) && j-i-1 <= maxParenRunes && isHan(rs[j]) {
			j++
		}
		n := j - i - 1 // the alternative is rs[i+1:j]
		if n == 0 || n > maxParenRunes || j+1 >= len(rs) || rs[j] != '）' && rs[j] != ')' || !isHan(rs[j+1]) {
			continue
		}
		before := hanTail(rs[:i], maxParenRunes)
		after := hanHead(rs[j+1:], maxParenRunes)
		alt := string(rs[i+1 : j])
		out = a.joinWords(out, before, after)                       // 医疗保险
		out = a.joinWords(out, alt, after)                          // 养老保险
		if k := len([]rune(before)) - n; k > 0 && len(before) > 0 { // 和职工养老
			out = a.joinWords(out, string([]rune(before)[:k]), alt)
		}
	}
	return out
}

// joinWords appends to out the words of left+right that neither left nor
// right has on its own: those that span the join.
func (a *Analyzer) joinWords(out []string, left, right string) []string {
	if left == "" || right == "" {
		return out
	}
	own := map[string]int{}
	for _, t := range a.Analyze(left) {
		own[t]++
	}
	for _, t := range a.Analyze(right) {
		own[t]++
	}
	for _, t := range a.Analyze(left + right) {
		if own[t] > 0 {
			own[t]--
			continue
		}
		if utf8.RuneCountInString(t) >= 2 && a.isWord(t) {
			out = append(out, t)
		}
	}
	return out
}

// hanTail returns the last Han characters of rs, at most n.
func hanTail(rs []rune, n int) string {
	i := len(rs)
	for i > 0 && len(rs)-i < n && isHan(rs[i-1]) {
		i--
	}
	return string(rs[i:])
}

// hanHead returns the first Han characters of rs, at most n.
func hanHead(rs []rune, n int) string {
	i := 0
	for i < len(rs) && i < n && isHan(rs[i]) {
		i++
	}
	return string(rs[:i])
}

// termKind says how a term came out of segmentation.
type termKind uint8

const (
	kindWord   termKind = iota // a dictionary word, or a part gse's search mode adds
	kindPart                   // a known part of four or more characters of a long word
	kindSingle                 // a character segmented alone
	kindBigram                 // two neighbouring single characters
	kindOther                  // digits and Latin letters
)

type term struct {
	text string
	kind termKind
}

// run is a stretch of characters that gse segmented one by one: words
// outside the dictionary, or typos. left is the word before it, if any.
type run struct {
	chars []string
	left  string
}

type segmentation struct {
	terms []term
	runs  []run
}

// segment appends the terms of normalised text to s.
func (a *Analyzer) segment(s *segmentation, text string) { a.segmentMemo(s, text, nil) }

// chunkMemo remembers the terms of chunks already segmented. Duty lists
// repeat themselves (categories, body names, set phrases of the steps:
// about a sixth of their text), and segmentation is most of an index's
// build time. It is safe for concurrent use; it keeps no runs, which
// documents do not need.
type chunkMemo struct {
	mu    sync.Mutex
	terms map[string][]term
}

func (m *chunkMemo) get(chunk string) ([]term, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts, ok := m.terms[chunk]
	return ts, ok
}

func (m *chunkMemo) put(chunk string, ts []term) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.terms[chunk] = ts
}

// segmentMemo is segment with a memo, when memo is not nil.
func (a *Analyzer) segmentMemo(s *segmentation, text string, memo *chunkMemo) {
	for len(text) > 0 {
		chunk, rest := text, ""
		for i := 0; i < len(text); i++ {
			if text[i] == ' ' || text[i] == '\n' {
				chunk, rest = text[:i], text[i+1:]
				break
			}
		}
		text = rest
		if chunk == "" {
			continue
		}
		if memo != nil {
			if ts, ok := memo.get(chunk); ok {
				s.terms = append(s.terms, ts...)
				continue
			}
			start := len(s.terms)
			a.segmentChunk(s, chunk)
			// A copy: s, and its terms, are reused.
			memo.put(chunk, slices.Clone(s.terms[start:]))
			continue
		}
		a.segmentChunk(s, chunk)
	}
}

// segmentChunk appends the terms of a chunk of text without spaces or
// breaks.
func (a *Analyzer) segmentChunk(s *segmentation, chunk string) {
	base := len(s.terms)
	toks := a.seg.searchWords(chunk)
	var singles []string
	left := ""
	flush := func() {
		if len(singles) > 0 {
			a.addRun(s, singles, left)
			singles = nil
		}
	}
	for _, t := range toks {
		n := utf8.RuneCountInString(t)
		r, _ := utf8.DecodeRuneInString(t)
		if n == 1 && isHan(r) {
			singles = append(singles, t)
			if !a.stop[t] {
				s.terms = append(s.terms, term{t, kindSingle})
			}
			continue
		}
		flush()
		if a.stop[t] {
			// Search mode put the stop word's parts (不知 of 不知道)
			// just before it: they go too.
			for len(s.terms) > base {
				last := s.terms[len(s.terms)-1]
				if last.kind != kindWord || len(last.text) >= len(t) || !strings.Contains(t, last.text) {
					break
				}
				s.terms = s.terms[:len(s.terms)-1]
			}
			left = ""
			continue
		}
		if n == 1 && r < utf8.RuneSelf && !('0' <= r && r <= '9') {
			continue // a lone Latin letter says nothing
		}
		kind := kindWord
		if !allHan(t) {
			kind = kindOther
		}
		s.terms = append(s.terms, term{t, kind})
		if n >= 4 {
			a.addParts(s, t, n)
		}
		left = t
	}
	flush()
}

// addRun records a run of single characters and adds its bigrams. A bigram
// with a stop character ("水的") is noise and is skipped.
func (a *Analyzer) addRun(s *segmentation, chars []string, left string) {
	for i := 0; i+1 < len(chars); i++ {
		if a.stop[chars[i]] || a.stop[chars[i+1]] {
			continue
		}
		s.terms = append(s.terms, term{chars[i] + chars[i+1], kindBigram})
	}
	if len(chars) >= 2 || left != "" {
		s.runs = append(s.runs, run{chars: chars, left: left})
	}
}

// addParts adds the dictionary words of four or more characters inside a
// long word; gse's search mode only adds parts of two and three.
func (a *Analyzer) addParts(s *segmentation, w string, n int) {
	var offs [maxWordRunes + 1]int
	if n > maxWordRunes {
		return
	}
	k := 0
	for i := range w {
		offs[k] = i
		k++
	}
	offs[n] = len(w)
	for size := 4; size < n; size++ {
		for i := 0; i+size <= n; i++ {
			p := w[offs[i]:offs[i+size]]
			if _, ok := a.words[p]; ok && !a.stop[p] {
				s.terms = append(s.terms, term{p, kindPart})
			}
		}
	}
}

// phraseSet finds phrases in text, leftmost-longest.
type phraseSet struct {
	t      trie[int32]
	maxLen int // the longest phrase, in runes
}

func newPhraseSet(phrases []string) phraseSet {
	var p phraseSet
	keys := slices.Clone(phrases)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	vals := make([]int32, len(keys))
	for i, k := range keys {
		vals[i] = 1
		p.maxLen = max(p.maxLen, utf8.RuneCountInString(k))
	}
	p.t.build(keys, vals)
	return p
}

// cut replaces the phrases found in text with spaces.
func (p phraseSet) cut(text string) string {
	var b []byte
	last := 0 // text[:last] is settled (copied to b when b != nil)
	for i := 0; i < len(text); {
		end, _ := p.t.longest(text, i, 1, p.maxLen)
		if end < 0 {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			continue
		}
		if b == nil {
			b = make([]byte, 0, len(text))
		}
		b = append(b, text[last:i]...)
		b = append(b, ' ')
		i, last = end, end
	}
	if b == nil {
		return text
	}
	return string(append(b, text[last:]...))
}
