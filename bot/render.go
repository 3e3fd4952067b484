package bot

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// moreFooter ends a reply that has more to show.
const moreFooter = "回复 详情 查看更多"

// render adapts plain reply text to a format: markdown needs a blank line
// to break a paragraph.
func render(f Format, text string) string {
	if f.Markdown {
		return strings.ReplaceAll(text, "\n", "\n\n")
	}
	return text
}

// page returns the part of full that starts at byte offset from and fits the
// channel's limit, cut only between lines (a step is never cut in half;
// a single line longer than the limit is cut between characters). It returns
// the page, the offset where the next page starts and whether there is more.
func page(f Format, full string, from int) (string, int, bool) {
	limit := f.limit()
	rest := full[from:]
	if len(render(f, rest)) <= limit {
		return render(f, rest), len(full), false
	}
	budget := limit - len(render(f, "\n"+moreFooter))
	end := 0
	for end < len(rest) {
		nl := strings.IndexByte(rest[end:], '\n')
		next := len(rest)
		if nl >= 0 {
			next = end + nl + 1
		}
		if len(render(f, strings.TrimRight(rest[:next], "\n"))) > budget {
			break
		}
		end = next
	}
	if end == 0 { // one line longer than the page: cut between characters
		end = budget // the piece holds no newline, so render keeps its length
		for end > 0 && !utf8.RuneStart(rest[end]) {
			end--
		}
	}
	text := strings.TrimRight(rest[:end], "\n") + "\n" + moreFooter
	return render(f, text), from + end, true
}

// Brief answers show at most briefSteps steps of each side, each clipped to
// briefRunes characters: a phone screen's worth. 详情 shows everything.
const (
	briefSteps = 3
	briefRunes = 60
)

// itemText renders one item in full: what it is, who is responsible and each
// side's steps, the township's first (that is what a villager can act on).
func itemText(t *Township, it *Item, f Format, g guide) string {
	text, _ := cachedItem(t, it, f, false, g)
	return text
}

// itemBrief renders one item for a phone screen and reports whether it left
// anything out.
func itemBrief(t *Township, it *Item, f Format, g guide) (string, bool) {
	return cachedItem(t, it, f, true, g)
}

// guide is what an answer says beyond the list: the contacts configured,
// with the bodies' other names to find a department by.
type guide struct {
	contacts *Contacts
	dir      *Directory
}

type renderKey struct {
	it       *Item
	f        Format
	brief    bool
	contacts *Contacts
}

type rendered struct {
	text string
	cut  bool
}

// cachedItem is renderItem, remembered in the township: the same items are
// asked about again and again.
func cachedItem(t *Township, it *Item, f Format, brief bool, g guide) (string, bool) {
	k := renderKey{it, f, brief, g.contacts}
	if r, ok := t.renders.Load(k); ok {
		r := r.(rendered)
		return r.text, r.cut
	}
	text, cut := renderItem(t, it, f, brief, g)
	t.renders.Store(k, rendered{text, cut})
	return text, cut
}

func renderItem(t *Township, it *Item, f Format, brief bool, g guide) (string, bool) {
	var sb strings.Builder
	next := nextStep(t, it, g.contacts, g.dir)
	sb.Grow(renderSize(t, it, brief) + len(next))
	bold := func(s string) string {
		if f.Markdown {
			return "**" + s + "**"
		}
		return s
	}
	if f.Markdown {
		sb.WriteString("**")
	}
	sb.WriteString("【")
	sb.WriteString(it.Ref)
	sb.WriteString("】")
	sb.WriteString(it.Name)
	if f.Markdown {
		sb.WriteString("**")
	}
	sb.WriteString("\n负责：")
	sb.WriteString(responsible(t, it))
	cut := false
	switch it.Kind {
	case Basic:
		if next == "" {
			sb.WriteString("\n办理：请到" + t.Office() + "（便民服务中心）咨询办理，也可以先找" + t.Neighbourhood() + "或网格员。")
		}
	case Reclaimed:
		if !it.NoLongerDone() && it.Handover.How != "" {
			sb.WriteString("\n现在怎么办：" + it.Handover.How)
		}
	case Cooperative:
		cut = writeSteps(&sb, bold(t.Name+"做什么"), it.TownshipSteps, brief)
		who := "上级部门"
		if len(it.Leads) == 1 {
			who = it.Leads[0]
		}
		cut = writeSteps(&sb, bold(who+"做什么"), it.LeadSteps, brief) || cut
	}
	if next != "" {
		sb.WriteString("\n")
		sb.WriteString(next)
	}
	return sb.String(), cut
}

// writeSteps writes one side's steps under title and reports whether brief
// left any out or clipped any.
func writeSteps(sb *strings.Builder, title string, groups []StepGroup, brief bool) bool {
	if len(groups) == 0 {
		return false
	}
	sb.WriteString("\n" + title + "：")
	shown, cut := 0, false
	for _, g := range groups {
		if brief && shown == briefSteps {
			return true
		}
		if g.Heading != "" {
			sb.WriteString("\n〔" + g.Heading + "〕")
		}
		for i, s := range g.Steps {
			if brief {
				if shown == briefSteps {
					return true
				}
				if c := clip(s, briefRunes); c != s {
					s, cut = c, true
				}
				shown++
			}
			sb.WriteString("\n")
			sb.WriteString(strconv.Itoa(i + 1))
			sb.WriteString(". ")
			sb.WriteString(s)
		}
	}
	return cut
}

