package nlp

import (
	"math"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

// A small made-up list, its synonym table and vocabulary.
var (
	smallTable = `
残疾证 => 残疾人证
老人补贴, 老年补贴 => 高龄津贴 / 老年人 补贴
九十多 => 高龄 老年人
狗 => 犬只
狗咬人 => 犬只 伤人
房子快塌了, 房子要塌 => 危房 / 住房安全
低保, 吃低保 => 最低生活保障 / 生活困难 低收入
盖房, 盖房子 => 建房 / 宅基地
`
	smallVocabulary = []string{"残疾人证", "高龄津贴", "宅基地", "犬只", "危房改造", "最低生活保障", "公益性墓地"}
	smallDocs       = []Doc{
		{ID: "D1", Fields: map[string]string{"name": "残疾人证办理", "steps": "指导申请人填写申请表、评定表；将残疾人证发放给残疾人。"}},
		{ID: "D2", Fields: map[string]string{"name": "老年人高龄津贴的发放管理", "steps": "对八十周岁以上老年人发放高龄津贴。"}},
		{ID: "D3", Fields: map[string]string{"name": "农村宅基地审批及建房审批管理", "steps": "受理宅基地和建房申请，组织实地审查。"}},
		{ID: "D4", Fields: map[string]string{"name": "犬只管理", "steps": "对伤人犬只、流浪犬进行处置。"}},
		{ID: "D5", Fields: map[string]string{"name": "农村危房改造", "steps": "开展住房安全鉴定，组织危房改造。"}},
		{ID: "D6", Fields: map[string]string{"name": "生活困难群体救助", "steps": "对生活困难、低收入群体摸排、受理申请，发放救助金。"}},
		{ID: "D7", Fields: map[string]string{"name": "公益性墓地管理", "steps": "负责公益性墓地日常管理。"}},
		{ID: "D8", Fields: map[string]string{"name": "低保资金监督检查", "steps": "检查低保资金发放。"}},
	}
	smallFields = []Field{{Name: "name", Weight: 3}, {Name: "steps", Weight: 1}}
)

var (
	smallOnce sync.Once
	smallIx   *Index
)

func mustSmallIndex(tb testing.TB) *Index {
	tb.Helper()
	smallOnce.Do(func() {
		smallIx = NewIndex(mustAnalyzer(tb, smallTable, smallVocabulary...), smallFields, smallDocs, Params{})
	})
	return smallIx
}

func hitIDs(r Result) []string {
	var ids []string
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestSearchRanking(t *testing.T) {
	ix := mustSmallIndex(t)
	tests := []struct {
		q    string
		want string // the expected first hit; "" for none
	}{
		{"残疾人证办理", "D1"},
		{"办残疾证找谁", "D1"},        // synonym on a word
		{"我家老人九十多了听说有补贴", "D2"}, // synonyms on the raw text
		{"高龄津贴什么时候发", "D2"},
		{"宅基地审批", "D3"},
		{"儿子要盖房子", "D3"},
		{"宅急地审批", "D3"},    // a typo: pinyin
		{"高零津贴", "D2"},     // a typo: pinyin
		{"公益性木地归谁管", "D7"}, // a typo after a known word
		{"邻居家狗咬人了", "D4"},
		{"狗把人咬了", "D4"},
		{"房子快塌了咋办", "D5"},
		{"今天星期几", ""},
		{"谢谢", ""},
	}
	for _, tt := range tests {
		r := ix.Search(tt.q, 3)
		got := ""
		if len(r.Hits) > 0 {
			got = r.Hits[0].ID
		}
		if got != tt.want {
			t.Errorf("Search(%q) = %v (terms %q), want %q first", tt.q, hitIDs(r), r.Terms, tt.want)
		}
	}
}

// The person's own words outweigh what the synonym table makes of them:
// 低保 in a document beats its official wording.
func TestOwnWordsOutweighExpansions(t *testing.T) {
	ix := mustSmallIndex(t)
	r := ix.Search("低保", 5)
	if ids := hitIDs(r); len(ids) < 2 || ids[0] != "D8" || !slices.Contains(ids, "D6") {
		t.Errorf("Search(低保) = %v, want D8 first and D6 too", ids)
	}
}

func TestSearchTerms(t *testing.T) {
	ix := mustSmallIndex(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"残疾证", []string{"残疾证", "残疾", "残疾人证"}},
		{"宅急地", []string{"宅基地"}},
		{"房子快塌了", []string{"危房", "住房安全"}},
		{"请问一下", nil},
	}
	for _, tt := range tests {
		r := ix.Search(tt.q, 1)
		for _, w := range tt.want {
			if !slices.Contains(r.Terms, w) {
				t.Errorf("Search(%q).Terms = %q, want %q", tt.q, r.Terms, w)
			}
		}
		if tt.want == nil && len(r.Terms) > 0 {
			t.Errorf("Search(%q).Terms = %q, want none", tt.q, r.Terms)
		}
	}
}

// Every score is explained exactly, and no hit beats Max.
func TestSearchExplanations(t *testing.T) {
	docs, a := mustFixture(t)
	ix := NewIndex(a, fixtureFields, docs, Params{})
	fieldNames := map[string]bool{}
	for _, f := range fixtureFields {
		fieldNames[f.Name] = true
	}
	for _, q := range sampleQuestions {
		r := ix.Search(q, 10)
		if len(r.Hits) > 10 {
			t.Errorf("Search(%q, 10) returned %d hits", q, len(r.Hits))
		}
		for i, h := range r.Hits {
			sum := 0.0
			for _, m := range h.Matches {
				sum += m.Score
				if m.Score <= 0 || !fieldNames[m.Field] || m.Term == "" {
					t.Errorf("Search(%q) %s: bad match %+v", q, h.ID, m)
				}
				if !slices.Contains(r.Terms, m.Term) {
					t.Errorf("Search(%q) %s: match on %q, not one of the terms %q", q, h.ID, m.Term, r.Terms)
				}
			}
			if sum != h.Score {
				t.Errorf("Search(%q) %s: matches sum to %v, score %v", q, h.ID, sum, h.Score)
			}
			if h.Score <= 0 || h.Score > r.Max*(1+1e-12) {
				t.Errorf("Search(%q) %s: score %v, max %v", q, h.ID, h.Score, r.Max)
			}
			if i > 0 && h.Score > r.Hits[i-1].Score {
				t.Errorf("Search(%q): hits out of order at %d", q, i)
			}
		}
	}
}

// All hits, and the best ones, agree whatever the limit.
func TestSearchLimit(t *testing.T) {
	docs, a := mustFixture(t)
	ix := NewIndex(a, fixtureFields, docs, Params{})
	for _, q := range sampleQuestions {
		all := ix.Search(q, 0)
		for _, limit := range []int{1, 3, 10} {
			r := ix.Search(q, limit)
			want := all.Hits[:min(limit, len(all.Hits))]
			if !slices.Equal(hitIDs(r), hitIDs(Result{Hits: want})) {
				t.Errorf("Search(%q, %d) = %v, want %v", q, limit, hitIDs(r), hitIDs(Result{Hits: want}))
			}
		}
	}
}

// Equal documents keep their order.
func TestSearchTies(t *testing.T) {
	a := mustAnalyzer(t, "")
	docs := []Doc{
		{ID: "b", Fields: map[string]string{"name": "防汛抗旱"}},
		{ID: "a", Fields: map[string]string{"name": "防汛抗旱"}},
		{ID: "c", Fields: map[string]string{"name": "防汛抗旱"}},
	}
	ix := NewIndex(a, []Field{{Name: "name", Weight: 1}}, docs, Params{})
	if got := hitIDs(ix.Search("防汛", 0)); !slices.Equal(got, []string{"b", "a", "c"}) {
		t.Errorf("ties: %v, want b a c", got)
	}
	if got := hitIDs(ix.Search("防汛", 2)); !slices.Equal(got, []string{"b", "a"}) {
		t.Errorf("ties with a limit: %v, want b a", got)
	}
}

// BM25F by hand for one term in two fields.
func TestBM25F(t *testing.T) {
	a := mustAnalyzer(t, "")
	docs := []Doc{
		{ID: "x", Fields: map[string]string{"name": "防汛", "body": "防汛，抗旱，防汛"}},
		{ID: "y", Fields: map[string]string{"name": "抗旱", "body": "抗旱"}},
		{ID: "z", Fields: map[string]string{"name": "消防", "body": "消防，安全"}},
	}
	fields := []Field{{Name: "name", Weight: 3}, {Name: "body", Weight: 0.5}}
	ix := NewIndex(a, fields, docs, Params{K1: 1.2, B: 0.75})
	r := ix.Search("防汛", 0)
	if len(r.Hits) != 1 || r.Hits[0].ID != "x" {
		t.Fatalf("hits %v", hitIDs(r))
	}
	// name: len 1, avg 1; body: len 3, avg (3+1+2)/3.
	if got := a.Analyze(docs[0].Fields["body"]); !slices.Equal(got, []string{"防汛", "抗旱", "防汛"}) {
		t.Fatalf("body terms %q", got)
	}
	idf := math.Log(1 + (3-1+0.5)/(1+0.5))
	tfName := 3 * 1 / (1 - 0.75 + 0.75*1/1.0)
	tfBody := 0.5 * 2 / (1 - 0.75 + 0.75*3/2.0)
	tf := tfName + tfBody
	want := idf * tf * 2.2 / (1.2 + tf)
	if got := r.Hits[0].Score; math.Abs(got-want) > 1e-12 {
		t.Errorf("score %v, want %v", got, want)
	}
	if len(r.Hits[0].Matches) != 2 {
		t.Fatalf("matches %+v", r.Hits[0].Matches)
	}
	if m := r.Hits[0].Matches[0]; m.Field != "name" || math.Abs(m.Score-want*tfName/tf) > 1e-12 {
		t.Errorf("name match %+v, want %v", m, want*tfName/tf)
	}
	// The only document with the term is the best it can be.
	if math.Abs(r.Max-want) > 1e-12 {
		t.Errorf("Max %v, want %v", r.Max, want)
	}
}

func TestPinyinKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"宅急地", "宅基地"},
		{"高零", "高龄"},
		{"雨路", "雨露"},
		{"传消", "传销"},
		{"张", "赞"}, // zh/z and -ng/-n
		{"陈", "岑"}, // ch/c
		{"生", "森"}, // sh/s, -ng/-n
		{"平", "贫"}, // -ing/-in
	}
	for _, tt := range tests {
		ka, kb := pinyinKey(tt.a), pinyinKey(tt.b)
		if ka == "" || ka != kb {
			t.Errorf("pinyinKey(%q) = %q, pinyinKey(%q) = %q, want equal", tt.a, ka, tt.b, kb)
		}
	}
	for _, s := range []string{"abc", "宅a", ""} {
		if k := pinyinKey(s); k != "" {
			t.Errorf("pinyinKey(%q) = %q, want none", s, k)
		}
	}
	if k := pinyinKey("重"); k != "zon" {
		t.Errorf("pinyinKey(重) = %q, want the most common reading zon(g)", k)
	}
}

