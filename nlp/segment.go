package nlp

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// segmenter cuts text into words exactly as gse (github.com/go-ego/gse)
// does over the same dictionary loaded with LoadDictStr, in the two modes
// the analyser uses: Cut(text, false), the DAG cut without HMM, and
// CutSearch(text, false), which adds the known parts of two and three
// characters before each word. TestSegmenterMatchesGSE holds it to gse's
// output over the duty lists and fuzzed text.
//
// It is gse's algorithm, not its code: gse builds a map-based DAG and route
// table and converts every fragment between runes, strings and bytes
// (about 40 allocations for a short question, most of an index's build
// time), and its dictionary loader segments every word of the dictionary
// for a mode the analyser does not use. Here the dictionary is a trie in
// flat arrays, the words are substrings of the text, and the working
// memory is reused.
//
// The model, as gse's: every dictionary word w has a frequency f(w), and
// the cut is the split of the text into dictionary words (or single
// characters) that maximises Σ log f(w) − log total, where total is the sum
// of the frequencies. A single character that is not a word scores
// log 1 − log total, one that only starts words log 0 = −Inf (see
// dictBuilder.finish). Ties go to the longer first word.
type segmenter struct {
	t    trie[float64] // words and their frequencies as gse keeps them
	logT float64       // log of gse's total frequency
	// cost is, by trie node, log(freq) - logT of the word ending there:
	// what the cut adds for the word, computed once rather than per word
	// of every cut.
	cost []float64
}

// load builds the dictionary from words in gse's insertion order with
// their frequencies, and pad, the padding entry's frequency (0 for none).
// It applies gse's loader's rules (LoadDictStr, Segmenter.Size,
// Dictionary.AddToken): entries below frequency 2 are dropped, a single
// character counts 2 whatever it is given, ASCII letters are lower-cased
// in the key, the first of two equal keys wins, and the total is the sum of
// the frequencies kept.
func (s *segmenter) load(words []string, freq map[string]float64, pad float64) {
	keys := make([]string, 0, len(words)+1)
	freqs := make([]float64, 0, len(words)+1)
	seen := make(map[string]bool, len(words)+1)
	total := 0.0
	add := func(w string, f float64) {
		if f < 2 || w == "" {
			return
		}
		if utf8.RuneCountInString(w) < 2 {
			f = 2
		}
		key := asciiLower(w)
		if seen[key] {
			return
		}
		seen[key] = true
		keys = append(keys, key)
		freqs = append(freqs, f)
		total += f
	}
	for _, w := range words {
		add(w, freq[w])
	}
	if pad > 0 {
		add(padToken, pad)
	}
	if !slices.IsSorted(keys) {
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
		k2, f2 := make([]string, len(keys)), make([]float64, len(keys))
		for i, j := range idx {
			k2[i], f2[i] = keys[j], freqs[j]
		}
		keys, freqs = k2, f2
	}
	s.t.build(keys, freqs)
	s.logT = math.Log(total)
	s.cost = make([]float64, len(s.t.nodes))
	for i, nd := range s.t.nodes {
		if nd.val > 0 {
			s.cost[i] = math.Log(nd.val) - s.logT
		}
	}
}

// freq returns the frequency of word w (0 when w is no word), and whether w
// is a key of the dictionary at all (a word or the start of one), as gse's
// Find reports them.
func (s *segmenter) freq(w string) (float64, bool) {
	node := s.t.lookup(w)
	return s.t.nodes[node].val, node != 0
}

// asciiLower lower-cases ASCII letters, as gse does to dictionary keys.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s) // rare: keys are normalised already
		}
	}
	return s
}

// route is the best split of a text's tail: its log-probability and the
// last rune of its first word.
type route struct {
	logp float64
	end  int
}

// segScratch is the working memory of a cut, reused from cut to cut.
type segScratch struct {
	offs   []int   // byte offset of each rune, and len(text)
	runes  []rune  // the runes
	routes []route // by rune
	words  []int   // cut words as pairs of rune indexes [from, to)
	out    []string

	// The last text cut, by which segmenter, and the text returned: a
	// question is cut twice, for the word ends of its phrases and for
	// its terms, and the second cut of the same text is the first's.
	lastIn, lastOut string
	lastBy          *segmenter
}

