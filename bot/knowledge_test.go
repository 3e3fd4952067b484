package bot

import (
	"strings"
	"testing"
)

const bankHeader = "# a comment\nitem\tref\tkind\texample\tsource\n"

func TestParseKnowledge(t *testing.T) {
	data := "\ufeff" + bankHeader +
		"农村最低生活保障审核\tB51\tstory\t家里穷得揭不开锅了\t\n" +
		"\n" +
		"犬只管理（流浪犬）\tC46\treal\t邻居家狗咬人了\thttp://example.org/1\r\n"
	ex, err := ParseKnowledge("bank.tsv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != 2 || ex[0].Ref != "B51" || ex[1].Source != "http://example.org/1" || ex[1].Line != 5 || ex[1].File != "bank.tsv" {
		t.Errorf("examples %+v", ex)
	}
	// Columns in another order are read by their names.
	ex, err = ParseKnowledge("b.tsv", []byte("example\titem\tref\tkind\tsource\n邻居家狗咬人了\t犬只管理\tC46\tstory\t\n"))
	if err != nil || len(ex) != 1 || ex[0].Item != "犬只管理" || ex[0].Text != "邻居家狗咬人了" {
		t.Errorf("reordered columns: %+v, %v", ex, err)
	}
}

func TestParseKnowledgeErrors(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       []string
	}{
		{"no header", "", []string{"x.tsv: no header line"}},
		{"missing column", "item\tref\texample\n", []string{"x.tsv:1:", `no column "kind"`}},
		{"bad rows", bankHeader +
			"\tB1\tstory\t问题\t\n" +
			"名称\tB1\tstory\t\t\n" +
			"名称\tB1\tstory\t问题\t\t多余\n",
			[]string{"x.tsv:3: empty item name", "x.tsv:4: empty example", "x.tsv:5: 6 cells"}},
	} {
		_, err := ParseKnowledge("x.tsv", []byte(c.data))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
	}
	_, err := ParseOutOfScope("o.tsv", []byte("matter\tbody\texample\tsource\n护照\t\t护照过期了\t\n"))
	if err == nil || !strings.Contains(err.Error(), "o.tsv:2: empty body") {
		t.Errorf("out-of-scope without a body: %v", err)
	}
	many := bankHeader + strings.Repeat("\tB1\tstory\t问题\t\n", 50)
	if _, err := ParseKnowledge("m.tsv", []byte(many)); err == nil || !strings.Contains(err.Error(), "too many errors") {
		t.Errorf("50 bad lines: %v", err)
	}
}

func TestKnowledgeForTownshipAndCheck(t *testing.T) {
	tw := &Township{Name: "甲乡", Items: []*Item{
		{Ref: "B1", Name: "农村最低生活保障审核"},
		{Ref: "C9", Name: "犬只管理（流浪犬）"},
		{Ref: "C10", Name: "农村公路养护"},
	}}
	k := &Knowledge{
		Examples: []Example{
			// The name matches whatever its punctuation and brackets.
			{Item: "农村最低生活保障审核。", Ref: "B51", Text: "家里穷", File: "k", Line: 2},
			{Item: "犬只管理(流浪犬)", Ref: "C46", Text: "狗咬人", File: "k", Line: 3},
			{Item: "犬只管理(流浪犬)", Ref: "C46", Text: "野狗成群", File: "k", Line: 4},
			{Item: "没有这一项", Ref: "B99", Text: "别的事", File: "k", Line: 5},
			{Item: "农村公路养护", Ref: "C10", Text: "狗咬人！", File: "k", Line: 6},
		},
		OutOfScope: []Unlisted{{Matter: "护照", Body: "出入境", Text: "家里穷", File: "o", Line: 2}},
	}
	cov := k.ForTownship(tw)
	if cov.Items != 3 || cov.Total != 3 || len(cov.Examples["C9"]) != 2 || cov.Examples["B1"][0] != "家里穷" {
		t.Errorf("coverage %+v", cov)
	}
	probs := k.Check(&Library{Townships: []*Township{tw}})
	var got []string
	for _, p := range probs {
		got = append(got, p.String())
	}
	all := strings.Join(got, "\n")
	for _, w := range []string{
		`k:5: no loaded list has the item "没有这一项" (1 examples)`,
		`k:6: example "狗咬人！" stands under item 农村公路养护 and under item 犬只管理(流浪犬) (k:3)`,
		`o:2: example "家里穷" stands under out-of-scope 护照 and under item 农村最低生活保障审核。 (k:2)`,
	} {
		if !strings.Contains(all, w) {
			t.Errorf("check lacks %q:\n%s", w, all)
		}
	}
	if len(got) != 3 {
		t.Errorf("%d problems, want 3:\n%s", len(got), all)
	}
	var nilK *Knowledge
	if c := nilK.ForTownship(tw); c.Items != 0 || c.Total != 3 {
		t.Errorf("nil bank: %+v", c)
	}
}
