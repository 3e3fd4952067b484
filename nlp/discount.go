package nlp

import (
	"cmp"
	"slices"
	"strings"
)

// The index scores every occurrence of a term alike. Two kinds of match say
// less than their BM25F score, and a search discounts them after scoring
// (see Discounts):
//
//   - A word of the question found in a field only inside a short name
//     the documents cite (Discounts.Names): 医保 in 医保局, 人社 in 人社局.
//     The person named a matter (医保怎么交), not the body; the documents
//     whose short texts name the body would otherwise outrank the document
//     about the matter. A whole name (医保局) keeps its weight: that
//     question is about the body. Parts of longer names (住房 in
//     住房和城乡建设局) keep theirs too: a long name spells out a remit.
//   - A document on top whose field matches are a single word of the
//     question, found only in its weak fields (Discounts.WeakFields, such
//     as the steps of a procedure) and there only once: 银行卡 among the
//     documents a step lists. Its name and other fields say what it is
//     about; one word mentioned once is weak evidence (a word repeated,
//     犬只 or 建筑垃圾, is what the steps are about), and a confident
//     answer on it is the worst outcome. Such a hit, when it is the best,
//     keeps only Discounts.Weak of its field score. A weak hit below the
//     best is left as it is: discounting it would remove the choice it
//     makes. Example matches are other evidence and are not discounted.

// Discounts configure the discounts of an index (see above). The zero
// value discounts nothing.
type Discounts struct {
	// Names are the names the documents cite (bodies and their aliases).
	Names []string
	// ShortName is the length in characters of the longest name whose parts
	// are discounted (default 4: 医保局, 人社局, 卫健委).
	ShortName int
	// NamePart scales a match found in a field only inside short names
	// (default 0.5).
	NamePart float64
	// TitleFields are the fields that say what a document is about (its
	// name, its category): a match there is never discounted for a name.
	TitleFields []string
	// WeakFields are the fields whose words say how a document is done
	// rather than what it is.
	WeakFields []string
	// Weak scales the field matches of a weak hit on top (default 0.2).
	Weak float64
}

// discounter holds what the discounts need to know of each document.
type discounter struct {
	d Discounts
	// names are every name, normalised: a term that is one names the body.
	names map[string]bool
	// shortParts are the parts of the names of at most ShortName
	// characters that are no name themselves (医保 of 医保局).
	shortParts map[string]bool
	// rest is, by document and field, the normalised field text with every
	// name cut out: a term found there occurs outside names.
	rest []map[string]string
	// weak is, by document, its normalised weak fields' text, to count a
	// term's occurrences.
	weak []string
	// byID numbers the documents.
	byID map[string]int
}

func newDiscounter(d Discounts, docs []Doc) *discounter {
	if len(d.Names) == 0 && len(d.WeakFields) == 0 {
		return nil
	}
	if d.ShortName == 0 {
		d.ShortName = 4
	}
	if d.NamePart == 0 {
		d.NamePart = 0.5
	}
	if d.Weak == 0 {
		d.Weak = 0.2
	}
	x := &discounter{
		d: d, names: map[string]bool{}, shortParts: map[string]bool{},
		rest: make([]map[string]string, len(docs)), weak: make([]string, len(docs)),
		byID: make(map[string]int, len(docs)),
	}
	var names []string
	for _, n := range d.Names {
		if n = Normalize(n); n != "" && !x.names[n] {
			x.names[n] = true
			names = append(names, n)
		}
	}
	// Longest first, so that 市人力资源和社会保障局 goes before 人社局 would.
	slices.SortFunc(names, func(p, q string) int { return cmp.Compare(len(q), len(p)) })
	for _, n := range names {
		rs := []rune(n)
		if len(rs) > d.ShortName {
			continue
		}
		for i := range rs {
			for j := i + 1; j <= len(rs); j++ {
				if p := string(rs[i:j]); !x.names[p] {
					x.shortParts[p] = true
				}
			}
		}
	}
	// One pass per field: at each place the longest name there is cut (the
	// replacer tries its pairs in order, longest first).
	pairs := make([]string, 0, 2*len(names))
	for _, n := range names {
		pairs = append(pairs, n, " ")
	}
	cut := strings.NewReplacer(pairs...)
	for i, doc := range docs {
		x.byID[doc.ID] = i
		var weak strings.Builder
		for f, text := range doc.Fields {
			if text == "" {
				continue
			}
			norm := Normalize(text)
			if slices.Contains(d.WeakFields, f) {
				weak.WriteString(norm)
				weak.WriteByte('\n')
			}
			if len(names) > 0 && !slices.Contains(d.TitleFields, f) {
				if x.rest[i] == nil {
					x.rest[i] = map[string]string{}
				}
				x.rest[i][f] = cut.Replace(norm)
			}
		}
		x.weak[i] = weak.String()
	}
	return x
}

// inNameOnly reports whether term, found in field of document doc, is there
// only inside names, and is part of a short one.
func (x *discounter) inNameOnly(doc int, field, term string) bool {
	if !x.shortParts[term] {
		return false
	}
	rest, ok := x.rest[doc][field]
	return ok && !strings.Contains(rest, term)
}

// apply discounts hits (see above) and re-sorts them.
func (x *discounter) apply(hits []Hit) {
	sorted := true
	for i := range hits {
		h := &hits[i]
		doc, changed := x.byID[h.ID], false
		for j, m := range h.Matches {
			if m.Field == ExampleField || !x.inNameOnly(doc, m.Field, m.Term) {
				continue
			}
			h.Matches[j].Score *= x.d.NamePart
			changed = true
		}
		if changed {
			h.rescore()
			sorted = false
		}
	}
	byScore := func(p, q Hit) int { return cmp.Compare(q.Score, p.Score) }
	if !sorted {
		slices.SortStableFunc(hits, byScore)
	}
	demoted := map[string]bool{}
	for len(hits) > 0 && !demoted[hits[0].ID] && x.weakHit(&hits[0]) {
		h := &hits[0]
		demoted[h.ID] = true
		for j := range h.Matches {
			if h.Matches[j].Field != ExampleField {
				h.Matches[j].Score *= x.d.Weak
			}
		}
		h.rescore()
		slices.SortStableFunc(hits, byScore)
	}
}

// rescore sets h's score to the sum of its matches'.
func (h *Hit) rescore() {
	h.Score = 0
	for _, m := range h.Matches {
		h.Score += m.Score
	}
}

// weakHit reports whether h's field matches are one term, found only in
// weak fields, which mention it once.
func (x *discounter) weakHit(h *Hit) bool {
	term := ""
	for _, m := range h.Matches {
		switch {
		case m.Field == ExampleField:
			continue
		case !slices.Contains(x.d.WeakFields, m.Field) || term != "" && m.Term != term:
			return false
		}
		term = m.Term
	}
	return term != "" && strings.Count(x.weak[x.byID[h.ID]], term) <= 1
}
