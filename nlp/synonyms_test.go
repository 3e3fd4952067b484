package nlp

import (
	"reflect"
	"strings"
	"testing"

	"dutybot/configs"
)

const testTable = `# a comment
低保, 吃低保 => 最低生活保障 / 生活困难 低收入

残疾证、残疾人证件 => 残疾人证   # inline comment
狗 => 犬只
房子快塌了，房子要塌 ＝＞ 危房 住房安全 ／ 危房改造
`

func TestParseSynonyms(t *testing.T) {
	s, err := ParseSynonyms("test.txt", []byte(testTable))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 4 {
		t.Errorf("Len() = %d, want 4", s.Len())
	}
	tests := []struct {
		phrase string
		want   [][]string
	}{
		{"低保", [][]string{{"最低生活保障"}, {"生活困难", "低收入"}}},
		{"吃低保", [][]string{{"最低生活保障"}, {"生活困难", "低收入"}}},
		{"残疾人证件", [][]string{{"残疾人证"}}},
		{"狗", [][]string{{"犬只"}}},
		{"房子要塌", [][]string{{"危房", "住房安全"}, {"危房改造"}}},
		{"房子 要塌", [][]string{{"危房", "住房安全"}, {"危房改造"}}}, // normalised
		{"猫", nil},
	}
	for _, tt := range tests {
		if got := s.Lookup(tt.phrase); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Lookup(%q) = %q, want %q", tt.phrase, got, tt.want)
		}
	}
	terms := s.Terms()
	for _, w := range []string{"低保", "最低生活保障", "低收入", "房子快塌了", "危房改造"} {
		found := false
		for _, t := range terms {
			found = found || t == w
		}
		if !found {
			t.Errorf("Terms() lacks %q", w)
		}
	}
}

func TestParseSynonymsErrors(t *testing.T) {
	tests := []struct {
		table string
		want  []string // substrings of the error
	}{
		{"低保 最低生活保障", []string{`bad.txt:1: missing "=>"`}},
		{"# ok\n => 犬只", []string{"bad.txt:2: no colloquial phrase"}},
		{"狗 => ", []string{"bad.txt:1: empty alternative"}},
		{"狗 => 犬只 / ", []string{"bad.txt:1: empty alternative"}},
		{"狗 => 犬只 => 狗", []string{`bad.txt:1: more than one "=>"`}},
		{"狗 => 犬只\n\n狗, 犬 => 犬只", []string{`bad.txt:3: "狗" already defined on line 1`}},
		{"a\nb\n", []string{"bad.txt:1:", "bad.txt:2:"}},
		{"狗 => 犬\xff只", []string{"bad.txt:1: invalid UTF-8"}},
	}
	for _, tt := range tests {
		s, err := ParseSynonyms("bad.txt", []byte(tt.table))
		if err == nil {
			t.Errorf("ParseSynonyms(%q) = %v, want an error", tt.table, s)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ParseSynonyms(%q) error %q, want it to contain %q", tt.table, err, w)
			}
		}
	}
}

// The table staff edit must parse, stay large, and hold only terms that
// can match: each a single normalised word.
func TestConfigsSynonyms(t *testing.T) {
	s, err := ParseSynonyms(configs.SynonymsFile, configs.Synonyms)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() < 300 {
		t.Errorf("the synonym table has %d entries, want hundreds", s.Len())
	}
	for _, e := range s.entries {
		for _, alt := range e.alts {
			for _, term := range alt {
				if Normalize(term) != term || strings.Contains(term, " ") {
					t.Errorf("line %d: term %q is not a normalised word", e.line, term)
				}
			}
		}
	}
}

func TestMatchText(t *testing.T) {
	s, err := ParseSynonyms("test.txt", []byte(testTable+"房子 => 住房\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		text string
		want []string
	}{
		{"我家房子快塌了咋办", []string{"房子快塌了"}}, // longest wins over 房子
		{"吃低保和低保", []string{"吃低保", "低保"}},
		{"邻居家狗咬人", nil}, // a single character only as a word
		{"残疾证残疾人证件", []string{"残疾证", "残疾人证件"}},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range s.matchText(nil, tt.text, nil) {
			got = append(got, m.phrase)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("matchText(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
