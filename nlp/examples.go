package nlp

import (
	"errors"
	"io/fs"
	"math"
	"slices"
	"strings"
	"sync"
)

// Examples are sentences that say how people ask about a document (Doc's
// Examples): "similar questions", as FAQ bots keep them. They are evidence
// for their document, matched against a question by the words they share,
// whatever the document's own text says.
//
// An example and a question are each a vector of features: the analyser's
// terms and every character bigram of the Han text (after fillers are cut),
// so that a segmentation that differs between the two still leaves shared
// bigrams. A feature weighs idf × (1 + ln tf), idf over the examples.
// Their similarity is the dot product over the shared features divided by
// |example| × min(|question|, |example|), capped at 1: for a question no
// longer than the example, the cosine; for a longer one — a complaint of
// several sentences around one matter — the share of the example's weight
// that the question covers, so that the dates, places and story around
// the matter do not drown it. Features no example has (place names,
// numbers) count toward neither.
//
// A document's example evidence combines its most similar examples as
// independent evidence, 1 − (1 − s1)(1 − Params.ExampleSecond × s2) ×
// Π (1 − Params.ExampleNext × s) over the next nextExamples ones: one
// example that says the same as the question is strong evidence; a second
// one, and more that say nearly the same, make it surer. Counting a fixed
// number of them keeps a matter of a few examples (one out of scope) on a
// par with an item of many.
type exampleIndex struct {
	// The features' numbers: words (sorted) and bigrams (sorted by
	// bigramKey), each with its feature number — sorted lists rather than
	// maps, so that an index read from the cache is ready without building
	// maps of a hundred thousand entries.
	words     []string
	wordIDs   []int32
	bigramKs  []uint64
	bigramIDs []int32
	idf       []float64 // by feature
	// postings holds every feature's postings, in feature order: feature
	// id's are postings[start[id]:start[id+1]], in example order.
	postings []expost
	start    []int32
	doc      []int32   // by example: its document
	text     []string  // by example
	norm     []float64 // by example: the length of its vector
	scratch  sync.Pool // of *exScratch
	maxDF    int       // features in more examples are too common to look up
	floor    float64   // Params.ExampleFloor
	a        *Analyzer
}

// exFeatures are a text's features: its words and its character bigrams.
type exFeatures struct {
	words   []string
	bigrams [][2]rune
}

type expost struct {
	ex int32
	w  float32
}

// exScratch is one search's working memory.
type exScratch struct {
	dot     []float64 // by example
	touched []int32   // examples with dot > 0
	best    []exBest  // by document
	docs    []int32   // documents with a best
}

// exBest is a document's two most similar examples.
type exBest struct {
	s1, s2 float64
	e1, e2 int32
	more   [nextExamples]float64 // the similarities of the next most similar examples, highest first
	k      float64               // the weight of the evidence in the document's score, as a share of Max
}

// evidence is a document's example evidence (see exampleIndex): that of
// its two most similar examples, and with the next ones, all of them.
func (b exBest) evidence(second, next float64) (two, all float64) {
	two = b.s1 + second*b.s2*(1-b.s1)
	p := 1 - two
	for _, v := range b.more {
		p *= 1 - next*v
	}
	return two, 1 - p
}

// others is the number of the next most similar examples.
func (b exBest) others() int {
	n := 0
	for n < len(b.more) && b.more[n] > 0 {
		n++
	}
	return n
}

// nextExamples is the number of examples after the two most similar ones
// that add to a document's evidence (Params.ExampleNext).
const nextExamples = 5

// overFloor maps a similarity to the evidence it gives: nothing at or below
// floor, where two unrelated sentences that share a common character or
// two land, and linearly up to 1 above it.
func overFloor(sim, floor float64) float64 {
	if sim <= floor {
		return 0
	}
	return (sim - floor) / (1 - floor)
}

// maxExampleDF is the share of examples above which a feature is too
// common to say anything (的了, 怎么): it is not looked up.
const maxExampleDF = 0.05

// exampleFeatures returns the features of text (see exampleIndex).
func (a *Analyzer) exampleFeatures(text string) exFeatures {
	cut := a.fillers.cut(normalize(text, true))
	s := a.getSegmentation()
	a.segment(s, cut)
	f := exFeatures{words: make([]string, len(s.terms))}
	for i, t := range s.terms {
		f.words[i] = t.text
	}
	a.putSegmentation(s)
	var prev rune
	for _, r := range cut {
		if isHan(r) && isHan(prev) {
			f.bigrams = append(f.bigrams, [2]rune{prev, r})
		}
		if isHan(r) {
			f.bigrams = append(f.bigrams, [2]rune{r}) // the character alone
		}
		prev = r
	}
	return f
}

// bigramKey is the sort key of a bigram.
func bigramKey(b [2]rune) uint64 { return uint64(uint32(b[0]))<<32 | uint64(uint32(b[1])) }

