package bot

import (
	"context"
	"strings"
	"testing"
)

// An item that would alarm (a sanction, money taken back, work no longer
// done) is answered only on a clear match; below Clear it is offered in a
// choice, first, with the others above the abstain line; a matter no list
// covers that scores Yield of it is the answer instead.
func TestAlarmingOnlyOnClearMatch(t *testing.T) {
	lib := testLibrary()
	tw := lib.Townships[0]
	tw.Items = append(tw.Items,
		&Item{Ref: "C3", Kind: Cooperative, Seq: 3, Category: "社会保障", Name: "违规享受城乡养老待遇追回工作", Leads: []string{"市人社局"}},
		&Item{Ref: "R3", Kind: Reclaimed, Seq: 3, Category: "市场监管", Name: "对从事无照经营的商户进行处罚", Handover: &Handover{Body: "市场监督管理局"}})
	r := tableRanker{
		"养老金":   hits(10, Hit{Ref: "C3", Score: 6}, Hit{Ref: "B1", Score: 3}, Hit{Ref: "C1", Score: 2}),
		"养老金追回": hits(10, Hit{Ref: "C3", Score: 8}, Hit{Ref: "B1", Score: 3}),
		"离婚怎么办": hits(10, Hit{Ref: "R1", Score: 5}, Hit{Ref: "C1", Score: 3.2}),
		"单身证明":  hits(10, Hit{Ref: "R1", Score: 7.5}),
		"无照经营":  hits(10, Hit{Ref: "R3", Score: 4}),
		"残疾证":   hits(10, Hit{Ref: "C1", Score: 5}, Hit{Ref: "B1", Score: 3}),
	}
	withSuit := func(r Ranking, suit float64) Ranking {
		r.OutOfScope = &OutOfScope{Matter: "起诉离婚", Body: "人民法院", Score: suit}
		return r
	}
	r["想离婚"] = withSuit(hits(10, Hit{Ref: "R1", Score: 9}), 6)     // a clear match, but the suit scores 2/3 of it
	r["单身证明在哪开"] = withSuit(hits(10, Hit{Ref: "R1", Score: 9}), 3) // the suit scores 1/3: the certificate it is
	r["离婚 残疾证"] = withSuit(hits(10, Hit{Ref: "C1", Score: 9}), 6)  // not alarming: a clear match stays
	b, err := New(lib, map[string]Ranker{"测试乡": r}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q    string
		want Decision
		refs string
	}{
		{"养老金", DecideChoice, "C3,B1"}, // C1 is below the abstain line
		{"养老金追回", DecideAnswer, "C3"},
		{"离婚怎么办", DecideChoice, "R1,C1"},
		{"单身证明", DecideAnswer, "R1"},
		{"无照经营", DecideChoice, "R3"},
		{"残疾证", DecideAnswer, "C1"}, // not alarming: answered as before
		{"想离婚", DecideNone, ""},
		{"单身证明在哪开", DecideAnswer, "R1"},
		{"离婚 残疾证", DecideAnswer, "C1"},
	}
	for _, tt := range tests {
		a, err := b.Answer(context.Background(), Question{Channel: WeChat, User: "u" + tt.q, Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision != tt.want || strings.Join(a.Refs(), ",") != tt.refs {
			t.Errorf("%q: %s %v, want %s %s", tt.q, a.Decision, a.Refs(), tt.want, tt.refs)
		}
		if tt.q == "想离婚" && (a.Unlisted == nil || !strings.Contains(a.Text, "人民法院")) {
			t.Errorf("%q: %q, want the matter's body", tt.q, a.Text)
		}
	}
	for ref, want := range map[string]bool{"C3": true, "R1": true, "R3": true, "R2": false, "C1": false, "B1": false} {
		if got := Alarming(tw.Item(ref)); got != want {
			t.Errorf("Alarming(%s) = %v, want %v", ref, got, want)
		}
	}
}

// A question that names another township is answered from it, and so is
// a pick of the choice it offered, but the person's township stays until
// they ask to switch.
func TestVisitAnotherTownship(t *testing.T) {
	lib := testLibrary()
	other := &Township{Name: "平江街道", City: "姑苏区", Items: []*Item{
		{Ref: "B1", Kind: Basic, Seq: 1, Category: "社区治理", Name: "社区网格化管理"},
		{Ref: "B2", Kind: Basic, Seq: 2, Category: "社区治理", Name: "社区低保申请"},
	}}
	lib.Townships = append(lib.Townships, other)
	first := tableRanker{"低保": hits(10, Hit{Ref: "C1", Score: 8})}
	second := tableRanker{"平江街道低保": hits(10, Hit{Ref: "B2", Score: 4}, Hit{Ref: "B1", Score: 3.9})}
	b, err := New(lib, map[string]Ranker{"测试乡": first, "平江街道": second}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ask := asker(t, b, "u")
	if a := ask("平江街道低保"); a.Township.Name != "平江街道" || a.Decision != DecideChoice {
		t.Fatalf("question naming 平江街道: %s %s", a.Township.Name, a.Decision)
	}
	if a := ask("2"); a.Township.Name != "平江街道" || a.Decision != DecideAnswer || a.Items[0].Name != "社区网格化管理" {
		t.Errorf("pick after the visit: %s %s %v, want 平江街道's B1", a.Township.Name, a.Decision, a.Refs())
	}
	if a := ask("低保"); a.Township.Name != "测试乡" || a.Refs()[0] != "C1" {
		t.Errorf("next question: %s %v, want the person's township 测试乡", a.Township.Name, a.Refs())
	}
	if a := ask("切换到平江街道"); a.Township.Name != "平江街道" || a.Decision != DecideHelp {
		t.Errorf("switch: %s %s", a.Township.Name, a.Decision)
	}
	if a := ask("帮助"); !strings.Contains(a.Text, "现在查询的是平江街道") {
		t.Errorf("after switching, help says %q", a.Text)
	}
}

// 分类 is a numbered list; its number opens the category.
func TestCategoriesByNumber(t *testing.T) {
	b := newTestBot(t, tableRanker{}, Options{})
	ask := asker(t, b, "u")
	a := ask("分类")
	if !strings.Contains(a.Text, "1. 民生服务（4项）") || !strings.Contains(a.Text, "2. 乡村振兴（1项）") {
		t.Fatalf("分类:\n%s", a.Text)
	}
	if a = ask("２"); a.Decision != DecideCategories || !strings.Contains(a.Text, "“乡村振兴”类共1项") || a.Refs()[0] != "C2" {
		t.Errorf("2 after 分类: %s %q", a.Decision, a.Text)
	}
	ask("分类")
	if a = ask("9"); !strings.Contains(a.Text, "1 到 2") {
		t.Errorf("9 after 分类: %q", a.Text)
	}
	if a = ask("C1"); a.Decision != DecideAnswer || a.Items[0].Ref != "C1" {
		t.Errorf("a ref after 分类: %s %v", a.Decision, a.Refs())
	}
}

// asker returns a function that asks b a question as user, on WeChat.
func asker(t *testing.T, b *Bot, user string) func(text string) *Answer {
	return func(text string) *Answer {
		t.Helper()
		a, err := b.Answer(context.Background(), Question{Channel: WeChat, User: user, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
}
