package seeds

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"dutybot/bot"
)

// Parse reads one duty-list document. The format comes from the extension
// of name: .txt or .md for the text of the published PDF, .csv, .xlsx, or
// .docx (a Word document).
// name is also the file the problems and items refer to.
//
// Bodies named by the document are added to dir, with their aliases; dir
// may be nil. Problems in the document are returned, not fatal: the items
// that could be read are in the township. Parse returns an error only when
// nothing usable could be read: an unknown format, a damaged workbook, or
// no item in any table.
func Parse(name string, data []byte, dir *bot.Directory) (*bot.Township, []Problem, error) {
	rows, problems, err := readRows(name, data)
	if err != nil {
		return nil, problems, fmt.Errorf("seeds: %s: %w", name, err)
	}
	if dir == nil {
		dir = &bot.Directory{}
	}
	p := &parser{
		name:     name,
		dir:      dir,
		problems: problems,
		lastSeq:  map[bot.Kind]int{},
		seen:     map[bot.Kind]map[int]*draft{},

		headerReported: map[bot.Kind]bool{},
	}
	for _, r := range rows {
		p.row(r)
	}
	t, err := p.finish()
	p.sortProblems()
	if err != nil {
		return nil, p.problems, fmt.Errorf("seeds: %s: %w", name, err)
	}
	return t, p.problems, nil
}

// errNoItems is returned by Parse for a document without any item.
var errNoItems = errors.New("no duty-list table found (want headings such as …基本履职事项清单, or a header row starting with 序号)")

// parser is the state of reading one document.
type parser struct {
	name     string
	dir      *bot.Directory
	problems []Problem
	drafts   []*draft

	// section is the category given by a row across the table (一、党的建设).
	section string

	// The township and city, and the line that named them first.
	township, city string
	placeLine      int

	// The current table: its kind ("" outside the tables) and columns, and
	// the item of its last row. unknown is the heading of a table that is
	// not one of the three, whose rows are skipped.
	kind            bot.Kind
	cols            columns
	last            *draft
	unknown         string
	unknownFile     string
	unknownLine     int
	unknownReported bool

	lastSeq map[bot.Kind]int
	seen    map[bot.Kind]map[int]*draft
	// header is the last header row while no data row has followed it;
	// headerReported marks the tables whose header lacked a column.
	header         *row
	headerReported map[bot.Kind]bool
	spacedReported bool
}

// draft is an item being read, possibly over several rows.
type draft struct {
	item       *bot.Item
	cols       columns
	leadCells  []string
	lead, town []bot.StepGroup
	leadOpen   bool
	townOpen   bool
	handover   []string // the combined 承接部门及工作方式 cells
	body, how  []string // or the two columns
}

