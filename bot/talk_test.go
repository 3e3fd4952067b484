package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestEmergencies(t *testing.T) {
	tests := []struct {
		in   string
		want []Emergency
	}{
		{"邻居家着火了！", []Emergency{EmergencyFire}},
		{"厨房 冒 烟 了怎么办", []Emergency{EmergencyFire}},
		{"家里煤气泄漏了", []Emergency{EmergencyFire}},
		{"发大水了村子被淹了", []Emergency{EmergencyFlood}},
		{"山上下来泥石流把路冲了", []Emergency{EmergencyFlood}},
		{"我爸从房顶摔下来昏迷了", []Emergency{EmergencyHurt}},
		{"路口被车撞了流了好多血", []Emergency{EmergencyHurt}},
		{"孩子掉河里了", []Emergency{EmergencyHurt}},
		{"我丈夫喝了酒就打我", []Emergency{EmergencyViolence}},
		{"家暴怎么办", []Emergency{EmergencyViolence}},
		{"他拿刀威胁要杀我们全家", []Emergency{EmergencyViolence}},
		{"房子着火了有人受伤", []Emergency{EmergencyFire, EmergencyHurt}},
		{"办残疾证找谁", nil},
		{"防火宣传是乡里管吗", nil},
		{"打电话找谁", nil},
		{"人工影响天气作业", nil},
	}
	for _, tt := range tests {
		if got := Emergencies(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Emergencies(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// An emergency's numbers come before any item, within the channel's
// limit; the item is still answered.
func TestEmergencyFirst(t *testing.T) {
	r := tableRanker{
		"邻居家着火了先打哪个电话": hits(10, Hit{Ref: "C2", Score: 8}),
		"我丈夫喝了酒就打我":    hits(10, Hit{Ref: "B1", Score: 8}),
		"路上被狗咬伤了":      hits(10),
	}
	b := newTestBot(t, r, Options{Contacts: &Contacts{Hotlines: Hotlines{Police: "110"}}})
	tests := []struct {
		q, first string
		d        Decision
	}{
		{"邻居家着火了先打哪个电话", "请马上拨打 119", DecideAnswer},
		{"我丈夫喝了酒就打我", "请马上拨打 110", DecideAnswer},
		{"路上被狗咬伤了", "请马上拨打 120", DecideNone},
	}
	for _, tt := range tests {
		for _, f := range []Format{{}, {Markdown: true, Limit: 300}} {
			a, err := b.Answer(context.Background(), Question{Channel: WeChat, Format: f, User: "u" + tt.q, Text: tt.q})
			if err != nil {
				t.Fatal(err)
			}
			first, _, _ := strings.Cut(a.Text, "\n")
			if a.Decision != tt.d || len(a.Emergencies) == 0 || !strings.HasPrefix(first, "【紧急】") || !strings.Contains(first, tt.first) {
				t.Errorf("%q: %s %v, first line %q, want %s starting with %q", tt.q, a.Decision, a.Emergencies, first, tt.d, tt.first)
			}
			if f.Limit > 0 && len(a.Text) > f.Limit {
				t.Errorf("%q: %d bytes over the limit %d", tt.q, len(a.Text), f.Limit)
			}
		}
	}
}

func TestSmallTalk(t *testing.T) {
	tests := []struct{ in, want string }{
		{"你好", talkGreeting}, {"您好！", talkGreeting}, {"在吗？", talkGreeting}, {"有人吗", talkGreeting}, {"hello", talkGreeting},
		{"谢谢", talkThanks}, {"谢谢你啊", talkThanks}, {"好的，谢谢！", talkThanks}, {"非常感谢领导", talkThanks}, {"辛苦了", talkThanks},
		{"好的", talkOK}, {"嗯嗯", talkOK}, {"知道了", talkOK}, {"OK", talkOK}, {"😊", talkOK}, {"👍👍", talkOK}, {"！！", talkOK},
		{"再见", talkBye}, {"拜拜", talkBye}, {"你是机器人吗", talkWho}, {"你是谁呀", talkWho}, {"太好了", talkPraise},
		// Questions are not small talk, however polite.
		{"你好，办残疾证找谁", ""}, {"谢谢，低保怎么申请", ""}, {"好的低保", ""}, {"在吗 宅基地怎么批", ""}, {"", ""}, {"？", ""},
	}
	for _, tt := range tests {
		if got := SmallTalk(tt.in); got != tt.want {
			t.Errorf("SmallTalk(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Small talk gets a short polite reply, never "not found"; asking for a
// person gets whom to call; questions that merely contain such words are
// answered.
func TestSmallTalkAnswers(t *testing.T) {
	r := tableRanker{"人工影响天气作业": hits(10, Hit{Ref: "C2", Score: 8}), "低保办理电话是多少": hits(10, Hit{Ref: "B1", Score: 8})}
	b := newTestBot(t, r, Options{})
	tests := []struct {
		q    string
		want Decision
		in   string
	}{
		{"你好", DecideSmallTalk, "您好"}, {"谢谢", DecideSmallTalk, "不客气"}, {"好的", DecideSmallTalk, "好的"},
		{"在吗", DecideSmallTalk, "您好"}, {"😊", DecideSmallTalk, "好的"}, {"拜拜", DecideSmallTalk, "再见"},
		{"转人工", DecideContact, "12345"}, {"人工客服", DecideContact, "12345"}, {"打电话", DecideContact, "12345"},
		{"人工影响天气作业", DecideAnswer, "犬只管理"}, {"低保办理电话是多少", DecideAnswer, "落实残疾人补贴"},
	}
	for _, tt := range tests {
		a, err := b.Answer(context.Background(), Question{Channel: WeChat, User: "u" + tt.q, Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if a.Decision != tt.want || !strings.Contains(a.Text, tt.in) || strings.Contains(a.Text, "没有找到") {
			t.Errorf("%q: %s %q, want %s with %q", tt.q, a.Decision, a.Text, tt.want, tt.in)
		}
		if tt.want == DecideSmallTalk && len([]rune(a.Text)) > 80 {
			t.Errorf("%q: %d characters, want a short reply", tt.q, len([]rune(a.Text)))
		}
	}
}

func TestAsksForPerson(t *testing.T) {
	for _, s := range []string{"转人工", "人工", "人工客服", "我要人工服务", "找个真人", "客服电话", "打电话", "我想打电话给你们",
		"你们电话多少", "联系方式", "怎么联系你们", "乡政府电话号码是多少？", "便民服务中心在哪里", "几点上班", "办公时间"} {
		if !AsksForPerson(s) {
			t.Errorf("AsksForPerson(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"人工影响天气作业", "人工增雨", "村里着火了先打哪个电话", "低保找谁，电话多少", "12345打了电话说转到乡里了",
		"客服不给退款", "残疾证在哪里办", "你好", ""} {
		if AsksForPerson(s) {
			t.Errorf("AsksForPerson(%q) = true, want false", s)
		}
	}
}
