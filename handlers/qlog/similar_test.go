package qlog

import (
	"fmt"
	"testing"
)

func TestGroupKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"请问驾照怎么换证？", "驾照怎么换证"},
		{"驾照怎么换证吗呢", "驾照怎么换证"},
		{"  低保 怎么 申请 ", "低保怎么申请"},
		{"ＡＢＣ１２３全角", "abc123全角"},
		{"B12", "b12"},
		{"吗", "吗"},
		{"请问", "请问"},
		{"您好，办残疾证找谁啊！谢谢", "办残疾证找谁"},
	} {
		if got := groupKey(tt.in); got != tt.want {
			t.Errorf("groupKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"驾照怎么换证", "驾照怎样换证", false}, // 3 of 7 bigrams
		{"驾照怎么换证", "驾照怎么换证", true},
		{"宅基地怎么审批", "宅基地审批怎么办", false},
		{"农村宅基地审批", "宅基地审批", true},
		{"护照在哪里办理", "驾照怎么换证", false},
		{"a", "a", true},
	} {
		s := Similarity(groupKey(tt.a), groupKey(tt.b))
		if (s >= SimilarThreshold) != tt.same {
			t.Errorf("Similarity(%q, %q) = %.2f, want same=%v", tt.a, tt.b, s, tt.same)
		}
	}
}

func TestGroupSimilar(t *testing.T) {
	in := []TextCount{
		{"驾照怎么换证", 2},
		{"请问驾照怎么换证？", 1},
		{"驾照怎么换证呢", 1},
		{"农村宅基地审批", 1},
		{"宅基地审批", 3},
		{"护照在哪里办理", 1},
	}
	got := GroupSimilar(in, SimilarThreshold)
	want := []QuestionGroup{
		{Question: "驾照怎么换证", Count: 4},
		{Question: "宅基地审批", Count: 4},
		{Question: "护照在哪里办理", Count: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("GroupSimilar = %+v", got)
	}
	for i := range want {
		if got[i].Question != want[i].Question || got[i].Count != want[i].Count {
			t.Errorf("group %d = %q ×%d, want %q ×%d", i, got[i].Question, got[i].Count, want[i].Question, want[i].Count)
		}
	}
	if len(got[0].Variants) != 2 || len(got[1].Variants) != 1 || got[1].Variants[0] != "农村宅基地审批" {
		t.Errorf("variants = %q, %q", got[0].Variants, got[1].Variants)
	}
}

func BenchmarkGroupSimilar(b *testing.B) {
	var in []TextCount
	for i := range 2000 {
		in = append(in, TextCount{fmt.Sprintf("第%d个没有答案的问题怎么办理%d", i%300, i), 1 + i%5})
	}
	for b.Loop() {
		GroupSimilar(in, SimilarThreshold)
	}
}