// id returns the feature number of word w, or of bigram b when w is "",
// and whether it is known.
func (x *exampleIndex) id(w string, b [2]rune) (int32, bool) {
	if w != "" {
		if i, ok := slices.BinarySearch(x.words, w); ok {
			return x.wordIDs[i], true
		}
		return 0, false
	}
	if i, ok := slices.BinarySearch(x.bigramKs, bigramKey(b)); ok {
		return x.bigramIDs[i], true
	}
	return 0, false
}

// each calls fn with the number of each known feature of f, once per
// occurrence.
func (x *exampleIndex) each(f exFeatures, fn func(id int32)) {
	for _, w := range f.words {
		if id, ok := x.id(w, [2]rune{}); ok {
			fn(id)
		}
	}
	for _, b := range f.bigrams {
		if id, ok := x.id("", b); ok {
			fn(id)
		}
	}
}

// numbering numbers features in order of first occurrence, while an
// index is built.
type numbering struct {
	words   map[string]int32
	bigrams map[[2]rune]int32
}

// each calls fn with the number of each feature of f, numbering unknown
// ones first.
func (n *numbering) each(f exFeatures, fn func(id int32)) {
	for _, w := range f.words {
		fn(number(n, n.words, w))
	}
	for _, b := range f.bigrams {
		fn(number(n, n.bigrams, b))
	}
}

// number returns the number of feature k in m, one of n's maps, giving it
// the next one when it has none.
func number[K comparable](n *numbering, m map[K]int32, k K) int32 {
	id, ok := m[k]
	if !ok {
		id = int32(len(n.words) + len(n.bigrams))
		m[k] = id
	}
	return id
}

// freeze sets x's sorted feature lists from n.
func (x *exampleIndex) freeze(n *numbering) {
	x.words = make([]string, 0, len(n.words))
	for w := range n.words {
		x.words = append(x.words, w)
	}
	slices.Sort(x.words)
	x.wordIDs = make([]int32, len(x.words))
	for i, w := range x.words {
		x.wordIDs[i] = n.words[w]
	}
	x.bigramKs = make([]uint64, 0, len(n.bigrams))
	byKey := make(map[uint64]int32, len(n.bigrams))
	for b, id := range n.bigrams {
		k := bigramKey(b)
		x.bigramKs = append(x.bigramKs, k)
		byKey[k] = id
	}
	slices.Sort(x.bigramKs)
	x.bigramIDs = make([]int32, len(x.bigramKs))
	for i, k := range x.bigramKs {
		x.bigramIDs[i] = byKey[k]
	}
}

// exampleTexts returns the non-blank examples of docs, in order, with the
// number of each one's document.
func exampleTexts(docs []Doc) (texts []string, doc []int32) {
	for di, d := range docs {
		for _, e := range d.Examples {
			if strings.TrimSpace(e) != "" {
				doc = append(doc, int32(di))
				texts = append(texts, e)
			}
		}
	}
	return texts, doc
}

// newExampleIndex indexes the examples of docs; nil when none has any.
// With a cache, an index of the same examples analysed the same way is
// read from it, and one built is stored in it (see Cache); status says
// which, and what went wrong with the cache.
func newExampleIndex(a *Analyzer, docs []Doc, floor float64, cache Cache) (x *exampleIndex, status string) {
	texts, doc := exampleTexts(docs)
	if len(texts) == 0 {
		return nil, ""
	}
	if cache == nil {
		x, _ = buildExampleIndex(a, texts, doc, floor)
		return x, "built"
	}
	key := exampleKey(a, texts, doc, floor)
	data, err := cache.Load(key)
	if err == nil {
		if x, err = readExampleIndex(data, a, texts, doc, floor); err == nil {
			return x, "read from the cache"
		}
		status = "built (cache entry unusable: " + err.Error() + ")"
	} else if errors.Is(err, fs.ErrNotExist) {
		status = "built and stored in the cache"
	} else {
		status = "built (cache: " + err.Error() + ")"
	}
	x, tfs := buildExampleIndex(a, texts, doc, floor)
	if err := cache.Store(key, x.marshal(tfs)); err != nil {
		status = "built (cache: " + err.Error() + ")"
	}
	return x, status
}

