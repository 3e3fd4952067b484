package nlp

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Segmentation of domain phrases with the compact dictionary.
func TestAnalyzeDomainPhrases(t *testing.T) {
	_, a := mustFixture(t)
	tests := []struct {
		text     string
		want     []string // terms that must be there
		wantNone []string // terms that must not
	}{
		// The whole input is one word: CutSearch(q) without false would drop it.
		{"网格员", []string{"网格员"}, []string{"员"}},
		{"网格员负责巡查", []string{"网格员", "网格", "巡查"}, []string{"员"}},
		{"残疾人证办理", []string{"残疾人证", "残疾人", "残疾", "办理"}, nil},
		{"宅基地审批", []string{"宅基地", "审批"}, []string{"宅", "基地审批"}},
		{"老年人高龄津贴的发放", []string{"高龄津贴", "高龄", "津贴", "发放"}, []string{"的"}},
		{"农村危房改造工作", []string{"危房改造", "危房", "改造"}, nil},
		// A character that starts a word is no longer glued to it (用地 沟 油).
		{"小饭馆用地沟油", []string{"地沟油", "饭馆"}, []string{"用地"}},
		{"邻居家的狗咬人了", []string{"狗咬人", "咬人"}, []string{"邻居", "了", "的"}},
		{"狗把人咬了", []string{"狗"}, []string{"把", "了"}},
		// Words outside the dictionary: bigrams of the lone characters.
		{"家庭农场赋码", []string{"家庭农场", "赋码"}, nil},
		// Punctuation is a boundary even between Han characters.
		{"申请表、评定表", []string{"申请表", "评定"}, []string{"表评"}},
		// PDF layout spaces are not.
		{"人民陪审 员选任", []string{"人民陪审员"}, nil},
		{"12345热线", []string{"12345", "热线"}, nil},
	}
	for _, tt := range tests {
		got := a.Analyze(tt.text)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Analyze(%q) = %q, want it to contain %q", tt.text, got, w)
			}
		}
		for _, w := range tt.wantNone {
			if slices.Contains(got, w) {
				t.Errorf("Analyze(%q) = %q, want no %q", tt.text, got, w)
			}
		}
	}
}

// Politeness and question filler never reach the index or a question's
// terms.
func TestAnalyzeStopWords(t *testing.T) {
	_, a := mustFixture(t)
	tests := []struct {
		text     string
		want     []string
		wantNone []string
	}{
		{"请问一下残疾证去哪办", []string{"残疾证"}, []string{"请问", "一下", "去哪办", "去哪", "办"}},
		{"你好，我想问下宅基地找谁", []string{"宅基地"}, []string{"你好", "我", "想", "问下", "找谁", "谁"}},
		{"听说能不能申请补贴", []string{"申请", "补贴"}, []string{"听说", "能不能", "不能"}},
		{"谢谢你啊", nil, []string{"谢谢", "你", "啊"}},
		{"怎么办？咋办！怎么弄", nil, []string{"怎么办", "怎么", "咋办", "怎么弄"}},
	}
	for _, tt := range tests {
		got := a.Analyze(tt.text)
		for _, w := range tt.want {
			if !slices.Contains(got, w) {
				t.Errorf("Analyze(%q) = %q, want it to contain %q", tt.text, got, w)
			}
		}
		for _, w := range tt.wantNone {
			if slices.Contains(got, w) {
				t.Errorf("Analyze(%q) = %q, want no %q", tt.text, got, w)
			}
		}
		if tt.want == nil && len(got) > 0 {
			t.Errorf("Analyze(%q) = %q, want nothing", tt.text, got)
		}
	}
}

// A stop phrase is cut out whole or segments into stop words only: its
// parts (没有 in 有没有) must not leak into the terms.
func TestStopPhrasesLeaveNothing(t *testing.T) {
	_, a := mustFixture(t)
	stop, fillers := parseStopwords(stopwordsTxt)
	for _, w := range append(stop, fillers...) {
		if got := a.Analyze(w); len(got) > 0 {
			t.Errorf("Analyze(%q) = %q, want nothing", w, got)
		}
	}
}

