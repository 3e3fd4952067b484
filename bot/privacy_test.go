package bot

import (
	"context"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"身份证650102199001011234", "身份证6501**********1234"},
		{"身份证号65010219900101123X低保", "身份证号6501**********123X低保"},
		{"身份证号65010219900101123x", "身份证号6501**********123X"},
		{"老身份证650102900101123", "老身份证6501*******1123"},
		{"６５０１０２１９９００１０１１２３４", "6501**********1234"},
		{"电话13812345678", "电话138****5678"},
		{"电话 138 1234 5678 找我", "电话 138****5678 找我"},
		{"电话138-1234-5678", "电话138****5678"},
		{"+86 13812345678", "138****5678"},
		{"+8613812345678", "138****5678"},
		{"+86 138 1234 5678", "138****5678"},
		{"卡号6222021234567890123", "卡号6222***********0123"},
		{"卡号 6222 0212 3456 7890", "卡号 6222********7890"},
		{"卡号6222-0212-3456-7890-123", "卡号6222***********0123"},
		// Short numbers stay: amounts, years, hotlines, refs.
		{"2024年补贴发了3000元，打12345没人接", "2024年补贴发了3000元，打12345没人接"},
		{"座机0999-8012345", "座机0999***2345"},
		{"0999-801234", "0999-801234"},
		{"B12 C16", "B12 C16"},
		{"1 2 3", "1 2 3"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The bot masks a question before it is matched, logged and echoed, and
// still answers what it asks.
func TestAnswerMasks(t *testing.T) {
	const masked = "我叫张三身份证6501**********1234电话 138****5678低保怎么办"
	rec := &memRecorder{}
	var asked []string
	r := rankerFunc(func(q string, limit int) Ranking {
		asked = append(asked, q)
		switch {
		case strings.Contains(q, "低保"):
			return hits(10, Hit{Ref: "B1", Score: 8})
		case strings.Contains(q, "身份证") && strings.Contains(q, "补办"):
			return Ranking{Max: 10, OutOfScope: &OutOfScope{Matter: "身份证补办", Body: "公安派出所", Score: 9}}
		}
		return hits(10)
	})
	b, err := New(testLibrary(), map[string]Ranker{"测试乡": r}, Options{Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	a, err := b.Answer(context.Background(), Question{Channel: WeChat, User: "u", Text: "我叫张三身份证650102199001011234电话 138 1234 5678低保怎么办"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Decision != DecideAnswer || a.Items[0].Ref != "B1" {
		t.Errorf("masked question: %s %v, want B1", a.Decision, a.Refs())
	}
	// The ranker sees neither the numbers nor, first, the words that
	// introduce them.
	if len(asked) == 0 || asked[0] != "我叫张三 低保怎么办" {
		t.Errorf("ranker saw %q first, want the question without its numbers", asked)
	}
	for _, q := range asked {
		if strings.ContainsAny(q, "*0123456789") {
			t.Errorf("ranker saw %q", q)
		}
	}
	if len(rec.questions) != 1 || rec.questions[0].Text != masked {
		t.Errorf("logged %+v, want the masked question", rec.questions)
	}
	// A reply that echoes the question echoes it masked.
	a, _ = b.Answer(context.Background(), Question{Channel: WeChat, User: "u2", Text: "13812345678"})
	if strings.Contains(a.Text, "13812345678") || strings.Contains(rec.questions[1].Text, "1234") && !strings.Contains(rec.questions[1].Text, "****") {
		t.Errorf("echo %q, logged %q: the number shows", a.Text, rec.questions[1].Text)
	}
	// A question about the card itself keeps the card's word.
	a, _ = b.Answer(context.Background(), Question{Channel: WeChat, User: "u4", Text: "身份证650102199001011234丢了怎么补办"})
	if a.Unlisted == nil || a.Unlisted.Matter != "身份证补办" {
		t.Errorf("a lost ID card: %s %q, want the unlisted matter 身份证补办", a.Decision, a.Text)
	}
	a, _ = b.Answer(context.Background(), Question{Channel: WeChat, User: "u3", Text: "我的卡号6222021234567890123丢了"})
	if !strings.Contains(a.Text, "6222***********0123") || strings.Contains(a.Text, "6222021234567890123") {
		t.Errorf("none reply echoes %q", a.Text)
	}
}

type rankerFunc func(q string, limit int) Ranking

func (f rankerFunc) Rank(q string, limit int) Ranking { return f(q, limit) }
