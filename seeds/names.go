package seeds

import (
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"dutybot/bot"
)

// standardNames lists government bodies by the generic part of their name
// (without 市/县/区/州 or 市委 in front): the full name first, then the other
// spellings and the standard abbreviations in common use. Documents name a
// body in full in the department column and by its short form in the steps
// (市人社局, 市监局, 市委网信办); this table joins the two. A short form shared
// by two bodies (文旅局) belongs to the first listed; a body the documents name
// is always found first by its own names.
var standardNames = [][]string{
	// Government departments.
	{"人力资源和社会保障局", "人社局", "人力资源社会保障局"},
	{"市场监督管理局", "市场监管局", "市监局"},
	{"林业和草原局", "林草局", "林业草原局"},
	{"住房和城乡建设局", "住建局", "住房城乡建设局"},
	{"发展和改革委员会", "发改委", "发展改革委", "发展改革委员会", "发展和改革委"},
	{"发展和改革局", "发改局", "发展改革局"},
	{"文化体育广播电视和旅游局", "文旅局", "文体广旅局", "文体广电旅游局", "文化体育广电和旅游局"},
	{"文化和旅游局", "文旅局", "文化旅游局"},
	{"卫生健康委员会", "卫健委", "卫生健康委"},
	{"卫生健康局", "卫健局"},
	{"城市管理局", "城管局"},
	{"城市管理综合行政执法局", "城管执法局", "综合执法局"},
	{"商务和工业信息化局", "商务工信局", "商工局", "商务工业和信息化局", "商务局和工业信息化局"},
	{"工业和信息化局", "工信局", "工业信息化局"},
	{"科学技术局", "科技局"},
	{"教育和科学技术局", "教科局"},
	{"医疗保障局", "医保局"},
	{"应急管理局", "应急局"},
	{"交通运输局", "交通局"},
	{"消防救援大队", "消防大队"},
	{"退役军人事务局", "退役军人局"},
	{"生态环境局", "环保局", "环境保护局"},
	{"自然资源和规划局", "自然资源规划局", "资规局"},
	{"粮食和物资储备局", "粮储局", "粮食和储备局"},
	{"农业农村局", "农业农村委", "农业局"},
	{"民族宗教事务委员会", "民宗委"},
	{"民族宗教事务局", "民宗局"},
	{"国有资产监督管理委员会", "国资委"},
	{"行政审批局", "审批局"},
	{"乡村振兴局", "振兴局"},
	{"疾病预防控制中心", "疾控中心"},
	{"动物疫病预防控制中心", "动物疫控中心"},
	{"人工影响天气保障中心", "人影中心", "人工影响天气办公室", "人影办"},
	{"不动产登记中心", "不动产中心"},
	{"供销合作社联合社", "供销社"},
	{"人民政府", "政府"},
	{"人民政府办公室", "政府办", "政府办公室"},
	{"人民法院", "法院"},
	{"人民检察院", "检察院"},
	{"人民代表大会常务委员会", "人大常委会", "人大"},
	{"人民代表大会常务委员会办公室", "人大常委会办公室", "人大办"},
	{"人民武装部", "人武部"},
	// Party organs (市委…).
	{"统一战线工作部", "统战部"},
	{"政法委员会", "政法委"},
	{"纪律检查委员会", "纪委"},
	{"监察委员会", "监委"},
	{"机构编制委员会办公室", "编办", "机构编制办公室"},
	{"网络安全和信息化委员会办公室", "网信办"},
	{"网络安全和信息化委员会", "网信委"},
	{"社会工作部", "社工部"},
	{"巡察工作领导小组办公室", "巡察办"},
	{"政策研究室", "政研室"},
	{"地方志办公室", "方志办", "史志办"},
	// People's organisations.
	{"残疾人联合会", "残联"},
	{"妇女联合会", "妇联"},
	{"总工会", "工会"},
	{"共产主义青年团委员会", "团委"},
	{"科学技术协会", "科协"},
	{"工商业联合会", "工商联"},
	{"文学艺术界联合会", "文联"},
	{"关心下一代工作委员会", "关工委"},
	// Bodies named in full everywhere; listed so that a mention of another
	// level's body in the steps (州公安局) is recognised.
	{"组织部"}, {"宣传部"}, {"公安局"}, {"民政局"}, {"财政局"}, {"司法局"}, {"教育局"},
	{"水利局"}, {"水务局"}, {"自然资源局"}, {"气象局"}, {"审计局"}, {"统计局"},
	{"税务局"}, {"商务局"}, {"林业局"}, {"档案局"}, {"信访局"}, {"消防救援局"},
	{"数字化发展局"}, {"红十字会"}, {"供电公司"}, {"党史研究室"}, {"党校"},
}

