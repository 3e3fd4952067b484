package seeds

import (
	"fmt"
	"testing"

	"dutybot/bot"
)

func TestSplitBodies(t *testing.T) {
	tests := []struct {
		cell, home string
		want       []string
	}{
		{"市委组织部、机构编制委员会办公室，市人力资源和社会保障局", "市",
			[]string{"市委组织部", "市委机构编制委员会办公室", "市人力资源和社会保障局"}},
		{"市政协协商会议 委员办公室，市 委统一战线工作 部、组织部", "市",
			[]string{"市政协协商会议委员办公室", "市委统一战线工作部", "市委组织部"}},
		{"市财政局、农业农村局、林业和草原局", "市",
			[]string{"市财政局", "市农业农村局", "市林业和草原局"}},
		{"市人民法院、司 法局、公安局", "市", []string{"市人民法院", "市司法局", "市公安局"}},
		{"市场监督管理局、公安局、卫生健康委员会、农业农村局，市委、宣传部、网络安全和信息化委员会", "市",
			[]string{"市场监督管理局", "市公安局", "市卫生健康委员会", "市农业农村局", "市委宣传部", "市委网络安全和信息化委员会"}},
		{"市应急管理局、商务工业和信息化局、市场监督管理局等其他负有安全生产监督管理职责的部门", "市",
			[]string{"市应急管理局", "市商务和工业信息化局", "市场监督管理局"}},
		{"市消防救援局、公安局、应急管理局等部门", "市", []string{"市消防救援局", "市公安局", "市应急管理局"}},
		{"市委政法委，市发展改革委、公安局、供电公司", "市",
			[]string{"市委政法委员会", "市发展和改革委员会", "市公安局", "市供电公司"}},
		{"州生态环境局伊宁市分局,市农业农村局", "市", []string{"州生态环境局伊宁市分局", "市农业农村局"}},
		{"市委宣传部、财政局", "市", []string{"市委宣传部", "市财政局"}},
		{"市委党史研究室（地方志办公室）", "市", []string{"市委党史研究室（地方志办公室）"}},
		{"市教育局 市财政局", "市", []string{"市教育局", "市财政局"}},
		{"县教育局、市场监督管理局、人社局", "县", []string{"县教育局", "县市场监督管理局", "县人力资源和社会保障局"}},
		{"区住房和城乡建设局、财政局", "区", []string{"区住房和城乡建设局", "区财政局"}},
		{"教育局、财政局", "县", []string{"县教育局", "县财政局"}},
		{"", "市", nil},
	}
	for _, tt := range tests {
		got := splitBodies(tt.cell, tt.home)
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
			t.Errorf("splitBodies(%q, %q) = %q, want %q", tt.cell, tt.home, got, tt.want)
		}
	}
}

