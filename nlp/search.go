package nlp

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// scratch is per-search working memory, pooled.
type scratch struct {
	total, best, acc  []float64
	inTotal, inBest   []bool
	touched, bestDocs []int32
	accDocs           []int32
	inAcc             []bool

	// For explaining the hits: each document's hit number + 1 (0 for no
	// hit), the query's distinct term ids, and for each id and hit the
	// posting's index + 1 (0 for none).
	hitOf     []int32
	termIDs   []int32
	postingOf []int32
}

func (ix *Index) getScratch() *scratch {
	if s, ok := ix.scratch.Get().(*scratch); ok {
		return s
	}
	n := len(ix.ids)
	return &scratch{
		total: make([]float64, n), best: make([]float64, n), acc: make([]float64, n),
		inTotal: make([]bool, n), inBest: make([]bool, n), inAcc: make([]bool, n),
		hitOf: make([]int32, n),
	}
}

func (ix *Index) putScratch(s *scratch) {
	for _, d := range s.touched {
		s.total[d] = 0
		s.inTotal[d] = false
	}
	s.touched = s.touched[:0]
	ix.scratch.Put(s)
}

// Search ranks the documents for a question and returns at most limit hits
// (all when limit ≤ 0), best first; ties keep the documents' order.
//
// A document's score is the sum, over the question's concepts (see the
// package documentation), of its best alternative's BM25F score: for a term t with weight w,
// w × idf(t) × tf'(k1+1)/(k1+tf'), where tf' = Σ over fields of
// weight × tf / (1 − b + b × len/avglen). Each hit's Matches split that
// score by term and field, and add up to Hit.Score exactly.
func (ix *Index) Search(question string, limit int) Result {
	return ix.SearchKey(QueryKey(question), limit)
}

// QueryKey returns the form of a question that Search reads: two
// questions with the same key get the same result from an index. A caller
// that keeps results (of questions asked again) keys them with it.
func QueryKey(question string) string { return normalize(question, true) }

// SearchKey is Search of a question given by its QueryKey.
func (ix *Index) SearchKey(key string, limit int) Result {
	q := ix.a.analyzeNormalized(key, &ix.p)
	ix.resolve(&q)
	res := Result{Terms: q.terms(), Max: ix.max(&q)}
	if len(ix.ids) == 0 {
		return res
	}

	s := ix.getScratch()
	defer ix.putScratch(s)
	addTotal := func(d int32, v float64) {
		if !s.inTotal[d] {
			s.inTotal[d] = true
			s.touched = append(s.touched, d)
		}
		s.total[d] += v
	}
	for _, g := range q.groups {
		if len(g.alts) == 1 {
			for _, t := range g.alts[0] {
				if t.id < 0 || t.w == 0 {
					continue
				}
				for _, p := range ix.postings[t.id] {
					addTotal(p.doc, t.w*p.score)
				}
			}
			continue
		}
		// Several alternatives: the best one per document.
		for _, alt := range g.alts {
			for _, t := range alt {
				if t.id < 0 || t.w == 0 {
					continue
				}
				for _, p := range ix.postings[t.id] {
					if !s.inAcc[p.doc] {
						s.inAcc[p.doc] = true
						s.accDocs = append(s.accDocs, p.doc)
					}
					s.acc[p.doc] += t.w * p.score
				}
			}
			for _, d := range s.accDocs {
				if !s.inBest[d] {
					s.inBest[d] = true
					s.bestDocs = append(s.bestDocs, d)
				}
				s.best[d] = max(s.best[d], s.acc[d])
				s.acc[d] = 0
				s.inAcc[d] = false
			}
			s.accDocs = s.accDocs[:0]
		}
		for _, d := range s.bestDocs {
			addTotal(d, s.best[d])
			s.best[d] = 0
			s.inBest[d] = false
		}
		s.bestDocs = s.bestDocs[:0]
	}

	// Example evidence (see exampleIndex) fills part of what the fields
	// left: a document whose fields reach the share f of Max and whose
	// examples give the evidence e scores f + Params.Examples × e × (1 − f)
	// of Max. Either alone can make a strong hit: the list's words, or the
	// words people use about it. A document without fields scores e × Max.
	var es *exScratch
	if ix.ex != nil && res.Max > 0 {
		es = ix.ex.getScratch(len(ix.ids))
		defer ix.ex.putScratch(es)
		ix.ex.search(key, es)
		for _, d := range es.docs {
			b := &es.best[d]
			f := 0.0
			if s.inTotal[d] {
				f = min(1, s.total[d]/res.Max)
			}
			b.k = ix.p.Examples * (1 - f)
			if ix.onlyExamples[d] {
				b.k = 1
			}
			_, e := b.evidence(ix.p.ExampleSecond, ix.p.ExampleNext)
			addTotal(d, b.k*res.Max*e)
		}
	}

	// Discounts may reorder the hits: a few more are ranked than wanted.
	want := limit
	if ix.disc != nil && limit > 0 {
		want = limit + discountRoom
	}
	docs := ix.top(s, want)
	ix.locate(s, &q, docs)
	res.Hits = make([]Hit, len(docs))
	// The hits' matches share one array, each capped to its own.
	matches := make([]Match, 0, 8*len(docs))
	for i, d := range docs {
		start := len(matches)
		matches = ix.explain(&q, s, len(docs), i, matches)
		if es != nil {
			matches = ix.explainExamples(es.best[d], res.Max, matches)
		}
		h := Hit{ID: ix.ids[d], Matches: matches[start:len(matches):len(matches)]}
		for _, m := range h.Matches {
			h.Score += m.Score
		}
		res.Hits[i] = h
	}
	// Scores summed match by match may differ from the ranking sums in the
	// last bits; keep the order the reported scores give.
	slices.SortStableFunc(res.Hits, func(x, y Hit) int { return cmp.Compare(y.Score, x.Score) })
	if ix.disc != nil {
		ix.disc.apply(res.Hits)
		if limit > 0 && len(res.Hits) > limit {
			res.Hits = res.Hits[:limit]
		}
	}
	return res
}

