package seeds

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"dutybot/bot"
)

// mustParse parses doc and fails on an error or, unless problems are
// wanted, on any problem.
func mustParse(t *testing.T, name string, doc []byte) (*bot.Township, *bot.Directory) {
	t.Helper()
	dir := &bot.Directory{}
	tw, problems, err := Parse(name, doc, dir)
	if err != nil {
		t.Fatalf("Parse(%q): %v", name, err)
	}
	for _, p := range problems {
		t.Errorf("Parse(%q): problem %v", name, p)
	}
	return tw, dir
}

// itemString renders an item compactly for comparison.
func itemString(it *bot.Item) string {
	leads, _ := json.Marshal(it.Leads)
	s := fmt.Sprintf("%s %s|%s|%s", it.Ref, it.Category, it.Name, leads)
	if len(it.LeadSteps) > 0 || len(it.TownshipSteps) > 0 {
		s += " lead" + groupsString(it.LeadSteps) + " town" + groupsString(it.TownshipSteps)
	}
	if it.Handover != nil {
		s += fmt.Sprintf(" handover{%s|%s}", it.Handover.Body, it.Handover.How)
	}
	return s
}

func checkItems(t *testing.T, name string, tw *bot.Township, want []string) {
	t.Helper()
	if len(tw.Items) != len(want) {
		t.Errorf("%s: %d items, want %d", name, len(tw.Items), len(want))
	}
	for i, it := range tw.Items {
		if i < len(want) && itemString(it) != want[i] {
			t.Errorf("%s: item %d = %q, want %q", name, i, itemString(it), want[i])
		}
	}
}

func checkLookups(t *testing.T, dir *bot.Directory, pairs ...string) {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		got := ""
		if b, ok := dir.Lookup(pairs[i]); ok {
			got = b.Name
		}
		if got != pairs[i+1] {
			t.Errorf("Lookup(%q) = %q, want %q", pairs[i], got, pairs[i+1])
		}
	}
}

// countyDoc is a county's town: 镇配合职责, 县 prefixes, 回收 and two handover
// columns, a basic table without 事项类别, no '#' on the headings.
const countyDoc = `伊犁州霍城县清水河镇履职事项清单

伊犁州霍城县清水河镇基本履职事项清单
序号	事项名称
1	加强基层党组织 建设
2	负责本镇经济普查工作

伊犁州霍城县清水河镇配合履职事项清单
序号	事项类别	事项名称	对应上级部门	上级部门职责	镇配合职责
1	民生服务	残疾人证办理	县残疾人联合会、人力资源和社会保障局	1.审核材料； 2.县人社局制作残疾人证。	1.指导填写申请表； 2.发放残疾人证并报县残联。

伊犁州霍城县清水河镇上级部门回收事项清单
序号	事项类别	事项名称	承接部门	工作方式
1	乡村振兴	动物疫情信息采集	县农业农村局	承接方式：由县农业农村局负责动物疫情信息采集
2	民生服务	出具婚姻状况证明	不再开展此项工作	
`

func TestCountyTown(t *testing.T) {
	tw, dir := mustParse(t, "qingshuihe.txt", []byte(countyDoc))
	if tw.Name != "清水河镇" || tw.City != "霍城县" {
		t.Errorf("township = %q, %q, want 清水河镇, 霍城县", tw.Name, tw.City)
	}
	checkItems(t, "county", tw, []string{
		`B1 |加强基层党组织建设|[]`,
		`B2 |负责本镇经济普查工作|[]`,
		`C1 民生服务|残疾人证办理|["县残疾人联合会","县人力资源和社会保障局"] lead[: 审核材料 | 县人社局制作残疾人证] town[: 指导填写申请表 | 发放残疾人证并报县残联]`,
		`R1 乡村振兴|动物疫情信息采集|[] handover{县农业农村局|由县农业农村局负责动物疫情信息采集}`,
		`R2 民生服务|出具婚姻状况证明|[] handover{|不再开展此项工作}`,
	})
	checkLookups(t, dir, "县人社局", "县人力资源和社会保障局", "县残联", "县残疾人联合会", "人社局", "县人力资源和社会保障局")
}