// A window of lone characters that is a word already is no typo, and a
// real word that no document has is not replaced by a sound-alike.
func TestPinyinOnlyForNonWords(t *testing.T) {
	ix := mustSmallIndex(t)
	r := ix.Search("房子", 5) // fang-zi would sound like 防治 if that were a term
	for _, term := range r.Terms {
		if term != "房子" {
			t.Errorf("Search(房子).Terms = %q", r.Terms)
		}
	}
}

func TestParams(t *testing.T) {
	got := Params{}.withDefaults()
	if !reflect.DeepEqual(got, DefaultParams()) {
		t.Errorf("Params{}.withDefaults() = %+v, want %+v", got, DefaultParams())
	}
	got = Params{K1: 2, B: 0, Fuzzy: -1}.withDefaults()
	if got.K1 != 2 || got.B != 0 || got.Fuzzy != 0 || got.Synonym != DefaultParams().Synonym {
		t.Errorf("withDefaults kept %+v", got)
	}
	a := mustAnalyzer(t, "")
	ix := NewIndex(a, smallFields, smallDocs, Params{Fuzzy: -1})
	if r := ix.Search("宅急地", 3); len(r.Hits) > 0 {
		t.Errorf("with Fuzzy off, Search(宅急地) = %v", hitIDs(r))
	}
}

