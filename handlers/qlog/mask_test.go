package qlog

import (
	"context"
	"strings"
	"testing"
	"time"

	"dutybot/bot"
)

// The report shows questions logged before the bot masked personal
// numbers masked too: unanswered questions and those of 没用 answers.
func TestReportMasks(t *testing.T) {
	s := MustOpen(t)
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local)
	q := bot.Record{Time: at, Township: "喀尔墩乡", Channel: bot.WeChat, User: "u", MessageID: "m1",
		Text: "我身份证650102199001011234电话13812345678怎么补办", Decision: bot.DecideNone}
	f := bot.Feedback{Time: at.Add(time.Minute), Township: "喀尔墩乡", Channel: bot.WeChat, User: "u2", Useful: false,
		Question: "卡号 6222 0212 3456 7890 低保", Refs: []string{"B20"}}
	if err := s.Write(context.Background(), []Entry{{Question: &q}, {Feedback: &f, Names: []string{"低保"}}}); err != nil {
		t.Fatal(err)
	}
	rep, err := s.Report(context.Background(), ReportOptions{Since: at.Add(-time.Hour), Until: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, u := range rep.Unanswered {
		shown = append(shown, u.Question)
	}
	for _, n := range rep.NotUseful {
		shown = append(shown, n.Questions...)
	}
	got := strings.Join(shown, "|")
	if got != "我身份证6501**********1234电话138****5678怎么补办|卡号 6222********7890 低保" {
		t.Errorf("report shows %q, want the numbers masked", got)
	}
}
