package bot

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// tableRanker returns a fixed ranking per question. The real ranker is
// package nlp's index, exercised with the real documents in the tests of
// cmd/dutybot/app; this one pins the decision rules to exact scores.
type tableRanker map[string]Ranking

func (r tableRanker) Rank(q string, limit int) Ranking { return r[q] }

func testLibrary() *Library {
	t := &Township{Name: "测试乡", City: "测试市", Items: []*Item{
		{Ref: "B1", Kind: Basic, Seq: 1, Category: "民生服务", Name: "落实残疾人补贴"},
		{Ref: "C1", Kind: Cooperative, Seq: 1, Category: "民生服务", Name: "残疾人证办理", Leads: []string{"市残疾人联合会"},
			LeadSteps:     []StepGroup{{Steps: []string{"审核评定", "发放证件"}}},
			TownshipSteps: []StepGroup{{Steps: []string{"受理申请", "上报材料"}}}},
		{Ref: "C2", Kind: Cooperative, Seq: 2, Category: "乡村振兴", Name: "犬只管理", Leads: []string{"市公安局"}},
		{Ref: "R1", Kind: Reclaimed, Seq: 1, Category: "民生服务", Name: "出具婚姻状况证明", Handover: &Handover{}},
		{Ref: "R2", Kind: Reclaimed, Seq: 2, Category: "民生服务", Name: "工伤认定调查",
			Handover: &Handover{Body: "市人力资源和社会保障局", How: "由市人力资源和社会保障局负责开展工伤认定调查"}},
	}}
	d := &Directory{}
	d.Add("市残疾人联合会", "市残联", "残联")
	d.Add("市人力资源和社会保障局", "市人社局", "人社局")
	d.Add("市公安局", "公安局")
	return &Library{Townships: []*Township{t}, Bodies: d}
}

func hits(max float64, hs ...Hit) Ranking { return Ranking{Max: max, Hits: hs} }

type memRecorder struct {
	mu        sync.Mutex
	questions []Record
	feedback  []Feedback
}

func (m *memRecorder) RecordQuestion(r Record) {
	m.mu.Lock()
	m.questions = append(m.questions, r)
	m.mu.Unlock()
}
func (m *memRecorder) RecordFeedback(f Feedback) {
	m.mu.Lock()
	m.feedback = append(m.feedback, f)
	m.mu.Unlock()
}