// buildExampleIndex analyses texts, the examples, of documents doc. It
// returns the postings' term frequencies too (see weigh).
func buildExampleIndex(a *Analyzer, texts []string, doc []int32, floor float64) (*exampleIndex, []uint8) {
	x := &exampleIndex{doc: doc, text: texts, a: a, floor: floor}
	n := &numbering{words: map[string]int32{}, bigrams: map[[2]rune]int32{}}
	type tf struct {
		id int32
		n  float64
	}
	// Segmentation is most of the cost: the examples' features are found
	// on all CPUs, then numbered in order.
	feats := make([]exFeatures, len(texts))
	parallel(len(texts), func(i int) { feats[i] = a.exampleFeatures(texts[i]) })
	all := make([][]tf, len(texts))
	var df []int32
	counts := map[int32]float64{}
	for i, fs := range feats {
		clear(counts)
		n.each(fs, func(id int32) {
			if int(id) == len(df) {
				df = append(df, 0)
			}
			if counts[id] == 0 {
				df[id]++
			}
			counts[id]++
		})
		v := make([]tf, 0, len(counts))
		for id, c := range counts {
			v = append(v, tf{id, c})
		}
		slices.SortFunc(v, func(p, q tf) int { return int(p.id - q.id) })
		all[i] = v
	}
	x.start = make([]int32, len(df)+1)
	for id, c := range df {
		x.start[id+1] = x.start[id] + c
	}
	x.postings = make([]expost, x.start[len(df)])
	tfs := make([]uint8, len(x.postings))
	next := slices.Clone(x.start[:len(df)])
	for ei, v := range all {
		for _, t := range v {
			x.postings[next[t.id]].ex = int32(ei)
			tfs[next[t.id]] = uint8(min(t.n, maxTF))
			next[t.id]++
		}
	}
	x.freeze(n)
	x.weigh(tfs)
	return x, tfs
}

// maxTF is the most times a feature counts in one example.
const maxTF = 255

// weigh computes what follows from the postings' examples and term
// frequencies tfs (in the order of x.postings): the features' idf, the
// postings' weights, the examples' lengths and maxDF.
func (x *exampleIndex) weigh(tfs []uint8) {
	ne := float64(len(x.text))
	x.maxDF = max(20, int(maxExampleDF*ne))
	nf := len(x.start) - 1
	x.idf = make([]float64, nf)
	var ln [maxTF + 1]float64
	for i := 1; i <= maxTF; i++ {
		ln[i] = math.Log(float64(i))
	}
	sums := make([]float64, len(x.text))
	for id := range nf {
		from, to := x.start[id], x.start[id+1]
		idf := math.Log(1 + ne/float64(to-from))
		x.idf[id] = idf
		for i := from; i < to; i++ {
			w := idf * (1 + ln[tfs[i]])
			sums[x.postings[i].ex] += w * w
			x.postings[i].w = float32(w)
		}
	}
	x.norm = sums
	for e, v := range sums {
		x.norm[e] = math.Sqrt(v)
	}
}

func (x *exampleIndex) getScratch(ndocs int) *exScratch {
	if s, ok := x.scratch.Get().(*exScratch); ok {
		return s
	}
	return &exScratch{dot: make([]float64, len(x.doc)), best: make([]exBest, ndocs)}
}

func (x *exampleIndex) putScratch(s *exScratch) {
	for _, e := range s.touched {
		s.dot[e] = 0
	}
	for _, d := range s.docs {
		s.best[d] = exBest{}
	}
	s.touched, s.docs = s.touched[:0], s.docs[:0]
	x.scratch.Put(s)
}

// search fills s.best for the documents whose examples share a feature with
// the question (given by its QueryKey).
func (x *exampleIndex) search(key string, s *exScratch) {
	// In feature order: the sums must not depend on a map's order.
	var ids []int32
	x.each(x.a.exampleFeatures(key), func(id int32) { ids = append(ids, id) })
	slices.Sort(ids)
	qnorm := 0.0
	for i := 0; i < len(ids); {
		id, c := ids[i], 0.0
		for ; i < len(ids) && ids[i] == id; i++ {
			c++
		}
		w := x.idf[id] * (1 + math.Log(c))
		qnorm += w * w
		ps := x.postings[x.start[id]:x.start[id+1]]
		if len(ps) > x.maxDF {
			continue
		}
		for _, p := range ps {
			if s.dot[p.ex] == 0 {
				s.touched = append(s.touched, p.ex)
			}
			s.dot[p.ex] += w * float64(p.w)
		}
	}
	qnorm = math.Sqrt(qnorm)
	for _, e := range s.touched {
		sim := overFloor(min(1, s.dot[e]/(x.norm[e]*min(qnorm, x.norm[e]))), x.floor)
		if sim == 0 {
			continue
		}
		d := x.doc[e]
		b := &s.best[d]
		if b.s1 == 0 && b.s2 == 0 {
			s.docs = append(s.docs, d)
		}
		// The similarity that leaves the top two, or this one, joins the
		// next ones, in order.
		v := sim
		if sim > b.s2 {
			v = b.s2
		}
		for i := 0; i < len(b.more) && v > 0; i++ {
			if v > b.more[i] {
				b.more[i], v = v, b.more[i]
			}
		}
		switch {
		case sim > b.s1:
			b.s2, b.e2 = b.s1, b.e1
			b.s1, b.e1 = sim, e
		case sim > b.s2:
			b.s2, b.e2 = sim, e
		}
	}
}