// standard maps every name in standardNames to its row; canonical maps it to
// the full name of its row (the first one to list it); ambiguous holds the
// short forms listed in more than one row, which canonicalName leaves alone.
var (
	standard  = map[string][]string{}
	canonical = map[string]string{}
	ambiguous = map[string]bool{}
)

// maxGeneric is the length in runes of the longest generic name in the table.
var maxGeneric int

func init() {
	for _, row := range standardNames {
		for _, n := range row {
			if _, ok := canonical[n]; ok {
				ambiguous[n] = true
				continue
			}
			canonical[n] = row[0]
			standard[n] = row
			maxGeneric = max(maxGeneric, utf8.RuneCountInString(n))
		}
	}
}

// prefixes are the level prefixes of body names, longest first. The party
// committee of a level (市委) is a prefix too: 市委组织部 is 市委 + 组织部.
var prefixes = []string{
	"自治区党委", "自治州党委", "州党委", "自治区", "自治州", "地委", "市委", "县委", "区委", "州委", "旗委", "盟委",
	"地区", "州", "市", "县", "区", "旗", "盟",
}

// splitPrefix splits a body name into its level prefix and its generic
// part: 市委组织部 → 市委, 组织部. The city's market regulator is written
// 市场监督管理局, the 市 of the city merged with the 市 of 市场: its prefix is
// 市 and its generic part the whole name.
func splitPrefix(name string) (prefix, generic string) {
	if strings.HasPrefix(name, "市市场") {
		return "市", name[len("市"):]
	}
	if strings.HasPrefix(name, "市场") || strings.HasPrefix(name, "市监局") {
		return "市", name
	}
	for _, p := range prefixes {
		if strings.HasPrefix(name, p) {
			return p, name[len(p):]
		}
	}
	return "", name
}

// joinPrefix is the inverse of splitPrefix.
func joinPrefix(prefix, generic string) string {
	if prefix == "市" && strings.HasPrefix(generic, "市") {
		return generic
	}
	return prefix + generic
}

// level returns the administrative level of a prefix: 市委 → 市.
func level(prefix string) string {
	return strings.TrimSuffix(strings.TrimSuffix(prefix, "党委"), "委")
}

// isParty reports whether a prefix names a party committee (市委, 州党委).
func isParty(prefix string) bool {
	return prefix != level(prefix) && prefix != "自治区" && prefix != "自治州"
}

// splitParen splits 党史研究室（地方志办公室） into 党史研究室 and 地方志办公室: one
// body with two names.
func splitParen(g string) (main, alt string) {
	for _, p := range [][2]string{{"（", "）"}, {"(", ")"}} {
		if i := strings.Index(g, p[0]); i > 0 && strings.HasSuffix(g, p[1]) {
			return g[:i], g[i+len(p[0]) : len(g)-len(p[1])]
		}
	}
	return g, ""
}

// canonicalName returns the full form of a body name: 市发展改革委 →
// 市发展和改革委员会, 市委政法委 → 市委政法委员会. Names the table does not
// know are returned as they are.
func canonicalName(name string) string {
	p, g := splitPrefix(name)
	main, alt := splitParen(g)
	full := func(n string) string {
		if c, ok := canonical[n]; ok && !ambiguous[n] {
			return c
		}
		return n
	}
	if alt == "" {
		return joinPrefix(p, full(main))
	}
	open, close := "（", "）"
	if !strings.Contains(g, open) {
		open, close = "(", ")"
	}
	return joinPrefix(p, full(main)) + open + full(alt) + close
}

// bodySuffixes end the names of bodies.
var bodySuffixes = []string{
	"局", "委", "办", "部", "院", "会", "中心", "所", "室", "公司", "队", "站", "政府", "厅", "处",
	"科", "组", "联", "社", "馆", "团", "校",
}

// isBodyName reports whether t, as a whole, looks like the name of a body
// or a list of them (市农业农村局, 市自然资源局：): a level prefix, a body
// suffix, at most 30 characters and no sentence punctuation.
func isBodyName(t string) bool {
	t = trimPunct(t)
	n := utf8.RuneCountInString(t)
	if n < 3 || n > 30 || strings.ContainsAny(t, "，,。；;！!？?“”\"：: ") {
		return false
	}
	p, g := splitPrefix(t)
	if p == "" {
		if !strings.HasPrefix(t, "乡") && !strings.HasPrefix(t, "镇") && !strings.HasPrefix(t, "省") {
			return false
		}
		g = t[len("乡"):]
	}
	if g == "" {
		return false
	}
	g, _ = splitParen(g)
	for _, s := range bodySuffixes {
		if strings.HasSuffix(g, s) {
			return true
		}
	}
	return false
}