// top returns the documents with a positive score, best first (ties in
// document order), at most limit of them when limit > 0.
func (ix *Index) top(s *scratch, limit int) []int32 {
	better := func(x, y int32) bool {
		return s.total[x] > s.total[y] || s.total[x] == s.total[y] && x < y
	}
	if limit <= 0 || limit >= len(s.touched) {
		docs := make([]int32, 0, len(s.touched))
		for _, d := range s.touched {
			if s.total[d] > 0 {
				docs = append(docs, d)
			}
		}
		slices.SortFunc(docs, func(x, y int32) int {
			if better(x, y) {
				return -1
			}
			if better(y, x) {
				return 1
			}
			return 0
		})
		return docs
	}
	// Few hits wanted from many: keep a sorted list of the best so far.
	docs := make([]int32, 0, limit)
	for _, d := range s.touched {
		if s.total[d] <= 0 || len(docs) == limit && !better(d, docs[limit-1]) {
			continue
		}
		i := len(docs)
		if i < limit {
			docs = append(docs, d)
		} else {
			i--
		}
		for ; i > 0 && better(d, docs[i-1]); i-- {
			docs[i] = docs[i-1]
		}
		docs[i] = d
	}
	return docs
}

// locate finds the postings of the query's terms for the hits docs, for
// explain: one pass over each term's postings, where looking each up by
// document would search them again for every hit.
func (ix *Index) locate(s *scratch, q *query, docs []int32) {
	for h, d := range docs {
		s.hitOf[d] = int32(h + 1)
	}
	s.termIDs = s.termIDs[:0]
	for gi := range q.groups {
		for _, alt := range q.groups[gi].alts {
			for ti := range alt {
				t := &alt[ti]
				if t.id < 0 {
					continue
				}
				t.slot = int32(slices.Index(s.termIDs, t.id))
				if t.slot < 0 {
					t.slot = int32(len(s.termIDs))
					s.termIDs = append(s.termIDs, t.id)
				}
			}
		}
	}
	n := len(s.termIDs) * len(docs)
	if cap(s.postingOf) < n {
		s.postingOf = make([]int32, n)
	}
	s.postingOf = s.postingOf[:n]
	clear(s.postingOf)
	for slot, id := range s.termIDs {
		row := s.postingOf[slot*len(docs) : (slot+1)*len(docs)]
		for pi, p := range ix.postings[id] {
			if h := s.hitOf[p.doc]; h > 0 {
				row[h-1] = int32(pi + 1)
			}
		}
	}
	for _, d := range docs {
		s.hitOf[d] = 0
	}
}

