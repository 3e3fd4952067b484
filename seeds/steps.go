package seeds

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"dutybot/bot"
)

// cellSteps is one cell of steps, parsed.
type cellSteps struct {
	groups []bot.StepGroup
	// loose reports that the cell begins with unnumbered text, and open that
	// its last step does not end a sentence: where a page break cut a step,
	// the continuation row begins loose after an open cell.
	loose, open bool
	// problems say why the cell could not be split cleanly.
	problems []string
}

// parseSteps splits a cell into ordered steps, grouped under their section
// (一、…) or department (市教育局) headings where the cell has any. It
// understands HTML lists and paragraphs (<ol><li>1.…</li></ol>,
// <p>一、…</p><p>1.…</p>) and inline numbering (1.…； 2.…；), and strips the
// markup and the leading numbers.
func parseSteps(cell string) cellSteps {
	text, problems := unmarkup(cell)
	segs, more := segments(text)
	cs := cellSteps{problems: append(problems, more...)}
	for i, sg := range segs {
		t := clean(sg.text)
		switch sg.kind {
		case segSection, segHeading:
			cs.groups = append(cs.groups, bot.StepGroup{Heading: trimPunct(t), Steps: []string{}})
			continue
		case segText:
			if isHeading(t) {
				cs.groups = append(cs.groups, bot.StepGroup{Heading: trimPunct(t), Steps: []string{}})
				continue
			}
			if i == 0 {
				cs.loose = true
			}
		case segStep:
			if sg.restart && len(cs.groups) > 0 && len(cs.groups[len(cs.groups)-1].Steps) > 0 {
				cs.groups = append(cs.groups, bot.StepGroup{Steps: []string{}})
			}
		}
		step := trimPunct(t)
		if step == "" {
			continue
		}
		if len(cs.groups) == 0 {
			cs.groups = append(cs.groups, bot.StepGroup{Steps: []string{}})
		}
		g := &cs.groups[len(cs.groups)-1]
		g.Steps = append(g.Steps, step)
		last, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(t, isSpace))
		cs.open = !strings.ContainsRune("。；;.！!？?", last)
	}
	return cs
}

// appendSteps adds the steps of a continuation cell to dst. Steps without a
// heading at the start of the continuation carry on the last group; a loose
// beginning after an open step is the rest of that step.
func appendSteps(dst []bot.StepGroup, open bool, cs cellSteps) []bot.StepGroup {
	gs := cs.groups
	if len(gs) > 0 && len(dst) > 0 && gs[0].Heading == "" {
		last := &dst[len(dst)-1]
		steps := gs[0].Steps
		if open && cs.loose && len(last.Steps) > 0 && len(steps) > 0 {
			last.Steps[len(last.Steps)-1] += steps[0]
			steps = steps[1:]
		}
		last.Steps = append(last.Steps, steps...)
		gs = gs[1:]
	}
	return append(dst, gs...)
}

// tidySteps drops empty groups. A heading with no step under it (a sentence
// ending in a colon, at the end of a cell) is kept as a step.
func tidySteps(gs []bot.StepGroup) []bot.StepGroup {
	out := make([]bot.StepGroup, 0, len(gs))
	for _, g := range gs {
		if len(g.Steps) > 0 {
			out = append(out, g)
			continue
		}
		if g.Heading == "" {
			continue
		}
		if len(out) == 0 {
			out = append(out, bot.StepGroup{Steps: []string{}})
		}
		last := &out[len(out)-1]
		last.Steps = append(last.Steps, g.Heading)
	}
	return out
}

// unmarkup turns HTML markup into plain text: block elements (p, li, ol,
// br…) become line breaks, other tags vanish. It reports lists and
// paragraphs that are not closed as they were opened.
func unmarkup(s string) (string, []string) {
	if !strings.Contains(s, "<") {
		return s, nil
	}
	var b strings.Builder
	depth := map[string]int{}
	bad := map[string]bool{}
	last := 0
	for _, t := range tags(s) {
		b.WriteString(s[last:t.start])
		last = t.end
		switch name := t.name; name {
		case "ol", "ul", "li", "p":
			if t.closing {
				depth[name]--
				if depth[name] < 0 {
					bad[name] = true
					depth[name] = 0
				}
			} else {
				depth[name]++
			}
			b.WriteByte('\n')
		case "br", "hr", "div", "tr", "td", "th", "table", "tbody", "thead", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "dl", "dt", "dd":
			b.WriteByte('\n')
		}
	}
	b.WriteString(s[last:])
	var problems []string
	for _, name := range []string{"ol", "ul", "li", "p"} {
		if bad[name] || depth[name] != 0 {
			problems = append(problems, fmt.Sprintf("unbalanced <%s>", name))
		}
	}
	return b.String(), problems
}

