package bot

import (
	"context"
	"strings"
	"testing"
)

// testContacts are a township's contacts as staff would configure them.
func testContacts() *Contacts {
	return &Contacts{
		Hotlines: Hotlines{Government: "0999-12345"},
		Departments: []Contact{
			{Name: "市残联", Phone: "0999-8021234", Address: "解放路 8 号"}, // an alias of 市残疾人联合会
			{Name: "市人力资源和社会保障局", Phone: "0999-8035678", Hours: "工作日 9:30-19:30"},
		},
		Townships: map[string]*TownContacts{"测试乡": {
			Center: Contact{Name: "测试乡便民服务中心", Phone: "0999-8011111", Address: "测试乡政府一楼", Hours: "工作日 9:30-13:30、16:00-19:30"},
			Offices: []Office{
				{Contact: Contact{Name: "测试乡民政办", Phone: "0999-8012222"}, Area: "民政", Categories: []string{"民生服务"}},
				{Contact: Contact{Name: "测试乡综治中心", Phone: "0999-8013333"}, Area: "综治", Items: []string{"c2"}},
			},
			Villages: []Contact{{Name: "一村村委会", Phone: "13800000001"}},
		}},
	}
}

// villageLibrary is testLibrary with a cooperative item whose first step
// is taken in the village.
func villageLibrary() *Library {
	lib := testLibrary()
	t := lib.Townships[0]
	t.Items = append(t.Items, &Item{Ref: "C3", Kind: Cooperative, Seq: 3, Category: "乡村振兴", Name: "困难重度残疾人家庭无障碍改造",
		Leads: []string{"市残疾人联合会", "市民政局"}, TownshipSteps: []StepGroup{{Steps: []string{"指导村（社区）摸排、入户核查", "整理上报名单"}}}})
	return lib
}

// The next-step line of each kind of item, with and without contacts:
// without them the answer says what the list says and nothing more.
func TestNextStep(t *testing.T) {
	tests := []struct {
		ref      string
		contacts bool
		want     []string // in the answer, in this order
		not      []string
	}{
		{"B1", false, []string{"办理：请到测试乡人民政府（便民服务中心）咨询办理，也可以先找本村村委会或网格员。"}, []string{"下一步", "电话"}},
		{"B1", true, []string{"下一步：请联系测试乡民政办（电话 0999-8012222）。"}, []string{"办理：请到"}},
		{"C1", false, []string{"市残疾人联合会做什么"}, []string{"下一步", "电话"}},
		{"C1", true, []string{"市残疾人联合会做什么", "下一步：请联系测试乡民政办（电话 0999-8012222）。\n牵头部门：市残联（电话 0999-8021234；地址 解放路 8 号）"}, nil},
		{"C2", true, []string{"下一步：请联系测试乡综治中心（电话 0999-8013333）。\n牵头部门：市公安局"}, []string{"市公安局（"}},
		{"C3", false, nil, []string{"下一步", "电话"}},
		{"C3", true, []string{"下一步：先找本村村委会或网格员（各村电话回复“联系方式”查看），或联系测试乡便民服务中心（电话 0999-8011111；地址 测试乡政府一楼；办公时间 工作日 9:30-13:30、16:00-19:30）。\n牵头部门：市残联（电话 0999-8021234；地址 解放路 8 号）等"}, nil},
		{"R2", false, []string{"已由市人力资源和社会保障局收回"}, []string{"下一步", "电话"}},
		{"R2", true, []string{"已由市人力资源和社会保障局收回", "下一步：请联系市人力资源和社会保障局（电话 0999-8035678；办公时间 工作日 9:30-19:30）。"}, nil},
		{"R1", false, []string{"不再开展", "如有疑问，请拨打 12345 政务服务便民热线。"}, []string{"下一步"}},
		{"R1", true, []string{"不再开展", "如有疑问，请拨打 0999-12345 政务服务便民热线，或联系测试乡便民服务中心（电话 0999-8011111"}, []string{"下一步"}},
	}
	for _, tt := range tests {
		o := Options{}
		if tt.contacts {
			o.Contacts = testContacts()
		}
		b, err := New(villageLibrary(), map[string]Ranker{"测试乡": tableRanker{}}, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []Format{{}, {Full: true}, {Markdown: true, Full: true}} {
			a, err := b.Answer(context.Background(), Question{Channel: API, Format: f, User: "u", Text: tt.ref})
			if err != nil {
				t.Fatal(err)
			}
			text := a.Text
			if f.Markdown {
				text = strings.ReplaceAll(text, "\n\n", "\n")
			}
			rest := text
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("%s (contacts %v, %+v): want %q in\n%s", tt.ref, tt.contacts, f, w, text)
					break
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tt.not {
				if strings.Contains(text, w) {
					t.Errorf("%s (contacts %v, %+v): %q should not be in\n%s", tt.ref, tt.contacts, f, w, text)
				}
			}
			if tt.contacts && tt.ref != "R1" && !strings.HasPrefix(lastLine(text), "牵头部门") && !strings.HasPrefix(lastLine(text), "下一步") {
				t.Errorf("%s: the answer does not end with the next step:\n%s", tt.ref, text)
			}
		}
	}
}

func lastLine(s string) string { return s[strings.LastIndex(strings.TrimRight(s, "\n"), "\n")+1:] }

// 帮助 and a request for a person show the contacts when they are
// configured, and the hotline and the township's office when not.
func TestContactsShown(t *testing.T) {
	for _, configured := range []bool{false, true} {
		o := Options{}
		if configured {
			o.Contacts = testContacts()
		}
		b := newTestBot(t, tableRanker{}, o)
		ask := asker(t, b, "u")
		help := ask("帮助").Text
		for _, msg := range []string{"转人工", "人工客服", "人工", "我要找人工", "打电话", "你们电话多少？", "联系方式", "便民服务中心在哪", "村委会电话是多少"} {
			a := ask(msg)
			if a.Decision != DecideContact {
				t.Errorf("%q: %s, want contact", msg, a.Decision)
				continue
			}
			if configured {
				for _, w := range []string{"测试乡便民服务中心（电话 0999-8011111", "测试乡民政办（电话 0999-8012222）", "一村村委会（电话 13800000001）", "0999-12345"} {
					if !strings.Contains(a.Text, w) {
						t.Errorf("%q: want %q in\n%s", msg, w, a.Text)
					}
				}
			} else if !strings.Contains(a.Text, "12345") || !strings.Contains(a.Text, "测试乡人民政府便民服务中心") || strings.Contains(a.Text, "电话 ") {
				t.Errorf("%q unconfigured: want the hotline and the office, no number made up:\n%s", msg, a.Text)
			}
		}
		if configured {
			for _, w := range []string{"测试乡联系方式", "· 测试乡民政办（电话 0999-8012222）", "报警 110，火警 119，急救 120", "政务服务 0999-12345，法律援助 12348"} {
				if !strings.Contains(help, w) {
					t.Errorf("help: want %q in\n%s", w, help)
				}
			}
		} else if strings.Contains(help, "联系方式") {
			t.Errorf("help without contacts lists contacts:\n%s", help)
		}
	}
}
