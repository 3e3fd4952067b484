package seeds

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"dutybot/bot"
)

// otherDocs are the duty lists of other townships in testdata/other, each
// written the way another county or city publishes its lists.
var otherDocs = []struct {
	file             string
	township, city   string
	basic, coop, rec int
	items            map[string]string // ref → itemString
	lookups          []string          // alias, full name pairs
	note             string
}{
	{
		file: "gusu-pingjiang.md", township: "平江街道", city: "姑苏区", basic: 6, coop: 4, rec: 3,
		note: "markdown pipe tables, 一、…（共N项） headings, 表1 titles, 序号 1., 履职事项 before 事项类别, " +
			"a 备注 column, no 事项类别 in the cooperative table, 牵头部门/部门职责/街道配合职责, <br> steps, 承接单位及方式",
		items: map[string]string{
			"B1": `B1 党的建设|宣传贯彻党的路线方针政策和上级党组织决议，加强街道党工委自身建设|[]`,
			"B4": `B4 经济发展|组织开展辖区人口、经济等各类普查工作|[]`,
			"C1": `C1 |残疾人两项补贴发放|["区残疾人联合会","区民政局"] lead[: 区残联负责审核残疾人两项补贴申请 | 区民政局按月发放补贴资金] town[: 受理申请，指导填写申请表 | 入户核查并公示]`,
			"C2": `C2 |城镇老旧小区改造|["区住房和城乡建设局","区财政局"] lead[: 区住建局制定年度改造计划 | 区财政局落实改造资金 | 组织竣工验收] town[: 摸排居民改造需求 | 协调化解施工矛盾]`,
			"R1": `R1 城市管理|燃气经营违法行为查处|[] handover{区住房和城乡建设局|由区住建局依法查处}`,
			"R2": `R2 民生服务|出具亲属关系证明|[] handover{|不再开展此项工作}`,
			"R3": `R3 平安法治|矛盾纠纷专业调解|[] handover{区司法局|由区司法局指导专业调解组织开展}`,
		},
		lookups: []string{"区住建局", "区住房和城乡建设局", "区残联", "区残疾人联合会", "区人社局", "区人力资源和社会保障局"},
	},
	{
		file: "shuangfeng-yongfeng.txt", township: "永丰镇", city: "双峰县", basic: 8, coop: 5, rec: 3,
		note: "GBK, CRLF, a title over three lines, a TOC with …, headings without the place, 序号 （1） and 1., " +
			"categories merged down, page footers — 1 — and 第 1 页 共 5 页, headers repeated at page breaks, " +
			"县级部门/县级部门职责/镇配合职责, １．steps and ①steps, 承接部门 + 收回后工作方式",
		items: map[string]string{
			"B2": `B2 党的建设|负责村（社区）党组织换届和党员发展、教育、管理工作|[]`,
			"B5": `B5 乡村振兴|落实耕地保护和粮食安全责任，防止耕地“非农化”|[]`,
			"C1": `C1 民生服务|城乡低保对象认定|["县民政局"] lead[: 制定低保政策并组织审核确认 | 按月发放低保金] town[: 受理申请，组织入户调查 | 民主评议并公示 | 将材料报县民政局审核]`,
			"C2": `C2 民生服务|特困人员救助供养|["县民政局","县财政局"] lead[: 审核确认特困人员 | 县财政局落实供养资金] town[: 受理申请 | 入户核查]`,
			"C5": `C5 生态环保|秸秆禁烧|["县生态环境局","县农业农村局"] lead[: 县生态环境局开展巡查执法 | 县农业农村局推广秸秆综合利用] town[: 划定网格，落实禁烧责任 | 发现火点及时处置并报告]`,
			"R2": `R2 城乡建设|农村危房鉴定|[] handover{县住房和城乡建设局|由县住建局委托第三方机构鉴定}`,
			"R3": `R3 民生服务|出具居住证明|[] handover{|不再开展}`,
		},
		lookups: []string{"县住建局", "县住房和城乡建设局", "县民政局", "县民政局", "县环保局", "县生态环境局"},
	},
	{
		file: "yinzhou-zhonggongmiao.csv", township: "钟公庙街道", city: "鄞州区", basic: 5, coop: 4, rec: 3,
		note: "UTF-8 BOM, CRLF, 附件 and 表1： title rows, 序号 1、, 一级分类/二级分类/履职事项, 事项类别 as the last column, " +
			"区级主责部门/区级部门职责/街道职责, cells with line breaks, unnumbered steps, （1） and ① steps, 收回部门 + 承接方式",
		items: map[string]string{
			"B2": `B2 党的建设|做好意识形态工作，开展理论宣讲|[]`,
			"B4": `B4 社会治理|指导社区居民委员会换届选举|[]`,
			"C1": `C1 民生服务|最低生活保障审核确认|["区民政局"] lead[: 制定低保政策 | 审核确认低保对象] town[: 受理申请 | 开展入户调查 | 民主评议并张榜公示]`,
			"C2": `C2 城乡建设|违法建设查处|["区综合行政执法局","区自然资源和规划局"] lead[: 区综合行政执法局依法查处违法建设 | 区自然资源和规划局出具规划认定意见] town[: 巡查发现违法建设线索 | 及时报告并配合拆除]`,
			"C4": `C4 平安法治|义务兵征集|["区人民武装部","区退役军人事务局"] lead[: 组织体检政审 | 审批定兵] town[: 开展兵役登记 | 组织宣传动员]`,
			"R1": `R1 |户外广告设置审批|[] handover{区综合行政执法局|由区综合行政执法局统一审批}`,
			"R3": `R3 |出具非正常死亡证明|[] handover{|不再开展此项工作}`,
		},
		lookups: []string{"区人武部", "区人民武装部", "区市场监管局", "区市场监督管理局"},
	},
	{
		file: "zhenglan-shangdu.xlsx", township: "上都镇", city: "正蓝旗", basic: 5, coop: 3, rec: 2,
		note: "a 旗's 镇, sheets named Sheet1…3, 表1 titles merged across, a 填报单位：… row, 类别/履职事项名称, " +
			"a two-row header (上级部门 over 部门名称 and 部门职责), categories merged down, 收回单位 + 收回后工作方式",
		items: map[string]string{
			"B2": `B2 党的建设|负责嘎查（社区）党组织建设和党员教育管理|[]`,
			"B5": `B5 民生服务|开展困难群众排查和临时救助|[]`,
			"C1": `C1 乡村振兴|草原禁牧休牧和草畜平衡监管|["旗林业和草原局"] lead[: 制定禁牧休牧方案 | 开展执法检查] town[: 组织嘎查开展日常巡查 | 发现违规放牧及时报告旗林草局]`,
			"C2": `C2 民生服务|残疾人证办理|["旗残疾人联合会","旗卫生健康委员会"] lead[: 旗残联审核发证 | 旗卫健委组织残疾评定] town[: 受理申请 | 协助残疾评定]`,
			"R1": `R1 城乡建设|农村牧区住房建设审批|[] handover{旗自然资源局|由旗自然资源局统一审批}`,
			"R2": `R2 民生服务|出具独生子女证明|[] handover{|不再开展此项工作}`,
		},
		lookups: []string{"旗林草局", "旗林业和草原局", "旗残联", "旗残疾人联合会", "旗卫健委", "旗卫生健康委员会"},
	},
	{
		file: "honghuagang-laocheng.md", township: "老城街道", city: "红花岗区", basic: 5, coop: 3, rec: 2,
		note: "HTML tables in markdown (one line or several), <th> cells, a title row with colspan, categories with rowspan, " +
			"entities, <br> and <p>/<ol> steps, （一） headings, 对应区级部门/区级部门职责, 承接部门 + 工作方式, 取消",
		items: map[string]string{
			"B2": `B2 党的建设|推进社区党组织标准化规范化建设|[]`,
			"B3": `B3 平安法治|开展矛盾纠纷排查化解和信访"三无"创建|[]`,
			"B5": `B5 民生服务|做好城乡居民养老保险经办服务|[]`,
			"C2": `C2 城乡建设|违法建设治理|["区综合行政执法局","区自然资源局"] lead[区综合行政执法局: 依法查处违法建设][区自然资源局: 出具规划认定意见] town[: 日常巡查 | 发现违建及时制止并报告]`,
			"C3": `C3 应急管理|森林防灭火|["区应急管理局","区林业局"] lead[: 区应急管理局统筹协调 | 区林业局开展防火巡护] town[: 落实网格化巡护 | 发现火情及时报告并开展先期处置]`,
			"R1": `R1 城乡建设|城镇排水许可|[] handover{区住房和城乡建设局|由区住建局依申请办理}`,
			"R2": `R2 民生服务|出具健在证明|[] handover{|取消}`,
		},
		lookups: []string{"区住建局", "区住房和城乡建设局", "区应急局", "区应急管理局"},
	},
}

