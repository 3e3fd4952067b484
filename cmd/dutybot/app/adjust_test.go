package app

import (
	"context"
	"testing"

	"dutybot/bot"
	"dutybot/nlp"
)

// A matter named by a body's short name (医保 of 医保局) goes to the item
// about the matter, not to the items whose short texts name the body.
func TestBodyPartIsMatter(t *testing.T) {
	b := mustBot(t)
	for _, q := range []string{"农村医保在哪里交", "医保费交多少"} {
		a, err := b.Answer(context.Background(), bot.Question{Channel: bot.WeChat, User: "bp", Text: q})
		if err != nil {
			t.Fatal(err)
		}
		refs := a.Refs()
		if len(refs) == 0 || refs[0] != "B50" {
			t.Errorf("%q: %s %v, want B50 first", q, a.Decision, refs)
		}
	}
}

// A sound-alike of a word the synonym table knows brings the table's
// wording too (医宝 → 医保 → 参保缴费 医疗 保险), and a number is no typo
// (十八 stays a number, not 人事).
func TestSoundAlikeOfTableWord(t *testing.T) {
	b := mustBot(t)
	a, err := b.Answer(context.Background(), bot.Question{Channel: bot.WeChat, User: "sa", Text: "医宝怎么交"})
	if err != nil {
		t.Fatal(err)
	}
	if refs := a.Refs(); len(refs) == 0 || refs[0] != "B50" {
		t.Errorf("医宝怎么交: %s %v, want B50 first", a.Decision, refs)
	}
	a, err = b.Answer(context.Background(), bot.Question{Channel: bot.WeChat, User: "sa2", Text: "聋哑人十八岁了"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range a.Candidates {
		for _, m := range c.Matches {
			if m.Term == "人事" {
				t.Errorf("聋哑人十八岁了: %s matched 人事", c.Ref)
			}
		}
	}
}

// A question whose only word found is one the steps mention in passing
// (银行卡 among a step's documents, 微信 among its means) is not answered
// with that item.
func TestIncidentalStepWord(t *testing.T) {
	b := mustBot(t)
	for _, q := range []string{"银行卡丢了怎么办", "微信群怎么建"} {
		a, err := b.Answer(context.Background(), bot.Question{Channel: bot.WeChat, User: "sw", Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision == bot.DecideAnswer {
			t.Errorf("%q: answered %v", q, a.Refs())
		}
	}
}

func TestAdjustWeakTopOnly(t *testing.T) {
	a := adjuster{steps: map[string]string{"A": "材料：银行卡复印件\n", "B": "犬只登记；犬只防疫\n", "C": ""}}
	step := func(term string, v float64) []nlp.Match {
		return []nlp.Match{{Term: term, Field: "township_steps", Score: v}}
	}
	res := nlp.Result{Max: 10, Hits: []nlp.Hit{
		{ID: "A", Score: 5, Matches: step("银行卡", 5)},
		{ID: "C", Score: 4, Matches: []nlp.Match{{Term: "银行", Field: "name", Score: 4}}},
		{ID: "B", Score: 3, Matches: step("犬只", 3)},
	}}
	a.apply(&res, 2)
	if len(res.Hits) != 2 || res.Hits[0].ID != "C" || res.Hits[1].ID != "B" {
		t.Fatalf("hits %+v, want C then B (A discounted, B's repeated word kept)", res.Hits)
	}
	if res.Hits[1].Score != 3 {
		t.Errorf("B scored %v, want 3 (not discounted)", res.Hits[1].Score)
	}
}