// hitPosting returns term t's posting for hit h of nh, as locate found
// it.
func (ix *Index) hitPosting(s *scratch, t *qterm, nh, h int) (posting, bool) {
	if t.id < 0 {
		return posting{}, false
	}
	pi := s.postingOf[int(t.slot)*nh+h]
	if pi == 0 {
		return posting{}, false
	}
	return ix.postings[t.id][pi-1], true
}

// discountRoom is how many more hits than wanted a search with discounts
// ranks, so that a hit that a discount moves down is replaced.
const discountRoom = 2

// ExampleField is the Field of a Match that an example of the document
// made: its Term is the example.
const ExampleField = "example"

// explainExamples appends to ms the matches of a document's most similar
// examples, b, which add up to their share of its score.
func (ix *Index) explainExamples(b exBest, max float64, ms []Match) []Match {
	w := b.k * max
	if w <= 0 {
		return ms
	}
	if b.s1 > 0 {
		ms = append(ms, Match{Term: ix.ex.text[b.e1], Field: ExampleField, Score: w * b.s1})
	}
	if v := w * ix.p.ExampleSecond * b.s2 * (1 - b.s1); v > 0 {
		ms = append(ms, Match{Term: ix.ex.text[b.e2], Field: ExampleField, Score: v})
	}
	if two, all := b.evidence(ix.p.ExampleSecond, ix.p.ExampleNext); b.more[0] > 0 && all > two {
		ms = append(ms, Match{Term: fmt.Sprintf("(%d more similar examples)", b.others()), Field: ExampleField, Score: w * (all - two)})
	}
	return ms
}

// explain appends to ms the matches of hit h of nh: the winning
// alternative of each group, split by term and field.
func (ix *Index) explain(q *query, s *scratch, nh, h int, ms []Match) []Match {
	for _, g := range q.groups {
		best, bestScore := -1, 0.0
		for ai, alt := range g.alts {
			sc := 0.0
			for ti := range alt {
				t := &alt[ti]
				if p, ok := ix.hitPosting(s, t, nh, h); ok {
					sc += t.w * p.score
				}
			}
			if sc > bestScore {
				best, bestScore = ai, sc
			}
		}
		if best < 0 {
			continue
		}
		for ti := range g.alts[best] {
			t := &g.alts[best][ti]
			p, ok := ix.hitPosting(s, t, nh, h)
			if !ok || t.w == 0 {
				continue
			}
			v := t.w * p.score
			for _, fp := range ix.parts[p.part0 : p.part0+p.nPart] {
				ms = append(ms, Match{Term: t.text, Field: ix.fields[fp.field].Name, Score: v * fp.share})
			}
		}
	}
	return ms
}

// max returns the highest score the query can reach (see Result.Max).
func (ix *Index) max(q *query) float64 {
	sum, unknownSum := 0.0, 0.0
	concepts := 0
	for _, g := range q.groups {
		// A word no document has counts toward the maximum, unless the
		// synonym table or its sound says what it means in the documents'
		// words: then those words are the measure.
		explained := false
		if g.exp > 0 {
			for _, alt := range g.alts[g.exp:] {
				for _, t := range alt {
					explained = explained || t.id >= 0
				}
			}
		}
		// Overlapping bigrams of a run no document has count each
		// character twice: each counts half.
		unknown := ix.unknown
		if g.overlap {
			unknown /= 2
		}
		best, bestUnknown := 0.0, 0.0
		for ai, alt := range g.alts {
			v, u := 0.0, 0.0
			for _, t := range alt {
				switch {
				case t.id >= 0:
					v += t.w * ix.best[t.id]
				case ai == 0 && !explained:
					u += t.w * unknown
				}
			}
			if v+u > best {
				best, bestUnknown = v+u, u
			}
		}
		sum += best - bestUnknown
		unknownSum += bestUnknown
		if best > 0 {
			concepts++
		}
	}
	m := sum + min(unknownSum, ix.p.UnknownCap*ix.unknown)
	if n := float64(concepts); ix.p.LongQuery > 0 && n > ix.p.LongQuery {
		m *= math.Sqrt(ix.p.LongQuery / n)
	}
	return m
}

// terms lists the query's distinct terms in order.
func (q *query) terms() []string {
	var out []string
	for _, g := range q.groups {
		for _, alt := range g.alts {
			for _, t := range alt {
				// Questions have a few dozen terms: a scan beats a map.
				if !slices.Contains(out, t.text) {
					out = append(out, t.text)
				}
			}
		}
	}
	return out
}