// splitBodies splits a department cell into full body names.
//
// Names are separated by 、 and grouped by ， (or ；): 市委组织部、机构编制委员会
// 办公室，市人力资源和社会保障局. A level prefix (市, 市委, 州) is shared by the
// names after it in its group, so the second name above is
// 市委机构编制委员会办公室; a government bureau (…局) after a party prefix
// takes the level only (市委宣传部、财政局 → 市财政局). A bare prefix (市委、宣传部)
// only sets the prefix. A trailing 等其他…部门 is dropped.
//
// home is the level of the document's city (市, 县, 区), for names written
// with no prefix at all.
func splitBodies(cell, home string) []string {
	var out []string
	seen := map[string]bool{}
	lvl := home
	for _, group := range splitOutside(joinSpaced(cell), "，,；;") {
		shared := lvl
		for _, raw := range splitOutside(group, "、/／") {
			name := trimPunct(clean(raw))
			if i := strings.Index(name, "等"); i > 0 && etcRE.MatchString(name[i:]) {
				name = name[:i]
			}
			if name == "" {
				continue
			}
			if isPrefix(name) {
				shared, lvl = name, level(name)
				continue
			}
			p, g := splitPrefix(name)
			if p == "市" && strings.HasPrefix(g, "市场") && !strings.HasPrefix(name, "市市场") && shared != "" && level(shared) != "市" {
				p, g = "", name // 县…、市场监督管理局 is the county's
			}
			if p != "" {
				shared, lvl = p, level(p)
			} else {
				p = shared
				if isParty(p) && strings.HasSuffix(g, "局") {
					p = level(p)
				}
			}
			full := canonicalName(joinPrefix(p, g))
			if !seen[full] {
				seen[full] = true
				out = append(out, full)
			}
		}
	}
	return out
}

var etcRE = regexp.MustCompile(`^等(.*(部门|单位|机构))?$`)

// isPrefix reports whether s is a bare level prefix (市, 市委).
func isPrefix(s string) bool {
	for _, p := range prefixes {
		if s == p {
			return true
		}
	}
	return false
}

// joinSpaced removes the spaces of a department cell, except those that
// separate two names (市教育局 市财政局): a space is kept as 、 when a body
// suffix ends the text before it and a level prefix begins the text after.
// Stray spaces inside names (市 委统一战线工作 部) go.
func joinSpaced(cell string) string {
	f := strings.FieldsFunc(cell, isSpace)
	if len(f) < 2 {
		return strings.Join(f, "")
	}
	var b strings.Builder
	b.WriteString(f[0])
	for i := 1; i < len(f); i++ {
		left, right := f[i-1], f[i]
		p, g := splitPrefix(right)
		sep := ""
		if p != "" && g != "" && hasBodySuffix(left) {
			sep = "、"
		} else if !(isCJK(lastRune(left)) && isCJK(firstRune(right))) {
			sep = " "
		}
		b.WriteString(sep)
		b.WriteString(right)
	}
	return b.String()
}

func hasBodySuffix(s string) bool {
	s = strings.TrimRight(s, "）)")
	for _, suf := range bodySuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	return false
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

// splitOutside splits s at any of the separator runes seps that are not
// inside parentheses.
func splitOutside(s, seps string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '（' || r == '(':
			depth++
		case (r == '）' || r == ')') && depth > 0:
			depth--
		case depth == 0 && strings.ContainsRune(seps, r):
			out = append(out, s[start:i])
			start = i + utf8.RuneLen(r)
		}
	}
	return append(out, s[start:])
}

// branchRE matches a prefecture bureau's branch in a city:
// 州生态环境局伊宁市分局 is, for the city, its 生态环境局.
var branchRE = regexp.MustCompile(`^(.+?局)(\p{Han}{1,8}?([市县区旗]))分局$`)

