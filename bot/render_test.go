package bot

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPage(t *testing.T) {
	line := strings.Repeat("字", 100) // 300 bytes
	var lines []string
	for i := 0; i < 20; i++ {
		lines = append(lines, line)
	}
	full := strings.Join(lines, "\n")
	for name, ch := range map[string]Format{"plain": {}, "wechat": {Limit: 2000}, "markdown": {Markdown: true, Limit: 20480, Full: true}, "small": {Limit: 700}} {
		var got []string
		from := 0
		for pages := 0; from < len(full); pages++ {
			if pages > 20 {
				t.Fatalf("%s: paging does not end", name)
			}
			text, next, more := page(ch, full, from)
			if len(text) > ch.limit() {
				t.Errorf("%s: page of %d bytes, limit %d", name, len(text), ch.limit())
			}
			if !utf8.ValidString(text) {
				t.Errorf("%s: page cuts a character: %q", name, text)
			}
			if more != strings.HasSuffix(text, moreFooter) {
				t.Errorf("%s: more=%v but text ends %q", name, more, text[len(text)-20:])
			}
			if more == (next >= len(full)) {
				t.Errorf("%s: more=%v with next=%d of %d", name, more, next, len(full))
			}
			text = strings.TrimSuffix(text, moreFooter)
			for _, l := range strings.Split(text, "\n") {
				if l != "" && l != line {
					t.Errorf("%s: a line was cut: %d bytes", name, len(l))
				}
				if l != "" {
					got = append(got, l)
				}
			}
			from = next
		}
		if len(got) != len(lines) {
			t.Errorf("%s: pages hold %d lines, want %d", name, len(got), len(lines))
		}
	}
}

func TestPageLongLine(t *testing.T) {
	full := strings.Repeat("长", 1000) // 3000 bytes, one line
	text, next, more := page(Format{}, full, 0)
	if !more || len(text) > PlainLimit || !utf8.ValidString(text) {
		t.Fatalf("page(long line) = %d bytes, more=%v, valid=%v", len(text), more, utf8.ValidString(text))
	}
	rest, _, more := page(Format{}, full, next)
	if more || !utf8.ValidString(rest) {
		t.Fatalf("second page more=%v valid=%v", more, utf8.ValidString(rest))
	}
	if got := strings.TrimSuffix(text, "\n"+moreFooter) + rest; got != full {
		t.Errorf("pages do not add up to the text: %d bytes, want %d", len(got), len(full))
	}
}

func TestCommand(t *testing.T) {
	tests := []struct{ in, want string }{
		{"帮助", "help"}, {"菜单", "help"}, {"你好", ""}, {"?", "help"}, {"？", "help"},
		{"详情", "more"}, {"更多", "more"}, {"有用", "useful"}, {"没用", "useless"},
		{"分类", "categories"}, {"办残疾证找谁", ""}, {"你好，办残疾证找谁", ""},
	}
	for _, tt := range tests {
		if got := command(tt.in); got != tt.want {
			t.Errorf("command(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPick(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{{"1", 1, true}, {"２", 2, true}, {"第3个", 3, true}, {"选2", 2, true}, {"12", 12, true}, {"第１２类", 12, true}, {"12岁", 0, false}, {"一个人", 0, false}}
	for _, tt := range tests {
		if got, ok := pick(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("pick(%q) = %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestClip(t *testing.T) {
	for _, s := range []string{"", "abc", "办残疾证找谁", "a\xffb\xfe办证", "\xff\xff\xff\xff", "宅基地审批要多久"} {
		for n := 0; n <= 8; n++ {
			want := s
			if r := []rune(s); len(r) > n {
				want = string(r[:n]) + "…"
			}
			if got := clip(s, n); got != want {
				t.Errorf("clip(%q, %d) = %q, want %q", s, n, got, want)
			}
		}
	}
}

// A subdistrict (街道) has an office and residents' committees, not a
// government and village committees; a town is 镇里.
func TestTownshipWording(t *testing.T) {
	basic := &Item{Ref: "B1", Kind: Basic, Name: "做好退役军人服务保障工作"}
	coop := &Item{Ref: "C1", Kind: Cooperative, Name: "城镇老旧小区改造", Leads: []string{"区住房和城乡建设局"}}
	for _, tt := range []struct {
		name, office, near, short string
	}{
		{"喀尔墩乡", "喀尔墩乡人民政府", "本村村委会", "乡里"},
		{"永丰镇", "永丰镇人民政府", "本村村委会", "镇里"},
		{"平江街道", "平江街道办事处", "所在社区居委会", "街道"},
	} {
		tw := &Township{Name: tt.name, Items: []*Item{basic, coop}}
		text := itemText(tw, basic, Format{}, guide{})
		if !strings.Contains(text, "请到"+tt.office+"（便民服务中心）") || !strings.Contains(text, "先找"+tt.near) {
			t.Errorf("%s: basic item says\n%s\nwant %s and %s", tt.name, text, tt.office, tt.near)
		}
		if got := responsibleShort(tw, basic); got != tt.short+"负责" {
			t.Errorf("%s: responsibleShort(basic) = %q", tt.name, got)
		}
		if got := responsibleShort(tw, coop); got != "区住房和城乡建设局牵头，"+tt.short+"配合" {
			t.Errorf("%s: responsibleShort(coop) = %q", tt.name, got)
		}
	}
}
