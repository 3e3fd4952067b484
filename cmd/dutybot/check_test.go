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
	want := "喀尔墩乡 (伊宁市, yining-kaerdun.txt): 87 basic, 132 cooperative, 52 reclaimed\n"
	if stdout.String() != want || stderr.Len() != 0 {
		t.Errorf("runCheck() printed %q, stderr %q, want %q", stdout.String(), stderr.String(), want)
	}
}

func TestCheckJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runCheck([]string{"-json"}, &stdout, &stderr); code != 0 {
		t.Fatalf("runCheck(-json) = %d, want 0; stderr %s", code, stderr.String())
	}
	want := `{"townships":[{"township":"喀尔墩乡","city":"伊宁市","file":"yining-kaerdun.txt","basic":87,"cooperative":132,"reclaimed":52}],"problems":[]}`
	var got bytes.Buffer
	if err := json.Compact(&got, stdout.Bytes()); err != nil {
		t.Fatal(err)
	}
	if got.String() != want {
		t.Errorf("runCheck(-json) = %s, want %s", got.String(), want)
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
	want := "喀尔墩乡 (伊宁市, " + path + "): 2 basic, 0 cooperative, 0 reclaimed\n" +
		path + ":4: gap in numbering: 3 follows 1\n"
	if stdout.String() != want {
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
