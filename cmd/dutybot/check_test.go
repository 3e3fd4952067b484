package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckDefault(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runCheck(nil, &stdout, &stderr); code != 0 {
		t.Fatalf("runCheck() = %d, want 0; stderr %s", code, stderr.String())
	}
	// The embedded bank has examples for every item and no doubtful row.
	want := "喀尔墩乡 (伊宁市, yining-kaerdun.txt): 87 basic, 132 cooperative, 52 reclaimed; knowledge bank: examples for 271 of 271 items ("
	if !strings.HasPrefix(stdout.String(), want) || strings.Count(stdout.String(), "\n") != 1 || stderr.Len() != 0 {
		t.Errorf("runCheck() printed %q, stderr %q, want %q", stdout.String(), stderr.String(), want)
	}
}

func TestCheckJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runCheck([]string{"-json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("runCheck(-json) = %d, want 0; stderr %s", code, stderr.String())
	}
	var got checkReport
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := checkTownship{Township: "喀尔墩乡", City: "伊宁市", File: "yining-kaerdun.txt", Basic: 87, Cooperative: 132, Reclaimed: 52, WithExamples: 271}
	if len(got.Townships) != 1 || got.Townships[0].Examples < 30*271 {
		t.Fatalf("runCheck(-json) = %s", stdout.String())
	}
	got.Townships[0].Examples = 0
	if got.Townships[0] != want || len(got.Problems) != 0 || got.Knowledge == nil || len(got.Knowledge) != 0 {
		t.Errorf("runCheck(-json) = %s, want %+v and no problems", stdout.String(), want)
	}
}

// A broken knowledge bank is reported with its file and line, and check
// fails; rows naming an item no list has are listed, not failures.
func TestCheckKnowledge(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(bad, []byte("item\tref\tkind\texample\tsource\n农村公路养护\tC1\tstory\t\t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := runCheck([]string{"-knowledge", bad}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), bad+":2: empty example") {
		t.Errorf("broken bank: exit %d, stderr %q", code, stderr.String())
	}
	odd := filepath.Join(dir, "odd.tsv")
	if err := os.WriteFile(odd, []byte("item\tref\tkind\texample\tsource\n没有这个事项\tB1\tstory\t问一下\t\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := runCheck([]string{"-knowledge", odd}, &stdout, &stderr); code != 0 ||
		!strings.Contains(stdout.String(), "examples for 0 of 271 items") ||
		!strings.Contains(stdout.String(), odd+`:2: no loaded list has the item "没有这个事项" (1 examples)`) {
		t.Errorf("bank of an unknown item: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

// writeDoc writes a small duty list with a gap in its numbering.
func writeDoc(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bad.txt")
	doc := "# 伊犁州伊宁市喀尔墩乡基本履职事项清单\n序号\t事项类别\t事项名称\n1\t党的建设\t甲\n3\t党的建设\t乙\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckProblems(t *testing.T) {
	path := writeDoc(t)
	var stdout, stderr bytes.Buffer
	if code := runCheck([]string{path}, &stdout, &stderr); code != 1 {
		t.Errorf("runCheck(%s) = %d, want 1", path, code)
	}
	want := "喀尔墩乡 (伊宁市, " + path + "): 2 basic, 0 cooperative, 0 reclaimed; knowledge bank: examples for 0 of 2 items (0 examples)\n" +
		path + ":4: gap in numbering: 3 follows 1\n" +
		"knowledge bank: 271 doubtful rows (not errors)\n"
	if !strings.HasPrefix(stdout.String(), want) {
		t.Errorf("runCheck(%s) printed %q, want %q", path, stdout.String(), want)
	}

	stdout.Reset()
	if code := runCheck([]string{"-json", path}, &stdout, &stderr); code != 1 {
		t.Errorf("runCheck(-json %s) = %d, want 1", path, code)
	}
	var rep struct {
		Problems []struct {
			File    string `json:"file"`
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"problems"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].File != path || rep.Problems[0].Line != 4 || rep.Problems[0].Message != "gap in numbering: 3 follows 1" {
		t.Errorf("runCheck(-json) problems = %+v", rep.Problems)
	}
}

func TestCheckErrors(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"-nope"}, 2, "usage: dutybot check"},
		{[]string{"-h"}, 0, "usage: dutybot check"},
		{[]string{"/nonexistent/list.txt"}, 1, "dutybot check: seeds: stat /nonexistent/list.txt"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := runCheck(tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("runCheck(%q) = %d, stderr %q, want %d, %q", tt.args, code, stderr.String(), tt.code, tt.stderr)
		}
	}
}