// searchWords returns gse's CutSearch(text, false): the DAG cut without
// HMM, each word preceded by its known parts of two and three characters.
// The words are substrings of text (lower-cased as gse does); the slice is
// sc's and valid until the next call with sc.
func (s *segmenter) searchWords(text string, sc *segScratch) []string {
	text = s.cut(text, sc)
	offs := sc.offs
	out := sc.out[:0]
	for k := 0; k < len(sc.words); k += 2 {
		from, to := sc.words[k], sc.words[k+1]
		m := to - from
		for _, incr := range [2]int{2, 3} {
			if m <= incr {
				continue
			}
			for i := from; i+incr <= to; i++ {
				node := int32(0)
				for _, r := range sc.runes[i : i+incr] {
					if node = s.t.child(node, r); node == 0 {
						break
					}
				}
				if s.t.nodes[node].val > 0 {
					out = append(out, text[offs[i]:offs[i+incr]])
				}
			}
		}
		out = append(out, text[offs[from]:offs[to]])
	}
	sc.out = out
	return out
}

// words returns gse's Cut(text, false), the DAG cut without HMM, in a new
// slice.
func (s *segmenter) words(text string) []string {
	var sc segScratch
	text = s.cut(text, &sc)
	out := make([]string, 0, len(sc.words)/2)
	for k := 0; k < len(sc.words); k += 2 {
		out = append(out, text[sc.offs[sc.words[k]]:sc.offs[sc.words[k+1]]])
	}
	return out
}

// cut computes the DAG cut of text into sc.words and returns text as gse
// reads it (lower-cased), which sc.offs indexes.
func (s *segmenter) cut(text string, sc *segScratch) string {
	if sc.lastBy == s && text == sc.lastIn && text != "" {
		return sc.lastOut
	}
	sc.lastBy, sc.lastIn = s, text
	sc.lastOut = s.cutNew(text, sc)
	return sc.lastOut
}

func (s *segmenter) cutNew(text string, sc *segScratch) string {
	offs, runes := sc.offs[:0], sc.runes[:0]
	cased := false // a rune that lower-casing might change
	for i, r := range text {
		offs = append(offs, i)
		runes = append(runes, r)
		cased = cased || r < utf8.RuneSelf && 'A' <= r && r <= 'Z' || r >= utf8.RuneSelf && (r < hanFirst || r > hanLast)
	}
	if cased {
		// gse lower-cases the text; normalised text is lower-case
		// already, so this is for other callers.
		text = strings.ToLower(text)
		offs, runes = offs[:0], runes[:0]
		for i, r := range text {
			offs = append(offs, i)
			runes = append(runes, r)
		}
	}
	n := len(offs)
	offs = append(offs, len(text))
	sc.offs, sc.runes = offs, runes

	if cap(sc.routes) < n+1 {
		sc.routes = make([]route, n+1, max(n+1, 64))
	}
	rs := sc.routes[:n+1]
	rs[n] = route{}
	for idx := n - 1; idx >= 0; idx-- {
		// The words starting at idx, shortest first (gse's DAG), each
		// scored with the best route after it; the best wins, a tie going
		// to the longer word.
		found := false
		var best route
		start := s.t.child(0, runes[idx])
		for i, node := idx, start; node != 0; {
			nd := &s.t.nodes[node]
			if nd.val > 0 {
				r := route{logp: s.cost[node] + rs[i+1].logp, end: i}
				if !found || best.logp < r.logp || best.logp == r.logp && best.end < r.end {
					best = r
				}
				found = true
			}
			if i++; nd.n == 0 || i == n {
				break
			}
			node = s.t.child(node, runes[i])
		}
		if !found {
			// No word: the character alone, scored as gse's Find scores it.
			f := 1.0
			if start != 0 {
				f = 0 // a character that only starts words
			}
			best = route{logp: math.Log(f) - s.logT + rs[idx+1].logp, end: idx}
		}
		rs[idx] = best
	}

	// Follow the routes. Single ASCII letters and digits in a row make one
	// word, as gse's cut joins them.
	words := sc.words[:0]
	alnum := -1 // start of a run of single ASCII letters and digits
	for x := 0; x < n; {
		y := rs[x].end + 1
		if y-x == 1 && isASCIIAlnum(text[offs[x]]) && offs[y]-offs[x] == 1 {
			if alnum < 0 {
				alnum = x
			}
			x = y
			continue
		}
		if alnum >= 0 {
			words = append(words, alnum, x)
			alnum = -1
		}
		words = append(words, x, y)
		x = y
	}
	if alnum >= 0 {
		words = append(words, alnum, n)
	}
	sc.words = words
	return text
}

func isASCIIAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
