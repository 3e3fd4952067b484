package app

import (
	"context"
	"os"
	"strings"
	"testing"

	"dutybot/bot"
)

// The tests here run the whole pipeline — the embedded list parsed by seeds,
// indexed by nlp, decided and rendered by bot — as the server does.

func mustBot(t testing.TB) *bot.Bot {
	t.Helper()
	b, _, err := NewBot(bot.Options{}, "")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEvalFloor holds answer quality on the development questions (a copy
// of ../shared/eval/dev.tsv, so that the test runs without ../shared) to the
// figures the product promises, below what they are today (top-1 0.944,
// top-3 0.991, NONE 12/13) by a margin.
func TestEvalFloor(t *testing.T) {
	evalFloor(t, "dev.tsv", 0.91, 0.96, 0.84)
}

// TestHeldoutFloor holds the figures on 258 questions written apart from
// dev.tsv (other wordings, other items), below what they are today (top-1
// 0.903, top-3 0.938, NONE 30/34) by a margin for tuning.
func TestHeldoutFloor(t *testing.T) {
	evalFloor(t, "heldout.tsv", 0.87, 0.90, 0.78)
}

// TestHeldout3Floor holds the figures on 124 questions written from the
// item list alone (heldout3.tsv: villagers, grid workers, reclaimed items,
// short queries, homophone typos, 16 unlisted matters), well below what
// they are today (top-1 0.984, top-3 0.992, NONE 16/16): the synonym table
// was extended for its misses, so the figures flatter the matcher.
func TestHeldout3Floor(t *testing.T) {
	evalFloor(t, "heldout3.tsv", 0.92, 0.94, 0.80)
}

// TestHeldout4Floor holds the figures on 89 questions written from the item
// list alone (heldout4.tsv: matters named by a body's short name, money and
// benefits, grid workers' official phrasing, 17 unlisted matters whose
// words occur in passing in some item's steps), below what they are today
// (top-1 0.899, top-3 0.944, NONE 12/17) by a margin.
func TestHeldout4Floor(t *testing.T) {
	evalFloor(t, "heldout4.tsv", 0.86, 0.90, 0.58)
}

// TestHeldout5Floor holds the figures on 107 questions written from the
// item list alone before any tuning on them (heldout5.tsv: long voice-typed
// villagers' messages, minority speakers' short object-first Chinese, the
// elderly, homophone typos, grid workers' reports, reclaimed matters, 15
// unlisted matters). They were 0.692 / 0.776 / 6/15 untuned; the synonym
// table, the stop words and the cap on unknown words in Max were then
// tuned on its misses (top-1 0.879, top-3 0.944, NONE 12/15): the floor is
// below that by a margin.
func TestHeldout5Floor(t *testing.T) {
	evalFloor(t, "heldout5.tsv", 0.84, 0.90, 0.66)
}

// TestHeldout6Floor holds the figures on 97 questions written from the
// item list alone before any change made for them (heldout6.tsv: 2–4
// character questions, cadres' group-chat messages with an @mention and
// officialese, object-first word order, reclaimed matters, messages with
// numbers, dates, Latin letters and unconverted pinyin, 15 unlisted
// matters). Untuned they were 0.938 / 0.959 / 16/16 (false none 4); the
// @mention cut, the officialese fillers and pinyin-typed words then gave
// 0.979 / 1.000 / 16/16: the floor is below that by a margin.
func TestHeldout6Floor(t *testing.T) {
	evalFloor(t, "heldout6.tsv", 0.93, 0.95, 0.87)
}

// TestHeldout7Floor holds the figures on 81 questions written from the
// item list alone before any change made for them (heldout7.tsv: herders,
// farmers, small shop owners, parents of schoolchildren, people with
// disabilities and their families, veterans, returning migrant workers and
// the elderly living alone, each in their own everyday words, some asking
// two things at once; 10 unlisted matters). Untuned they were 0.765 /
// 0.840 / 8/10 (false none 1); general vocabulary for trades, boundaries,
// online shops, farming subsidies, loneliness and snacks then gave 0.827 /
// 0.889 / 8/10 (false none 0): the floor is below that by a margin.
func TestHeldout7Floor(t *testing.T) {
	evalFloor(t, "heldout7.tsv", 0.79, 0.85, 0.70)
}

// TestFreshLongFloor holds the figures on 234 long complaints and stories
// (fresh-long.tsv: several sentences of places, dates, calls made and
// feelings around one matter; 28 unlisted matters), written by a writer
// who saw neither the matcher nor the knowledge bank. Before the bank and
// the example ranking they were top-1 0.654, top-3 0.761, NONE 20/28
// (answerable top-1 0.646, 39 of 206 wrongly refused); with them 0.906 /
// 0.932 / 24/28 (answerable 0.913 / 0.942, 5 refused), after the fusion was
// chosen with these sets in view: the floor is below that by a margin.
func TestFreshLongFloor(t *testing.T) {
	evalFloor(t, "fresh-long.tsv", 0.86, 0.89, 0.75)
}

// TestFreshShortFloor holds the figures on 299 short search-query titles
// and one-line questions (fresh-short.tsv: eligibility, amounts,
// deadlines, voice-typed typos; 31 unlisted matters), from the same
// independent writer. Before: 0.749 / 0.886 / 20/31 (answerable top-1
// 0.761); with the bank: 0.886 / 0.960 / 30/31 (answerable 0.877 / 0.959).
func TestFreshShortFloor(t *testing.T) {
	evalFloor(t, "fresh-short.tsv", 0.84, 0.92, 0.85)
}

// TestFreshMixedFloor holds the figures on 467 questions of all styles
// (fresh-mixed.tsv: villagers' voice-typed one-liners, stories, grid
// workers' @-messages, search titles, eligibility and amounts; 44 unlisted
// matters) by a third independent writer, measured once, after the ranking
// was settled and before any change: top-1 0.904, top-3 0.964, NONE 43/44
// (answerable 0.896 / 0.962, 10 of 423 refused; before the bank 0.764 /
// 0.863, 38 refused, NONE 29/44).
func TestFreshMixedFloor(t *testing.T) {
	evalFloor(t, "fresh-mixed.tsv", 0.87, 0.93, 0.90)
}

// TestFreshPublicFloor holds the figures on 320 questions in the public's
// styles (fresh-public.tsv: message-board complaints of several sentences,
// search-query titles with places and years, elders' and voice-typed
// wording; 42 unlisted matters, some sharing words with an item), by a
// fourth independent writer. Measured first with the ranking as it stood:
// top-1 0.913, top-3 0.956, NONE 36/42 (answerable 0.921 / 0.971, 4 of 278
// refused); then with the next most similar examples counted
// (Params.ExampleNext): 0.925 / 0.969 / 36/42 (answerable 0.935 / 0.986, 1
// refused).
func TestFreshPublicFloor(t *testing.T) {
	evalFloor(t, "fresh-public.tsv", 0.89, 0.93, 0.80)
}

func evalFloor(t *testing.T, name string, top1, top3, none float64) {
	f, err := os.Open("../../../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases, err := bot.ReadCases(name, f)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := bot.Evaluate(context.Background(), mustBot(t), "", cases)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("n=%d top-1 %.3f top-3 %.3f mrr %.3f none %d/%d false-none %d",
		ev.N, ev.Top1, ev.Top3, ev.MRR, ev.NoneCorrect, ev.NoneN, ev.FalseNone)
	if ev.Top1 < top1 || ev.Top3 < top3 || ev.NoneRate() < none {
		var sb strings.Builder
		ev.WriteText(&sb)
		t.Errorf("%s below the floor (top-1 %.2f, top-3 %.2f, none %.2f):\n%s", name, top1, top3, none, sb.String())
	}
}

func TestConversationEndToEnd(t *testing.T) {
	b := mustBot(t)
	ctx := context.Background()
	ask := func(user, text string) *bot.Answer {
		t.Helper()
		a, err := b.Answer(ctx, bot.Question{Channel: bot.WeChat, User: user, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Text) > bot.PlainLimit {
			t.Errorf("%q: reply of %d bytes", text, len(a.Text))
		}
		return a
	}
	// A reclaimed item is answered as such.
	a := ask("u1", "R2")
	if !strings.Contains(a.Text, "市人力资源和社会保障局") || !strings.Contains(a.Text, "不再负责") {
		t.Errorf("R2: %q", a.Text)
	}
	// A body's remit lists the items it leads.
	a = ask("u1", "人社局管哪些事")
	if a.Decision != bot.DecideBody || len(a.Items) < 5 {
		t.Fatalf("人社局管哪些事: %s, %d items", a.Decision, len(a.Items))
	}
	// Something the list does not cover is answered honestly.
	a = ask("u1", "周杰伦的新歌叫什么")
	if a.Decision != bot.DecideNone || !strings.Contains(a.Text, "12345") {
		t.Errorf("unrelated question: %s %q", a.Decision, a.Text)
	}
	// A long item pages with 详情.
	a = ask("u2", "C111")
	if !a.More {
		t.Fatalf("C111 fits one page (%d bytes); pick a longer item", len(a.Text))
	}
	for i := 0; a.More && i < 5; i++ {
		a = ask("u2", "详情")
		if a.Decision != bot.DecideMore {
			t.Fatalf("详情: %s", a.Decision)
		}
	}
	if a.More {
		t.Error("详情 never reaches the end of C111")
	}
}

func TestChoiceThenPick(t *testing.T) {
	b := mustBot(t)
	ctx := context.Background()
	// Find a question the ranker finds ambiguous: a category's name with a
	// common word is enough; the test asks for any choice among the eval
	// questions marked ambiguous.
	for _, q := range []string{"补贴", "培训", "安全检查", "党员", "防火"} {
		a, err := b.Answer(ctx, bot.Question{Channel: bot.WeChat, User: "picker", Text: q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision != bot.DecideChoice {
			continue
		}
		want := a.Choices[1].Ref
		a, err = b.Answer(ctx, bot.Question{Channel: bot.WeChat, User: "picker", Text: "2"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision != bot.DecideAnswer || a.Items[0].Ref != want {
			t.Fatalf("after a choice for %q, 2 gave %s %v, want %s", q, a.Decision, a.Refs(), want)
		}
		return
	}
	t.Fatal("none of the broad questions gave a numbered choice")
}
