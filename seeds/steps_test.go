package seeds

import (
	"fmt"
	"slices"
	"testing"

	"dutybot/bot"
)

// groupsString renders step groups compactly for comparison:
// [heading: step | step] [heading: step].
func groupsString(gs []bot.StepGroup) string {
	s := ""
	for _, g := range gs {
		s += fmt.Sprintf("[%s:", g.Heading)
		for i, st := range g.Steps {
			if i > 0 {
				s += " |"
			}
			s += " " + st
		}
		s += "]"
	}
	return s
}

func TestParseSteps(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`<ol style="list-style-type: none"> <li>1.确定代表名额，并分配至乡党委；</li> <li>2.审查后报市委批复。</li> </ol>`,
			"[: 确定代表名额，并分配至乡党委 | 审查后报市委批复]"},
		{`<p>一、水库移民安置工作</p> <p>1.组织编制规划大纲；</p> <p>2.负责监管。</p> <p>二、后期扶持工作</p> <p>1.编制扶持规划；</p>`,
			"[水库移民安置工作: 组织编制规划大纲 | 负责监管][后期扶持工作: 编制扶持规划]"},
		{`1.通过招录、聘用充实乡司法 所工作力量； 2.按照规定完成司法所标准化建设，常态化进行业务指导。`,
			"[: 通过招录、聘用充实乡司法所工作力量 | 按照规定完成司法所标准化建设，常态化进行业务指导]"},
		{`市教育局 1.推送中职、高职学生相关数据。 市农业农村局 1.对相关材料进行复核，并将审核结果反馈至乡； 2.核实发放补助资金。`,
			"[市教育局: 推送中职、高职学生相关数据][市农业农村局: 对相关材料进行复核，并将审核结果反馈至乡 | 核实发放补助资金]"},
		{`宣传实习、见习政策，引导本辖区企（事）业单位开发实习、见习岗位。`,
			"[: 宣传实习、见习政策，引导本辖区企（事）业单位开发实习、见习岗位]"},
		{`<ol> <li>负责政策解读与指导，业务培训；</li> <li>根据初审意见进行审批。</li> </ol>`,
			"[: 负责政策解读与指导，业务培训 | 根据初审意见进行审批]"},
		{`<p>市自然资源局：</p> <ol> <li>1.牵头制定方案；</li> <li>2.委托第三方绘图。</li> </ol> <p>市林业和草原局：</p> <ol> <li>1.提供原始档案。</li> </ol>`,
			"[市自然资源局: 牵头制定方案 | 委托第三方绘图][市林业和草原局: 提供原始档案]"},
		{`<p>市林业和草原局</p> <ol> <li>1.及时救助野生动物；</li> </ol> <p>市农业农村局</p> <ol> <li>1.查处违法行为。</li> </ol>`,
			"[市林业和草原局: 及时救助野生动物][市农业农村局: 查处违法行为]"},
		{`<p>一、违法用地整治方面</p> <p>市自然资源局对核查信息开展分析研判，对违法用地行为依法查处。</p> <p>二、违法建设整治方面</p> <p>1.市自然资源局责令停止建设；</p>`,
			"[违法用地整治方面: 市自然资源局对核查信息开展分析研判，对违法用地行为依法查处][违法建设整治方面: 市自然资源局责令停止建设]"},
		// Numbers inside sentences are not markers.
		{`1.发现溺水立即拨打110、120急救电话； 2.公示5个工作日，每年1-3月提交1.5倍材料。`,
			"[: 发现溺水立即拨打110、120急救电话 | 公示5个工作日，每年1-3月提交1.5倍材料]"},
		// A nested list stays in its step.
		{`1.提交材料：（1）身份证；（2）户口簿； 2.受理申请。`,
			"[: 提交材料：（1）身份证；（2）户口簿 | 受理申请]"},
		{`一、民宿服务管理 1.受理申请； 2.复核证明。 二、星级评定 1.初审后报市文旅局。`,
			"[民宿服务管理: 受理申请 | 复核证明][星级评定: 初审后报市文旅局]"},
		{`①摸排需求；②上报名单。`, "[: 摸排需求 | 上报名单]"},
		{`（一）宣传 1.普及知识。 （二）巡查 1.日常巡查。`, "[宣传: 普及知识][巡查: 日常巡查]"},
		{`<ol><li>1.甲；</li></ol><ol><li>1.乙。</li></ol>`, "[: 甲][: 乙]"},
		{`&lt;公示&gt;不少于&nbsp;5个工作日`, "[: <公示>不少于 5个工作日]"},
		{``, ""},
		{`<ol> </ol>`, ""},
	}
	for _, tt := range tests {
		cs := parseSteps(tt.in)
		if got := groupsString(tidySteps(cs.groups)); got != tt.want {
			t.Errorf("parseSteps(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(cs.problems) > 0 {
			t.Errorf("parseSteps(%q) problems = %q, want none", tt.in, cs.problems)
		}
	}
}