func newTestBot(t *testing.T, r tableRanker, o Options) *Bot {
	t.Helper()
	b, err := New(testLibrary(), map[string]Ranker{"测试乡": r}, o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecision(t *testing.T) {
	r := tableRanker{
		"clear":   hits(10, Hit{Ref: "C1", Score: 6}, Hit{Ref: "B1", Score: 2}),
		"close":   hits(10, Hit{Ref: "C1", Score: 4}, Hit{Ref: "B1", Score: 3.6}, Hit{Ref: "C2", Score: 3.5}, Hit{Ref: "R1", Score: 3.4}),
		"tied":    hits(10, Hit{Ref: "C1", Score: 8}, Hit{Ref: "B1", Score: 7.9}),
		"sure":    hits(10, Hit{Ref: "C1", Score: 8}, Hit{Ref: "B1", Score: 7}),
		"weak":    hits(10, Hit{Ref: "C1", Score: 1}),
		"nothing": hits(10),
	}
	b := newTestBot(t, r, Options{})
	tests := []struct {
		q    string
		want Decision
		refs string
	}{
		{"clear", DecideAnswer, "C1"},
		{"close", DecideChoice, "C1,B1,C2"},
		{"tied", DecideChoice, "C1,B1"},
		{"sure", DecideAnswer, "C1"},
		{"weak", DecideNone, ""},
		{"nothing", DecideNone, ""},
	}
	for _, tt := range tests {
		a, err := b.Answer(context.Background(), Question{Channel: WeChat, User: "u-" + tt.q, Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision != tt.want || strings.Join(a.Refs(), ",") != tt.refs {
			t.Errorf("Answer(%q) = %s %v, want %s %s", tt.q, a.Decision, a.Refs(), tt.want, tt.refs)
		}
		if a.Decision == DecideNone && !strings.Contains(a.Text, "12345") {
			t.Errorf("Answer(%q): a none reply must point to 12345: %q", tt.q, a.Text)
		}
	}
}

func TestConversation(t *testing.T) {
	r := tableRanker{"残疾": hits(10, Hit{Ref: "C1", Score: 4}, Hit{Ref: "B1", Score: 3.9})}
	rec := &memRecorder{}
	b := newTestBot(t, r, Options{Recorder: rec})
	ctx := context.Background()
	ask := func(text string) *Answer {
		t.Helper()
		a, err := b.Answer(ctx, Question{Channel: WeChat, User: "u1", Text: text, MessageID: "m-" + text})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := ask("残疾")
	if a.Decision != DecideChoice || !strings.Contains(a.Text, "1. 残疾人证办理") {
		t.Fatalf("choice: %s %q", a.Decision, a.Text)
	}
	a = ask("2")
	if a.Decision != DecideAnswer || a.Items[0].Ref != "B1" {
		t.Fatalf("pick 2: %s %v", a.Decision, a.Refs())
	}
	if !strings.Contains(a.Text, "测试乡自己负责") {
		t.Errorf("basic item reply does not say the township is responsible: %q", a.Text)
	}
	ask("没用")
	if len(rec.feedback) != 1 || rec.feedback[0].Useful || strings.Join(rec.feedback[0].Refs, ",") != "B1" || rec.feedback[0].MessageID != "m-残疾" || rec.feedback[0].Question != "残疾" {
		t.Errorf("feedback = %+v", rec.feedback)
	}
	if a = ask("2"); a.Decision == DecideAnswer {
		t.Errorf("a second 2 after the pick must not pick again: %s", a.Decision)
	}
	if a = ask("R1"); !strings.Contains(a.Text, "不再开展") {
		t.Errorf("R1 reply: %q", a.Text)
	}
	if a = ask("R2"); !strings.Contains(a.Text, "已由市人力资源和社会保障局收回") || !strings.Contains(a.Text, "工伤认定调查") {
		t.Errorf("R2 reply: %q", a.Text)
	}
	if a = ask("人社局管哪些事"); a.Decision != DecideBody || strings.Join(a.Refs(), ",") != "R2" {
		t.Errorf("body question: %s %v", a.Decision, a.Refs())
	}
	if a = ask("残联负责什么"); a.Decision != DecideBody || strings.Join(a.Refs(), ",") != "C1" {
		t.Errorf("body question: %s %v", a.Decision, a.Refs())
	}
	if a = ask("分类"); a.Decision != DecideCategories || !strings.Contains(a.Text, "民生服务（4项）") {
		t.Errorf("categories: %q", a.Text)
	}
	if a = ask("民生服务"); a.Decision != DecideCategories || len(a.Items) != 4 {
		t.Errorf("category items: %s %v", a.Decision, a.Refs())
	}
	if a = ask("帮助"); a.Decision != DecideHelp || !strings.Contains(a.Text, "12345") {
		t.Errorf("help: %q", a.Text)
	}
	if len(rec.questions) == 0 || rec.questions[0].User != "u1" || rec.questions[0].Decision != DecideChoice {
		t.Errorf("records: %+v", rec.questions)
	}
}

func TestMoreAndChannels(t *testing.T) {
	lib := testLibrary()
	var steps []string
	for i := 0; i < 60; i++ {
		steps = append(steps, fmt.Sprintf("第%03d步", i)+strings.Repeat("做好各项工作", 5))
	}
	lib.Townships[0].Items[1].TownshipSteps = []StepGroup{{Heading: "一、准备", Steps: steps}}
	r := tableRanker{"残疾人证": hits(10, Hit{Ref: "C1", Score: 9})}
	b, err := New(lib, map[string]Ranker{"测试乡": r}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, _ := b.Answer(ctx, Question{Channel: WeChat, User: "u", Text: "残疾人证"})
	if !a.More || len(a.Text) > PlainLimit || !strings.HasSuffix(a.Text, "回复 详情 查看更多") {
		t.Fatalf("first page: more=%v, %d bytes", a.More, len(a.Text))
	}
	if n := strings.Count(a.Text, "步做好"); n != briefSteps {
		t.Errorf("the first, brief page shows %d steps, want %d", n, briefSteps)
	}
	seen := 0 // 详情 then shows everything
	for i := 0; a.More; i++ {
		if i > 10 {
			t.Fatal("详情 never ends")
		}
		a, _ = b.Answer(ctx, Question{Channel: WeChat, User: "u", Text: "详情"})
		if a.Decision != DecideMore || len(a.Text) > PlainLimit {
			t.Fatalf("详情: %s, %d bytes", a.Decision, len(a.Text))
		}
		seen += strings.Count(a.Text, "步做好")
	}
	if seen != 60 {
		t.Errorf("the pages show %d steps, want 60", seen)
	}
	md := Format{Markdown: true, Limit: 20480, Full: true}
	w, _ := b.Answer(ctx, Question{Channel: WeCom, Format: md, User: "u", Text: "残疾人证"})
	if w.More || len(w.Text) > md.Limit || !strings.Contains(w.Text, "**【C1】残疾人证办理**") {
		t.Errorf("WeCom reply: more=%v %d bytes", w.More, len(w.Text))
	}
}

func TestLimiter(t *testing.T) {
	b := newTestBot(t, tableRanker{}, Options{Limiter: NewMemoryLimiter(2)})
	var last *Answer
	for i := 0; i < 3; i++ {
		last, _ = b.Answer(context.Background(), Question{Channel: WeChat, User: "flood", Text: "帮助"})
	}
	if last.Decision != DecideLimited {
		t.Errorf("third question in a minute with limit 2: %s", last.Decision)
	}
	other, _ := b.Answer(context.Background(), Question{Channel: WeChat, User: "calm", Text: "帮助"})
	if other.Decision != DecideHelp {
		t.Errorf("another user is limited too: %s", other.Decision)
	}
}

func TestMemorySessions(t *testing.T) {
	m := NewMemorySessions(2)
	now := time.Unix(1000, 0)
	m.now = func() time.Time { return now }
	ctx := context.Background()
	_ = m.Put(ctx, "a", Session{Question: "a"}, time.Minute)
	_ = m.Put(ctx, "b", Session{Question: "b"}, time.Minute)
	_, _, _ = m.Get(ctx, "a")
	_ = m.Put(ctx, "c", Session{Question: "c"}, time.Minute) // pushes out b, the least recently used
	if _, ok, _ := m.Get(ctx, "b"); ok {
		t.Error("b should have been pushed out")
	}
	if s, ok, _ := m.Get(ctx, "a"); !ok || s.Question != "a" {
		t.Error("a lost")
	}
	now = now.Add(2 * time.Minute)
	if _, ok, _ := m.Get(ctx, "a"); ok {
		t.Error("a should have expired")
	}
	if m.Len() != 1 {
		t.Errorf("Len = %d after expiry, want 1", m.Len())
	}
}

func TestUnknownTownship(t *testing.T) {
	b := newTestBot(t, tableRanker{}, Options{})
	if _, err := b.Answer(context.Background(), Question{Text: "x", Township: "无此乡"}); err == nil {
		t.Error("no error for an unknown township")
	}
	if _, err := New(testLibrary(), map[string]Ranker{}, Options{}); err == nil {
		t.Error("New accepted a township without a ranker")
	}
}

// One bot for several townships: naming a township switches to it (and
// the session remembers it), a question that names one is answered from
// it, a short name inside a question does not switch, and the help lists
// them.
func TestSeveralTownships(t *testing.T) {
	lib := testLibrary()
	other := &Township{Name: "平江街道", City: "姑苏区", Items: []*Item{
		{Ref: "B1", Kind: Basic, Seq: 1, Category: "社区治理", Name: "社区网格化管理"},
	}}
	lib.Townships = append(lib.Townships, other)
	first := tableRanker{"低保": hits(10, Hit{Ref: "C1", Score: 8})}
	second := tableRanker{"低保": hits(10, Hit{Ref: "B1", Score: 8}), "平江街道低保": hits(10, Hit{Ref: "B1", Score: 8})}
	b, err := New(lib, map[string]Ranker{"测试乡": first, "平江街道": second}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ask := func(user, text string) *Answer {
		t.Helper()
		a, err := b.Answer(ctx, Question{Channel: WeChat, User: user, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if a := ask("u1", "低保"); a.Township.Name != "测试乡" || a.Refs()[0] != "C1" {
		t.Errorf("before switching: %s %v, want 测试乡 C1", a.Township.Name, a.Refs())
	}
	for _, msg := range []string{"平江街道", "切换到平江", "我是平江街道的", "平江"} {
		a := ask("u2"+msg, msg)
		if a.Township.Name != "平江街道" || a.Decision != DecideHelp || !strings.Contains(a.Text, "已切换到平江街道") {
			t.Errorf("%q: %s %s %q, want a switch to 平江街道", msg, a.Township.Name, a.Decision, a.Text)
		}
		if a := ask("u2"+msg, "低保"); a.Township.Name != "平江街道" || a.Refs()[0] != "B1" {
			t.Errorf("after %q: %s %v, want 平江街道 B1", msg, a.Township.Name, a.Refs())
		}
	}
	if a := ask("u3", "平江街道低保"); a.Township.Name != "平江街道" || a.Decision != DecideAnswer || a.Refs()[0] != "B1" {
		t.Errorf("question naming the township: %s %s %v", a.Township.Name, a.Decision, a.Refs())
	}
	if a := ask("u4", "平江低保"); a.Township.Name != "测试乡" {
		t.Errorf("a short name inside a question switched to %s", a.Township.Name)
	}
	help := ask("u5", "帮助").Text
	if !strings.Contains(help, "测试乡、平江街道") || !strings.Contains(help, "现在查询的是测试乡") {
		t.Errorf("help does not list the townships:\n%s", help)
	}
	if w := b.Welcome(Format{}); !strings.Contains(w, "平江街道") {
		t.Errorf("welcome does not list the townships:\n%s", w)
	}
	// With one township, a name is just words of the question.
	single := newTestBot(t, tableRanker{"测试乡": hits(10, Hit{Ref: "C1", Score: 8})}, Options{})
	if a, _ := single.Answer(ctx, Question{Channel: WeChat, User: "u", Text: "测试乡"}); a.Decision != DecideAnswer {
		t.Errorf("one township: %q answered %s", "测试乡", a.Decision)
	}
}

// A number with no choice pending is not a question: it must not be
// matched against the items (a step may well hold that number).
func TestNumberWithoutChoice(t *testing.T) {
	b := newTestBot(t, tableRanker{"1": hits(10, Hit{Ref: "C1", Score: 8}), "12": hits(10, Hit{Ref: "C1", Score: 8})}, Options{})
	for _, msg := range []string{"1", "第二个", "12", "３"} {
		a, err := b.Answer(context.Background(), Question{Channel: WeChat, User: "fresh" + msg, Text: msg})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision != DecideHelp || !strings.Contains(a.Text, "没有待选择") {
			t.Errorf("%q with no choice pending: %s %q", msg, a.Decision, a.Text)
		}
	}
}

// A matter no longer done by anyone points to the hotline.
func TestNoLongerDoneHotline(t *testing.T) {
	b := newTestBot(t, tableRanker{"单身证明": hits(10, Hit{Ref: "R1", Score: 8}), "工伤": hits(10, Hit{Ref: "R2", Score: 8})},
		Options{Hotline: "12345"})
	ask := func(q string) string {
		a, err := b.Answer(context.Background(), Question{Channel: WeChat, User: "u" + q, Text: q})
		if err != nil {
			t.Fatal(err)
		}
		return a.Text
	}
	if got := ask("单身证明"); !strings.Contains(got, "不再开展") || !strings.Contains(got, "拨打 12345") {
		t.Errorf("no longer done: %q, want the hotline", got)
	}
	if got := ask("工伤"); strings.Contains(got, "12345") {
		t.Errorf("taken back by a body: %q, want that body, not the hotline", got)
	}
}