type segKind int

const (
	segText    segKind = iota // text before or between markers
	segStep                   // a numbered step
	segSection                // a section heading (一、…)
	segHeading                // a department name just before a list restarting at 1
)

// seg is a piece of a cell: a numbered step, a section heading, or text.
type seg struct {
	kind segKind
	text string
	// restart marks a step list beginning again at 1 on a new line with no
	// heading in between: a new group.
	restart bool
}

// segments cuts text at line breaks and at list markers. A marker counts
// at the start of a line, and inside a line (after white space or
// punctuation) only when it is the number expected next, so that 5个工作日
// or 110、120 stay in their sentence. A list restarting at 1 inside a line
// takes the department name before it as its heading (市教育局 1.… 市农业农村局 1.…).
func segments(s string) ([]seg, []string) {
	var (
		segs      []seg
		problems  []string
		cur       = seg{kind: segText}
		start     int
		atLine    = true
		expectNum = 1
		style     byte
		expectSec = 1
		secStyle  byte
		lastKind  = segText
	)
	emit := func(sg seg) {
		if sg.kind == segText && strings.TrimSpace(sg.text) == "" {
			return
		}
		segs = append(segs, sg)
		lastKind = sg.kind
	}
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r == '\n' {
			cur.text = s[start:i]
			emit(cur)
			cur, start, atLine = seg{kind: segText}, i+w, true
			i += w
			continue
		}
		if isSpace(r) {
			i += w
			continue
		}
		if atLine || markBoundary(s, i) {
			if m, ok := markAt(s, i); ok {
				raw := s[start:i]
				tail := -1
				accept := false
				switch {
				case m.section:
					accept = atLine || (m.num == expectSec && (secStyle == 0 || secStyle == m.style))
				case atLine:
					accept = true
					if style == m.style && m.num != expectNum && m.num != 1 {
						problems = append(problems, fmt.Sprintf("step %d follows step %d", m.num, expectNum-1))
					}
				case m.num == expectNum && (style == 0 || style == m.style):
					accept = true
				case style == 0 && !m.section && afterSentence(s, i):
					// The first marker of a cell after a sentence: the cell
					// goes on with a list cut by a page break (…手续； 2.上报).
					accept = true
				case m.num == 1 && style == m.style:
					if tail = headingTail(raw); tail > 0 || (tail == 0 && cur.kind == segText) {
						accept = true
					}
				}
				if accept {
					restart := !m.section && atLine && m.num == 1 && expectNum > 1 && lastKind == segStep
					if tail >= 0 {
						cur.text = raw[:tail]
						emit(cur)
						emit(seg{kind: segHeading, text: raw[tail:]})
					} else {
						cur.text = raw
						emit(cur)
					}
					if m.section {
						cur = seg{kind: segSection}
						expectSec, secStyle = m.num+1, m.style
						expectNum, style = 1, 0
					} else {
						cur = seg{kind: segStep, restart: restart}
						expectNum, style = m.num+1, m.style
					}
					start, atLine = i+m.size, false
					i += m.size
					continue
				}
			}
		}
		atLine = false
		i += w
	}
	cur.text = s[start:]
	emit(cur)
	return segs, problems
}

// afterSentence reports whether the text before s[i:] ends a sentence.
func afterSentence(s string, i int) bool {
	t := strings.TrimRightFunc(s[:i], isSpace)
	r, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune("。；;！!？?", r)
}

// markBoundary reports whether a list marker may begin at s[i:]: after
// white space or after punctuation that ends a clause.
func markBoundary(s string, i int) bool {
	if i == 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isSpace(r) || strings.ContainsRune("；;。：:，,！!？?", r)
}

// mark is a list marker: 1. 1、 1） （1） ① for steps, 一、 （一） for sections.
type mark struct {
	section bool
	num     int
	style   byte // '.' for 1. and 1、, ')' for 1） and （1）, 'o' for ①
	size    int  // bytes
}