func TestSearchConcurrent(t *testing.T) {
	docs, a := mustFixture(t)
	ix := NewIndex(a, fixtureFields, docs, Params{})
	want := map[string][]string{}
	for _, q := range sampleQuestions {
		want[q] = hitIDs(ix.Search(q, 5))
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 50 {
				q := sampleQuestions[(i+j)%len(sampleQuestions)]
				if got := hitIDs(ix.Search(q, 5)); !slices.Equal(got, want[q]) {
					t.Errorf("concurrent Search(%q) = %v, want %v", q, got, want[q])
				}
			}
		})
	}
	wg.Wait()
}

func TestEmptyIndex(t *testing.T) {
	a := mustAnalyzer(t, "")
	ix := NewIndex(a, smallFields, nil, Params{})
	if r := ix.Search("宅基地", 3); len(r.Hits) != 0 {
		t.Errorf("empty index: %v", hitIDs(r))
	}
	ix = NewIndex(a, nil, smallDocs, Params{})
	if r := ix.Search("宅基地", 3); len(r.Hits) != 0 {
		t.Errorf("no fields: %v", hitIDs(r))
	}
}

func BenchmarkSearch(b *testing.B) {
	docs, a := mustFixture(b)
	ix := NewIndex(a, fixtureFields, docs, Params{})
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range sampleQuestions {
			ix.Search(q, 10)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sampleQuestions)), "ns/question")
}

