package nlp

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
)

// A small made-up bank: documents with fields in official words, examples
// in people's words, and one document of examples alone (a matter the
// documents do not cover).
var (
	bankFields = []Field{{Name: "name", Weight: 3}, {Name: "steps", Weight: 1}}
	bankDocs   = []Doc{
		{ID: "dog", Fields: map[string]string{"name": "犬只管理和狂犬病防控", "steps": "登记犬只；组织免疫"},
			Examples: []string{"邻居家的狗把我娃咬了", "村里野狗成群见人就追", "狗没拴绳到处跑吓人"}},
		{ID: "poor", Fields: map[string]string{"name": "最低生活保障审核", "steps": "入户调查；民主评议；公示"},
			Examples: []string{"家里穷得揭不开锅了能申请补助吗", "老伴瘫在床上一个月吃药几百块日子过不下去"}},
		{ID: "road", Fields: map[string]string{"name": "农村公路养护", "steps": "巡查路面；修补坑槽"}},
		{ID: "~passport", Examples: []string{"护照过期了怎么续", "办护照要带什么"}},
	}
	bankOnce sync.Once
	bankIx   *Index
)

func mustBankIndex(tb testing.TB) *Index {
	tb.Helper()
	bankOnce.Do(func() {
		bankIx = NewIndex(mustAnalyzer(tb, ""), bankFields, bankDocs, Params{})
	})
	return bankIx
}

func exampleMatches(h Hit) []string {
	var out []string
	for _, m := range h.Matches {
		if m.Field == ExampleField {
			out = append(out, m.Term)
		}
	}
	return out
}

func TestExampleMatching(t *testing.T) {
	ix := mustBankIndex(t)
	for _, c := range []struct {
		q, top, example string
	}{
		// People's words that the fields lack find the document through
		// its examples, and the explanation names the example.
		{"隔壁的狗咬了我家娃", "dog", "邻居家的狗把我娃咬了"},
		{"穷得揭不开锅了", "poor", "家里穷得揭不开锅了能申请补助吗"},
		// A document of examples alone ranks like any other.
		{"护照过期了", "~passport", "护照过期了怎么续"},
		// The fields' words still work without any example.
		{"农村公路坑槽谁修补", "road", ""},
	} {
		r := ix.Search(c.q, 0)
		if len(r.Hits) == 0 || r.Hits[0].ID != c.top {
			t.Errorf("%q: hits %v, want %s first", c.q, hitIDs(r), c.top)
			continue
		}
		got := exampleMatches(r.Hits[0])
		if c.example == "" && len(got) > 0 || c.example != "" && (len(got) == 0 || got[0] != c.example) {
			t.Errorf("%q: example matches %q, want %q first", c.q, got, c.example)
		}
	}
}

// A hit's score is its fields' share f of Max plus Examples × e × (1 − f),
// and its matches add up to it.
func TestExampleFusion(t *testing.T) {
	ix := mustBankIndex(t)
	fieldsOnly := NewIndex(ix.a, bankFields, bankDocs[:3:3], Params{})
	noEx := make([]Doc, 3)
	for i, d := range bankDocs[:3] {
		noEx[i] = Doc{ID: d.ID, Fields: d.Fields}
	}
	plain := NewIndex(ix.a, bankFields, noEx, Params{})
	q := "狗咬人了 犬只要登记吗"
	r, p := ix.Search(q, 0), plain.Search(q, 0)
	if len(r.Hits) == 0 || len(p.Hits) == 0 || r.Hits[0].ID != "dog" || p.Hits[0].ID != "dog" {
		t.Fatalf("hits %v and without examples %v, want dog first", hitIDs(r), hitIDs(p))
	}
	if r.Max != p.Max {
		t.Errorf("Max %v with examples, %v without: examples must not change it", r.Max, p.Max)
	}
	h := r.Hits[0]
	var field, example float64
	for _, m := range h.Matches {
		if m.Field == ExampleField {
			example += m.Score
		} else {
			field += m.Score
		}
	}
	if math.Abs(field-p.Hits[0].Score) > 1e-9 {
		t.Errorf("field part %v, the fields alone score %v", field, p.Hits[0].Score)
	}
	f := field / r.Max
	if example <= 0 || example > ix.p.Examples*(1-f)*r.Max+1e-9 {
		t.Errorf("example part %v, want in (0, %v]", example, ix.p.Examples*(1-f)*r.Max)
	}
	if math.Abs(field+example-h.Score) > 1e-9 || h.Score > r.Max {
		t.Errorf("score %v, parts %v + %v, max %v", h.Score, field, example, r.Max)
	}
	// Without examples anywhere the index is the fields' alone.
	if a, b := fieldsOnly.Search("农村公路坑槽", 0), plain.Search("农村公路坑槽", 0); a.Max != b.Max || a.Hits[0].Score != b.Hits[0].Score {
		t.Errorf("an index whose documents have no examples scores %v/%v, the plain one %v/%v", a.Hits[0].Score, a.Max, b.Hits[0].Score, b.Max)
	}
}

