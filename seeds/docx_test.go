package seeds

import (
	"archive/zip"
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"dutybot/bot"
)

// Word XML for the test documents: a paragraph of runs, and a table of
// cells, each given as its XML.
const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`

func wp(runs ...string) string {
	var b strings.Builder
	b.WriteString(`<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs></w:pPr>`)
	for _, r := range runs {
		fmt.Fprintf(&b, `<w:r><w:rPr><w:rFonts w:hint="eastAsia"/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>`, r)
	}
	b.WriteString(`</w:p>`)
	return b.String()
}

// wc is a table cell: its properties (gridSpan, vMerge) and paragraphs.
func wc(props string, paras ...string) string {
	if len(paras) == 0 {
		paras = []string{`<w:p/>`}
	}
	return `<w:tc><w:tcPr><w:tcW w:w="1000" w:type="dxa"/>` + props + `</w:tcPr>` + strings.Join(paras, "") + `</w:tc>`
}

// wt is a plain cell of one paragraph.
func wt(text string) string { return wc("", wp(text)) }

// wnum is an empty 序号 cell numbered by Word's list numbering.
const wnum = `<w:tc><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr></w:p></w:tc>`

func wtr(cells ...string) string {
	return `<w:tr><w:trPr><w:cantSplit/></w:trPr>` + strings.Join(cells, "") + `</w:tr>`
}

func wtbl(cols int, rows ...string) string {
	grid := strings.Repeat(`<w:gridCol w:w="1000"/>`, cols)
	return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>` + grid + `</w:tblGrid>` + strings.Join(rows, "") + `</w:tbl>`
}

