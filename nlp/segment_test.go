package nlp

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-ego/gse"
)

// The segmenter reimplements gse's DAG cut for speed (see segmenter). These
// tests hold it to gse itself, loaded with the same dictionary through
// LoadDictStr: the same dictionary, and the same cut of every line of the
// duty lists, of the sample questions and of fuzzed text.

var (
	gseOnce sync.Once
	gseSeg  *gse.Segmenter
)

// mustGSE returns gse loaded with the fixture analyser's dictionary, as
// the analyser loaded it before it had its own segmenter.
func mustGSE(tb testing.TB) (*Analyzer, *gse.Segmenter) {
	tb.Helper()
	docs, a := mustFixture(tb)
	gseOnce.Do(func() {
		b := rebuildFixtureDict(tb, docs)
		var seg gse.Segmenter
		seg.NotLoadHMM = true
		seg.SkipLog = true
		if err := seg.LoadDictStr(b.dictString(b.finish())); err != nil {
			tb.Fatal(err)
		}
		gseSeg = &seg
	})
	return a, gseSeg
}

// rebuildFixtureDict builds the dictionary NewAnalyzer builds for the
// fixture, without the segmenter.
func rebuildFixtureDict(tb testing.TB, docs []Doc) *dictBuilder {
	tb.Helper()
	_, a := mustFixture(tb)
	d := newDictBuilder(8192)
	if err := d.loadList("words.txt", wordsTxt); err != nil {
		tb.Fatal(err)
	}
	if err := d.loadList("phrases.txt", phrasesTxt); err != nil {
		tb.Fatal(err)
	}
	stop, _ := parseStopwords(stopwordsTxt)
	for _, w := range []string{"伊宁市", "伊宁"} {
		stop = append(stop, Normalize(w))
	}
	for _, w := range stop {
		d.add(w, 0)
	}
	for _, t := range a.syn.Terms() {
		d.add(t, 0)
	}
	for _, v := range vocabularyOf(docs) {
		if tooLong(v) {
			continue
		}
		for _, f := range strings.Fields(Normalize(v)) {
			if len([]rune(f)) <= maxVocabularyRunes {
				d.add(f, 0)
			}
		}
	}
	return d
}

func TestSegmenterDictionaryMatchesGSE(t *testing.T) {
	a, g := mustGSE(t)
	if len(a.words) != g.Dict.NumTokens()-1 { // gse also holds the padding token
		t.Errorf("dictionary: %d words, gse has %d tokens", len(a.words), g.Dict.NumTokens())
	}
	words := 0
	for _, nd := range a.seg.t.nodes {
		if nd.val > 0 {
			words++
		}
	}
	if words != g.Dict.NumTokens() {
		t.Errorf("%d words, gse has %d tokens", words, g.Dict.NumTokens())
	}
	for _, tok := range g.Dict.Tokens {
		// The word and every key it starts with: the same frequency, and
		// the same verdict on whether the key is in the dictionary.
		text := tok.Text()
		for i := range text + " " {
			if i == 0 {
				continue
			}
			key := (text + " ")[:i]
			f, ok := a.seg.freq(key)
			gf, _, gok := g.Find(key)
			if f != gf || ok != gok {
				t.Errorf("key %q: freq %v (found %v), gse %v (found %v)", key, f, ok, gf, gok)
			}
		}
	}
	for _, key := range []string{"", "x", "犬只只", "\ue001", "宅基地审批"} {
		f, ok := a.seg.freq(key)
		gf, _, gok := g.Find(key)
		if f != gf || ok != gok && key != "" {
			t.Errorf("key %q: freq %v (found %v), gse %v (found %v)", key, f, ok, gf, gok)
		}
	}
	if got, want := a.seg.logT, math.Log(g.Dict.TotalFreq()); got != want {
		t.Errorf("log total %v, gse %v", got, want)
	}
}

// segmenterTexts returns normalised chunks as the analyser cuts them: every
// line of the fixture's documents and the sample questions.
func segmenterTexts(tb testing.TB) []string {
	docs, a := mustFixture(tb)
	var texts []string
	add := func(s string) {
		for _, c := range strings.FieldsFunc(a.fillers.cut(normalize(s, true)), func(r rune) bool { return r == ' ' || r == '\n' }) {
			texts = append(texts, c)
		}
	}
	for _, d := range docs {
		for _, f := range d.Fields {
			add(f)
		}
	}
	for _, q := range sampleQuestions {
		add(q)
	}
	return texts
}

func TestSegmenterMatchesGSE(t *testing.T) {
	a, g := mustGSE(t)
	texts := segmenterTexts(t)
	// Shuffled neighbours make junctions the documents do not have.
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		texts = append(texts, texts[r.IntN(len(texts))]+texts[r.IntN(len(texts))])
	}
	texts = append(texts, "abc123宅基地x1y", "a", "1", "ab残疾人证cd", "宅急地审批", "用地沟油", "")
	var sc segScratch
	for _, text := range texts {
		if got, want := a.seg.searchWords(text, &sc), g.CutSearch(text, false); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("searchWords(%q) = %q, gse %q", text, got, want)
		}
		if got, want := a.seg.words(text), g.Cut(text, false); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("words(%q) = %q, gse %q", text, got, want)
		}
	}
}

func FuzzSegmenterMatchesGSE(f *testing.F) {
	for _, q := range sampleQuestions {
		f.Add(q)
	}
	f.Add("abc123宅基地x1y ａｂｃ")
	a, g := mustGSE(f)
	f.Fuzz(func(t *testing.T, s string) {
		var sc segScratch
		for _, text := range strings.FieldsFunc(normalize(s, true), func(r rune) bool { return r == ' ' || r == '\n' }) {
			if got, want := a.seg.searchWords(text, &sc), g.CutSearch(text, false); !slices.Equal(got, want) {
				t.Fatalf("searchWords(%q) = %q, gse %q", text, got, want)
			}
		}
	})
}