func TestDirectoryAliases(t *testing.T) {
	lib := LoadDefault()
	tests := []struct{ name, want string }{
		{"市人社局", "市人力资源和社会保障局"},
		{"人社局", "市人力资源和社会保障局"},
		{"人力资源和社会保障局", "市人力资源和社会保障局"},
		{"市监局", "市场监督管理局"},
		{"市市场监管局", "市场监督管理局"},
		{"市林草局", "市林业和草原局"},
		{"市林业草原局", "市林业和草原局"},
		{"市住建局", "市住房和城乡建设局"},
		{"市发改委", "市发展和改革委员会"},
		{"市委网信办", "市委网络安全和信息化委员会办公室"},
		{"市委编办", "市委机构编制委员会办公室"},
		{"市文旅局", "市文化体育广播电视和旅游局"},
		{"市残联", "市残疾人联合会"},
		{"市卫健委", "市卫生健康委员会"},
		{"市商工局", "市商务和工业信息化局"},
		{"市商务工信局", "市商务和工业信息化局"},
		{"市城管局", "市城市管理局"},
		{"市医保局", "市医疗保障局"},
		{"市委巡察办", "市委巡察工作领导小组办公室"},
		{"统战部", "市委统一战线工作部"},
		{"市委政法委", "市委政法委员会"},
		{"市环保局", "州生态环境局伊宁市分局"},
		{"州人社局", "州人力资源和社会保障局"},
		{"州党委组织部", "州党委组织部"},
		{"市人大常委会", "市人民代表大会常务委员会"},
		{"市人大常委会办公室", "市人民代表大会常务委员会办公室"},
		{"市地方志办公室", "市委党史研究室（地方志办公室）"},
	}
	for _, tt := range tests {
		b, ok := lib.Bodies.Lookup(tt.name)
		got := ""
		if ok {
			got = b.Name
		}
		if got != tt.want {
			t.Errorf("Lookup(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	// Every lead and handover body of every item is in the directory.
	for _, it := range lib.Townships[0].Items {
		names := append([]string(nil), it.Leads...)
		if it.Handover != nil && it.Handover.Body != "" {
			names = append(names, it.Handover.Body)
		}
		for _, n := range names {
			if _, ok := lib.Bodies.Lookup(n); !ok {
				t.Errorf("%s: Lookup(%q) found nothing", it.Ref, n)
			}
		}
	}
	// A bare name is the city's, never another level's.
	if b, ok := lib.Bodies.Lookup("商务局"); ok && b.Name == "州商务局" {
		t.Errorf("Lookup(%q) = %q, want a city body or nothing", "商务局", b.Name)
	}
}

func TestAliases(t *testing.T) {
	tests := []struct {
		full         string
		strong, weak string
	}{
		{"市人力资源和社会保障局", `["市人社局" "市人力资源社会保障局"]`, `["人力资源和社会保障局" "人社局" "人力资源社会保障局"]`},
		{"县市场监督管理局", `["县市场监管局" "县市监局"]`, `["市场监督管理局" "市场监管局" "市监局"]`},
		{"州党委组织部", `["州委组织部"]`, `["组织部"]`},
	}
	for _, tt := range tests {
		strong, weak := aliases(tt.full)
		if got := fmt.Sprintf("%q", dedupe(strong)); got != tt.strong {
			t.Errorf("aliases(%q) strong = %s, want %s", tt.full, got, tt.strong)
		}
		if got := fmt.Sprintf("%q", dedupe(weak)); got != tt.weak {
			t.Errorf("aliases(%q) weak = %s, want %s", tt.full, got, tt.weak)
		}
	}
}

func dedupe(list []string) []string {
	var out []string
	for _, s := range list {
		if !containsString(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func TestMentions(t *testing.T) {
	dir := &bot.Directory{}
	addBody(dir, "市人力资源和社会保障局", true)
	levels := []string{"市", "市委", "州", "州党委"}
	tests := []struct{ text, want string }{
		{"市委组织部、市人社局择优确定人选，报州党委组织部、州人社局审核", `["市委组织部" "市人力资源和社会保障局" "州党委组织部" "州人力资源和社会保障局"]`},
		{"对发现的非法充装的，立即报市住建局、市监局、市公安局", `["市住房和城乡建设局" "市场监督管理局" "市公安局"]`},
		{"开展市场主体登记，市域内统筹", `[]`},
	}
	for _, tt := range tests {
		got := fmt.Sprintf("%q", mentions(tt.text, levels, dir, nil))
		if got == "[]" || got == "null" {
			got = "[]"
		}
		if got != tt.want {
			t.Errorf("mentions(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
}

func TestPlaceOf(t *testing.T) {
	tests := []struct{ heading, township, city string }{
		{"伊犁州伊宁市喀尔墩乡基本履职事项清单", "喀尔墩乡", "伊宁市"},
		{"伊犁州伊宁市喀尔墩乡上级部门回收事项清单", "喀尔墩乡", "伊宁市"},
		{"新疆维吾尔自治区伊犁哈萨克自治州伊宁市喀尔墩乡配合履职事项清单", "喀尔墩乡", "伊宁市"},
		{"伊宁市喀尔墩乡", "喀尔墩乡", "伊宁市"},
		{"伊犁州霍城县清水河镇基本履职事项清单", "清水河镇", "霍城县"},
		{"乌鲁木齐市天山区燕儿窝街道办事处配合履职事项清单", "燕儿窝街道", "天山区"},
		{"哈密市伊州区二堡镇收回事项清单", "二堡镇", "伊州区"},
		{"喀尔墩乡基本履职事项清单", "喀尔墩乡", ""},
		{"基本履职事项清单", "", ""},
		{"履职事项清单", "", ""},
		{"2025年7月", "", ""},
		{"新疆维吾尔自治区伊犁哈萨克自治州", "", ""},
	}
	for _, tt := range tests {
		town, city := placeOf(tt.heading)
		if town != tt.township || city != tt.city {
			t.Errorf("placeOf(%q) = %q, %q, want %q, %q", tt.heading, town, city, tt.township, tt.city)
		}
	}
}

func TestMarkAt(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"1.确定", "{false 1 46 2}"},
		{"12、确定", "{false 12 46 5}"},
		{"３．确定", "{false 3 46 6}"},
		{"（2）确定", "{false 2 41 7}"},
		{"二、后期", "{true 2 46 6}"},
		{"十一、后期", "{true 11 46 9}"},
		{"（三）后期", "{true 3 41 9}"},
		{"②上报", "{false 2 111 3}"},
		{"1.5倍", "none"},
		{"110、120", "none"},
		{"2025.7", "none"},
		{"一喷三防", "none"},
		{"统一、规范", "none"},
		{"5个工作日", "none"},
	}
	for _, tt := range tests {
		m, ok := markAt(tt.in, 0)
		got := "none"
		if ok {
			got = fmt.Sprint(m)
		}
		if got != tt.want {
			t.Errorf("markAt(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestPlaceOfMore(t *testing.T) {
	tests := []struct{ heading, township, city string }{
		{"附件2：伊宁市喀尔墩乡配合履职事项清单", "喀尔墩乡", "伊宁市"},
		{"一、伊宁县潘津镇基本履职事项清单", "潘津镇", "伊宁县"},
	}
	for _, tt := range tests {
		town, city := placeOf(tt.heading)
		if town != tt.township || city != tt.city {
			t.Errorf("placeOf(%q) = %q, %q, want %q, %q", tt.heading, town, city, tt.township, tt.city)
		}
	}
}
