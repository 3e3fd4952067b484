package nlp

import (
	"cmp"
	"slices"
	"sort"
)

// scratch is per-search working memory, pooled.
type scratch struct {
	total, best, acc   []float64
	inTotal, inBest    []bool
	touched, bestDocs  []int32
	accDocs            []int32
	inAcc              []bool
}

func (ix *Index) getScratch() *scratch {
	if s, ok := ix.scratch.Get().(*scratch); ok {
		return s
	}
	n := len(ix.ids)
	return &scratch{
		total: make([]float64, n), best: make([]float64, n), acc: make([]float64, n),
		inTotal: make([]bool, n), inBest: make([]bool, n), inAcc: make([]bool, n),
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
// An item's score is the sum, over the question's concepts (see Result), of
// its best alternative's BM25F score: for a term t with weight w,
// w × idf(t) × tf'(k1+1)/(k1+tf'), where tf' = Σ over fields of
// weight × tf / (1 − b + b × len/avglen). Each hit's Matches split that
// score by term and field, and add up to Hit.Score exactly.
func (ix *Index) Search(question string, limit int) Result {
	q := ix.a.analyzeQuery(question, &ix.p)
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

	docs := make([]int32, 0, len(s.touched))
	for _, d := range s.touched {
		if s.total[d] > 0 {
			docs = append(docs, d)
		}
	}
	byScore := func(x, y int32) int {
		if c := cmp.Compare(s.total[y], s.total[x]); c != 0 {
			return c
		}
		return cmp.Compare(x, y)
	}
	if limit > 0 && len(docs) > limit {
		// Partial selection: sort only what can make the cut.
		slices.SortFunc(docs, byScore)
		docs = docs[:limit]
	} else {
		slices.SortFunc(docs, byScore)
	}
	res.Hits = make([]Hit, len(docs))
	for i, d := range docs {
		res.Hits[i] = ix.explain(&q, d)
	}
	// Scores summed match by match may differ from the ranking sums in the
	// last bits; keep the order the reported scores give.
	sort.SliceStable(res.Hits, func(i, j int) bool { return res.Hits[i].Score > res.Hits[j].Score })
	return res
}

// explain builds the hit of document d: the winning alternative of each
// group, split by term and field.
func (ix *Index) explain(q *query, d int32) Hit {
	h := Hit{ID: ix.ids[d]}
	for _, g := range q.groups {
		best, bestScore := -1, 0.0
		for ai, alt := range g.alts {
			sc := 0.0
			for _, t := range alt {
				if p, ok := ix.posting(t.id, d); ok {
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
		for _, t := range g.alts[best] {
			p, ok := ix.posting(t.id, d)
			if !ok || t.w == 0 {
				continue
			}
			v := t.w * p.score
			for _, fp := range ix.parts[p.part0 : p.part0+p.nPart] {
				m := Match{Term: t.text, Field: ix.fields[fp.field].Name, Score: v * fp.share}
				h.Matches = append(h.Matches, m)
			}
		}
	}
	for _, m := range h.Matches {
		h.Score += m.Score
	}
	return h
}

// posting finds term id's posting for document d.
func (ix *Index) posting(id, d int32) (posting, bool) {
	if id < 0 {
		return posting{}, false
	}
	ps := ix.postings[id]
	i, ok := slices.BinarySearchFunc(ps, d, func(p posting, d int32) int { return cmp.Compare(p.doc, d) })
	if !ok {
		return posting{}, false
	}
	return ps[i], true
}

// max returns the highest score the query can reach (see Result.Max).
func (ix *Index) max(q *query) float64 {
	sum := 0.0
	for _, g := range q.groups {
		best := 0.0
		for ai, alt := range g.alts {
			v := 0.0
			for _, t := range alt {
				switch {
				case t.id >= 0:
					v += t.w * ix.idf[t.id]
				case ai == 0:
					v += t.w * ix.p.Unknown * ix.idf1
				}
			}
			best = max(best, v)
		}
		sum += best
	}
	return sum * (ix.p.K1 + 1)
}

// terms lists the query's distinct terms in order.
func (q *query) terms() []string {
	var out []string
	seen := map[string]bool{}
	for _, g := range q.groups {
		for _, alt := range g.alts {
			for _, t := range alt {
				if !seen[t.text] {
					seen[t.text] = true
					out = append(out, t.text)
				}
			}
		}
	}
	return out
}