func readOther(t testing.TB, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "other", file))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestOtherTownships parses the lists of other townships: every item is
// read, with no problem.
func TestOtherTownships(t *testing.T) {
	for _, tt := range otherDocs {
		t.Run(tt.file, func(t *testing.T) {
			tw, dir := mustParse(t, tt.file, readOther(t, tt.file))
			if tw.Name != tt.township || tw.City != tt.city {
				t.Errorf("township = %q, %q, want %q, %q", tw.Name, tw.City, tt.township, tt.city)
			}
			got := fmt.Sprint(tw.Count(bot.Basic), tw.Count(bot.Cooperative), tw.Count(bot.Reclaimed))
			if want := fmt.Sprint(tt.basic, tt.coop, tt.rec); got != want {
				t.Errorf("counts = %s, want %s (%s)", got, want, tt.note)
			}
			for ref, want := range tt.items {
				it := tw.Item(ref)
				if it == nil {
					t.Errorf("no item %s", ref)
					continue
				}
				if got := itemString(it); got != want {
					t.Errorf("%s = %q\nwant %q", ref, got, want)
				}
			}
			for _, it := range tw.Items {
				if it.Name == "" || it.Line <= 0 {
					t.Errorf("%s: name %q at line %d", it.Ref, it.Name, it.Line)
				}
				if it.Kind == bot.Reclaimed && it.Handover == nil {
					t.Errorf("%s: no handover", it.Ref)
				}
			}
			checkLookups(t, dir, tt.lookups...)
		})
	}
}