// aliases returns the other names of a body given by its full name. Strong
// aliases name only this body (市人社局); weak ones are the names without the
// level prefix (人社局), which belong to whichever body of that name was
// known first.
func aliases(full string) (strong, weak []string) {
	p, g := splitPrefix(full)
	main, alt := splitParen(g)
	add := func(list *[]string, names ...string) {
		for _, n := range names {
			if n != "" && n != full {
				*list = append(*list, n)
			}
		}
	}
	for _, v := range standard[main] {
		add(&strong, joinPrefix(p, v), p+v)
		add(&weak, v)
	}
	if p == "" || p == level(p) {
		add(&weak, main)
	} else {
		add(&weak, main)
		if strings.HasSuffix(p, "党委") {
			add(&strong, level(p)+"委"+main)
		}
	}
	if alt != "" {
		add(&strong, joinPrefix(p, main), joinPrefix(level(p), alt))
		for _, v := range standard[alt] {
			add(&strong, joinPrefix(level(p), v))
			add(&weak, v)
		}
		add(&weak, alt)
	}
	if m := branchRE.FindStringSubmatch(main); m != nil {
		bureau, city, lvl := m[1], m[2], m[3]
		add(&strong, city+bureau, lvl+bureau)
		for _, v := range standard[bureau] {
			add(&strong, city+v, lvl+v)
			add(&weak, v)
		}
	}
	return strong, weak
}

// addBody records a body in dir under its full name and its aliases, and
// returns it. With bare, it also takes the weak aliases that no other body
// has taken yet.
func addBody(dir *bot.Directory, full string, bare bool) *bot.Body {
	strong, weak := aliases(full)
	b := dir.Add(full, strong...)
	if !bare {
		return b
	}
	var mine []string
	for _, w := range weak {
		if other, ok := dir.Lookup(w); !ok || other == b {
			mine = append(mine, w)
		}
	}
	if len(mine) > 0 {
		dir.Add(b.Name, mine...)
	}
	return b
}

// mentions finds the bodies named in a piece of text (a step or a heading)
// with a level prefix: 市人社局, 州党委组织部, 市场监督管理局. A name is
// recognised when dir knows it, or when its generic part is in the standard
// table or in known (the generic parts of the bodies of the department
// cells). It returns their full names.
func mentions(text string, levels []string, dir *bot.Directory, known map[string]bool) []string {
	var out []string
	// A mention starts with a level: other characters are passed over
	// without trying each level.
	var firsts [16]rune
	nf := 0
	for _, l := range levels {
		r, _ := utf8.DecodeRuneInString(l)
		if nf < len(firsts) && !slices.Contains(firsts[:nf], r) {
			firsts[nf] = r
			nf++
		} else if nf == len(firsts) {
			nf = -1 // too many to list: try every character
			break
		}
	}
	for i := 0; i < len(text); {
		r, w := utf8.DecodeRuneInString(text[i:])
		if r < utf8.RuneSelf || !isHan(r) || nf >= 0 && !slices.Contains(firsts[:nf], r) {
			i += w
			continue
		}
		if full, n := mentionAt(text[i:], levels, dir, known); n > 0 {
			out = append(out, full)
			i += n
			continue
		}
		i += w
	}
	return out
}

// mentionAt reads a body name at the start of s. It returns the full name
// and its length in bytes, or 0.
func mentionAt(s string, levels []string, dir *bot.Directory, known map[string]bool) (string, int) {
	var p string
	for _, l := range levels {
		if strings.HasPrefix(s, l) && len(l) > len(p) {
			p = l
		}
	}
	if p == "" {
		return "", 0
	}
	rest := s[len(p):]
	// Candidate ends: the byte offsets of the first maxGeneric+8 runes.
	ends := make([]int, 0, 32)
	for k, r := range rest {
		if len(ends) > maxGeneric+8 || !isHan(r) && !strings.ContainsRune("（）()", r) {
			break
		}
		ends = append(ends, k+utf8.RuneLen(r))
	}
	for j := len(ends) - 1; j >= 1; j-- {
		g := rest[:ends[j]]
		name := s[:len(p)+ends[j]] // p + g, without allocating
		if b, ok := dir.Lookup(name); ok {
			return b.Name, len(name)
		}
		if known[g] {
			return joinPrefix(p, g), len(name)
		}
		if _, ok := canonical[g]; ok {
			return canonicalName(name), len(name)
		}
	}
	// 市场监督管理局, 市监局: the city's, with the 市 merged.
	if p == "市" {
		for j := len(ends) - 1; j >= 1; j-- {
			g := s[:len(p)+ends[j]]
			if _, ok := canonical[g]; ok {
				return canonicalName(g), len(g)
			}
		}
	}
	return "", 0
}
