package seeds

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"dutybot/bot"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenItem is an item with the line it starts on, which bot.Item keeps
// out of its JSON.
type goldenItem struct {
	*bot.Item
	Line int `json:"line"`
}

type golden struct {
	Township string       `json:"township"`
	City     string       `json:"city"`
	File     string       `json:"file"`
	Items    []goldenItem `json:"items"`
	Problems []Problem    `json:"problems"`
	Bodies   []*bot.Body  `json:"bodies"`
}

// TestGolden compares the full parse of the default document with
// testdata/yining-kaerdun.golden.json; go test -update rewrites it.
func TestGolden(t *testing.T) {
	lib, problems, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	tw := lib.Townships[0]
	g := golden{Township: tw.Name, City: tw.City, File: tw.File, Problems: problems, Bodies: lib.Bodies.Bodies()}
	for _, it := range tw.Items {
		g.Items = append(g.Items, goldenItem{it, it.Line})
	}
	if g.Problems == nil {
		g.Problems = []Problem{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "\t")
	if err := enc.Encode(g); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "yining-kaerdun.golden.json")
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./seeds -run TestGolden -update)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		got, wantLines := strings.Split(buf.String(), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(got) && i < len(wantLines); i++ {
			if got[i] != wantLines[i] {
				t.Fatalf("parse of %s differs from %s at line %d:\ngot  %s\nwant %s\n(if the change is right, run go test ./seeds -run TestGolden -update)", DefaultName, path, i+1, got[i], wantLines[i])
			}
		}
		t.Fatalf("parse of %s differs from %s in length: %d lines, want %d", DefaultName, path, len(got), len(wantLines))
	}
}

func defaultTownship(t *testing.T) *bot.Township {
	t.Helper()
	lib, problems, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("problem in the default document: %v", p)
	}
	return lib.Townships[0]
}

func TestDefault(t *testing.T) {
	tw := defaultTownship(t)
	if tw.Name != "喀尔墩乡" || tw.City != "伊宁市" || tw.File != DefaultName {
		t.Errorf("township = %q, %q, %q, want 喀尔墩乡, 伊宁市, %s", tw.Name, tw.City, tw.File, DefaultName)
	}
	for k, want := range map[bot.Kind]int{bot.Basic: 87, bot.Cooperative: 132, bot.Reclaimed: 52} {
		if got := tw.Count(k); got != want {
			t.Errorf("Count(%s) = %d, want %d", k, got, want)
		}
	}
	for _, it := range tw.Items {
		if it.Ref != bot.Ref(it.Kind, it.Seq) || it.Name == "" || it.Category == "" || it.Line == 0 || it.File != DefaultName {
			t.Errorf("%s: ref %q seq %d name %q category %q at %s:%d", it.Ref, it.Ref, it.Seq, it.Name, it.Category, it.File, it.Line)
		}
		switch it.Kind {
		case bot.Cooperative:
			if len(it.Leads) == 0 || len(it.LeadSteps) == 0 || len(it.TownshipSteps) == 0 {
				t.Errorf("%s: %d leads, %d lead groups, %d township groups", it.Ref, len(it.Leads), len(it.LeadSteps), len(it.TownshipSteps))
			}
		case bot.Reclaimed:
			if it.Handover == nil {
				t.Errorf("%s: no handover", it.Ref)
			}
		}
	}
	if it := tw.Item("B1"); it == nil || it.Line != 18 || it.Category != "党的建设" {
		t.Errorf("B1 = %+v, want line 18, 党的建设", it)
	}
	if it := tw.Item("R52"); it == nil || it.Name != "对从事无照经营的商户进行处罚" || it.Handover.Body != "市场监督管理局" {
		t.Errorf("R52 = %+v", it)
	}
}

func TestContinuationMerged(t *testing.T) {
	it := defaultTownship(t).Item("C59")
	if it.Line != 239 {
		t.Errorf("C59 line = %d, want 239 (its first row; the second is 242)", it.Line)
	}
	if got, want := groupHeadings(it.LeadSteps), `["违法用地整治方面" "违法建设整治方面" "“卫片”整治工作"]`; got != want {
		t.Errorf("C59 lead headings = %s, want %s", got, want)
	}
	if got, want := groupHeadings(it.TownshipSteps), `["违法用地整治方面" "违法建设整治方面" "“卫片”整治工作"]`; got != want {
		t.Errorf("C59 township headings = %s, want %s", got, want)
	}
	if n := len(it.LeadSteps[2].Steps); n != 7 {
		t.Errorf("C59 卫片 lead steps = %d, want 7", n)
	}
	if got := it.Name; got != "“两违”（违法用地、违法建设）和“卫片”（卫星遥感监测技术拍摄的影像图片）整治工作" {
		t.Errorf("C59 name = %q (not merged once)", got)
	}
}

func groupHeadings(gs []bot.StepGroup) string {
	var hs []string
	for _, g := range gs {
		hs = append(hs, g.Heading)
	}
	b, _ := json.Marshal(hs)
	return strings.ReplaceAll(string(b), ",", " ")
}