// docxFile writes a .docx holding the given parts.
func docxFile(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		body, ok := parts[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
)

// wordDocument wraps body XML in word/document.xml.
func wordDocument(body string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<w:document ` + wordNS + `><w:body>` + body +
		`<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/></w:sectPr></w:body></w:document>`
}

// docxBody is a township's list as Word writes it: the title and the
// headings as paragraphs (one cut into runs, one with a line break), a
// table per list. The basic table has its category merged down (vMerge);
// the cooperative one a title row merged across (gridSpan), 序号 cells
// numbered by Word, steps as paragraphs of a cell, text deleted in tracked
// changes and a drawing; the reclaimed one has no 序号 column.
var docxBody = wp("伊犁州伊宁市", "喀尔墩乡履职事项清单") +
	`<w:p/>` +
	wp("一、基本履职事项清单") +
	wtbl(3,
		wtr(wt("序号"), wt("事项类别"), wt("事项名称")),
		wtr(wt("1"), wc(`<w:vMerge w:val="restart"/>`, wp("党的建设")), wt("加强政治建设")),
		wtr(wt("2"), wc(`<w:vMerge/>`), wc("", wp("做好“双拥”", "工作"))),
		wtr(wt("3"), wt("经济发展"), wt("做好优化营商环境工作")),
	) +
	`<w:p><w:r><w:t>二、配合履职</w:t></w:r><w:r><w:br/><w:t>事项清单</w:t></w:r></w:p>` +
	wtbl(6,
		wtr(wc(`<w:gridSpan w:val="6"/>`, wp("伊犁州伊宁市喀尔墩乡配合履职事项清单"))),
		wtr(wt("序号"), wt("事项类别"), wt("事项名称"), wt("对应上级部门"), wt("上级部门职责"), wt("乡配合职责")),
		wtr(wnum, wt("民生服务"), wt("残疾人证办理"), wt("市残疾人联合会、人力资源和社会保障局"),
			wc("", wp("1.审核材料；"), wp("2.制作残疾人证。")),
			wc("", wp("1.指导填写申请表；"), `<w:p/>`, wp("2.发放残疾人证", "并报市残联。"))),
		wtr(wnum, wt("民生服务"),
			`<w:tc><w:p><w:r><w:t>特殊困难老年人</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>删掉的</w:delText></w:r></w:del>`+
				`<w:ins w:id="2" w:author="a"><w:r><w:t>家庭适老化改造</w:t></w:r></w:ins>`+
				`<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline><w:t>图</w:t></wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><w:t>图</w:t></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p></w:tc>`,
			wt("市民政局"), wc("", wp("1.入户评估；"), wp("2.组织验收。")), wc("", wp("1.摸排需求；"), wp("2.上报名单。"))),
	) +
	wp("三、上级部门收回事项清单") +
	wtbl(3,
		wtr(wt("事项类别"), wt("事项名称"), wt("承接部门及工作方式")),
		wtr(wc(`<w:vMerge w:val="restart"/>`, wp("民生服务")), wt("工伤认定调查"), wt("市人力资源和社会保障局 承接方式：由市人社局负责")),
		wtr(wc(`<w:vMerge/>`), wt("出具婚姻状况证明"), wt("不再开展此项工作")),
	)

func makeDOCX(t testing.TB) []byte {
	t.Helper()
	return docxFile(t, map[string]string{
		"[Content_Types].xml": contentTypes,
		"_rels/.rels":         packageRels,
		"word/document.xml":   wordDocument(docxBody),
	})
}

func TestDOCX(t *testing.T) {
	tw, dir := mustParse(t, "kaerdun.docx", makeDOCX(t))
	if tw.Name != "喀尔墩乡" || tw.City != "伊宁市" {
		t.Errorf("township = %q, %q, want 喀尔墩乡, 伊宁市", tw.Name, tw.City)
	}
	checkItems(t, "docx", tw, []string{
		`B1 党的建设|加强政治建设|[]`,
		`B2 党的建设|做好“双拥”工作|[]`,
		`B3 经济发展|做好优化营商环境工作|[]`,
		`C1 民生服务|残疾人证办理|["市残疾人联合会","市人力资源和社会保障局"] lead[: 审核材料 | 制作残疾人证] town[: 指导填写申请表 | 发放残疾人证并报市残联]`,
		`C2 民生服务|特殊困难老年人家庭适老化改造|["市民政局"] lead[: 入户评估 | 组织验收] town[: 摸排需求 | 上报名单]`,
		`R1 民生服务|工伤认定调查|[] handover{市人力资源和社会保障局|由市人社局负责}`,
		`R2 民生服务|出具婚姻状况证明|[] handover{|不再开展此项工作}`,
	})
	checkLookups(t, dir, "市人社局", "市人力资源和社会保障局", "市残联", "市残疾人联合会")
	// Lines are the paragraphs and table rows in the order of the document:
	// the title (1), an empty paragraph (2), a heading (3), the basic
	// table's header (4) and rows (5–7), a heading (8), the cooperative
	// table's title row (9) and header (10)…
	for ref, line := range map[string]int{"B1": 5, "B3": 7, "C1": 11, "C2": 12, "R1": 15, "R2": 16} {
		if it := tw.Item(ref); it == nil || it.Line != line || it.File != "kaerdun.docx" {
			t.Errorf("%s at %v, want kaerdun.docx:%d", ref, it, line)
		}
	}
}

func TestDOCXRows(t *testing.T) {
	doc := docxFile(t, map[string]string{"word/document.xml": wordDocument(
		wp("标题") +
			wtbl(4,
				`<w:tr><w:trPr><w:gridBefore w:val="1"/><w:gridAfter w:val="1"/></w:trPr>`+wt("b")+wt("c")+`</w:tr>`,
				wtr(wc(`<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>`, wp("ab"), wp("甲\t乙")), wt("c"), wt("d")),
				wtr(wc(`<w:gridSpan w:val="2"/><w:vMerge/>`), wc(`<w:vMerge w:val="continue"/>`), wt("d2")),
				wtr(wt("x")+`<w:tc><w:tbl><w:tr>`+wt("内")+wt("表")+`</w:tr></w:tbl>`+wp("外")+`</w:tc>`),
			) +
			`<w:p><w:r><w:t>一</w:t><w:tab/><w:t>二</w:t><w:cr/><w:t>三</w:t></w:r></w:p>`)})
	rows, err := docxRows("r.docx", doc)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%d %v %q", r.line, r.title, r.cells))
	}
	want := []string{
		`1 true ["标题"]`,
		`2 false ["" "b" "c" ""]`,
		`3 false ["ab\n甲\t乙" "" "c" "d"]`,
		`4 false ["ab\n甲\t乙" "" "c" "d2"]`,
		`5 false ["x" "内\n表\n外"]`,
		`6 true ["一 二\n三"]`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestDOCXErrors(t *testing.T) {
	big := func() []byte {
		// A zip bomb: word/document.xml says it inflates to 65 MiB.
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate,
			CompressedSize64: 2, UncompressedSize64: 65 << 20})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{3, 0})
		zw.Close()
		return buf.Bytes()
	}()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"broken.docx", []byte("PK\x03\x04 not a document"), "seeds: broken.docx: read docx: not a Word document (zip: not a valid zip file)"},
		{"text.docx", []byte("伊宁市喀尔墩乡基本履职事项清单"), "seeds: text.docx: read docx: not a Word document"},
		{"old.docx", append(append([]byte{}, oleMagic...), make([]byte, 512)...), "seeds: old.docx: read docx: a Word 97-2003 .doc"},
		{"old.doc", nil, `seeds: old.doc: unsupported file type ".doc" (a Word 97-2003 document: save it as .docx)`},
		{"sheet.docx", makeXLSX(t), "seeds: sheet.docx: read docx: xl/workbook.xml: not a Word document (its root element is <workbook>)"},
		{"empty.docx", docxFile(t, map[string]string{"[Content_Types].xml": contentTypes}), "seeds: empty.docx: read docx: no word/document.xml inside: not a Word document"},
		{"bomb.docx", big, "seeds: bomb.docx: read docx: word/document.xml is 65 MiB uncompressed, more than the 64 MiB allowed"},
		{"bad-xml.docx", docxFile(t, map[string]string{"word/document.xml": wordDocument(wp("甲")) + "<w:p>"}), "seeds: bad-xml.docx: read docx: word/document.xml: XML syntax error"},
		{"deep.docx", docxFile(t, map[string]string{"word/document.xml": "<w:document " + wordNS + ">" + strings.Repeat("<w:sdt>", maxDocxDepth)}), "seeds: deep.docx: read docx: word/document.xml: elements nested more than 1000 deep"},
		{"no-table.docx", docxFile(t, map[string]string{"word/document.xml": wordDocument(wp("伊宁市喀尔墩乡履职事项清单") + wp("说明文字。"))}), "seeds: no-table.docx: no duty-list table found"},
	}
	for _, tt := range tests {
		tw, _, err := Parse(tt.name, tt.data, nil)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || tw != nil {
			t.Errorf("Parse(%q) = %v, %v, want error %q…", tt.name, tw, err, tt.want)
		}
	}
}

// TestDOCXMainPart: the document part is found by the package's
// relationships, wherever it is.
func TestDOCXMainPart(t *testing.T) {
	body := wordDocument(wp("伊宁市喀尔墩乡基本履职事项清单") + wtbl(2, wtr(wt("序号"), wt("事项名称")), wtr(wt("1"), wt("加强政治建设"))))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, text := range map[string]string{
		"_rels/.rels":        strings.Replace(packageRels, `Target="word/document.xml"`, `Target="/word/document2.xml"`, 1),
		"word/document2.xml": body,
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(text))
	}
	zw.Close()
	tw, _ := mustParse(t, "moved.docx", buf.Bytes())
	checkItems(t, "moved", tw, []string{`B1 |加强政治建设|[]`})
}

// TestUnnumberedTables: a table whose header has no 序号 column is found by
// its other columns, and its items are numbered in order, per table.
func TestUnnumberedTables(t *testing.T) {
	tests := []struct {
		name, file, doc string
		want            []string
	}{
		{"text", "u.txt",
			"# 某某县某某镇基本履职事项清单\n事项类别\t事项名称\n党的建设\t加强党的建设\n\t做好统战工作\n民生服务\t做好低保工作\n" +
				"# 某某县某某镇配合履职事项清单\n事项类别\t事项名称\t对应上级部门\t上级部门职责\t镇配合职责\t备注\n" +
				"民生服务\t低保审核\t县民政局\t1.审核；\t1.受理；\t\n\t\t\t2.审批。\t2.公示。\t\n民生服务\t特困供养\t县民政局\t1.审核。\t1.受理。\t\n",
			[]string{`B1 党的建设|加强党的建设|[]`, `B2 党的建设|做好统战工作|[]`, `B3 民生服务|做好低保工作|[]`,
				`C1 民生服务|低保审核|["县民政局"] lead[: 审核 | 审批] town[: 受理 | 公示]`,
				`C2 民生服务|特困供养|["县民政局"] lead[: 审核] town[: 受理]`}},
		{"header only, sections, a repeated header", "某某县某某镇.csv",
			"事项名称,事项类别\n一、党的建设,\n加强党的建设,\n做好统战工作,\n— 2 —,\n事项名称,事项类别\n做好低保工作,民生服务\n",
			[]string{`B1 党的建设|加强党的建设|[]`, `B2 党的建设|做好统战工作|[]`, `B3 民生服务|做好低保工作|[]`}},
		{"reclaimed", "u.md",
			"## 某某县某某镇上级部门收回事项清单\n| 事项名称 | 承接部门 | 工作方式 |\n|---|---|---|\n| 农村危房鉴定 | 县住房和城乡建设局 | 由县住建局委托鉴定 |\n| 出具居住证明 | | 不再开展 |\n",
			[]string{`R1 |农村危房鉴定|[] handover{县住房和城乡建设局|由县住建局委托鉴定}`, `R2 |出具居住证明|[] handover{|不再开展}`}},
	}
	for _, tt := range tests {
		tw, _ := mustParse(t, tt.file, []byte(tt.doc))
		checkItems(t, tt.name, tw, tt.want)
		if tw.Name != "某某镇" {
			t.Errorf("%s: township %q", tt.name, tw.Name)
		}
	}
	// Rows that only look like headers are not: a data row whose cells
	// are not all column names, a row with a 序号.
	tw, problems, err := Parse("n.txt", []byte("# 某某县某某镇基本履职事项清单\n序号\t事项类别\t事项名称\n1\t党的建设\t加强党的建设\n2\t事项类别\t事项名称\n"), nil)
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}
	checkItems(t, "numbered", tw, []string{`B1 党的建设|加强党的建设|[]`, `B2 事项类别|事项名称|[]`})
	_, problems, _ = Parse("e.csv", []byte("某某镇基本履职事项清单,,\n事项类别,事项名称,备注\n党的建设,,说明\n党的建设,加强党的建设,\n"), nil)
	if len(problems) != 1 || problems[0].Error() != "e.csv:3: empty 事项名称" {
		t.Errorf("problems = %q, want [e.csv:3: empty 事项名称]", problems)
	}
}

// TestLoadDOCX: a folder's .docx files are loaded with the others.
func TestLoadDOCX(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "kaerdun.docx"), makeDOCX(t))
	writeFile(t, filepath.Join(root, "~$kaerdun.docx"), []byte("lock"))
	writeFile(t, filepath.Join(root, "qingshuihe.txt"), []byte(countyDoc))
	lib, problems, err := Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Errorf("problems: %q", problems)
	}
	if len(lib.Townships) != 2 || lib.Township("喀尔墩乡") == nil || lib.Township("喀尔墩乡").Count(bot.Reclaimed) != 2 {
		t.Errorf("townships = %v", lib.Townships)
	}
	only := filepath.Join(root, "only")
	writeFile(t, filepath.Join(only, "a.docx"), makeDOCX(t))
	if lib, _, err := Load(only); err != nil || len(lib.Townships[0].Items) != 7 {
		t.Errorf("Load(folder of one .docx) = %v", err)
	}
}

// FuzzDOCXBody fuzzes word/document.xml itself (FuzzParse cannot get
// past the zip's checksums): no body makes the reader panic, hang or break
// its limits, and what Parse returns holds together.
func FuzzDOCXBody(f *testing.F) {
	// Small seeds: the fuzzer minimizes each new input, a run per byte.
	f.Add(`<w:document xmlns:w="w"><w:p><w:r><w:t>某县某镇基本履职事项清单</w:t></w:r></w:p><w:tbl>` +
		`<w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>事项类别</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>事项名称</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr></w:p></w:tc><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>党建</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>甲</w:t><w:br/><w:t>乙</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>丙</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:document>`)
	f.Add(`<w:document xmlns:w="w"><w:p><w:r><w:t>某镇收回事项清单</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>事项名称</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>承接部门</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:tcPr><w:gridSpan w:val="99999"/></w:tcPr><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:document>`)
	f.Fuzz(func(t *testing.T, body string) {
		doc := docxFile(t, map[string]string{"word/document.xml": body})
		rows, err := docxRows("f.docx", doc)
		if err != nil {
			return
		}
		last := 0
		for _, r := range rows {
			if r.line <= last || len(r.cells) > maxDocxCols || r.title && len(r.cells) != 1 {
				t.Fatalf("row %d after %d: %d cells, title %v", r.line, last, len(r.cells), r.title)
			}
			last = r.line
		}
		tw, _, err := Parse("f.docx", doc, nil)
		if err != nil {
			return
		}
		for _, it := range tw.Items {
			if it.Ref != bot.Ref(it.Kind, it.Seq) || it.Seq <= 0 || it.Kind == bot.Reclaimed && it.Handover == nil {
				t.Fatalf("item %q: kind %s seq %d", it.Ref, it.Kind, it.Seq)
			}
		}
	})
}
