package nlp

import (
	"slices"
	"testing"
)

// qualityIndex is a small index for the matching rules that keep unrelated
// questions from scoring: phrases on word boundaries, entries that stand
// for themselves, parenthesised alternatives, and typos of table phrases.
func qualityIndex(t *testing.T) *Index {
	t.Helper()
	a := mustAnalyzer(t, "信用卡 => 信用卡\n村医 => 村卫生室\n低保 => 生活困难 低收入\n",
		"村卫生室", "社会信用体系")
	docs := []Doc{
		{ID: "S1", Fields: map[string]string{"name": "社会信用体系建设工作"}},
		{ID: "S2", Fields: map[string]string{"name": "负责城乡居民和职工医疗（养老）保险政策宣传、参保缴费"}},
		{ID: "S3", Fields: map[string]string{"name": "标准化村卫生室建设工作"}},
		{ID: "S4", Fields: map[string]string{"name": "负责生活困难、低收入群体的摸排、申请受理"}},
	}
	return NewIndex(a, []Field{{Name: "name", Weight: 1}}, docs, Params{})
}

func hasHit(r Result, id string) bool {
	return slices.Contains(hitIDs(r), id)
}

// TestStandAloneAndBoundaries: a self-standing table entry (信用卡) does
// not score its parts (信用), and a table phrase does not start inside a
// word and end beyond it (村医 in 农村医保).
func TestStandAloneAndBoundaries(t *testing.T) {
	ix := qualityIndex(t)
	for _, tt := range []struct {
		q, id string
		want  bool
	}{
		{"信用卡还款逾期了", "S1", false},
		{"社会信用", "S1", true},
		{"农村医保", "S3", false},
		{"找村医看病", "S3", true},
	} {
		if r := ix.Search(tt.q, 0); hasHit(r, tt.id) != tt.want {
			t.Errorf("Search(%q) = %v; want %s among them: %v", tt.q, hitIDs(r), tt.id, tt.want)
		}
	}
}

func TestParenReadings(t *testing.T) {
	ix := qualityIndex(t)
	terms := ix.a.Analyze("负责城乡居民和职工医疗（养老）保险政策宣传")
	for _, w := range []string{"医疗保险", "养老保险"} {
		if !slices.Contains(terms, w) {
			t.Errorf("Analyze: no %s in %q", w, terms)
		}
	}
	if r := ix.Search("养老保险", 0); len(r.Hits) == 0 || r.Hits[0].ID != "S2" {
		t.Errorf("养老保险: %v, want S2 first", hitIDs(r))
	}
}

func TestTypoOfTablePhrase(t *testing.T) {
	ix := qualityIndex(t)
	if r := ix.Search("低包", 0); len(r.Hits) == 0 || r.Hits[0].ID != "S4" {
		t.Errorf("低包: %v, want S4 (低保)", hitIDs(r))
	}
}

func TestOverlappingBigrams(t *testing.T) {
	bs := []term{{"甲乙", kindBigram}, {"乙丙", kindBigram}, {"丁戊", kindBigram}}
	for i, want := range []bool{true, true, false} {
		if got := overlaps(bs, i); got != want {
			t.Errorf("overlaps(%s) = %v, want %v", bs[i].text, got, want)
		}
	}
}

// TestUnknownCap: the words no document has count toward Max together at
// most Params.UnknownCap of them, so that a long message told with context
// is not taken for an unlisted matter; without the cap each counts.
func TestUnknownCap(t *testing.T) {
	a := mustAnalyzer(t, "", "残疾人证", "中风", "医院", "护照", "签证", "机票")
	docs := []Doc{{ID: "S1", Fields: map[string]string{"name": "残疾人证办理"}}}
	capped := NewIndex(a, []Field{{Name: "name", Weight: 1}}, docs, Params{})
	free := NewIndex(a, []Field{{Name: "name", Weight: 1}}, docs, Params{UnknownCap: -1})
	one := capped.Search("残疾人证", 0).Max
	q := "中风 医院 护照 签证 机票 残疾人证"
	got, want := capped.Search(q, 0).Max, one+capped.Params().UnknownCap*capped.unknown
	if got > want+1e-9 {
		t.Errorf("capped Max = %.3f, want at most %.3f", got, want)
	}
	if f := free.Search(q, 0).Max; f <= got {
		t.Errorf("uncapped Max = %.3f, want more than the capped %.3f", f, got)
	}
}