func (p *parser) problem(file string, line int, format string, args ...any) {
	p.problems = append(p.problems, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// row reads one line of the document.
func (p *parser) row(r row) {
	n := len(r.cells)
	for n > 0 && strings.TrimSpace(r.cells[n-1]) == "" {
		n--
	}
	if n == 0 {
		return
	}
	if t, ok := loneCell(r.cells[:n]); ok && isPageFooter(clean(t)) {
		return // — 3 —, 第 3 页 共 20 页: between the rows of a converted PDF
	}
	if r.title || n == 1 && !isSeq(r.cells[0]) && !isHeaderCell(clean(r.cells[0])) && !p.loneName(r) || isNote(clean(r.cells[0])) {
		if n == 1 && !p.spacedReported && isSpacedHeader(r.cells[0]) {
			p.spacedReported = true
			p.problem(r.file, r.line, "header row %q has its cells separated by spaces, not tabs: its table cannot be read (want tab-separated cells, | … | rows, .csv or .xlsx)", strings.Join(strings.FieldsFunc(r.cells[0], isSpace), " "))
		}
		p.title(r, strings.Join(r.cells[:n], " "))
		return
	}
	if t, ok := loneCell(r.cells[:n]); ok && kindOf(t) != "" && strings.HasSuffix(headingCore(clean(t)), "清单") {
		p.title(r, t) // a spreadsheet title that is not in the first column
		return
	}
	first := clean(r.cells[0])
	switch {
	case isHeaderCell(first), p.header != nil && first == "" && isSubHeader(r.cells[1:n]),
		!isSeq(first) && isUnnumberedHeader(r.cells[:n]):
		if p.unknown != "" {
			p.reportUnknown()
			return
		}
		cells := r.cells[:n]
		numbered := isHeaderCell(first)
		if p.header != nil {
			// The second row of a two-row header (上级部门 over 部门名称 and
			// 部门职责): each column is named by both rows.
			cells = stackHeaders(p.header.cells, cells)
			numbered = p.cols.seq >= 0
		}
		cols, ok := headerColumns(cells, numbered)
		if !ok {
			if odd := unknownColumns(cells[1:]); len(odd) > 0 {
				p.problem(r.file, r.line, "header row has no 事项名称 column (columns not understood: %s)", strings.Join(odd, ", "))
			} else {
				p.problem(r.file, r.line, "header row has no 事项名称 column")
			}
			p.kind, p.unknown, p.unknownLine, p.unknownReported = "", "", 0, true
			p.header = nil
			return
		}
		if p.kind == "" {
			p.kind, p.last = cols.kind, nil
		}
		if p.kind == bot.Reclaimed && cols.handover < 0 && cols.body < 0 && cols.leads >= 0 {
			// 上级部门, 责任单位: in a reclaimed table, who took the item back.
			cols.body, cols.leads = cols.leads, -1
		}
		p.cols = cols
		p.header = &row{file: r.file, line: r.line, cells: cells}
	case p.unknown != "":
		if first == "" || isSeq(first) {
			p.reportUnknown()
		}
	case p.kind != "":
		if p.header != nil {
			p.checkHeader(*p.header, p.cols)
			p.header = nil
		}
		p.data(r)
	}
}

// unknownColumns returns the header cells (those after 序号) whose meaning
// columnOf does not know.
func unknownColumns(cells []string) []string {
	var out []string
	for _, c := range cells {
		if h := clean(c); h != "" && columnOf(h) == colOther {
			out = append(out, h)
		}
	}
	return out
}

// isSpacedHeader reports a line of text that is a header row whose cells
// are separated by spaces (序号  事项类别  事项名称), as a PDF's text extracted
// by its layout is.
func isSpacedHeader(line string) bool {
	f := strings.FieldsFunc(line, isSpace)
	if len(f) < 2 || !isHeaderCell(clean(f[0])) {
		return false
	}
	for _, h := range f[1:] {
		if columnOf(clean(h)) == colOther {
			return false
		}
	}
	return true
}

// isSubHeader reports whether the cells (after an empty first one) are all
// column names: the second row of a two-row header.
func isSubHeader(cells []string) bool {
	seen := false
	for _, c := range cells {
		h := clean(c)
		if h == "" {
			continue
		}
		if utf8.RuneCountInString(h) > 12 || columnOf(h) == colOther {
			return false
		}
		seen = true
	}
	return seen
}

// stackHeaders names each column by the two rows of a header: 上级部门 over
// 部门名称 is 上级部门部门名称. A column the lower row leaves empty keeps the
// upper name, and one the upper row leaves empty (merged across) takes the
// lower name alone.
func stackHeaders(upper, lower []string) []string {
	out := make([]string, max(len(upper), len(lower)))
	for i := range out {
		u, l := clean(cell(upper, i)), clean(cell(lower, i))
		switch {
		case l == "" || l == u:
			out[i] = u
		case u == "" || strings.Contains(l, u):
			out[i] = l
		default:
			out[i] = u + l
		}
	}
	return out
}

// title reads a line outside the table rows: a heading may start a table
// and name the township.
func (p *parser) title(r row, text string) {
	if p.header != nil {
		p.checkHeader(*p.header, p.cols)
		p.header = nil
	}
	hashed := strings.HasPrefix(strings.TrimSpace(text), "#")
	t := strings.Trim(clean(strings.TrimLeft(strings.TrimSpace(text), "#")), "*_ ")
	if t == "" || isTOC(t) {
		return
	}
	core := headingCore(t)
	kind := kindOf(t)
	tableHeading := strings.HasSuffix(core, "清单") || strings.HasSuffix(core, "事项")
	if hashed || r.reset || tableHeading || utf8.RuneCountInString(t) <= 30 {
		p.place(r, core)
	}
	if sec := sectionOf(t); sec != "" && p.kind != "" && kind == "" && !tableHeading {
		p.section = sec // 一、党的建设（10项）: the category of the rows below
		return
	}
	switch {
	case kind != "" && (tableHeading || hashed || r.reset):
		p.kind, p.cols, p.last = kind, defaultColumns(kind), nil
		p.unknown, p.section = "", ""
	case strings.HasSuffix(core, "清单"):
		p.kind, p.last = "", nil
		p.unknown, p.unknownLine, p.unknownReported = t, r.line, false
		p.unknownFile = r.file
	case hashed || r.reset:
		p.kind, p.last, p.unknown = "", nil, ""
	}
}

// checkHeader reports a header row that lacks a column its table needs,
// with the columns it has, once for the table.
func (p *parser) checkHeader(r row, c columns) {
	var want string
	switch p.kind {
	case bot.Cooperative:
		if c.townSteps < 0 {
			want = "乡镇配合职责"
		}
	case bot.Reclaimed:
		if c.handover < 0 && c.body < 0 && c.how < 0 {
			want = "承接部门"
		}
	}
	if want == "" || p.headerReported[p.kind] {
		return
	}
	p.headerReported[p.kind] = true
	p.problem(r.file, r.line, "header row of the %s has no %s column (columns: %s)", p.kind.Label(), want, strings.Join(c.labels, ", "))
}

func (p *parser) reportUnknown() {
	if !p.unknownReported {
		p.unknownReported = true
		p.problem(p.unknownFile, p.unknownLine, "unknown table %q", p.unknown)
	}
}

// place takes the township and city from a heading or title.
func (p *parser) place(r row, text string) {
	town, city := placeOf(text)
	if town == "" {
		return
	}
	switch {
	case p.township == "":
		p.township, p.city, p.placeLine = town, city, r.line
	case town != p.township:
		p.problem(r.file, r.line, "heading names %s, but line %d names %s", town, p.placeLine, p.township)
	case p.city == "":
		p.city = city
	}
}

// data reads a table row.
func (p *parser) data(r row) {
	c := p.cols
	cells := r.cells
	n := len(cells)
	for n > c.n && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	cells = cells[:n]
	if n != c.n && !(r.padded && n < c.n) {
		p.problem(r.file, r.line, "row has %d cells, want %d", n, c.n)
	}
	if c.seq < 0 {
		p.unnumbered(r, cells)
		return
	}
	seqText := clean(cell(cells, c.seq))
	seq, ok := atoi(seqText)
	var d *draft
	switch {
	case seqText == "":
		p.problem(r.file, r.line, "missing 序号")
		if p.last == nil {
			return
		}
		d = p.last // most likely the rest of the item above
	case !ok || seq == 0:
		p.problem(r.file, r.line, "序号 %q is not a number", seqText)
		return
	case p.last != nil && seq == p.last.item.Seq:
		d = p.last // continued over a page break
	default:
		if first, dup := p.seen[p.kind][seq]; dup {
			p.problem(r.file, r.line, "duplicate 序号 %d (first at line %d)", seq, first.item.Line)
			p.last = nil
			return
		}
		switch prev := p.lastSeq[p.kind]; {
		case prev == 0 && seq != 1:
			p.problem(r.file, r.line, "gap in numbering: %s starts at %d", p.kind.Label(), seq)
		case prev != 0 && seq != prev+1:
			p.problem(r.file, r.line, "gap in numbering: %d follows %d", seq, prev)
		}
		p.lastSeq[p.kind] = seq
		d = p.newDraft(r, seq)
	}
	p.last = d
	p.add(d, r, cells)
}

// newDraft starts the item seq of the current table at row r.
func (p *parser) newDraft(r row, seq int) *draft {
	d := &draft{
		item: &bot.Item{Ref: bot.Ref(p.kind, seq), Kind: p.kind, Seq: seq, File: r.file, Line: r.line},
		cols: p.cols,
	}
	if p.seen[p.kind] == nil {
		p.seen[p.kind] = map[int]*draft{}
	}
	p.seen[p.kind][seq] = d
	p.drafts = append(p.drafts, d)
	return d
}

// unnumbered reads a row of a table without a 序号 column: an item numbered
// after the last of its table, or, with no 事项名称 or the name of the item
// above (a cell merged down), the rest of that item.
func (p *parser) unnumbered(r row, cells []string) {
	c := p.cols
	name := clean(cell(cells, c.name))
	d := p.last
	switch {
	case d != nil && (name == "" || name == d.item.Name):
	case name == "":
		p.problem(r.file, r.line, "empty %s", c.label(c.name))
		return
	default:
		seq := p.lastSeq[p.kind] + 1
		for p.seen[p.kind][seq] != nil {
			seq++
		}
		p.lastSeq[p.kind] = seq
		d = p.newDraft(r, seq)
	}
	p.last = d
	p.add(d, r, cells)
}

// loneName reports a row of a table without a 序号 whose one cell is its
// first, the 事项名称: an item, not a title, unless it reads as a heading,
// a section (一、党的建设), a note or a place.
func (p *parser) loneName(r row) bool {
	if r.title || p.kind == "" || p.unknown != "" || p.cols.seq >= 0 || p.cols.name != 0 {
		return false
	}
	t := clean(r.cells[0])
	core := headingCore(t)
	if t == "" || kindOf(t) != "" || strings.HasSuffix(core, "清单") || sectionOf(t) != "" ||
		isNote(t) || isTOC(t) || isPageFooter(t) || isHeaderCell(t) ||
		utf8.RuneCountInString(t) <= 12 && (columnOf(t) != colOther || isIgnoredHeader(t)) {
		return false
	}
	town, _ := placeOf(core)
	return town == ""
}

// add merges the cells of one row into an item.
func (p *parser) add(d *draft, r row, cells []string) {
	c, it := p.cols, d.item
	if v := clean(cell(cells, c.category)); it.Category == "" {
		it.Category = v
		if v == "" {
			it.Category = p.section
		}
	}
	if v := clean(cell(cells, c.name)); v != "" && v != it.Name && !strings.HasSuffix(it.Name, v) {
		it.Name += v // a name cut by the page break
	}
	if v := cell(cells, c.leads); strings.TrimSpace(v) != "" && !containsString(d.leadCells, v) {
		d.leadCells = append(d.leadCells, v)
	}
	steps := func(i int, dst *[]bot.StepGroup, open *bool) {
		if i < 0 {
			return
		}
		cs := parseSteps(cell(cells, i))
		for _, m := range cs.problems {
			p.problem(r.file, r.line, "cannot split %s into steps: %s", c.label(i), m)
		}
		*dst = appendSteps(*dst, *open, cs)
		if len(cs.groups) > 0 {
			*open = cs.open
		}
	}
	steps(c.leadSteps, &d.lead, &d.leadOpen)
	steps(c.townSteps, &d.town, &d.townOpen)
	for _, x := range []struct {
		i   int
		dst *[]string
	}{{c.handover, &d.handover}, {c.body, &d.body}, {c.how, &d.how}} {
		if v := cell(cells, x.i); x.i >= 0 && strings.TrimSpace(v) != "" {
			*x.dst = append(*x.dst, v)
		}
	}
}

func cell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// finish turns the drafts into the township's items and fills the
// directory: first the bodies of the department and handover cells, then
// those the steps name.
func (p *parser) finish() (*bot.Township, error) {
	if len(p.drafts) == 0 {
		return nil, errNoItems
	}
	if p.township == "" {
		base := strings.TrimSuffix(filepath.Base(p.name), filepath.Ext(p.name))
		p.township, p.city = placeOf(headingCore(clean(base)))
		if p.township == "" {
			p.problem(p.name, 0, "no township named in the headings (want a heading such as 伊犁州伊宁市喀尔墩乡基本履职事项清单)")
		}
	}
	home := "市"
	if r := lastRune(p.city); strings.ContainsRune("市县区旗", r) {
		home = string(r)
	}
	t := &bot.Township{Name: p.township, City: p.city, File: p.name}
	known := map[string]bool{}
	register := func(names ...string) {
		for _, n := range names {
			addBody(p.dir, n, true)
			_, g := splitPrefix(n)
			main, alt := splitParen(g)
			known[g], known[main] = true, true
			if alt != "" {
				known[alt] = true
			}
		}
	}
	levels := []string{home, home + "委", "州", "州委", "州党委", "自治州", "自治区", "自治区党委", "地区", "地委", "盟", "盟委"}
	category := map[bot.Kind]string{}
	for _, d := range p.drafts {
		it, c := d.item, d.cols
		if it.Category == "" && c.category >= 0 {
			it.Category = category[it.Kind] // a category cell merged over several items
		}
		category[it.Kind] = it.Category
		if it.Name == "" {
			p.problem(it.File, it.Line, "empty %s", c.label(c.name))
		}
		it.Leads = []string{}
		for _, cell := range d.leadCells {
			for _, b := range splitBodies(cell, home) {
				if !containsString(it.Leads, b) {
					it.Leads = append(it.Leads, b)
				}
			}
		}
		it.LeadSteps, it.TownshipSteps = tidySteps(d.lead), tidySteps(d.town)
		if it.Kind == bot.Cooperative {
			if c.leads < 0 {
				// No department column: the departments head the steps.
				for _, g := range it.LeadSteps {
					if isBodyName(g.Heading) {
						it.Leads = append(it.Leads, splitBodies(g.Heading, home)...)
					}
				}
			}
			for _, x := range []struct {
				i int
				n int
			}{{c.leads, len(it.Leads)}, {c.leadSteps, len(it.LeadSteps)}, {c.townSteps, len(it.TownshipSteps)}} {
				if x.i >= 0 && x.n == 0 {
					p.problem(it.File, it.Line, "empty %s", c.label(x.i))
				}
			}
		}
		register(it.Leads...)
		if it.Kind == bot.Reclaimed {
			h, ok := p.handover(d, home, levels)
			if !ok {
				p.problem(it.File, it.Line, "cannot find the receiving body in %s", c.label(firstColumn(c.handover, c.body, c.how)))
			}
			it.Handover = &h
			if h.Body != "" {
				register(strings.Split(h.Body, "、")...)
			}
		}
		t.Items = append(t.Items, it)
	}
	for _, it := range t.Items {
		texts := []string{}
		for _, gs := range [][]bot.StepGroup{it.LeadSteps, it.TownshipSteps} {
			for _, g := range gs {
				texts = append(texts, g.Heading)
				texts = append(texts, g.Steps...)
			}
		}
		if it.Handover != nil {
			texts = append(texts, it.Handover.How)
		}
		for _, s := range texts {
			for _, name := range mentions(s, levels, p.dir, known) {
				if _, ok := p.dir.Lookup(name); !ok {
					// Bare names (商务局) are the city's, not another level's.
					pfx, _ := splitPrefix(name)
					addBody(p.dir, name, level(pfx) == home)
				}
			}
		}
	}
	sort.SliceStable(t.Items, func(i, j int) bool {
		return kindOrder(t.Items[i].Kind) < kindOrder(t.Items[j].Kind)
	})
	return t, nil
}

func kindOrder(k bot.Kind) int {
	switch k {
	case bot.Basic:
		return 0
	case bot.Cooperative:
		return 1
	}
	return 2
}

// handover reads who does a reclaimed item now: 市人力资源和社会保障局
// 承接方式：由…, or 不再开展此项工作, or two columns 承接部门 and 工作方式. ok is
// false when the cell names neither a body nor the end of the work.
func (p *parser) handover(d *draft, home string, levels []string) (bot.Handover, bool) {
	if len(d.body) > 0 || len(d.how) > 0 {
		body := stripHowLabel(clean(strings.Join(d.body, "")))
		how := stripHowLabel(clean(strings.Join(d.how, " ")))
		if body == "" && how != "" && !noLongerDone(how) {
			// No 承接部门 cell: the way names the body (由县公安局负责).
			if m := mentions(how, levels, p.dir, nil); len(m) > 0 {
				return bot.Handover{Body: m[0], How: how}, true
			}
		}
		if body == "" || noLongerDone(body) || isNone(body) {
			if how == "" {
				how = body
			}
			return bot.Handover{How: how}, body != "" || noLongerDone(how)
		}
		return bot.Handover{Body: strings.Join(splitBodies(body, home), "、"), How: how}, true
	}
	raw := strings.Join(d.handover, " ")
	t := clean(raw)
	for _, label := range []string{"承接方式", "工作方式"} {
		if i := strings.Index(t, label); i >= 0 {
			body := trimPunct(t[:i])
			if k := strings.LastIndexAny(body, "：:"); k >= 0 {
				_, w := utf8.DecodeRuneInString(body[k:])
				body = strings.TrimSpace(body[k+w:]) // 承接部门：市人社局；承接方式：…
			}
			how := stripHowLabel(t[i:])
			if body == "" {
				break
			}
			return bot.Handover{Body: strings.Join(splitBodies(body, home), "、"), How: how}, true
		}
	}
	switch {
	case t == "":
		return bot.Handover{}, false
	case noLongerDone(t):
		return bot.Handover{How: t}, true
	case isBodyName(t):
		return bot.Handover{Body: strings.Join(splitBodies(t, home), "、")}, true
	}
	// 市水利局 由市水利局负责…: a name, a space, the way.
	if f := strings.FieldsFunc(raw, isSpace); len(f) > 1 && isBodyName(clean(f[0])) {
		return bot.Handover{Body: strings.Join(splitBodies(f[0], home), "、"), How: clean(strings.Join(f[1:], " "))}, true
	}
	// 市水利局，由市水利局负责…: the same with a comma.
	if i := strings.IndexAny(t, "，,；;"); i > 0 {
		body, how := t[:i], strings.TrimLeft(t[i:], "，,；; ")
		if isBodyName(body) && how != "" && !isBodyName(how) {
			return bot.Handover{Body: strings.Join(splitBodies(body, home), "、"), How: how}, true
		}
	}
	// 由市水利局负责…: the first body named.
	if m := mentions(t, levels, p.dir, nil); len(m) > 0 {
		return bot.Handover{Body: m[0], How: t}, true
	}
	return bot.Handover{How: t}, false
}

// firstColumn returns the first of the column indexes that is not -1.
func firstColumn(cols ...int) int {
	for _, i := range cols {
		if i >= 0 {
			return i
		}
	}
	return -1
}

// stripHowLabel removes a leading label (承接方式：) from a cell.
func stripHowLabel(s string) string {
	for _, label := range []string{"承接方式", "工作方式", "承接部门", "承接单位"} {
		if strings.HasPrefix(s, label) {
			s = strings.TrimLeft(s[len(label):], "：: ")
		}
	}
	return s
}

func noLongerDone(s string) bool {
	return strings.Contains(s, "不再开展") || strings.Contains(s, "不再实施") || strings.Contains(s, "不再承担") || s == "取消"
}

func isNone(s string) bool {
	switch s {
	case "无", "/", "／", "-", "—", "——", "无承接部门":
		return true
	}
	return false
}

// sortProblems orders the problems by file (in order of appearance) and line.
func (p *parser) sortProblems() {
	order := map[string]int{}
	for _, pr := range p.problems {
		if _, ok := order[pr.File]; !ok {
			order[pr.File] = len(order)
		}
	}
	sort.SliceStable(p.problems, func(i, j int) bool {
		a, b := p.problems[i], p.problems[j]
		if a.File != b.File {
			return order[a.File] < order[b.File]
		}
		return a.Line < b.Line
	})
}

// isTOC reports a table-of-contents entry (基本履职事项清单.....1).
func isTOC(t string) bool {
	return strings.Contains(t, "..") || strings.Contains(t, "…") || strings.Contains(t, "··") || strings.Contains(t, "．．")
}

// headingCore strips what may follow a table's name in its heading: a
// parenthesised note such as （2025年版）, and punctuation.
func headingCore(t string) string {
	t = trimPunct(t)
	for {
		main, _ := splitParen(t)
		if main == t || main == "" {
			return t
		}
		t = trimPunct(main)
	}
}

// kindOf returns the kind of table a heading names, or "".
func kindOf(t string) bot.Kind {
	switch {
	case strings.Contains(t, "配合"):
		return bot.Cooperative
	case strings.Contains(t, "收回") || strings.Contains(t, "回收") || strings.Contains(t, "上收"):
		return bot.Reclaimed
	case strings.Contains(t, "基本"):
		return bot.Basic
	}
	return ""
}

// placeOf reads the township and the city from a heading:
// 伊犁州伊宁市喀尔墩乡基本履职事项清单 → 喀尔墩乡, 伊宁市. The township is the
// last place name, ending in 乡, 镇, 街道 or 苏木; the city the one before it,
// ending in 市, 县, 区 or 旗.
func placeOf(t string) (township, city string) {
	for _, w := range []string{"基本", "配合", "上级部门", "县级部门", "市级部门", "收回", "回收", "上收", "履职", "职责", "事项", "清单"} {
		if i := strings.Index(t, w); i >= 0 {
			t = t[:i]
		}
	}
	t = strings.TrimSuffix(t, "办事处")
	rs := []rune(strings.TrimSpace(t))
	end := len(rs)
	suffix := 0
	for _, s := range []string{"街道", "苏木", "乡", "镇"} {
		if strings.HasSuffix(string(rs), s) {
			suffix = utf8.RuneCountInString(s)
			break
		}
	}
	if suffix == 0 || end <= suffix {
		return "", ""
	}
	start := placeStart(rs, end-suffix)
	if start < 0 || start == end-suffix {
		return "", ""
	}
	township = string(rs[start:end])
	rest := rs[:start]
	if len(rest) > 1 && strings.ContainsRune("市县区旗", rest[len(rest)-1]) {
		if s := placeStart(rest, len(rest)-1); s >= 0 && s < len(rest)-1 {
			city = string(rest[s:])
		}
	}
	for _, r := range township + city {
		if !isHan(r) {
			return "", ""
		}
	}
	return township, city
}

// placeStart walks back from rs[end-1] to the start of a place name: after
// the suffix of the place above it (州, 市, 县, 区…), as long as that leaves
// at least two characters (伊州区 is a district of 哈密市), or after anything
// that is not a Chinese character (附件2：).
func placeStart(rs []rune, end int) int {
	i := end
	for i > 0 {
		r := rs[i-1]
		if !isHan(r) || strings.ContainsRune("省州市县区旗盟", r) && end-i >= 2 {
			break
		}
		i--
	}
	return i
}

// loneCell returns the only non-blank cell of a row.
func loneCell(cells []string) (string, bool) {
	var t string
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			t, n = c, n+1
		}
	}
	return t, n == 1
}

