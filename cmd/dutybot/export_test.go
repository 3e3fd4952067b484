package main

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

func TestExport(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runExport([]string{"-township", "喀尔墩"}, &stdout, &stderr); code != 0 {
		t.Fatalf("runExport() = %d, want 0; stderr %s", code, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("runExport() stderr %q, want nothing", stderr.String())
	}
	var doc struct {
		Townships []struct {
			Township string                       `json:"township"`
			City     string                       `json:"city"`
			Items    []map[string]json.RawMessage `json:"items"`
		} `json:"townships"`
		Bodies []struct {
			Name    string   `json:"name"`
			Aliases []string `json:"aliases"`
		} `json:"bodies"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Townships) != 1 || doc.Townships[0].Township != "喀尔墩乡" || doc.Townships[0].City != "伊宁市" || len(doc.Townships[0].Items) != 87+132+52 {
		t.Fatalf("runExport() townships = %d, first %q %q with %d items", len(doc.Townships), doc.Townships[0].Township, doc.Townships[0].City, len(doc.Townships[0].Items))
	}
	items := map[string]map[string]json.RawMessage{}
	for _, it := range doc.Townships[0].Items {
		var ref string
		json.Unmarshal(it["ref"], &ref)
		items[ref] = it
	}
	// The fields exactly as the issue names them; handover only on R items.
	keys := func(m map[string]json.RawMessage) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		return strings.Join(ks, " ")
	}
	if got, want := keys(items["C16"]), "category kind lead_steps leads name ref seq township_steps"; got != want {
		t.Errorf("C16 fields = %s, want %s", got, want)
	}
	if got, want := keys(items["R2"]), "category handover kind lead_steps leads name ref seq township_steps"; got != want {
		t.Errorf("R2 fields = %s, want %s", got, want)
	}
	compact := func(raw json.RawMessage) string {
		var b bytes.Buffer
		json.Compact(&b, raw)
		return b.String()
	}
	c16 := items["C16"]
	for field, want := range map[string]string{
		"ref": `"C16"`, "kind": `"cooperative"`, "seq": `16`, "category": `"民生服务"`, "name": `"残疾人证办理"`,
		"leads": `["市残疾人联合会"]`,
	} {
		if got := compact(c16[field]); got != want {
			t.Errorf("C16 %s = %s, want %s", field, got, want)
		}
	}
	if !strings.HasPrefix(compact(c16["lead_steps"]), `[{"heading":"","steps":["指定机构对残疾人进行残疾等级鉴定"`) {
		t.Errorf("C16 lead_steps = %s", c16["lead_steps"])
	}
	if got := compact(items["R2"]["handover"]); got != `{"body":"市人力资源和社会保障局","how":"由市人力资源和社会保障局负责开展工伤认定调查"}` {
		t.Errorf("R2 handover = %s", got)
	}
	found := false
	for _, b := range doc.Bodies {
		if b.Aliases == nil {
			t.Errorf("body %s: aliases null, want a list", b.Name)
		}
		if b.Name == "市人力资源和社会保障局" {
			found = strings.Contains(strings.Join(b.Aliases, " "), "市人社局")
		}
	}
	if !found {
		t.Error("bodies: no 市人力资源和社会保障局 with alias 市人社局")
	}
}

func TestExportErrors(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"-township", "潘津镇"}, 1, `dutybot export: no township "潘津镇" (loaded: 喀尔墩乡)`},
		{[]string{"-nope"}, 2, "usage: dutybot export"},
		{[]string{"/nonexistent/list.txt"}, 1, "dutybot export: seeds: stat /nonexistent/list.txt"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := runExport(tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("runExport(%q) = %d, stderr %q, want %d, %q", tt.args, code, stderr.String(), tt.code, tt.stderr)
		}
	}
}

func TestExportProblemsWarn(t *testing.T) {
	path := writeDoc(t)
	var stdout, stderr bytes.Buffer
	if code := runExport([]string{path}, &stdout, &stderr); code != 0 {
		t.Fatalf("runExport(%s) = %d, want 0", path, code)
	}
	if !strings.Contains(stderr.String(), "1 problem(s)") || !json.Valid(stdout.Bytes()) {
		t.Errorf("runExport(%s): stderr %q, valid JSON %v", path, stderr.String(), json.Valid(stdout.Bytes()))
	}
}