// streetDoc is a district's street (街道): 街道配合职责, 区 prefixes, 收回,
// HTML steps.
const streetDoc = `## 乌鲁木齐市天山区燕儿窝街道配合履职事项清单
序号	事项类别	事项名称	对应上级部门	上级部门职责	街道配合职责
1	城乡建设	老旧小区改造	区住房和城乡建设局、财政局	<ol><li>1.区住建局制定改造计划；</li><li>2.组织验收。</li></ol>	<p>1.摸排需求；</p><p>2.协助施工。</p>
## 乌鲁木齐市天山区燕儿窝街道上级部门收回事项清单
序号	事项类别	事项名称	承接部门及工作方式
1	城乡建设	物业投诉处理	区住房和城乡建设局 承接方式：由区住建局受理物业投诉
`

func TestDistrictStreet(t *testing.T) {
	tw, dir := mustParse(t, "yanerwo.md", []byte(streetDoc))
	if tw.Name != "燕儿窝街道" || tw.City != "天山区" {
		t.Errorf("township = %q, %q, want 燕儿窝街道, 天山区", tw.Name, tw.City)
	}
	checkItems(t, "street", tw, []string{
		`C1 城乡建设|老旧小区改造|["区住房和城乡建设局","区财政局"] lead[: 区住建局制定改造计划 | 组织验收] town[: 摸排需求 | 协助施工]`,
		`R1 城乡建设|物业投诉处理|[] handover{区住房和城乡建设局|由区住建局受理物业投诉}`,
	})
	checkLookups(t, dir, "区住建局", "区住房和城乡建设局")
}