// isSeq reports whether a first cell holds a 序号.
func isSeq(s string) bool {
	n, ok := atoi(clean(s))
	return ok && n > 0
}

// sectionOf returns the category named by a numbered line across a table
// (一、党的建设（10项）, （二）民生服务), or "".
func sectionOf(t string) string {
	m := sectionRE.FindStringSubmatch(t)
	if m == nil {
		return ""
	}
	sec := headingCore(strings.TrimSpace(m[1]))
	if n := utf8.RuneCountInString(sec); n < 2 || n > 16 || strings.ContainsAny(sec, "，,。；;：:") {
		return ""
	}
	return sec
}

var sectionRE = regexp.MustCompile(`^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])(.+)$`)

// isNote reports a first cell that is a label and its value (填报单位：…,
// 注：…): a line about the table, above or under it, not a row of it.
func isNote(s string) bool {
	return noteRE.MatchString(s) && !isSeq(s)
}

var noteRE = regexp.MustCompile(`^\p{Han}{1,6}[：:]`)

// isPageFooter reports a page number standing alone: — 3 —, - 3 -, 第3页,
// 第 3 页 共 20 页, 3/20.
func isPageFooter(s string) bool {
	return footerRE.MatchString(s)
}

var footerRE = regexp.MustCompile(`^(?:[-—–－─]+ ?\d+ ?[-—–－─]+|第 ?\d+ ?页(?: ?[，,/／]? ?共 ?\d+ ?页)?|\d+ ?[/／] ?\d+|共 ?\d+ ?页 ?[，,]? ?第 ?\d+ ?页)$`)

func isHeaderCell(s string) bool { return s == "序号" || s == "编号" || s == "序" }