// TestLoadOthers loads the folder of other townships' lists into one
// library, with the default list's township not among them.
func TestLoadOthers(t *testing.T) {
	lib, problems, err := Load(filepath.Join("testdata", "other"))
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("problems: %q", problems)
	}
	if len(lib.Townships) != len(otherDocs) {
		t.Errorf("%d townships, want %d", len(lib.Townships), len(otherDocs))
	}
	checkLookups(t, lib.Bodies, "县住建局", "县住房和城乡建设局", "区住建局", "区住房和城乡建设局", "旗林草局", "旗林业和草原局")
}

// TestVariants covers layouts of other lists, one at a time.
func TestVariants(t *testing.T) {
	tests := []struct {
		name, file, doc string
		want            []string
	}{
		{"bold markdown header", "v.md",
			"# 某某县某某镇基本履职事项清单\n| **序号** | **事项类别** | **事项名称** |\n| --- | --- | --- |\n| 1 | 党的建设 | 加强党的建设 |\n",
			[]string{`B1 党的建设|加强党的建设|[]`}},
		{"section rows give the category", "v.txt",
			"# 某某县某某镇基本履职事项清单\n序号\t事项名称\n一、党的建设（2项）\n1\t加强党的建设\n2\t做好统战工作\n（二）民生服务\n3\t做好低保工作\n",
			[]string{`B1 党的建设|加强党的建设|[]`, `B2 党的建设|做好统战工作|[]`, `B3 民生服务|做好低保工作|[]`}},
		{"section rows in a csv", "v.csv",
			"某某县某某镇基本履职事项清单,,\n序号,事项名称,备注\n一、党的建设,,\n1,加强党的建设,\n",
			[]string{`B1 党的建设|加强党的建设|[]`}},
		{"two-row header without merged cells", "v.txt",
			"# 某某县某某镇配合履职事项清单\n序号\t事项名称\t上级部门\t\t乡镇（街道）职责\n\t\t名称\t职责\t\n1\t低保审核\t县民政局\t1.审核。\t1.受理。\n",
			[]string{`C1 |低保审核|["县民政局"] lead[: 审核] town[: 受理]`}},
		{"page footers and notes in a csv", "v.csv",
			"某某县某某镇基本履职事项清单,,\n制表单位：某某镇人民政府,,制表时间：2024年5月\n序号,事项类别,事项名称\n1,党的建设,加强党的建设\n,— 2 —,\n第 2 页 共 9 页,,\n2,党的建设,做好统战工作\n注：本清单动态调整。,,\n",
			[]string{`B1 党的建设|加强党的建设|[]`, `B2 党的建设|做好统战工作|[]`}},
		{"table in column B", "v.csv",
			",某某县某某镇基本履职事项清单,\n,序号,事项类别,事项名称\n,1,党的建设,加强党的建设\n",
			[]string{`B1 党的建设|加强党的建设|[]`}},
		{"reclaimed with 上级部门 and 备注", "v.txt",
			"# 某某县某某镇上级部门收回事项清单\n序号\t事项名称\t上级部门\t备注\n1\t农村危房鉴定\t县住房和城乡建设局\t\n",
			[]string{`R1 |农村危房鉴定|[] handover{县住房和城乡建设局|}`}},
		{"reclaimed with the way only", "v.txt",
			"# 某某县某某镇上级部门收回事项清单\n序号\t事项名称\t收回后工作方式\n1\t农村危房鉴定\t由县住房和城乡建设局委托鉴定\n",
			[]string{`R1 |农村危房鉴定|[] handover{县住房和城乡建设局|由县住房和城乡建设局委托鉴定}`}},
		{"handover body and way after a comma", "v.txt",
			"# 某某县某某镇收回事项清单\n序号\t事项名称\t承接部门及工作方式\n1\t农村危房鉴定\t县住房和城乡建设局；由县住建局委托鉴定\n",
			[]string{`R1 |农村危房鉴定|[] handover{县住房和城乡建设局|由县住建局委托鉴定}`}},
	}
	for _, tt := range tests {
		tw, _ := mustParse(t, tt.file, []byte(tt.doc))
		checkItems(t, tt.name, tw, tt.want)
	}
}

