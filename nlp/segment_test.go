package nlp

import (
	"slices"
	"strings"
	"testing"
)

// The analyser cuts with gse itself (see segmenter). These tests hold what
// the analyser relies on: gse's words cover a normalised chunk exactly, in
// order (wordEnds reads word boundaries off their byte lengths), and the
// search mode keeps a word that is the whole input.

// chunks returns normalised text as the analyser cuts it into chunks.
func chunks(a *Analyzer, s string) []string {
	return strings.FieldsFunc(a.fillers.cut(normalize(s, true)), func(r rune) bool { return r == ' ' || r == '\n' })
}

func TestSegmenterCoversText(t *testing.T) {
	docs, a := mustFixture(t)
	var texts []string
	for _, d := range docs {
		for _, f := range d.Fields {
			texts = append(texts, chunks(a, f)...)
		}
	}
	for _, q := range sampleQuestions {
		texts = append(texts, chunks(a, q)...)
	}
	texts = append(texts, "abc123宅基地x1y", "a", "1", "ab残疾人证cd", "宅急地审批", "用地沟油")
	for _, text := range texts {
		if got := strings.Join(a.seg.words(text), ""); got != text {
			t.Errorf("words(%q) join to %q", text, got)
		}
	}
	for _, w := range []string{"网格员", "宅基地", "残疾人证"} {
		if got := a.seg.searchWords(w); !slices.Contains(got, w) {
			t.Errorf("searchWords(%q) = %q: the whole word is lost", w, got)
		}
	}
}

func TestWordEnds(t *testing.T) {
	_, a := mustFixture(t)
	text := "低保户临时救助 农村医保"
	ends := a.wordEnds(text)
	if ends == nil {
		t.Fatal("no word ends")
	}
	// gse cuts 低保户|临时救助 and 农村医保 whole: inside a word, the end
	// of that word; at a boundary, 0.
	for _, c := range []struct{ at, end int }{
		{len("低"), len("低保户")},
		{len("低保"), len("低保户")},
		{len("低保户"), 0},
		{len("低保户临"), len("低保户临时救助")},
		{len("低保户临时救助 农"), len(text)},
		{len("低保户临时救助 农村"), len(text)},
	} {
		if got := ends[c.at]; got != c.end {
			t.Errorf("wordEnds at %d = %d, want %d", c.at, got, c.end)
		}
	}
}

func FuzzSegmenterCoversText(f *testing.F) {
	for _, q := range sampleQuestions {
		f.Add(q)
	}
	f.Add("abc123宅基地x1y ａｂｃ")
	_, a := mustFixture(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, text := range chunks(a, s) {
			if got := strings.Join(a.seg.words(text), ""); got != text {
				t.Fatalf("words(%q) join to %q", text, got)
			}
			a.wordEnds(text)
		}
	})
}