func TestSections(t *testing.T) {
	it := defaultTownship(t).Item("C23")
	want := "[水库移民安置工作: 牵头组织开展大中型水利水电工程征占各类土地、房屋、树木、坟墓、其他建筑物和迁移人口的测量、调查、公示等工作，组织编制移民安置规划大纲 | 汇总各乡移民安置意见建议，组织编制本工程移民安置实施方案报市人民政府审批 | 负责大中型水利水电工程征收、征用各类土地、房屋、树木、坟墓迁移、其他建筑物的测量、调查以及拆迁补偿款发放工作 | 负责加强对征地补偿和移民安置资金的使用和监管][后期扶持工作: 负责编制移民后期扶持规划，并报市人民政府审批 | 对移民后期扶持人口进行动态管理 | 组织开展水库移民劳动力就业技能培训]"
	if got := groupsString(it.LeadSteps); got != want {
		t.Errorf("C23 lead steps = %q, want %q", got, want)
	}
	if got := groupHeadings(it.TownshipSteps); got != `["水库移民安置工作" "后期扶持工作"]` {
		t.Errorf("C23 township headings = %s", got)
	}
}

func TestDepartmentGroups(t *testing.T) {
	it := defaultTownship(t).Item("C32")
	want := "[市教育局: 推送中职、高职学生相关数据][市农业农村局: 对相关材料进行复核，并将审核结果反馈至乡 | 核实发放补助资金，并对资金发放情况进行抽查]"
	if got := groupsString(it.LeadSteps); got != want {
		t.Errorf("C32 lead steps = %q, want %q", got, want)
	}
	if len(it.TownshipSteps) != 1 || it.TownshipSteps[0].Heading != "" || len(it.TownshipSteps[0].Steps) != 4 {
		t.Errorf("C32 township steps = %q, want one group of 4", groupsString(it.TownshipSteps))
	}
}

func TestLeads(t *testing.T) {
	tw := defaultTownship(t)
	tests := []struct{ ref, want string }{
		{"C5", `["市委组织部" "市委机构编制委员会办公室" "市人力资源和社会保障局"]`},
		{"C8", `["市政协协商会议委员办公室" "市委统一战线工作部" "市委组织部"]`},
		{"C16", `["市残疾人联合会"]`},
		{"C21", `["市财政局" "市农业农村局" "市林业和草原局"]`},
		{"C124", `["市场监督管理局" "市公安局" "市卫生健康委员会" "市农业农村局" "市委宣传部" "市委网络安全和信息化委员会"]`},
	}
	for _, tt := range tests {
		b, _ := json.Marshal(tw.Item(tt.ref).Leads)
		if got := strings.ReplaceAll(string(b), ",", " "); got != tt.want {
			t.Errorf("%s leads = %s, want %s", tt.ref, got, tt.want)
		}
	}
	tests2 := []struct{ ref, body, how string }{
		{"R1", "", "不再开展此项工作"},
		{"R2", "市人力资源和社会保障局", "由市人力资源和社会保障局负责开展工伤认定调查"},
		{"R47", "市消防救援局", "市消防救援局负责推动微型消防站建设"},
	}
	for _, tt := range tests2 {
		h := tw.Item(tt.ref).Handover
		if h.Body != tt.body || h.How != tt.how {
			t.Errorf("%s handover = %q, %q, want %q, %q", tt.ref, h.Body, h.How, tt.body, tt.how)
		}
	}
	if !tw.Item("R1").NoLongerDone() || tw.Item("R2").NoLongerDone() {
		t.Errorf("NoLongerDone: R1 %v, R2 %v, want true, false", tw.Item("R1").NoLongerDone(), tw.Item("R2").NoLongerDone())
	}
}

// TestNoSpaceBetweenHan checks every field of every item and body: the
// extraction's stray spaces are gone.
func TestNoSpaceBetweenHan(t *testing.T) {
	lib := LoadDefault()
	check := func(where, s string) {
		rs := []rune(s)
		for i := 1; i+1 < len(rs); i++ {
			if isSpace(rs[i]) && isHan(rs[i-1]) && isHan(rs[i+1]) {
				t.Errorf("%s: space between Chinese characters in %q", where, s)
				return
			}
		}
		if s != strings.TrimSpace(s) {
			t.Errorf("%s: untrimmed %q", where, s)
		}
	}
	tw := lib.Townships[0]
	check("township", tw.Name)
	check("city", tw.City)
	for _, it := range tw.Items {
		check(it.Ref+" name", it.Name)
		check(it.Ref+" category", it.Category)
		for _, l := range it.Leads {
			check(it.Ref+" lead", l)
		}
		for _, gs := range [][]bot.StepGroup{it.LeadSteps, it.TownshipSteps} {
			for _, g := range gs {
				check(it.Ref+" heading", g.Heading)
				for _, s := range g.Steps {
					check(it.Ref+" step", s)
					if strings.ContainsAny(s, "<>") || s == "" {
						t.Errorf("%s: step %q", it.Ref, s)
					}
				}
			}
		}
		if it.Handover != nil {
			check(it.Ref+" handover body", it.Handover.Body)
			check(it.Ref+" handover how", it.Handover.How)
		}
	}
	for _, b := range lib.Bodies.Bodies() {
		check("body", b.Name)
		for _, a := range b.Aliases {
			check("alias of "+b.Name, a)
		}
	}
}

func TestDefaultBytes(t *testing.T) {
	a := Default()
	a[0] = 'x'
	if b := Default(); b[0] == 'x' || !utf8.Valid(b) {
		t.Error("Default() shares its bytes or is not UTF-8")
	}
}

func BenchmarkParseDefault(b *testing.B) {
	data := Default()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse(DefaultName, data, &bot.Directory{}); err != nil {
			b.Fatal(err)
		}
	}
}