// A long message of places, dates and story around one matter still finds
// the example of its matter, near the share a short question gets.
func TestExampleLongMessage(t *testing.T) {
	ix := mustBankIndex(t)
	short := ix.Search("邻居家的狗咬娃", 0)
	long := ix.Search("我是托格拉克村三组的，2023年6月15号下午四点多，邻居家的狗把我娃咬了，腿上两个牙印，"+
		"打了三针疫苗花了六百多块钱，我去找了他家三次，他们一分钱都不给，还说是娃自己惹的狗。", 0)
	for _, r := range []Result{short, long} {
		if len(r.Hits) == 0 || r.Hits[0].ID != "dog" {
			t.Fatalf("hits %v, want dog first", hitIDs(r))
		}
	}
	exShare := func(r Result) float64 {
		s := 0.0
		for _, m := range r.Hits[0].Matches {
			if m.Field == ExampleField {
				s += m.Score
			}
		}
		return s / r.Max
	}
	if s, l := exShare(short), exShare(long); l < 0.5*s {
		t.Errorf("example share %.2f for the long message, %.2f for the short question", l, s)
	}
}

func TestExampleIndexEmpty(t *testing.T) {
	a := mustAnalyzer(t, "")
	if x, _ := newExampleIndex(a, []Doc{{ID: "a", Examples: []string{" ", ""}}}, 0, nil); x != nil {
		t.Errorf("blank examples indexed")
	}
	if x, _ := newExampleIndex(a, []Doc{{ID: "a"}}, 0, nil); x != nil {
		t.Errorf("an index with no examples has an example index")
	}
}

func TestDiscounts(t *testing.T) {
	a := mustAnalyzer(t, "")
	fields := []Field{{Name: "name", Weight: 3}, {Name: "steps", Weight: 1}}
	docs := []Doc{
		{ID: "card", Fields: map[string]string{"name": "临时救助", "steps": "提交材料：身份证、银行卡复印件"}},
		{ID: "dog", Fields: map[string]string{"name": "养犬管理", "steps": "犬只登记；犬只防疫"}},
		{ID: "fund", Fields: map[string]string{"name": "医疗保险参保", "steps": "配合医保局做好医保缴费"}},
		{ID: "body", Fields: map[string]string{"name": "配合医保局工作", "steps": "向医保局报送"}},
	}
	p := Params{Discounts: Discounts{Names: []string{"医保局"}, TitleFields: []string{"name"}, WeakFields: []string{"steps"}}}
	ix := NewIndex(a, fields, docs, p)
	plain := NewIndex(a, fields, docs, Params{})
	// One word a step mentions once is weak evidence: the hit on top
	// resting on it keeps Weak of its score.
	r, pr := ix.Search("银行卡丢了", 0), plain.Search("银行卡丢了", 0)
	if len(r.Hits) != 1 || len(pr.Hits) != 1 || r.Hits[0].ID != "card" {
		t.Fatalf("银行卡丢了: %v, without discounts %v, want card alone", hitIDs(r), hitIDs(pr))
	}
	if got, want := r.Hits[0].Score, 0.2*pr.Hits[0].Score; math.Abs(got-want) > 1e-9 {
		t.Errorf("weak hit scores %v, want 0.2 × %v", got, pr.Hits[0].Score)
	}
	// A word repeated in the steps (犬只) is what they are about.
	if a, b := ix.Search("犬只", 0), plain.Search("犬只", 0); a.Hits[0].Score != b.Hits[0].Score {
		t.Errorf("犬只: %v, without discounts %v", a.Hits[0].Score, b.Hits[0].Score)
	}
	// 医保 found in steps only inside the short name 医保局 counts half
	// there; in the name field (a title field) it keeps its weight.
	r, pr = ix.Search("医保", 0), plain.Search("医保", 0)
	score := func(r Result, id string) float64 {
		for _, h := range r.Hits {
			if h.ID == id {
				return h.Score
			}
		}
		return 0
	}
	if a, b := score(r, "body"), score(pr, "body"); !(a < b) {
		t.Errorf("医保 in 医保局 of body's steps: %v, without discounts %v", a, b)
	}
	if a, b := score(r, "fund"), score(pr, "fund"); a != b {
		t.Errorf("医保 in fund's own words: %v, without discounts %v", a, b)
	}
	r = ix.Search("医保局在哪", 0)
	if len(r.Hits) == 0 || !slices.Contains([]string{"body", "fund"}, r.Hits[0].ID) {
		t.Errorf("医保局在哪: %v", hitIDs(r))
	}
	for _, h := range r.Hits {
		for _, m := range h.Matches {
			if m.Term == "医保局" && m.Score <= 0 {
				t.Errorf("the whole name 医保局 lost its weight in %s", h.ID)
			}
		}
	}
}