func TestHeaderVariants(t *testing.T) {
	for _, col := range []string{"乡配合职责", "镇配合职责", "街道配合职责", "镇街配合职责"} {
		doc := "# 伊宁市喀尔墩乡配合履职事项清单\n序号\t事项类别\t事项名称\t对应上级部门\t上级部门职责\t" + col +
			"\n1\t民生服务\t残疾人证办理\t市残疾人联合会\t1.审核。\t1.初审。\n"
		tw, _ := mustParse(t, "v.txt", []byte(doc))
		checkItems(t, col, tw, []string{`C1 民生服务|残疾人证办理|["市残疾人联合会"] lead[: 审核] town[: 初审]`})
	}
	for _, heading := range []string{"上级部门收回事项清单", "上级部门回收事项清单", "收回事项清单"} {
		doc := "# 伊宁市喀尔墩乡" + heading + "\n序号\t事项类别\t事项名称\t承接部门及工作方式\n1\t民生服务\t工伤认定调查\t市人力资源和社会保障局 承接方式：由市人社局负责\n"
		tw, _ := mustParse(t, "v.txt", []byte(doc))
		checkItems(t, heading, tw, []string{`R1 民生服务|工伤认定调查|[] handover{市人力资源和社会保障局|由市人社局负责}`})
	}
	// No heading at all: the header row tells the table.
	doc := "序号\t事项类别\t事项名称\t承接部门\t工作方式\n1\t民生服务\t工伤认定调查\t市人社局\t由市人社局负责\n"
	tw, _, err := Parse("伊宁市喀尔墩乡收回事项.txt", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkItems(t, "header only", tw, []string{`R1 民生服务|工伤认定调查|[] handover{市人力资源和社会保障局|由市人社局负责}`})
	if tw.Name != "喀尔墩乡" || tw.City != "伊宁市" {
		t.Errorf("township from the file name = %q, %q, want 喀尔墩乡, 伊宁市", tw.Name, tw.City)
	}
}

// The same tables as a CSV file, with a title row, quoted cells holding
// commas and line breaks, and a UTF-8 byte-order mark.
const csvDoc = "\uFEFF伊犁州伊宁市喀尔墩乡基本履职事项清单,,\n" +
	"序号,事项类别,事项名称\n" +
	"1,党的建设,\"加强政治建设，开展党内集中教育\"\n" +
	"2,经济发展,做好优化营商环境工作\n" +
	"伊犁州伊宁市喀尔墩乡配合履职事项清单,,,,,\n" +
	"序号,事项类别,事项名称,对应上级部门,上级部门职责,乡配合职责\n" +
	"1,民生服务,残疾人证办理,\"市残疾人联合会,市人力资源和社会保障局\",\"1.审核材料；\n2.制作残疾人证。\",\"1.指导填写申请表；\n2.发放残疾人证。\"\n" +
	"2,民生服务,困难重度残疾人家庭无障碍改造,市残疾人联合会,审核名单。,上报名单。\n"

func TestCSV(t *testing.T) {
	tw, _ := mustParse(t, "kaerdun.csv", []byte(csvDoc))
	checkItems(t, "csv", tw, []string{
		`B1 党的建设|加强政治建设，开展党内集中教育|[]`,
		`B2 经济发展|做好优化营商环境工作|[]`,
		`C1 民生服务|残疾人证办理|["市残疾人联合会","市人力资源和社会保障局"] lead[: 审核材料 | 制作残疾人证] town[: 指导填写申请表 | 发放残疾人证]`,
		`C2 民生服务|困难重度残疾人家庭无障碍改造|["市残疾人联合会"] lead[: 审核名单] town[: 上报名单]`,
	})
	if tw.Name != "喀尔墩乡" || tw.Item("C1").Line != 7 || tw.Item("C2").Line != 10 {
		t.Errorf("township %q, C1 at line %d, C2 at line %d, want 喀尔墩乡, 7, 10 (C1 holds two line breaks)", tw.Name, tw.Item("C1").Line, tw.Item("C2").Line)
	}
}

// makeXLSX writes a workbook as a township would: one sheet per table, a
// title row merged across the columns, a category merged down two rows.
func makeXLSX(t testing.TB) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "基本履职事项"))
	rows := [][]any{
		{"伊犁州伊宁市喀尔墩乡基本履职事项清单"},
		{"序号", "事项类别", "事项名称"},
		{1, "党的建设", "加强政治建设"},
		{2, nil, "做好“双拥”工作"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow("基本履职事项", cell, &r))
	}
	must(f.MergeCell("基本履职事项", "A1", "C1"))
	must(f.MergeCell("基本履职事项", "B3", "B4"))
	_, err := f.NewSheet("配合履职事项")
	must(err)
	rows = [][]any{
		{"伊犁州伊宁市喀尔墩乡配合履职事项清单"},
		{"序号", "事项类别", "事项名称", "对应上级部门", "上级部门职责", "乡配合职责"},
		{1, "民生服务", "残疾人证办理", "市残疾人联合会", "1.审核材料；\n2.制作残疾人证。", "1.指导填写申请表；\n2.发放残疾人证。"},
		{2, "民生服务", "特殊困难老年人家庭适老化改造", "市民政局", "<ol><li>1.入户评估；</li></ol>"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow("配合履职事项", cell, &r))
	}
	must(f.MergeCell("配合履职事项", "A1", "F1"))
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	dir := &bot.Directory{}
	tw, problems, err := Parse("kaerdun.xlsx", makeXLSX(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	checkItems(t, "xlsx", tw, []string{
		`B1 党的建设|加强政治建设|[]`,
		`B2 党的建设|做好“双拥”工作|[]`,
		`C1 民生服务|残疾人证办理|["市残疾人联合会"] lead[: 审核材料 | 制作残疾人证] town[: 指导填写申请表 | 发放残疾人证]`,
		`C2 民生服务|特殊困难老年人家庭适老化改造|["市民政局"] lead[: 入户评估] town`,
	})
	if tw.Name != "喀尔墩乡" || tw.City != "伊宁市" {
		t.Errorf("township = %q, %q", tw.Name, tw.City)
	}
	if it := tw.Item("C2"); it.File != "kaerdun.xlsx#配合履职事项" || it.Line != 4 {
		t.Errorf("C2 at %s:%d, want kaerdun.xlsx#配合履职事项:4", it.File, it.Line)
	}
	// The empty 乡配合职责 of C2 is the one problem, at the sheet row.
	if len(problems) != 1 || problems[0].Error() != "kaerdun.xlsx#配合履职事项:4: empty 乡配合职责" {
		t.Errorf("problems = %q, want [kaerdun.xlsx#配合履职事项:4: empty 乡配合职责]", problems)
	}
}

func TestTitleNotInFirstColumn(t *testing.T) {
	doc := ",伊犁州伊宁市喀尔墩乡基本履职事项清单,\n序号,事项类别,事项名称\n1,党的建设,加强政治建设\n" +
		",伊犁州伊宁市喀尔墩乡配合履职事项清单,,,,\n序号,事项类别,事项名称,对应上级部门,上级部门职责,乡配合职责\n" +
		"1,民生服务,残疾人证办理,市残疾人联合会,1.审核。,1.初审。\n,,,,,2.上报。\n"
	tw, problems, err := Parse("b.csv", []byte(doc), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkItems(t, "title in B", tw, []string{`B1 党的建设|加强政治建设|[]`, `C1 民生服务|残疾人证办理|["市残疾人联合会"] lead[: 审核] town[: 初审 | 上报]`})
	if len(problems) != 1 || problems[0].Error() != "b.csv:7: missing 序号" {
		t.Errorf("problems = %q, want [b.csv:7: missing 序号]", problems)
	}
}

func TestMarkdownTable(t *testing.T) {
	doc := "# 伊犁州伊宁市喀尔墩乡基本履职事项清单\n\n| 序号 | 事项类别 | 事项名称 |\n|---|:---:|---|\n| 1 | 党的建设 | 加强政治建设 |\n| 2 | 党的建设 | 做好“双拥”工作 |\n"
	tw, _ := mustParse(t, "kaerdun.md", []byte(doc))
	checkItems(t, "markdown", tw, []string{`B1 党的建设|加强政治建设|[]`, `B2 党的建设|做好“双拥”工作|[]`})
}

func TestEncodings(t *testing.T) {
	doc := "# 伊犁州伊宁市喀尔墩乡基本履职事项清单\r\n序号\t事项类别\t事项名称\r\n1\t党的建设\t加强政治建设\r\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	tw, _ := mustParse(t, "gb.txt", gb)
	checkItems(t, "gb18030", tw, []string{`B1 党的建设|加强政治建设|[]`})
	tw, _ = mustParse(t, "bom.txt", append([]byte{0xEF, 0xBB, 0xBF}, doc...))
	checkItems(t, "utf-8 bom", tw, []string{`B1 党的建设|加强政治建设|[]`})
}

// base is a valid start: a basic table's heading and header.
const base = "# 伊犁州伊宁市喀尔墩乡基本履职事项清单\n序号\t事项类别\t事项名称\n"

// coop starts a cooperative table after a valid basic item.
const coop = base + "1\t党的建设\t甲\n# 伊犁州伊宁市喀尔墩乡配合履职事项清单\n序号\t事项类别\t事项名称\t对应上级部门\t上级部门职责\t乡配合职责\n"

func TestBadDocuments(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"unknown table", base + "1\t党的建设\t甲\n# 伊犁州伊宁市喀尔墩乡负面事项清单\n序号\t事项类别\t事项名称\n1\t党的建设\t乙\n",
			[]string{`bad.txt:4: unknown table "伊犁州伊宁市喀尔墩乡负面事项清单"`}},
		{"missing seq", base + "1\t党的建设\t甲\n\t党的建设\t乙\n",
			[]string{"bad.txt:4: missing 序号"}},
		{"seq not a number", base + "1\t党的建设\t甲\n一\t党的建设\t乙\n",
			[]string{`bad.txt:4: 序号 "一" is not a number`}},
		{"duplicate seq", base + "1\t党的建设\t甲\n2\t党的建设\t乙\n1\t党的建设\t丙\n",
			[]string{"bad.txt:5: duplicate 序号 1 (first at line 3)"}},
		{"continuation is no duplicate", base + "1\t党的建设\t甲\n序号\t事项类别\t事项名称\n1\t党的建设\t甲\n2\t党的建设\t乙\n",
			nil},
		{"gap", base + "1\t党的建设\t甲\n3\t党的建设\t乙\n",
			[]string{"bad.txt:4: gap in numbering: 3 follows 1"}},
		{"first not 1", base + "2\t党的建设\t甲\n",
			[]string{"bad.txt:3: gap in numbering: 基本履职事项 starts at 2"}},
		{"empty name", base + "1\t党的建设\t\n",
			[]string{"bad.txt:3: empty 事项名称"}},
		{"wrong cells", base + "1\t党的建设\t甲\t多余\n2\t党的建设\n",
			[]string{"bad.txt:3: row has 4 cells, want 3", "bad.txt:4: row has 2 cells, want 3", "bad.txt:4: empty 事项名称"}},
		{"unbalanced list", coop + "1\t民生服务\t残疾人证办理\t市残疾人联合会\t<ol><li>1.审核；</li>\t1.初审。\n",
			[]string{"bad.txt:6: cannot split 上级部门职责 into steps: unbalanced <ol>"}},
		{"steps out of order", coop + "1\t民生服务\t残疾人证办理\t市残疾人联合会\t1.审核。\t<ol><li>1.初审；</li><li>3.上报。</li></ol>\n",
			[]string{"bad.txt:6: cannot split 乡配合职责 into steps: step 3 follows step 1"}},
		{"empty cells", coop + "1\t民生服务\t残疾人证办理\t\t<ol></ol>\t\n",
			[]string{"bad.txt:6: empty 对应上级部门", "bad.txt:6: empty 上级部门职责", "bad.txt:6: empty 乡配合职责"}},
		{"no receiving body", base + "1\t党的建设\t甲\n# 喀尔墩乡收回事项清单\n序号\t事项类别\t事项名称\t承接部门及工作方式\n1\t民生服务\t工伤认定调查\t负责开展调查\n",
			[]string{"bad.txt:6: cannot find the receiving body in 承接部门及工作方式"}},
		{"no township", "# 基本履职事项清单\n序号\t事项类别\t事项名称\n1\t党的建设\t甲\n",
			[]string{"bad.txt: no township named in the headings (want a heading such as 伊犁州伊宁市喀尔墩乡基本履职事项清单)"}},
		{"another township", base + "1\t党的建设\t甲\n# 伊犁州伊宁市潘津镇配合履职事项清单\n",
			[]string{"bad.txt:4: heading names 潘津镇, but line 1 names 喀尔墩乡"}},
		{"header without name", base + "1\t党的建设\t甲\n# 伊犁州伊宁市喀尔墩乡配合履职事项清单\n序号\t事项类别\t对应上级部门\n1\t党的建设\t市委组织部\n",
			[]string{"bad.txt:5: header row has no 事项名称 column"}},
	}
	for _, tt := range tests {
		tw, problems, err := Parse("bad.txt", []byte(tt.doc), nil)
		if err != nil || tw == nil {
			t.Errorf("%s: Parse: %v", tt.name, err)
			continue
		}
		var got []string
		for _, p := range problems {
			got = append(got, p.Error())
		}
		if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", tt.want) {
			t.Errorf("%s: Parse(%q) problems = %q, want %q", tt.name, tt.doc, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"empty.txt", "", "seeds: empty.txt: no duty-list table found"},
		{"prose.md", "# 伊宁市喀尔墩乡\n\n说明文字。\n", "seeds: prose.md: no duty-list table found"},
		{"list.pdf", "%PDF-1.4", `seeds: list.pdf: unsupported file type ".pdf"`},
		{"broken.xlsx", "PK\x03\x04 not a workbook", "seeds: broken.xlsx: read xlsx:"},
	}
	for _, tt := range tests {
		tw, _, err := Parse(tt.name, []byte(tt.doc), nil)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || tw != nil {
			t.Errorf("Parse(%q, %q) = %v, %v, want error %q…", tt.name, tt.doc, tw, err, tt.want)
		}
	}
}