// markAt reads a list marker at the start of s[i:].
func markAt(s string, i int) (mark, bool) {
	rest := s[i:]
	r, w := utf8.DecodeRuneInString(rest)
	switch {
	case r >= '①' && r <= '⑳':
		return mark{num: int(r-'①') + 1, style: 'o', size: w}, true
	case r == '（' || r == '(':
		j := w
		n, nd := number(rest[j:])
		sec := false
		if nd == 0 {
			n, nd = chineseNumber(rest[j:])
			sec = true
		}
		if nd == 0 || n == 0 {
			return mark{}, false
		}
		j += nd
		c, cw := utf8.DecodeRuneInString(rest[j:])
		if c != '）' && c != ')' {
			return mark{}, false
		}
		return mark{section: sec, num: n, style: ')', size: j + cw}, true
	}
	sec := false
	n, nd := number(rest)
	if nd == 0 {
		n, nd = chineseNumber(rest)
		sec = true
	}
	if nd == 0 || n == 0 || n > 99 {
		return mark{}, false
	}
	c, cw := utf8.DecodeRuneInString(rest[nd:])
	next, _ := utf8.DecodeRuneInString(rest[nd+cw:])
	_, nextDigit := digit(next)
	switch c {
	case '.', '．', '、':
		if nextDigit || (sec && c != '、') {
			return mark{}, false
		}
		return mark{section: sec, num: n, style: '.', size: nd + cw}, true
	case ')', '）':
		if sec {
			return mark{}, false
		}
		return mark{num: n, style: ')', size: nd + cw}, true
	}
	return mark{}, false
}

// number reads up to three decimal digits at the start of s; it returns the
// value and the number of bytes read.
func number(s string) (n, size int) {
	for k := 0; k < 3; k++ {
		r, w := utf8.DecodeRuneInString(s[size:])
		d, ok := digit(r)
		if !ok {
			break
		}
		n, size = n*10+d, size+w
	}
	if _, ok := digit(firstRune(s[size:])); ok {
		return 0, 0 // more than three digits: a year or a phone number
	}
	return n, size
}

// chineseNumber reads a number from 一 to 九十九 at the start of s.
func chineseNumber(s string) (n, size int) {
	const digits = "〇一二三四五六七八九"
	var tens, ones, k int
	seenTen := false
	for k = 0; k < 3; k++ {
		r, w := utf8.DecodeRuneInString(s[size:])
		if r == '十' && !seenTen {
			seenTen = true
			if ones == 0 {
				ones = 1
			}
			tens, ones = ones, 0
			size += w
			continue
		}
		d := strings.IndexRune(digits, r)
		if d < 0 {
			break
		}
		ones = d / len("一")
		size += w
	}
	if size == 0 {
		return 0, 0
	}
	return tens*10 + ones, size
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// headingTail finds a department name at the end of raw, after the last
// sentence or after white space: the heading of a list that restarts at 1
// right after it. It returns where the name begins, or -1.
func headingTail(raw string) int {
	t := strings.TrimRightFunc(raw, isSpace)
	// A name is at most 30 characters (and a few stray spaces): look no
	// further back, so that long text with many markers stays linear.
	off := len(t)
	for n := 0; n < 40 && off > 0; n++ {
		_, w := utf8.DecodeLastRuneInString(t[:off])
		off -= w
	}
	w := t[off:]
	if k := strings.LastIndexAny(w, "。；;！!？?"); k >= 0 {
		_, n := utf8.DecodeRuneInString(w[k:])
		if isBodyName(clean(w[k+n:])) {
			return off + k + n
		}
	}
	for k := len(w); k > 0; {
		r, n := utf8.DecodeLastRuneInString(w[:k])
		k -= n
		if isSpace(r) && strings.ContainsRune("市县区州乡镇省旗盟自地", firstRune(strings.TrimLeftFunc(w[k:], isSpace))) && isBodyName(clean(w[k:])) {
			return off + k
		}
	}
	if off == 0 && isBodyName(clean(t)) {
		return 0
	}
	return -1
}

// isHeading reports whether a line of text that is not a numbered step is
// the heading of the steps that follow: a body's name, or a short phrase
// ending in a colon.
func isHeading(t string) bool {
	if strings.HasSuffix(t, "：") || strings.HasSuffix(t, ":") {
		core := trimPunct(t)
		if core != "" && utf8.RuneCountInString(core) <= 40 && !strings.ContainsAny(core, "。；;") {
			return true
		}
	}
	return isBodyName(t)
}