// TestVariantProblems checks that what cannot be understood in the new
// layouts is reported with its file and line.
func TestVariantProblems(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"cooperative header without the township's column",
			"# 某某县某某镇配合履职事项清单\n序号\t事项名称\t县级部门\t县级部门职责\t说明\n1\t低保审核\t县民政局\t1.审核。\t1.受理。\n2\t特困供养\t县民政局\t1.审核。\t1.受理。\n",
			[]string{"bad.txt:2: header row of the 配合履职事项 has no 乡镇配合职责 column (columns: 序号, 事项名称, 县级部门, 县级部门职责, 说明)"}},
		{"reclaimed header without the receiving body",
			"# 某某县某某镇收回事项清单\n序号\t事项名称\t说明\n1\t农村危房鉴定\t已收回\n",
			[]string{"bad.txt:2: header row of the 收回事项 has no 承接部门 column (columns: 序号, 事项名称, 说明)",
				"bad.txt:3: cannot find the receiving body in cell"}},
		{"header with columns not understood",
			"# 某某县某某镇基本履职事项清单\n序号\t领域\t工作条目\t备注\n1\t党的建设\t加强党的建设\t\n",
			[]string{"bad.txt:2: header row has no 事项名称 column (columns not understood: 工作条目, 备注)"}},
		{"header separated by spaces",
			"# 某某县某某镇基本履职事项清单\n序号  事项类别  事项名称\n1  党的建设  加强党的建设\n序号\t事项类别\t事项名称\n2\t党的建设\t做好统战工作\n",
			[]string{`bad.txt:2: header row "序号 事项类别 事项名称" has its cells separated by spaces, not tabs: its table cannot be read (want tab-separated cells, | … | rows, .csv or .xlsx)`,
				"bad.txt:5: gap in numbering: 基本履职事项 starts at 2"}},
		{"html table row",
			"# 某某县某某镇基本履职事项清单\n<table>\n<tr><td>序号</td><td>事项类别</td><td>事项名称</td></tr>\n<tr><td>1</td><td>党的建设</td><td>甲</td></tr>\n<tr><td>3</td><td>党的建设</td><td>乙</td></tr>\n</table>\n",
			[]string{"bad.txt:5: gap in numbering: 3 follows 1"}},
	}
	for _, tt := range tests {
		// A document whose only table cannot be read is an error, with
		// its problems.
		_, problems, _ := Parse("bad.txt", []byte(tt.doc), nil)
		var got []string
		for _, p := range problems {
			got = append(got, p.Error())
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s: problems =\n%s\nwant\n%s", tt.name, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
		}
	}
}