// BenchmarkSearchMedian reports the median time of a whole question.
func BenchmarkSearchMedian(b *testing.B) {
	docs, a := mustFixture(b)
	ix := NewIndex(a, fixtureFields, docs, Params{})
	var times []float64
	for i := 0; b.Loop(); i++ {
		q := sampleQuestions[i%len(sampleQuestions)]
		start := time.Now()
		ix.Search(q, 10)
		times = append(times, float64(time.Since(start)))
	}
	slices.Sort(times)
	b.ReportMetric(times[len(times)/2], "median-ns/question")
}

func BenchmarkNewIndex(b *testing.B) {
	docs, a := mustFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(a, fixtureFields, docs, Params{})
	}
}

// Synonym rewriting at the query level: a phrase found in the raw text or
// a word takes the person's words as its first alternative and the
// official wording, at a lower weight, as the others.
func TestQuerySynonyms(t *testing.T) {
	ix := mustSmallIndex(t)
	tests := []struct {
		q        string
		own      []string // the group's first alternative
		expanded []string // terms of its other alternatives
	}{
		{"我家房子快塌了", []string{"房子快塌了"}, []string{"危房", "住房安全"}}, // raw text
		{"房子 要塌", []string{"房子要塌"}, []string{"危房", "住房安全"}},    // a layout space
		{"狗把人咬了", []string{"狗"}, []string{"犬只"}},               // a word (one character)
		{"吃低保", []string{"吃低保"}, []string{"最低生活保障", "生活困难", "低收入"}},
	}
	for _, tt := range tests {
		q := ix.a.analyzeQuery(tt.q, &ix.p)
		var found *qgroup
		for i, g := range q.groups {
			if g.exp > 0 {
				found = &q.groups[i]
			}
		}
		if found == nil {
			t.Errorf("analyzeQuery(%q): no synonym group in %+v", tt.q, q.groups)
			continue
		}
		var own, exp []string
		for _, qt := range found.alts[0] {
			own = append(own, qt.text)
			want := 1.0
			if len([]rune(qt.text)) == 1 {
				want = ix.p.Known // a lone character, in the documents mostly a piece of a word
			}
			if qt.w != want {
				t.Errorf("analyzeQuery(%q): own word %q at weight %v, want %v", tt.q, qt.text, qt.w, want)
			}
		}
		for _, alt := range found.alts[found.exp:] {
			for _, qt := range alt {
				exp = append(exp, qt.text)
				if qt.w <= 0 || qt.w >= 1 {
					t.Errorf("analyzeQuery(%q): expansion %q at weight %v, want below the person's words", tt.q, qt.text, qt.w)
				}
			}
		}
		if !slices.Equal(own, tt.own) || !slices.Equal(exp, tt.expanded) {
			t.Errorf("analyzeQuery(%q) = own %q, expanded %q; want %q, %q", tt.q, own, exp, tt.own, tt.expanded)
		}
	}
}

// The pinyin fallback at the query level: a run of lone characters that
// sounds like an index word becomes a group with that word as an
// alternative.
func TestQueryFuzzy(t *testing.T) {
	ix := mustSmallIndex(t)
	tests := []struct{ q, want string }{
		{"宅急地审批", "宅基地"},
		{"高零津贴", "高龄"},
		{"公益性木地", "公益性墓地"},
	}
	for _, tt := range tests {
		q := ix.a.analyzeQuery(tt.q, &ix.p)
		ix.resolve(&q)
		found := false
		for _, g := range q.groups {
			for _, alt := range g.alts[max(g.exp, 1):] {
				for _, qt := range alt {
					found = found || qt.text == tt.want && qt.w == ix.p.Fuzzy
				}
			}
		}
		if !found {
			t.Errorf("%q: no sound-alike %q in %+v", tt.q, tt.want, q.groups)
		}
	}
}

