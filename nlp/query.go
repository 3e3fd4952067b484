package nlp

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// A question is analysed like a document, and then its terms are grouped
// into concepts. A group stands for one thing the person said; it has
// alternatives, each a set of weighted terms, and a document scores the best
// of a group's alternatives (never their sum). So a word and its parts, a
// colloquial phrase and its official wording, or a typo and the word it
// sounds like, count once.
//
// The first alternative of a group is the person's own words. Others are
// the parts of a long word (weight Params.Part, shared among the parts),
// expansions from the synonym table (weight Params.Synonym over the square
// root of the number of terms of the alternative) and sound-alike index
// terms (Params.Fuzzy).

type qterm struct {
	text string
	w    float64
	id   int32 // index term id, or -1 when no document has the term
	slot int32 // Search's number for the distinct id, to explain hits
}

type qalt []qterm

type qgroup struct {
	alts []qalt // alts[0]: the person's own words (may be empty)
	// exp is the index of the first expansion (synonym or sound-alike);
	// 0 when there is none. Alternatives before it are the person's words
	// and their parts.
	exp int
	// overlap marks the bigram of a run of three or more single characters:
	// it shares a character with a neighbouring bigram.
	overlap bool
}

// expand appends expansions to g.
func (g *qgroup) expand(alts ...qalt) {
	if len(alts) == 0 {
		return
	}
	if g.exp == 0 {
		g.exp = len(g.alts)
	}
	g.alts = append(g.alts, alts...)
}

type query struct {
	groups []qgroup
	runs   []run
}

// wordGroup is a word of the question with the known parts gse's search
// mode (and addParts) found inside it.
type wordGroup struct {
	word  term
	pos   int // order of first appearance
	parts []term
	taken bool // claimed by a synonym phrase
}

// analyzeQuery segments a question and groups its terms.
func (a *Analyzer) analyzeQuery(text string, p *Params) query {
	return a.analyzeNormalized(normalize(text, true), p)
}

// analyzeNormalized is analyzeQuery of normalize(text, true).
func (a *Analyzer) analyzeNormalized(norm string, p *Params) query {
	var q query
	s := a.getSegmentation()
	defer a.putSegmentation(s)
	var ms []synMatch
	if a.syn != nil {
		var ends []int
		done := false
		ms = a.syn.matchText(make([]synMatch, 0, 4), norm, func(i int) int {
			if !done {
				ends, done = a.wordEnds(norm), true
			}
			if ends == nil {
				return 0
			}
			return ends[i]
		})
	}
	a.segment(s, a.fillers.cut(norm))
	if len(s.runs) > 0 {
		q.runs = slices.Clone(s.runs) // s goes back to the pool
	}

	// Words, longest first, each once; a word inside a longer one is one of
	// its parts (gse's search mode puts 残疾 and 残疾人 before 残疾人证).
	words := make([]wordGroup, 0, len(s.terms))
	var bigrams, singles []term
	var seen map[string]bool // for long texts; a question's few dozen terms are scanned
	if len(s.terms) > 64 {
		seen = make(map[string]bool, len(s.terms))
	}
	for i, t := range s.terms {
		if seen != nil {
			if seen[t.text] {
				continue
			}
			seen[t.text] = true
		} else if seenBefore(s.terms[:i], t.text) {
			continue
		}
		switch t.kind {
		case kindBigram:
			bigrams = append(bigrams, t)
		case kindSingle:
			singles = append(singles, t)
		default:
			words = append(words, wordGroup{word: t, pos: len(words)})
		}
	}
	slices.SortStableFunc(words, func(x, y wordGroup) int {
		return utf8.RuneCountInString(y.word.text) - utf8.RuneCountInString(x.word.text)
	})
	mains := words[:0]
	for _, w := range words {
		owner := -1
		for i := range mains {
			if strings.Contains(mains[i].word.text, w.word.text) {
				owner = i
				break
			}
		}
		if owner >= 0 {
			mains[owner].parts = append(mains[owner].parts, w.word)
		} else {
			mains = append(mains, w)
		}
	}
	words = mains
	slices.SortFunc(words, func(x, y wordGroup) int { return x.pos - y.pos })

	own := func(w wordGroup) []qalt {
		alts := []qalt{{{text: w.word.text, w: 1}}}
		if len(w.parts) > 0 && p.Part > 0 {
			alt := make(qalt, len(w.parts))
			for i, t := range w.parts {
				alt[i] = qterm{text: t.text, w: p.Part / float64(len(w.parts))}
			}
			alts = append(alts, alt)
		}
		return alts
	}
	synAlts := func(entry int) []qalt {
		var alts []qalt
		for _, alt := range a.syn.entries[entry].alts {
			// Terms of one alternative share the weight, but not evenly
			// split: each says much of the phrase on its own.
			w := p.Synonym / math.Sqrt(float64(len(alt)))
			qa := make(qalt, len(alt))
			for i, t := range alt {
				qa[i] = qterm{text: t, w: w}
			}
			alts = append(alts, qa)
		}
		return alts
	}

	q.groups = make([]qgroup, 0, len(ms)+len(words)+len(singles)+len(bigrams)+2)
	// Phrases of the table found in the text: the words inside a phrase,
	// together, are the group's first alternative, their parts the second.
	taken := map[string]bool{} // lone characters and bigrams inside a phrase
	for _, m := range ms {
		var mine, parts qalt
		for i := range words {
			w := &words[i]
			if w.taken || !strings.Contains(m.phrase, w.word.text) {
				continue
			}
			w.taken = true
			mine = append(mine, qterm{text: w.word.text, w: 1})
			for _, t := range w.parts {
				parts = append(parts, qterm{text: t.text})
			}
		}
		for _, t := range singles {
			if strings.Contains(m.phrase, t.text) {
				taken[t.text] = true
			}
		}
		for _, t := range bigrams {
			if strings.Contains(m.phrase, t.text) {
				taken[t.text] = true
			}
		}
		g := qgroup{alts: []qalt{mine}}
		if len(parts) > 0 && p.Part > 0 {
			for i := range parts {
				parts[i].w = p.Part / float64(len(parts))
			}
			g.alts = append(g.alts, parts)
		}
		g.expand(synAlts(m.entry)...)
		q.groups = append(q.groups, g)
	}
	// Whole words of the table that the scan of the text did not take:
	// single characters (狗), and words inside a longer phrase found first.
	for i := range words {
		w := &words[i]
		if w.taken {
			continue
		}
		w.taken = true
		g := qgroup{alts: own(*w)}
		if e, ok := a.syn.matchWord(w.word.text); ok {
			g.expand(synAlts(e)...)
		}
		q.groups = append(q.groups, g)
	}
	for _, t := range singles {
		if taken[t.text] {
			continue
		}
		if e, ok := a.syn.matchWord(t.text); ok {
			// A character the table knows is a word (狗), whatever the
			// weight of lone characters; but the documents' own lone
			// characters are mostly pieces of longer words (占 of 征占用),
			// so the character itself counts Params.Known and the table's
			// words (侵占, 占用) carry the meaning.
			g := qgroup{alts: []qalt{{{text: t.text, w: p.Known}}}}
			g.expand(synAlts(e)...)
			q.groups = append(q.groups, g)
		} else if p.Single > 0 {
			// Lone characters count neither in scores nor in Result.Max by
			// default: counting them toward the maximum only, so that
			// 杯 in 世界杯 marks an unlisted matter, costs more answerable
			// questions (with 倒, 拉, 坏) than it saves.
			q.groups = append(q.groups, qgroup{alts: []qalt{{{text: t.text, w: p.Single}}}})
		}
	}
	if p.Bigram > 0 {
		for i, t := range bigrams {
			if !taken[t.text] {
				q.groups = append(q.groups, qgroup{
					alts:    []qalt{{{text: t.text, w: p.Bigram}}},
					overlap: overlaps(bigrams, i),
				})
			}
		}
	}
	return q
}