func TestColumnOf(t *testing.T) {
	want := map[column][]string{
		colCategory:  {"事项类别", "类别", "一级分类", "所属领域", "职责类型"},
		colName:      {"事项名称", "履职事项", "履职事项名称", "具体事项", "事项", "事项内容", "工作内容"},
		colLeads:     {"对应上级部门", "上级部门", "牵头部门", "县级主责部门", "配合部门", "责任单位", "部门名称", "上级部门部门名称"},
		colLeadSteps: {"上级部门职责", "部门职责", "县级部门职责", "主责部门职责", "区级部门工作内容", "职责"},
		colTownSteps: {"乡配合职责", "镇配合职责", "街道配合职责", "配合职责", "乡镇（街道）职责", "街道职责", "乡镇（街道）配合职责"},
		colHandover:  {"承接部门及工作方式", "承接单位及方式", "承接部门和承接方式"},
		colBody:      {"承接部门", "承接单位", "收回部门", "收回单位", "接收部门", "收回后承接部门"},
		colHow:       {"工作方式", "承接方式", "收回后工作方式"},
		colOther:     {"备注", "说明", "履职依据"},
	}
	for k, hs := range want {
		for _, h := range hs {
			if got := columnOf(h); got != k {
				t.Errorf("columnOf(%q) = %d, want %d", h, got, k)
			}
		}
	}
}

func TestPageFootersAndSections(t *testing.T) {
	for _, s := range []string{"— 3 —", "- 12 -", "－3－", "第3页", "第 3 页 共 20 页", "第3页/共20页", "3/20", "共20页 第3页"} {
		if !isPageFooter(clean(s)) {
			t.Errorf("isPageFooter(%q) = false", s)
		}
	}
	for _, s := range []string{"3", "1.", "2025年7月", "第三部分", "— 说明 —"} {
		if isPageFooter(clean(s)) {
			t.Errorf("isPageFooter(%q) = true", s)
		}
	}
	for in, want := range map[string]string{
		"一、党的建设（10项）": "党的建设", "（二）民生服务": "民生服务", "十一、应急管理及消防": "应急管理及消防",
		"1.加强党建": "", "一、为加强基层治理，特制定本清单。": "",
	} {
		if got := sectionOf(in); got != want {
			t.Errorf("sectionOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLeague covers the bodies of a 盟 (the prefecture above a 旗).
func TestLeague(t *testing.T) {
	if got := strings.Join(splitBodies("盟民政局、财政局，旗林业和草原局", "旗"), " "); got != "盟民政局 盟财政局 旗林业和草原局" {
		t.Errorf("splitBodies = %s", got)
	}
	doc := "# 锡林郭勒盟正蓝旗上都镇配合履职事项清单\n序号\t事项名称\t上级部门\t上级部门职责\t镇配合职责\n" +
		"1\t草原防火\t旗应急管理局\t1.旗应急管理局统筹；2.报盟应急管理局备案。\t1.巡查。\n"
	tw, dir := mustParse(t, "league.txt", []byte(doc))
	checkItems(t, "league", tw, []string{`C1 |草原防火|["旗应急管理局"] lead[: 旗应急管理局统筹 | 报盟应急管理局备案] town[: 巡查]`})
	checkLookups(t, dir, "盟应急局", "盟应急管理局", "旗应急局", "旗应急管理局")
}

// TestWrappedCells: PDF extraction puts the end of a long cell on lines of
// its own, without tabs; they belong to the row above. A heading, a page
// footer or a section right under a row does not.
func TestWrappedCells(t *testing.T) {
	doc := "伊犁州伊宁市测试乡履职事项清单\n一、基本履职事项清单\n序号\t事项类别\t事项名称\n" +
		"1\t党的建设\t宣传贯彻党的路线方针政策\n" +
		"2\t民生服务\t负责本乡低保申请的受理、\n入户调查和初审工作\n" +
		"二、配合履职事项清单\n序号\t事项类别\t事项名称\t对应上级部门\t上级部门职责\t乡配合职责\n" +
		"1\t民生服务\t残疾人证办理\t市残疾人联合会\t1.审核；2.发证\t1.受理申请；\n2.上报材料；\n3.发放证件\n" +
		"— 2 —\n" +
		"2\t民生服务\t犬只管理\t市公安局\t1.登记\t1.宣传\n"
	tw, _ := mustParse(t, "wrapped.txt", []byte(doc))
	if n := len(tw.Items); n != 4 {
		t.Fatalf("%d items, want 4", n)
	}
	if got := tw.Item("B2").Name; got != "负责本乡低保申请的受理、入户调查和初审工作" {
		t.Errorf("B2 name = %q", got)
	}
	c1 := tw.Item("C1")
	if len(c1.TownshipSteps) != 1 || !slices.Equal(c1.TownshipSteps[0].Steps, []string{"受理申请", "上报材料", "发放证件"}) {
		t.Errorf("C1 township steps = %+v", c1.TownshipSteps)
	}
	if c2 := tw.Item("C2"); c2 == nil || c2.Name != "犬只管理" {
		t.Errorf("C2 = %+v", c2)
	}
}
