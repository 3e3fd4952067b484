package app

import (
	"context"
	"slices"
	"testing"

	"dutybot/bot"
)

// A matter named by a body's short name (医保 of 医保局) goes to the item
// about the matter, not to the items whose short texts name the body.
// (“医保费交多少” also fits R18, the count of who has paid, which the
// examples of people asking whether their payment went through bring
// close: there B50 must be offered.)
func TestBodyPartIsMatter(t *testing.T) {
	b := mustBot(t)
	for _, c := range []struct {
		q     string
		first bool
	}{{"农村医保在哪里交", true}, {"医保费交多少", false}} {
		a, err := b.Answer(context.Background(), bot.Question{Channel: bot.WeChat, User: "bp", Text: c.q})
		if err != nil {
			t.Fatal(err)
		}
		refs := a.Refs()
		if len(refs) == 0 || c.first && refs[0] != "B50" || !slices.Contains(refs, "B50") {
			t.Errorf("%q: %s %v, want B50 first or offered", c.q, a.Decision, refs)
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
