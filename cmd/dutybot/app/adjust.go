package app

import (
	"cmp"
	"slices"
	"strings"

	"dutybot/bot"
	"dutybot/nlp"
)

// The index scores every occurrence of a term alike. Two kinds of match say
// less than their BM25F score, and the ranker discounts them after the
// search:
//
//   - A word of the question found in a field only inside a body's short
//     name: 医保 in 医保局, 人社 in 人社局, 卫健 in 卫健委. The person named a
//     matter (医保怎么交), not the body; the items the body leads or took
//     back, whose short texts name it, would otherwise outrank the item
//     about the matter. A body's whole name or alias (医保局) keeps its
//     weight: that question is about the body. Parts of full names
//     (住房 in 住房和城乡建设局) keep theirs too: a full name spells out
//     the body's remit, and it is evidence of the matter.
//   - An item matched by a single word of the question, found only in its
//     steps: 银行卡 among the documents a step lists, 微信 among the ways a
//     step spreads the word. The item's name, category and handover say what
//     it is about; one word its steps mention once is weak evidence (a word
//     they repeat, 犬只 or 建筑垃圾, is what the steps are about), and a
//     confident answer on it is the worst outcome. Such a hit, when it is
//     the best, counts for less against the question's maximum, so that the
//     bot offers a choice or abstains. A weak hit below the best is left as
//     it is: discounting it would remove the choice it makes.
const (
	// bodyPartWeight scales a match found in a field only inside short
	// body names.
	bodyPartWeight = 0.5
	// stepOnlyWeight scales a hit on top whose only support is one term
	// its steps mention once. Below bot's Abstain fraction (0.22): such a
	// hit alone is never answered; the bot's "not in the list" reply still
	// names it among the near items.
	stepOnlyWeight = 0.2
	// maxShortName is the length in characters of the longest body name
	// whose parts are discounted (医保局, 人社局, 卫健委, 市监局).
	maxShortName = 4
)

// stepFields are the fields whose words describe how an item is done rather
// than what it is.
var stepFields = []string{"township_steps", "lead_steps"}

// adjuster holds what the discounts need to know of each document.
type adjuster struct {
	// bodyNames are every body name and alias, normalised: a term that is
	// one of them names the body.
	bodyNames map[string]bool
	// names are the same, longest first.
	names []string
	// shortParts are the parts of the body names of at most maxShortName
	// characters that are no body name themselves (医保 of 医保局).
	shortParts map[string]bool
	// rest is, by document and field, the normalised field text with every
	// body name cut out: a term found there occurs outside body names.
	rest map[string]map[string]string
	// steps is, by document, its normalised step text, to count a term's
	// occurrences.
	steps map[string]string
}

func newAdjuster(docs []nlp.Doc, dir *bot.Directory) adjuster {
	a := adjuster{
		bodyNames:  map[string]bool{},
		shortParts: map[string]bool{},
		rest:       map[string]map[string]string{},
		steps:      map[string]string{},
	}
	// Every field but the name and the category, normalised once.
	norm := make([]map[string]string, len(docs))
	for i, d := range docs {
		norm[i] = map[string]string{}
		for f, text := range d.Fields {
			if f != "name" && f != "category" && text != "" {
				norm[i][f] = nlp.Normalize(text)
			}
		}
		var b strings.Builder
		for _, f := range stepFields {
			b.WriteString(norm[i][f])
			b.WriteByte('\n')
		}
		a.steps[d.ID] = b.String()
	}
	if dir == nil {
		return a
	}
	for _, n := range dir.Names() {
		if n = nlp.Normalize(n); n != "" && !a.bodyNames[n] {
			a.bodyNames[n] = true
			a.names = append(a.names, n)
		}
	}
	// Longest first, so that 市人力资源和社会保障局 goes before 人社局 would.
	slices.SortFunc(a.names, func(x, y string) int { return cmp.Compare(len(y), len(x)) })
	for _, n := range a.names {
		rs := []rune(n)
		if len(rs) > maxShortName {
			continue
		}
		for i := range rs {
			for j := i + 1; j <= len(rs); j++ {
				if p := string(rs[i:j]); !a.bodyNames[p] {
					a.shortParts[p] = true
				}
			}
		}
	}
	// One pass per field: at each place the longest name there is cut
	// (the replacer tries its pairs in order, longest first).
	pairs := make([]string, 0, 2*len(a.names))
	for _, n := range a.names {
		pairs = append(pairs, n, " ")
	}
	cut := strings.NewReplacer(pairs...)
	for i, d := range docs {
		m := make(map[string]string, len(norm[i]))
		for f, text := range norm[i] {
			m[f] = cut.Replace(text)
		}
		a.rest[d.ID] = m
	}
	return a
}