// Words added to the compact dictionary win over their parts, whatever
// their origin.
func TestDictionaryWordsStayWhole(t *testing.T) {
	_, a := mustFixture(t)
	words := []string{
		"网格员", "残疾人证", "高龄津贴", "宅基地", "适老化改造", // phrases.txt and the synonym table
		"最低生活保障", "犬只", "住房安全", // the synonym table's official terms
		"邻居", "厂子", "房顶", // everyday words
		"设施农用地", // the documents' vocabulary
	}
	for _, w := range words {
		if got := a.seg.words(w); !slices.Equal(got, []string{w}) {
			t.Errorf("Cut(%q) = %q, want it whole", w, got)
		}
	}
}

func TestSuggestedFrequency(t *testing.T) {
	d := newDictBuilder(8)
	d.total = 1e7
	d.add("高龄", 2000)
	d.add("津贴", 700)
	if f := d.suggest("高龄津贴"); f < minAddedFreq {
		t.Errorf("suggest(高龄津贴) = %v, want at least %v", f, minAddedFreq)
	}
	d.add("老年", 1e6)
	d.add("老人", 1e6)
	// A phrase of two very common words must still beat its split.
	split := 1e6 * 1e6 / d.total
	if f := d.suggest("老年老人"); f <= split {
		t.Errorf("suggest(老年老人) = %v, want more than the split's %v", f, split)
	}
	d.add("一", 5)                 // single characters are not added …
	d.add("很长的一个短语短语短语短语短语短语", 5) // … nor entries over maxWordRunes
	if len(d.order) != 4 {
		t.Errorf("dictionary has %q", d.order)
	}
}

// Long vocabulary entries (whole item names) are not words; their words
// are.
func TestVocabularyCap(t *testing.T) {
	a := mustAnalyzer(t, "", "农村宅基地审批及建房审批管理工作", "设施农用地")
	if a.isWord("农村宅基地审批及建房审批管理工作") {
		t.Error("a 16-character item name became a word")
	}
	if !a.isWord("设施农用地") {
		t.Error("设施农用地 did not become a word")
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, q := range sampleQuestions {
		f.Add(q)
	}
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	f.Add("宅急地宅急地宅急地 高零津贴 雨路计划")
	_, a := mustFixture(f)
	f.Fuzz(func(t *testing.T, s string) {
		terms := a.Analyze(s)
		joined := strings.ReplaceAll(Normalize(s), " ", "")
		for _, term := range terms {
			if term == "" || strings.ContainsAny(term, " \n") || !utf8.ValidString(term) {
				t.Fatalf("Analyze(%q): bad term %q", s, term)
			}
			if a.stop[term] {
				t.Fatalf("Analyze(%q): stop word %q", s, term)
			}
			if !strings.Contains(joined, strings.ReplaceAll(term, " ", "")) {
				t.Fatalf("Analyze(%q): term %q is not in the text %q", s, term, joined)
			}
		}
		if again := a.Analyze(s); !slices.Equal(again, terms) {
			t.Fatalf("Analyze(%q) not deterministic: %q then %q", s, terms, again)
		}
		// The query side must not panic either, and stays explainable.
		q := a.analyzeQuery(s, &Params{Part: 0.6, Synonym: 0.7, Bigram: 0.5})
		for _, g := range q.groups {
			if len(g.alts) == 0 {
				t.Fatalf("analyzeQuery(%q): a group without alternatives", s)
			}
		}
	})
}

func BenchmarkAnalyze(b *testing.B) {
	_, a := mustFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range sampleQuestions {
			a.Analyze(q)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sampleQuestions)), "ns/question")
}

// BenchmarkAnalyzeDocument measures the index side: a long field.
func BenchmarkAnalyzeDocument(b *testing.B) {
	docs, a := mustFixture(b)
	var text string
	for _, d := range docs {
		if t := d.Fields["lead_steps"]; len(t) > len(text) {
			text = t
		}
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		a.Analyze(text)
	}
}

// BenchmarkSegment measures segmentation alone on the same questions as
// BenchmarkAnalyze.
func BenchmarkSegment(b *testing.B) {
	_, a := mustFixture(b)
	var texts []string
	for _, q := range sampleQuestions {
		texts = append(texts, strings.Fields(strings.ReplaceAll(normalize(q, true), "\n", " "))...)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range texts {
			a.seg.searchWords(t)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sampleQuestions)), "ns/question")
}

func BenchmarkNewAnalyzer(b *testing.B) {
	docs, full := mustFixture(b)
	syn := full.syn
	vocab := vocabularyOf(docs)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewAnalyzer(AnalyzerOptions{Vocabulary: vocab, Synonyms: syn}); err != nil {
			b.Fatal(err)
		}
	}
}
