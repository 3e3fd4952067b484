package nlp

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

var normalizeTests = []struct {
	in, want string
}{
	{"", ""},
	{"ＡＢＣ１２３全角", "abc123全角"},
	{"请问，宅基地怎么办？", "请问宅基地怎么办"},
	{"人民陪审 员选任工 作", "人民陪审员选任工作"},
	{"宅基地\u3000审批", "宅基地审批"},
	{"C、D级食品经营主体", "c d级食品经营主体"},
	{"邻居家狗咬人了😡😡！！", "邻居家狗咬人了"},
	{"  hello，  WORLD \t\n", "hello world"},
	{"12345政务服务便民热线", "12345政务服务便民热线"},
	{"我爸80多了 听说有补贴", "我爸80多了听说有补贴"},
	{"ｅ\u0301", "é"},
	{"㎏", "kg"},
	{"第①项", "第1项"},
	{"“一喷三防”（通过混配）", "一喷三防通过混配"},
	{"bad\xffbyte", "bad byte"},
	{"\ue000私用区", "私用区"},
	{"Ⅻ", "xii"},
}

func TestNormalize(t *testing.T) {
	for _, tt := range normalizeTests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// With breaks, punctuation stays a boundary (a line break) even between Han
// characters; layout spaces between Han characters still go.
func TestNormalizeBreaks(t *testing.T) {
	tests := []struct{ in, want string }{
		{"申请表、评定表", "申请表\n评定表"},
		{"人民陪审 员选任", "人民陪审员选任"},
		{"残疾证 ，怎么办", "残疾证\n怎么办"},
		{"a b", "a b"},
		{"，开头和结尾。", "开头和结尾"},
		{"1.指导申请人;2.公示", "1\n指导申请人\n2\n公示"},
	}
	for _, tt := range tests {
		if got := normalize(tt.in, true); got != tt.want {
			t.Errorf("normalize(%q, true) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	for _, q := range sampleQuestions {
		f.Add(q)
	}
	f.Add("“一喷三防”（通过混配）、‘两违’…… ——　〇々Ａ１，。")
	f.Fuzz(func(t *testing.T, s string) {
		got := Normalize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, got)
		}
		if again := Normalize(got); again != got {
			t.Fatalf("Normalize not idempotent: %q → %q → %q", s, got, again)
		}
		if strings.HasPrefix(got, " ") || strings.HasSuffix(got, " ") || strings.Contains(got, "  ") {
			t.Fatalf("Normalize(%q) = %q: stray spaces", s, got)
		}
		var prev rune
		prevSpace := false
		for _, r := range got {
			switch {
			case r == ' ':
			case unicode.IsLetter(r) || unicode.IsNumber(r):
				if r != unicode.ToLower(r) {
					t.Fatalf("Normalize(%q) = %q: %q not lower case", s, got, r)
				}
				if prevSpace && isHan(r) && isHan(prev) {
					t.Fatalf("Normalize(%q) = %q: space between Han characters", s, got)
				}
			default:
				t.Fatalf("Normalize(%q) = %q: kept %U", s, got, r)
			}
			if r == ' ' {
				prevSpace = true
			} else {
				prev, prevSpace = r, false
			}
		}
		// Skipping NFKC for plain text changes nothing.
		if plain(s) {
			for _, breaks := range []bool{false, true} {
				slow := normalizeOnce(s, breaks, true)
				if !norm.NFKC.IsNormalString(slow) {
					slow = normalizeOnce(slow, breaks, true)
				}
				if fast := normalize(s, breaks); fast != slow {
					t.Fatalf("normalize(%q, %v) = %q, with NFKC %q", s, breaks, fast, slow)
				}
			}
		}
		// The analyser's variant differs only in where it keeps breaks.
		if b := Normalize(normalize(s, true)); b != got {
			t.Fatalf("Normalize(normalize(%q, true)) = %q, want %q", s, b, got)
		}
	})
}

func BenchmarkNormalize(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range sampleQuestions {
			Normalize(q)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(sampleQuestions)), "ns/question")
}