func TestParseStepsProblems(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`<ol><li>1.甲；</li><li>2.乙。</li>`, `["unbalanced <ol>"]`},
		{`<ol><li>1.甲；</li><li>3.乙。</li></ol>`, `["step 3 follows step 1"]`},
		{`<p>1.甲；</p></p>`, `["unbalanced <p>"]`},
	}
	for _, tt := range tests {
		if got := fmt.Sprintf("%q", parseSteps(tt.in).problems); got != tt.want {
			t.Errorf("parseSteps(%q).problems = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAppendSteps(t *testing.T) {
	first := parseSteps(`<p>一、违法用地</p> <p>1.甲；</p> <p>二、违法建设</p> <p>1.乙；</p>`)
	tests := []struct {
		cont, want string
	}{
		{`<p>三、卫片</p> <p>1.丙。</p>`, "[违法用地: 甲][违法建设: 乙][卫片: 丙]"},
		{`<p>2.丙。</p>`, "[违法用地: 甲][违法建设: 乙 | 丙]"},
	}
	for _, tt := range tests {
		got := groupsString(tidySteps(appendSteps(append([]bot.StepGroup(nil), first.groups...), first.open, parseSteps(tt.cont))))
		if got != tt.want {
			t.Errorf("appendSteps(…, %q) = %q, want %q", tt.cont, got, tt.want)
		}
	}
	// A step cut by the page break goes on in the continuation.
	cut := parseSteps(`1.组织人员开展实地 核查，查看`)
	got := groupsString(appendSteps(cut.groups, cut.open, parseSteps(`用地手续； 2.上报。`)))
	if want := "[: 组织人员开展实地核查，查看用地手续 | 上报]"; got != want {
		t.Errorf("appendSteps(cut) = %q, want %q", got, want)
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"政协委员 人选推荐 工作", "政协委员人选推荐工作"},
		{"审判机关 调查取证 、查人找 物工作", "审判机关调查取证、查人找物工作"},
		{"  做好 12345 热线\u3000办理 ", "做好 12345 热线办理"},
		{"开展C、D级 食品 包保", "开展C、D级食品包保"},
		{"单位 and 个人", "单位和个人"},
		{"work and play", "work and play"},
		{"我的伊犁”APP", "我的伊犁”APP"},
		{"a\u200bb", "ab"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTags(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []tag
	}{
		{"x < y > z", nil},
		{"<!-- <td> -->", nil},
		{"<P class=x>a</P>", []tag{{0, 11, "p", false, 1, 1}, {12, 16, "p", true, 1, 1}}},
		{`<TD ROWSPAN="2" colspan=3>`, []tag{{0, 26, "td", false, 2, 3}}},
		{`<td rowspan=x colspan="１２">`, []tag{{0, 31, "td", false, 1, 12}}},
		{"a<br/>b", []tag{{1, 6, "br", false, 1, 1}}},
	} {
		if got := tags(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("tags(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
