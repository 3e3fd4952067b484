package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Emergency is a kind of danger a message tells of, and the number to call.
type Emergency string

// The emergencies the bot recognises.
const (
	EmergencyFire     Emergency = "fire"     // fire, smoke, a gas leak: 119
	EmergencyFlood    Emergency = "flood"    // flood, landslide, a house collapsing: 119 and 110
	EmergencyHurt     Emergency = "hurt"     // a person hurt, unconscious, poisoned: 120
	EmergencyViolence Emergency = "violence" // violence at home, a fight, threats: 110
)

// emergencyCues are the words that tell of each emergency, in the
// families of phrasing people use (what happens, what it does, the
// official word). A message is matched against them after its spaces are
// taken out.
var emergencyCues = []struct {
	kind Emergency
	cues []string
}{
	{EmergencyFire, []string{"着火", "失火", "起火", "火灾", "烧起来", "烧着了", "火烧", "大火", "冒烟", "冒黑烟", "浓烟",
		"煤气泄漏", "燃气泄漏", "天然气泄漏", "煤气漏", "燃气漏", "液化气漏", "爆炸"}},
	{EmergencyFlood, []string{"洪水", "发大水", "山洪", "被淹", "淹了", "淹没", "进水了", "决堤", "溃坝", "垮坝", "泥石流",
		"山体滑坡", "塌方", "房子塌", "房屋倒塌", "房倒", "被水冲", "被困", "困住了"}},
	{EmergencyHurt, []string{"受伤", "流血", "出血", "昏迷", "晕倒", "晕过去", "不省人事", "没有意识", "没意识", "骨折", "摔伤",
		"撞伤", "被车撞", "车祸", "快不行了", "没气了", "没呼吸", "喘不上气", "呼吸困难", "中毒", "触电", "电击",
		"溺水", "掉河里", "掉水里", "掉井里", "落水", "咬伤", "烧伤", "烫伤", "心脏病", "抽搐", "想不开", "自杀", "喝农药"}},
	{EmergencyViolence, []string{"家暴", "家庭暴力", "打我", "打伤", "被打", "打人", "动手打", "殴打", "砍人", "拿刀", "持刀",
		"掐我", "要杀", "杀人", "威胁", "虐待", "抢劫", "绑架", "闹事", "打架", "斗殴"}},
}

// Emergencies returns the emergencies a message tells of, in a fixed
// order, none when it tells of none.
func Emergencies(text string) []Emergency {
	s := squeeze(text)
	var out []Emergency
	for _, e := range emergencyCues {
		for _, c := range e.cues {
			if strings.Contains(s, c) {
				out = append(out, e.kind)
				break
			}
		}
	}
	return out
}

// emergencyLine is the line an answer starts with when the message tells
// of an emergency: the numbers to call, said so that a message about a
// past event is not alarmed.
func emergencyLine(es []Emergency, h Hotlines) string {
	var calls []string
	seen := map[string]bool{}
	add := func(what, number string) {
		if !seen[number] {
			seen[number] = true
			calls = append(calls, what+"请马上拨打 "+number)
		}
	}
	for _, e := range es {
		switch e {
		case EmergencyFire:
			add("着火或燃气泄漏", h.Fire)
		case EmergencyFlood:
			add("有人被困或有险情", h.Fire)
			add("需要救援", h.Police)
		case EmergencyHurt:
			add("有人受伤或病危", h.Ambulance)
		case EmergencyViolence:
			add("有人正在施暴或受到威胁", h.Police)
		}
	}
	return "【紧急】如果正在发生危险：" + strings.Join(calls, "；") + "。先保证人身安全，再办其他事。"
}

// squeeze returns text without spaces and without the punctuation that
// ends or decorates a message.
func squeeze(text string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, text)
}

// The kinds of small talk. A small-talk message is made only of their
// phrases (and particles).
const (
	talkGreeting = "greeting"
	talkThanks   = "thanks"
	talkOK       = "ok"
	talkBye      = "bye"
	talkWho      = "who"
	talkPraise   = "praise"
)

// smallTalk are the phrases of small talk by kind, the kind that
// outweighs the others first ("好的，谢谢" thanks).
var smallTalk = []struct {
	kind    string
	phrases []string
}{
	{talkThanks, []string{"谢谢", "多谢", "感谢", "谢了", "谢啦", "谢谢啦", "非常感谢", "太感谢了", "麻烦你了", "麻烦了", "辛苦了",
		"辛苦", "thanks", "thank you", "thankyou", "thx", "3q"}},
	{talkBye, []string{"再见", "拜拜", "bye", "byebye", "回头见", "下次再问", "没事了", "没有了", "没问题了", "就这些"}},
	{talkWho, []string{"你是谁", "你是机器人吗", "你是机器人", "你是真人吗", "你是人吗", "是机器人吗", "机器人", "你叫什么"}},
	{talkPraise, []string{"真棒", "很好", "太好了", "厉害", "不错", "真好", "棒", "赞", "点赞", "有意思"}},
	{talkGreeting, []string{"你好", "您好", "你们好", "大家好", "哈喽", "嗨", "hello", "hi", "hey", "早上好", "上午好", "中午好",
		"下午好", "晚上好", "早安", "晚安", "早", "在吗", "在不在", "在么", "有人吗", "有人在吗", "打扰了", "打扰一下", "请问"}},
	{talkOK, []string{"好的", "好滴", "好嘞", "好吧", "好", "嗯嗯", "嗯", "哦哦", "哦", "噢", "行", "行的", "可以", "知道了",
		"晓得了", "明白了", "明白", "懂了", "收到", "了解", "清楚了", "ok", "okay", "对", "是的", "是", "没事"}},
}

