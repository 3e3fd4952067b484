package qlog

import (
	"sort"
	"strings"

	"dutybot/nlp"
)

// groupKey reduces a question to what matters for grouping: the text as
// nlp.Normalize folds it (full-width forms, case, punctuation), without
// spaces, and without the polite openings and final particles that make
// the same question look different (请问…吗？).
func groupKey(s string) string {
	t := strings.ReplaceAll(nlp.Normalize(s), " ", "")
	for _, p := range []string{"请问一下", "请问", "你好", "您好", "我想问一下", "我想问", "想问一下", "想问", "问一下"} {
		if strings.HasPrefix(t, p) && len(t) > len(p) {
			t = strings.TrimPrefix(t, p)
			break
		}
	}
	for {
		u := t
		for _, p := range []string{"吗", "呢", "啊", "呀", "吧", "哈", "谢谢"} {
			if strings.HasSuffix(u, p) && len(u) > len(p) {
				u = strings.TrimSuffix(u, p)
			}
		}
		if u == t {
			break
		}
		t = u
	}
	return t
}

// bigrams returns the set of character pairs of s; a one-character s is
// its own set.
func bigrams(s string) map[string]struct{} {
	rs := []rune(s)
	set := make(map[string]struct{}, len(rs))
	if len(rs) == 1 {
		set[s] = struct{}{}
	}
	for i := 0; i+1 < len(rs); i++ {
		set[string(rs[i:i+2])] = struct{}{}
	}
	return set
}

// Similarity is the Jaccard index of the character bigrams of two
// normalised questions: 1 for the same text, 0 for nothing in common.
func Similarity(a, b string) float64 { return jaccard(bigrams(a), bigrams(b)) }

func jaccard(a, b map[string]struct{}) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	both := 0
	for k := range a {
		if _, ok := b[k]; ok {
			both++
		}
	}
	return float64(both) / float64(len(a)+len(b)-both)
}

// SimilarThreshold is the similarity at or above which two questions are
// grouped as one.
const SimilarThreshold = 0.6

// maxGroupInputs bounds the distinct questions grouped (the most frequent
// first): grouping is quadratic in the worst case.
const maxGroupInputs = 3000

// TextCount is a question text and how often it was asked.
type TextCount struct {
	Text  string
	Count int
}

// QuestionGroup is a set of near-identical questions: the most asked
// wording, the total count, and a few other wordings.
type QuestionGroup struct {
	Question string   `json:"question"`
	Count    int      `json:"count"`
	Variants []string `json:"variants,omitempty"`
}

// GroupSimilar groups questions whose normalised texts have a bigram
// Jaccard similarity of at least threshold with the group's most asked
// wording. Groups come most asked first.
func GroupSimilar(in []TextCount, threshold float64) []QuestionGroup {
	// Merge the wordings that normalise to the same text first.
	type norm struct {
		key      string
		count    int
		best     string // most asked wording
		bestN    int
		variants []string
	}
	byKey := map[string]*norm{}
	var ns []*norm
	for _, tc := range in {
		k := groupKey(tc.Text)
		if k == "" {
			k = strings.TrimSpace(tc.Text)
		}
		n := byKey[k]
		if n == nil {
			n = &norm{key: k}
			byKey[k] = n
			ns = append(ns, n)
		}
		n.count += tc.Count
		if tc.Count > n.bestN || tc.Count == n.bestN && tc.Text < n.best {
			if n.best != "" {
				n.variants = append(n.variants, n.best)
			}
			n.best, n.bestN = tc.Text, tc.Count
		} else {
			n.variants = append(n.variants, tc.Text)
		}
	}
	sort.Slice(ns, func(i, j int) bool {
		if ns[i].count != ns[j].count {
			return ns[i].count > ns[j].count
		}
		return ns[i].key < ns[j].key
	})
	if len(ns) > maxGroupInputs {
		ns = ns[:maxGroupInputs]
	}

	type group struct {
		QuestionGroup
		grams map[string]struct{}
	}
	var groups []*group
	for _, n := range ns {
		g := bigrams(n.key)
		var into *group
		best := threshold
		for _, gr := range groups {
			if s := jaccard(g, gr.grams); s >= best {
				into, best = gr, s
			}
		}
		if into == nil {
			groups = append(groups, &group{QuestionGroup: QuestionGroup{Question: n.best, Count: n.count, Variants: n.variants}, grams: g})
			continue
		}
		into.Count += n.count
		into.Variants = append(into.Variants, n.best)
		into.Variants = append(into.Variants, n.variants...)
	}
	out := make([]QuestionGroup, len(groups))
	for i, g := range groups {
		if len(g.Variants) > 5 {
			g.Variants = g.Variants[:5]
		}
		out[i] = g.QuestionGroup
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out
}
