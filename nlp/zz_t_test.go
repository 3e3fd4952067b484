package nlp

import (
	"testing"
	"dutybot/configs"
)

func TestZZ(t *testing.T) {
	syn, _ := ParseSynonyms("x", configs.Synonyms)
	a, _ := NewAnalyzer(AnalyzerOptions{Synonyms: syn})
	for _, q := range []string{"小饭馆用地沟油", "邻居家狗咬人了", "我弟弟重度残疾坐轮椅家里厕所门太窄进不去"} {
		t.Log(a.seg.Cut(q, false))
	}
}