// A number of the question is what the person meant, not a slip of the
// pinyin keyboard: 人十 (of 聋哑人十八岁) is no typo for 人事.
func TestOneApartNotNumeral(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"宅基地", "宅急地", true},
		{"高龄", "高零", true},
		{"人事", "人十", false},
		{"事项", "四项", false},
		{"宅基地", "宅基地", false},
		{"宅基地", "宅急弟", false},
	}
	for _, tt := range tests {
		if got := oneApart(tt.a, tt.b); got != tt.want {
			t.Errorf("oneApart(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzSearch(f *testing.F) {
	for _, q := range sampleQuestions {
		f.Add(q)
	}
	f.Add("宅急地宅急地 高零津贴 房子快塌了 狗")
	ix := mustSmallIndex(f)
	f.Fuzz(func(t *testing.T, q string) { checkHits(t, q, ix.Search(q, 0)) })
}

// checkHits fails when a result breaks the ranking's invariants: each hit's
// matches add up to its positive score, no hit exceeds Max, best first.
func checkHits(t *testing.T, q string, r Result) {
	t.Helper()
	for i, h := range r.Hits {
		sum := 0.0
		for _, m := range h.Matches {
			sum += m.Score
		}
		if sum != h.Score || h.Score <= 0 || h.Score > r.Max*(1+1e-9) || math.IsNaN(h.Score) {
			t.Fatalf("Search(%q) %s: score %v, matches %v, max %v", q, h.ID, h.Score, sum, r.Max)
		}
		if i > 0 && h.Score > r.Hits[i-1].Score {
			t.Fatalf("Search(%q): out of order", q)
		}
	}
}

// The index analyses its documents in parallel, with a memo of the chunks
// already segmented: the terms must be those Analyze gives each field.
func TestAnalyzeDocsMatchesAnalyze(t *testing.T) {
	docs, a := mustFixture(t)
	ix := &Index{a: a, fields: fixtureFields}
	got := ix.analyzeDocs(docs)
	for d, doc := range docs {
		for f, fld := range fixtureFields {
			want := a.Analyze(doc.Fields[fld.Name])
			if doc.Fields[fld.Name] == "" {
				want = nil
			}
			if !slices.Equal(got[d][f], want) {
				t.Fatalf("%s %s: terms %q, Analyze %q", doc.ID, fld.Name, got[d][f], want)
			}
		}
	}
}

func TestLatinKey(t *testing.T) {
	for _, tt := range []struct{ typed, han string }{
		{"dibao", "低保"},
		{"zhaijidi", "宅基地"},
		{"zaijidi", "宅基地"}, // zh/z
		{"gaolingjintie", "高龄津贴"},
		{"gaolinjintie", "高龄津贴"}, // -ng/-n
		{"canjiren", "残疾人"},
	} {
		if got, want := latinKey(tt.typed), latinKey(pinyinKey(tt.han)); got != want {
			t.Errorf("latinKey(%q) = %q, want %q (of %s)", tt.typed, got, want, tt.han)
		}
	}
}

// A word typed in pinyin and left unconverted finds the words it spells,
// among the documents' terms (gaoling: 高龄, dibao: 低保 of D8) with the
// table's official wording for them (低保: 生活困难 低收入 of D6); short
// Latin words and words that spell nothing are left alone.
func TestSearchLatinPinyin(t *testing.T) {
	ix := mustSmallIndex(t)
	for q, want := range map[string][]string{"gaoling jintie": {"D2"}, "dibao": {"D8", "D6"}, "zhaijidi": {"D3"}} {
		r := ix.Search(q, 3)
		if got := hitIDs(r); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			t.Errorf("Search(%q) = %v, want %v first", q, got, want)
		}
	}
	for _, q := range []string{"wifi", "app", "xyzq"} {
		if r := ix.Search(q, 3); len(r.Hits) != 0 {
			t.Errorf("Search(%q) = %v, want no hits", q, hitIDs(r))
		}
	}
}