func TestProblemError(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{"a.txt", 12, "missing 序号"}, "a.txt:12: missing 序号"},
		{Problem{"a.txt", 0, "no township"}, "a.txt: no township"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("%#v.Error() = %q, want %q", tt.p, got, tt.want)
		}
	}
}

// TestOtherLayouts covers layouts seen in other townships' lists: the kind
// in a parenthesis after the heading, labelled handover cells, departments
// heading the steps with a colon, 1、 numbering and <br> breaks.
func TestOtherLayouts(t *testing.T) {
	doc := "附件1：伊宁县潘津镇履职事项清单（配合履职事项）\n" +
		"序号\t事项类别\t事项名称\t对应上级部门\t上级部门职责\t镇配合职责\n" +
		"1\t乡村振兴\t雨露计划\t县教育局、农业农村局\t县教育局：1、推送学生数据。 县农业农村局：1、复核材料；2、发放资金。\t1、宣传政策；<br>2、收集信息。\n" +
		"附件2：伊宁县潘津镇履职事项清单（收回事项）\n" +
		"序号\t事项类别\t事项名称\t承接部门及工作方式\n" +
		"1\t民生服务\t工伤认定调查\t承接部门：县人社局；承接方式：由县人社局负责\n" +
		"2\t民生服务\t就业帮扶培训\t由县人力资源和社会保障局负责开展就业帮扶培训\n"
	tw, _ := mustParse(t, "panjin.txt", []byte(doc))
	if tw.Name != "潘津镇" || tw.City != "伊宁县" {
		t.Errorf("township = %q, %q, want 潘津镇, 伊宁县", tw.Name, tw.City)
	}
	checkItems(t, "other layouts", tw, []string{
		`C1 乡村振兴|雨露计划|["县教育局","县农业农村局"] lead[县教育局: 推送学生数据][县农业农村局: 复核材料 | 发放资金] town[: 宣传政策 | 收集信息]`,
		`R1 民生服务|工伤认定调查|[] handover{县人力资源和社会保障局|由县人社局负责}`,
		`R2 民生服务|就业帮扶培训|[] handover{县人力资源和社会保障局|由县人力资源和社会保障局负责开展就业帮扶培训}`,
	})
}