// inBodyNameOnly reports whether term, found in field of doc, is there only
// inside body names, and is part of a short one.
func (a *adjuster) inBodyNameOnly(doc, field, term string) bool {
	if !a.shortParts[term] {
		return false
	}
	rest, ok := a.rest[doc][field]
	return ok && !strings.Contains(rest, term)
}

// apply discounts res's hits (see above), re-sorts them and keeps at most
// limit (all when limit ≤ 0).
func (a *adjuster) apply(res *nlp.Result, limit int) {
	sorted := true
	for i := range res.Hits {
		h := &res.Hits[i]
		copied := false
		for j, m := range h.Matches {
			if m.Field == "name" || m.Field == "category" || !a.inBodyNameOnly(h.ID, m.Field, m.Term) {
				continue
			}
			if !copied {
				h.Matches = slices.Clone(h.Matches)
				copied = true
			}
			h.Matches[j].Score *= bodyPartWeight
		}
		if copied {
			rescore(h)
			sorted = false
		}
	}
	byScore := func(x, y nlp.Hit) int { return cmp.Compare(y.Score, x.Score) }
	if !sorted {
		slices.SortStableFunc(res.Hits, byScore)
	}
	// Only a weak hit on top is discounted: a weak rival left as it is
	// still makes a choice of an answer.
	demoted := map[string]bool{}
	for len(res.Hits) > 0 && !demoted[res.Hits[0].ID] && a.weak(&res.Hits[0]) {
		h := &res.Hits[0]
		demoted[h.ID] = true
		h.Matches = slices.Clone(h.Matches)
		for j := range h.Matches {
			if h.Matches[j].Field != nlp.ExampleField {
				h.Matches[j].Score *= stepOnlyWeight
			}
		}
		rescore(h)
		slices.SortStableFunc(res.Hits, byScore)
	}
	if limit > 0 && len(res.Hits) > limit {
		res.Hits = res.Hits[:limit]
	}
}

// rescore sets h's score to the sum of its matches'.
func rescore(h *nlp.Hit) {
	h.Score = 0
	for _, m := range h.Matches {
		h.Score += m.Score
	}
}

// weak reports whether h rests on one term of the question that its steps
// mention once and nothing else of it has.
func (a *adjuster) weak(h *nlp.Hit) bool {
	if !stepOnly(h.Matches) {
		return false
	}
	for _, m := range h.Matches {
		if m.Field != nlp.ExampleField {
			return strings.Count(a.steps[h.ID], m.Term) <= 1
		}
	}
	return false
}

// stepOnly reports whether the field matches among ms are of one term, in
// steps only. Examples are other evidence, which the discount leaves as it
// is.
func stepOnly(ms []nlp.Match) bool {
	var first *nlp.Match
	for i, m := range ms {
		if m.Field == nlp.ExampleField {
			continue
		}
		if first == nil {
			first = &ms[i]
		}
		if !slices.Contains(stepFields, m.Field) || m.Term != first.Term {
			return false
		}
	}
	return first != nil
}
