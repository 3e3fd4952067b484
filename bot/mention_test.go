package bot

import (
	"context"
	"strings"
	"testing"
)

func TestStripMentions(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"@履职助手 请问低保找谁", "请问低保找谁"},
		{"@履职助手\u2005请问低保找谁", "请问低保找谁"},
		{"@机器人\u2005 问题 ", "问题"},
		{"  @机器人 问题", "问题"},
		{"＠张三 低保", "低保"},
		{"低保找谁 @李四", "低保找谁"},
		{"@助手请问低保找谁", "助手请问低保找谁"}, // no break after the name: only the @ goes
		{"@机器人\u2005", ""},
		{"发到 abc@example.com", "发到 abc@example.com"},
		{"低保找谁@李四", "低保找谁"},          // glued to the question's end
		{"低保找谁@李四 还有", "低保找谁@李四 还有"}, // not at the end: may be part of the question
		{"发到abc@example.com", "发到abc@example.com"},
		{"低保", "低保"},
		{"", ""},
	} {
		if got := strings.TrimSpace(stripMentions(tc.in)); got != tc.want {
			t.Errorf("stripMentions(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// A group chat's @-mention is no part of the question: a command after it
// is still a command, and the ranker never sees it.
func TestAnswerStripsMentions(t *testing.T) {
	r := tableRanker{"残疾人证": hits(10, Hit{Ref: "C1", Score: 9})}
	b := newTestBot(t, r, Options{})
	ctx := context.Background()
	if a, _ := b.Answer(ctx, Question{Channel: WeCom, User: "u", Text: "@履职助手\u2005帮助"}); a.Decision != DecideHelp {
		t.Errorf("@mention + 帮助 = %s, want help", a.Decision)
	}
	if a, _ := b.Answer(ctx, Question{Channel: WeCom, User: "u", Text: "@履职助手 残疾人证"}); a.Decision != DecideAnswer {
		t.Errorf("@mention + question = %s %v, want the answer the ranker gives for the bare question", a.Decision, a.Refs())
	}
}
