package seeds

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"dutybot/bot"
)

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoad(t *testing.T) {
	root := t.TempDir()
	// 喀尔墩乡 published as one file per table, 清水河镇 as one text file;
	// a file that is no duty list; files to ignore.
	writeFile(t, filepath.Join(root, "docs", "a-kaerdun-basic.csv"), []byte(csvDoc[:strings.Index(csvDoc, "伊犁州伊宁市喀尔墩乡配合")]))
	writeFile(t, filepath.Join(root, "docs", "b-kaerdun.xlsx"), makeXLSX(t))
	writeFile(t, filepath.Join(root, "docs", "c-qingshuihe.txt"), []byte(countyDoc))
	writeFile(t, filepath.Join(root, "docs", "d-notes.md"), []byte("# 说明\n\n这里没有表格。\n"))
	writeFile(t, filepath.Join(root, "docs", "README"), []byte("not a document"))
	writeFile(t, filepath.Join(root, "docs", ".git", "x.txt"), []byte(base+"1\t党的建设\t甲\n"))
	writeFile(t, filepath.Join(root, "extra.txt"), []byte(streetDoc))

	lib, problems, err := Load(filepath.Join(root, "docs"), filepath.Join(root, "extra.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tw := range lib.Townships {
		names = append(names, tw.Name)
	}
	if got := strings.Join(names, " "); got != "喀尔墩乡 清水河镇 燕儿窝街道" {
		t.Errorf("townships = %s, want 喀尔墩乡 清水河镇 燕儿窝街道", got)
	}
	k := lib.Township("喀尔墩")
	if k.Count(bot.Basic) != 2 || k.Count(bot.Cooperative) != 2 || k.File != filepath.Join(root, "docs", "a-kaerdun-basic.csv") {
		t.Errorf("喀尔墩乡: %d basic, %d cooperative from %s", k.Count(bot.Basic), k.Count(bot.Cooperative), k.File)
	}
	// The xlsx's basic table repeats the csv's: reported, left out.
	var got []string
	for _, p := range problems {
		got = append(got, strings.TrimPrefix(p.Error(), root+string(filepath.Separator)))
	}
	want := []string{
		"docs/b-kaerdun.xlsx#配合履职事项:4: empty 乡配合职责",
		"docs/b-kaerdun.xlsx: 基本履职事项 of 喀尔墩乡 already loaded from " + filepath.Join(root, "docs", "a-kaerdun-basic.csv"),
		"docs/d-notes.md: no duty-list table found (want headings such as …基本履职事项清单, or a header row starting with 序号)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// One directory for all: each township's bodies are there.
	checkLookups(t, lib.Bodies, "县人社局", "县人力资源和社会保障局", "区住建局", "区住房和城乡建设局", "市残联", "市残疾人联合会")

	if _, _, err := Load(filepath.Join(root, "missing.txt")); err == nil {
		t.Error("Load(missing file) = nil error")
	}
	if _, _, err := Load(filepath.Join(root, "docs", "d-notes.md")); err == nil {
		t.Error("Load(no duty list) = nil error")
	}
	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o755)
	if _, _, err := Load(empty); err == nil || !strings.Contains(err.Error(), "no .txt, .md, .csv or .xlsx document") {
		t.Errorf("Load(empty folder) = %v", err)
	}
}

func TestLoadDefault(t *testing.T) {
	lib := LoadDefault()
	if len(lib.Townships) != 1 || lib.Township("") != lib.Townships[0] || lib.Township("喀尔墩乡") == nil {
		t.Fatalf("LoadDefault townships = %v", lib.Townships)
	}
	// The embedded file and the one in the folder are the same.
	onDisk, _, err := Load(DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	if len(onDisk.Townships[0].Items) != len(lib.Townships[0].Items) {
		t.Error("the embedded document differs from seeds/" + DefaultName)
	}
}

// FuzzParse checks that no document makes Parse panic or hang, and that
// what it returns holds together.
func FuzzParse(f *testing.F) {
	for _, doc := range []string{base + "1\t党的建设\t甲\n", coop + "1\t民生服务\t残疾人证办理\t市残疾人联合会\t<ol><li>1.审核；</li>\t1.初审。 2.上报\n",
		countyDoc, streetDoc, csvDoc, string(Default()[:6000])} {
		for ext := range byte(3) {
			f.Add([]byte(doc), ext)
		}
	}
	f.Add(makeXLSX(f), byte(3))
	f.Add(makeDOCX(f), byte(4))
	names := []string{"f.txt", "f.md", "f.csv", "f.xlsx", "f.docx"}
	for _, d := range otherDocs {
		ext := filepath.Ext(d.file)
		for i, n := range names {
			if filepath.Ext(n) == ext {
				f.Add(readOther(f, d.file), byte(i))
			}
		}
	}
	f.Add([]byte("# 某某县某某镇配合履职事项清单\n<table><tr><td rowspan=\"3\">序号</td><td colspan=\"2\">上级部门</td></tr><tr><td>名称</td><td>职责</td></tr><tr><td>1<td>县民政局</table>"), byte(1))
	f.Fuzz(func(t *testing.T, data []byte, ext byte) {
		name := names[int(ext)%len(names)]
		done := make(chan struct{})
		var (
			tw       *bot.Township
			problems []Problem
			err      error
		)
		go func() {
			defer close(done)
			tw, problems, err = Parse(name, data, &bot.Directory{})
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("Parse(%q, %d bytes) hangs", name, len(data))
		}
		if err != nil {
			return
		}
		if tw == nil || len(tw.Items) == 0 {
			t.Fatalf("Parse(%q) = %v with no error", name, tw)
		}
		refs := map[string]bool{}
		for _, it := range tw.Items {
			if it.Ref != bot.Ref(it.Kind, it.Seq) || refs[it.Ref] || it.Seq <= 0 {
				t.Fatalf("item %q: kind %s seq %d (duplicate %v)", it.Ref, it.Kind, it.Seq, refs[it.Ref])
			}
			refs[it.Ref] = true
			if it.Kind == bot.Reclaimed && it.Handover == nil {
				t.Fatalf("%s: no handover", it.Ref)
			}
			for _, gs := range [][]bot.StepGroup{it.LeadSteps, it.TownshipSteps} {
				for _, g := range gs {
					if len(g.Steps) == 0 {
						t.Fatalf("%s: empty group %q", it.Ref, g.Heading)
					}
				}
			}
			if strings.Contains(name, ".txt") && !utf8.ValidString(it.Name) {
				t.Fatalf("%s: invalid UTF-8 name %q", it.Ref, it.Name)
			}
		}
		for _, p := range problems {
			if p.File == "" || p.Message == "" || p.Line < 0 {
				t.Fatalf("problem %#v", p)
			}
		}
	})
}