// renderSize estimates the bytes renderItem writes, so that it writes them
// into one buffer.
func renderSize(t *Township, it *Item, brief bool) int {
	n := 160 + len(it.Name) + 2*len(t.Name) + len(it.Ref)
	for _, l := range it.Leads {
		n += len(l) + 3
	}
	if it.Handover != nil {
		n += len(it.Handover.Body) + len(it.Handover.How)
	}
	for _, groups := range [2][]StepGroup{it.TownshipSteps, it.LeadSteps} {
		steps := 0
		for _, g := range groups {
			n += len(g.Heading) + 8
			for _, s := range g.Steps {
				if brief && steps == briefSteps {
					break
				}
				steps++
				n += 6
				if brief {
					n += min(len(s), 4*briefRunes)
				} else {
					n += len(s)
				}
			}
		}
	}
	return n
}

// responsible says who is responsible for an item, in a sentence.
func responsible(t *Township, it *Item) string {
	switch it.Kind {
	case Basic:
		return t.Name + "自己负责（基本履职事项）"
	case Cooperative:
		return strings.Join(it.Leads, "、") + "牵头，" + t.Name + "配合（配合履职事项）"
	case Reclaimed:
		if it.NoLongerDone() {
			return "这项工作已不再开展，" + t.Name + "和上级部门都不再办理（收回事项）"
		}
		return "已由" + it.Handover.Body + "收回，" + t.Name + "不再负责（收回事项）"
	}
	return ""
}

// responsibleShort is responsible in a few words, for a numbered choice.
func responsibleShort(t *Township, it *Item) string {
	switch it.Kind {
	case Basic:
		return t.Colloquial() + "负责"
	case Cooperative:
		lead := "上级部门"
		if len(it.Leads) > 0 {
			lead = it.Leads[0]
			if len(it.Leads) > 1 {
				lead += "等"
			}
		}
		return lead + "牵头，" + t.Colloquial() + "配合"
	case Reclaimed:
		if it.NoLongerDone() {
			return "已不再开展"
		}
		return "现由" + it.Handover.Body + "负责"
	}
	return ""
}

// helpText is the help and welcome message.
func helpText(lib *Library, t *Township, c *Contacts, h Hotlines, welcome bool) string {
	var sb strings.Builder
	several := lib != nil && len(lib.Townships) > 1
	switch {
	case welcome && several:
		sb.WriteString("您好！这里是乡镇（街道）履职事项问答。")
	case welcome:
		sb.WriteString("您好！这里是" + t.Name + "履职事项问答。")
	default:
		sb.WriteString("您好！")
	}
	if several {
		// Name them all when they fit on a screen.
		var names []string
		for _, tw := range lib.Townships {
			names = append(names, tw.Name)
		}
		list := strings.Join(names, "、")
		if len(names) > 12 {
			list = strings.Join(names[:12], "、") + "等"
		}
		sb.WriteString("本号可查询" + list + "的事项，现在查询的是" + t.Name + "；发送乡镇（街道）名称即可切换。\n")
	}
	sb.WriteString("直接用一句话问我“这件事谁管、怎么办”，例如：\n")
	sb.WriteString("· 办残疾证找谁\n· 我爸80多了听说有补贴\n· 邻居家狗咬人了\n· 人社局管哪些事\n")
	sb.WriteString("回复“分类”查看全部分类，回复序号选择，回复“详情”看更多，回复“有用/没用”评价回答，回复“人工”查看联系电话。\n")
	if text := contactsText(t, c); text != "" && !welcome {
		sb.WriteString(text + "\n" + hotlinesText(h))
		return sb.String()
	}
	sb.WriteString("清单里没有的事，请拨打 " + h.Government + " 热线。")
	return sb.String()
}

// quote is the asker's text as a reply quotes it, clipped to n
// characters. In markdown it is put on one line and its markup is escaped,
// so that what a person typed ([点我](http://…), **…**, # …) shows as
// typed and never becomes a link, emphasis or a heading in the bot's
// group message.
func quote(f Format, s string, n int) string {
	if !f.Markdown {
		return clip(s, n)
	}
	s = clip(strings.Join(strings.Fields(s), " "), n)
	var sb strings.Builder
	for _, r := range s {
		if strings.ContainsRune(markdownMarks, r) {
			sb.WriteByte('\\')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// markdownMarks are the characters markdown may read as markup; each can
// be escaped with a backslash.
const markdownMarks = "\\`*_{}[]()#+-.!|<>~"

// clip shortens s to at most n characters, marking the cut with …
func clip(s string, n int) string {
	// The byte offset of the rune after the first n, if any.
	runes := 0
	for i := range s {
		if runes == n {
			if !utf8.ValidString(s[:i]) {
				return string([]rune(s)[:n]) + "…" // invalid bytes become U+FFFD
			}
			return s[:i] + "…"
		}
		runes++
	}
	return s
}