// fillers may stand around small-talk phrases: particles, "you", "thank
// you" words spread over a message.
var fillers = []string{"啊", "呀", "哈", "啦", "了", "呢", "吧", "哦", "喔", "嘛", "哟", "呐", "的", "你", "您", "们", "哈哈", "呵呵", "嘿嘿",
	"嘻嘻", "老师", "同志", "小哥", "领导", "大家", "非常", "真的", "真是", "太", "很", "一下", "啊啊"}

// SmallTalk returns the kind of small talk a message is (a greeting,
// thanks, an acknowledgement, goodbye, "who are you", praise), or ""
// when it holds anything else. A message of emoji or punctuation alone
// is an acknowledgement.
func SmallTalk(text string) string {
	s := strings.ToLower(squeeze(text))
	if s == "" {
		if strings.TrimSpace(text) != "" && !strings.ContainsAny(text, "?？") {
			return talkOK // 😊, 👌, !!!
		}
		return ""
	}
	if utf8.RuneCountInString(s) > 16 {
		return ""
	}
	kind, rank := "", len(smallTalk)
	for s != "" {
		found := false
		for i, st := range smallTalk {
			for _, p := range st.phrases {
				if strings.HasPrefix(s, p) {
					if i < rank { // thanks outweigh a greeting, a greeting an ok
						kind, rank = st.kind, i
					}
					s, found = s[len(p):], true
					break
				}
			}
			if found {
				break
			}
		}
		if found {
			continue
		}
		for _, f := range fillers {
			if strings.HasPrefix(s, f) {
				s, found = s[len(f):], true
				break
			}
		}
		if !found {
			return ""
		}
	}
	return kind
}

// smallTalkReply is the bot's short answer to small talk.
func smallTalkReply(kind string, t *Township) string {
	switch kind {
	case talkThanks:
		return "不客气！还有问题请直接问我。"
	case talkBye:
		return "好的，再见！有事随时问我。"
	case talkWho:
		return "我是" + t.Name + "履职事项的自动问答，不是真人。请直接说您要办的事，例如：办残疾证找谁。要找工作人员，请回复“人工”。"
	case talkPraise:
		return "谢谢夸奖！还有问题请直接问我。"
	case talkOK:
		return "好的。还有其他问题请直接提问。"
	}
	return "您好！我是" + t.Name + "履职事项问答。请直接说您要办的事，例如：办残疾证找谁。回复“帮助”查看用法。"
}

// humanCues ask for a person, or for a number to call; humanFillers may
// stand around them. A message made only of these asks for contact; one
// that asks about something else as well ("低保找谁，电话多少") is a
// question, and its answer ends with the contact.
var (
	humanCues = []string{"转人工", "人工客服", "人工服务", "人工坐席", "人工", "真人", "客服", "工作人员", "值班人员", "接线员",
		"联系电话", "办公电话", "咨询电话", "服务电话", "值班电话", "电话号码", "电话号", "手机号", "联系方式", "联系方法",
		"电话", "打电话", "来电", "怎么联系", "如何联系", "联系你们", "联系", "地址", "在哪办公", "在哪里", "在哪儿", "在哪", "哪里", "办公时间", "上班时间", "几点上班", "几点下班"}
	humanFillers = []string{"我要", "我想", "我", "要", "想", "请", "帮我", "给我", "找", "转", "接", "叫", "打", "问", "的", "是", "多少",
		"几号", "什么", "啥", "哪个", "有没有", "有", "没有", "吗", "呢", "啊", "呀", "吧", "一下", "一个", "个", "能不能", "可以",
		"你们", "你们的", "您", "你", "和", "或", "跟", "怎么", "如何", "给", "乡政府", "镇政府", "政府", "乡里", "镇里",
		"街道", "便民服务中心", "服务中心", "村委会", "村里", "办公室", "乡上", "几点", "时间", "上班", "下班", "求", "帮忙", "麻烦"}
)

// AsksForPerson reports whether a message only asks for a person or a
// number to call: 转人工, 人工客服, 打电话, 你们电话多少, 便民服务中心在哪.
func AsksForPerson(text string) bool {
	s := strings.ToLower(squeeze(text))
	if s == "" || utf8.RuneCountInString(s) > 20 {
		return false
	}
	cue := false
	for s != "" {
		found := false
		for _, c := range humanCues {
			if strings.HasPrefix(s, c) {
				s, found, cue = s[len(c):], true, true
				break
			}
		}
		if !found {
			for _, f := range humanFillers {
				if strings.HasPrefix(s, f) {
					s, found = s[len(f):], true
					break
				}
			}
		}
		if !found {
			return false
		}
	}
	return cue
}

// personReply tells whom to call: the township's contacts when they are
// configured, else the hotline and the township's service centre.
func personReply(t *Township, c *Contacts, h Hotlines) string {
	if text := contactsText(t, c); text != "" {
		return "本号是自动问答。需要工作人员帮助，请在办公时间联系：\n" + strings.TrimPrefix(text, t.Name+"联系方式：\n") +
			"\n也可拨打 " + h.Government + " 政务服务便民热线。"
	}
	return "本号是自动问答，没有人工客服。需要工作人员帮助，请到" + t.Office() + "便民服务中心咨询，或拨打 " +
		h.Government + " 政务服务便民热线。"
}