func FuzzSearchExamples(f *testing.F) {
	for _, q := range sampleQuestions {
		f.Add(q)
	}
	f.Add(strings.Repeat("邻居家的狗把我娃咬了，", 40))
	ix := mustBankIndex(f)
	f.Fuzz(func(t *testing.T, q string) { checkHits(t, q, ix.Search(q, 3)) })
}

// More examples that say nearly the same as the question make a document
// surer, up to the two most similar and nextExamples more: a matter with
// many such examples ranks above one with a single one, and one with
// twenty no higher than one with seven.
func TestExampleNext(t *testing.T) {
	a := mustAnalyzer(t, "")
	similar := []string{"邻居家的狗把我娃咬了", "隔壁的狗咬了我家娃", "邻居家的狗咬人了", "隔壁家的狗把人咬伤了",
		"村里的狗把我咬了", "家的狗又咬了人", "邻居的狗把小孩咬了"}
	var weaker []string // share less with the question
	for i := range 13 {
		weaker = append(weaker, fmt.Sprintf("狗叫了一晚上第%d回", i+1))
	}
	name := map[string]string{"name": "犬只管理"}
	docs := []Doc{
		{ID: "one", Fields: name, Examples: similar[:1]},
		{ID: "seven", Fields: name, Examples: similar},
		{ID: "twenty", Fields: name, Examples: append(slices.Clone(similar), weaker...)},
	}
	ix := NewIndex(a, bankFields, docs, Params{})
	r := ix.Search("隔壁家的狗把人咬了", 0)
	score := map[string]float64{}
	for _, h := range r.Hits {
		score[h.ID] = h.Score
	}
	if !(score["seven"] > score["one"]) {
		t.Errorf("seven similar examples %.3f, one %.3f: want more", score["seven"], score["one"])
	}
	without := NewIndex(a, bankFields, docs, Params{ExampleNext: -1}).Search("隔壁家的狗把人咬了", 0)
	for _, h := range without.Hits {
		if h.ID == "seven" && !(score["seven"] > h.Score) {
			t.Errorf("seven similar examples %.3f, %.3f counting two of them: want more", score["seven"], h.Score)
		}
	}
	if math.Abs(score["twenty"]-score["seven"]) > 1e-9 {
		t.Errorf("twenty similar examples %.3f, seven %.3f: want the same", score["twenty"], score["seven"])
	}
	// The next examples are explained, and the matches add up to the score.
	for _, h := range r.Hits {
		sum := 0.0
		for _, m := range h.Matches {
			sum += m.Score
		}
		if math.Abs(sum-h.Score) > 1e-9 {
			t.Errorf("%s: matches add up to %.4f, score %.4f", h.ID, sum, h.Score)
		}
		if last := h.Matches[len(h.Matches)-1].Term; (h.ID == "one") == strings.Contains(last, "more similar examples") {
			t.Errorf("%s: last match %q", h.ID, last)
		}
	}
}

func TestExampleEvidence(t *testing.T) {
	for _, c := range []struct {
		b             exBest
		second, next  float64
		wantTwo, want float64
	}{
		{exBest{s1: 0.5}, 1, 0.25, 0.5, 0.5},
		{exBest{s1: 0.5, s2: 0.5}, 1, 0.25, 0.75, 0.75},
		{exBest{s1: 0.5, s2: 0.5}, 0.5, 0.25, 0.625, 0.625},
		{exBest{s1: 0.5, s2: 0.5, more: [nextExamples]float64{0.4, 0.4}}, 1, 0.25, 0.75, 1 - 0.25*0.9*0.9},
		{exBest{s1: 1, s2: 0.5, more: [nextExamples]float64{0.4}}, 1, 0.25, 1, 1},
	} {
		two, all := c.b.evidence(c.second, c.next)
		if math.Abs(two-c.wantTwo) > 1e-12 || math.Abs(all-c.want) > 1e-12 {
			t.Errorf("%+v (%.2f, %.2f): %.4f, %.4f, want %.4f, %.4f", c.b, c.second, c.next, two, all, c.wantTwo, c.want)
		}
	}
}