// overlaps reports whether bigram bs[i] shares a character with a
// neighbouring bigram of bs: its first character ends another, or its last
// starts another.
func overlaps(bs []term, i int) bool {
	first, n := utf8.DecodeRuneInString(bs[i].text)
	last, _ := utf8.DecodeRuneInString(bs[i].text[n:])
	for j, u := range bs {
		if j == i {
			continue
		}
		a, m := utf8.DecodeRuneInString(u.text)
		b, _ := utf8.DecodeRuneInString(u.text[m:])
		if b == first || a == last {
			return true
		}
	}
	return false
}

// wordEnds returns, for each byte offset of normalised text that falls
// strictly within a word of two or more characters of its cut (gse's Cut,
// without the search mode's parts), the end of that word, and 0 for other
// offsets; nil when there is no such offset. 农村医保 is cut 农村 医保: the
// offset between 村 and 医 is at a boundary, the one between 农 and 村
// within 农村.
func (a *Analyzer) wordEnds(text string) []int {
	var ends []int
	for start := 0; start < len(text); {
		end := start
		for end < len(text) && text[end] != ' ' && text[end] != '\n' {
			end++
		}
		// gse's words cover the chunk in order; normalised text is lower
		// case already, as gse reads it, so their byte lengths add up.
		at := start
		for _, w := range a.seg.words(text[start:end]) {
			from := at
			at += len(w)
			if utf8.RuneCountInString(w) < 2 || a.stop[w] {
				continue // 的话 in 我的话费: a function word binds nothing
			}
			for x := from + 1; x < at; x++ {
				if !utf8.RuneStart(text[x]) {
					continue
				}
				if ends == nil {
					ends = make([]int, len(text)+1)
				}
				ends[x] = at
			}
		}
		if at != end {
			return nil // gse changed the text: no word ends to trust
		}
		start = end + 1
	}
	return ends
}

// seenBefore reports whether a term of ts has the text t.
func seenBefore(ts []term, t string) bool {
	for _, x := range ts {
		if x.text == t {
			return true
		}
	}
	return false
}
