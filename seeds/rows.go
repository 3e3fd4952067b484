package seeds

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// row is one line of a document: a table row, or a line of text outside
// the tables (a heading, the title, a page footer).
type row struct {
	file  string
	line  int // 1-based; 0 for a sheet's name
	cells []string
	// title marks a line that is not a table row; reset marks a line that
	// ends the table before it even when it names none (a sheet's name).
	title, reset bool
	// padded marks rows whose trailing empty cells may be missing (xlsx).
	padded bool
}

// readRows reads a document into rows, by the extension of its name.
func readRows(name string, data []byte) ([]row, []Problem, error) {
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".txt", ".md", ".markdown", ".text", ".tsv":
		return textRows(name, decode(data)), nil, nil
	case ".csv":
		return csvRows(name, decode(data))
	case ".xlsx", ".xlsm":
		rows, err := xlsxRows(name, data)
		return rows, nil, err
	case ".docx", ".docm":
		rows, err := docxRows(name, data)
		return rows, nil, err
	case ".doc":
		return nil, nil, fmt.Errorf("unsupported file type %q (a Word 97-2003 document: save it as .docx)", ext)
	default:
		return nil, nil, fmt.Errorf("unsupported file type %q (want .txt, .md, .csv, .xlsx or .docx)", ext)
	}
}

// textRows reads the text extracted from a published PDF: a line with tabs
// is a table row, a line starting with | a markdown table row, any other
// line a title.
func textRows(name, text string) []row {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var rows []row
	lines := strings.Split(text, "\n")
	tail := -1 // the index of the last line read into a tab row's cells
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		r := row{file: name, line: i + 1}
		switch trimmed := strings.TrimSpace(line); {
		case trimmed == "":
			continue
		case strings.Contains(strings.ToLower(line), "<table"):
			// An HTML table, as converters of PDFs to markdown write them,
			// on one line or over several.
			k := strings.Index(strings.ToLower(line), "<table")
			if before := strings.TrimSpace(line[:k]); before != "" {
				rows = append(rows, row{file: name, line: i + 1, cells: []string{before}, title: true})
			}
			j := i
			for j < len(lines)-1 && !strings.Contains(strings.ToLower(lines[j]), "</table") {
				j++
			}
			rows = append(rows, htmlTableRows(name, i+1, strings.Join(lines[i:j+1], "\n")[k:])...)
			i = j
			continue
		case strings.Contains(line, "\t"):
			r.cells = strings.Split(line, "\t")
			tail = i
		case strings.HasPrefix(trimmed, "|"):
			cells, rule := pipeCells(trimmed)
			if rule {
				continue
			}
			r.cells = cells
		default:
			if n := len(rows); n > 0 && tail == i-1 && len(rows[n-1].cells) >= 2 && wrapped(trimmed) {
				// A cell the PDF extraction wrapped onto lines of its
				// own: the rest of the previous row's last cell.
				prev := &rows[n-1]
				prev.cells[len(prev.cells)-1] += "\n" + trimmed
				tail = i
				continue
			}
			r.cells, r.title = []string{line}, true
		}
		rows = append(rows, r)
	}
	return rows
}

// wrapped reports whether a line without tabs, right under a table row,
// continues that row's last cell: it is no heading, section, page footer,
// note or table of contents line.
func wrapped(line string) bool {
	if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "|") {
		return false
	}
	t := clean(line)
	return t != "" && kindOf(t) == "" && sectionOf(t) == "" && !isPageFooter(t) && !isNote(t) && !isTOC(t) &&
		!strings.HasSuffix(headingCore(t), "清单")
}

// htmlTableRows reads the rows of an HTML table (<tr><td>…</td></tr>),
// text that begins at line first. A cell spanning rows (rowspan) is
// repeated in each, as the merged cells of a workbook are; one spanning
// columns (colspan) is followed by empty cells. A cell holding lists or
// paragraphs keeps its markup for the steps; other markup becomes line
// breaks or goes.
func htmlTableRows(name string, first int, text string) []row {
	type span struct {
		text string
		left int // rows still to fill
	}
	var (
		rows    []row
		cur     *row
		col     int
		spans   = map[int]*span{}
		cellAt  = -1 // where the open cell's content begins
		cellCol int
		rowspan int
		colspan int
	)
	line, counted := first, 0
	lineAt := func(off int) int { // offsets come in order
		line += strings.Count(text[counted:off], "\n")
		counted = off
		return line
	}
	fill := func() {
		for {
			sp := spans[col]
			if sp == nil || sp.left <= 0 {
				return
			}
			cur.cells = append(cur.cells, sp.text)
			sp.left--
			col++
		}
	}
	closeCell := func(end int) {
		if cur == nil || cellAt < 0 {
			return
		}
		v := htmlCell(text[cellAt:end])
		cur.cells = append(cur.cells, v)
		if rowspan > 1 {
			spans[cellCol] = &span{text: v, left: rowspan - 1}
		}
		for k := 1; k < colspan; k++ {
			cur.cells = append(cur.cells, "")
		}
		col = cellCol + max(colspan, 1)
		cellAt = -1
	}
	closeRow := func(end int) {
		if cur == nil {
			return
		}
		closeCell(end)
		fill()
		rows = append(rows, *cur)
		cur = nil
	}
	for _, t := range tags(text) {
		switch t.name {
		case "tr":
			closeRow(t.start)
			if !t.closing {
				cur, col = &row{file: name, line: lineAt(t.start)}, 0
			}
		case "td", "th":
			if cur == nil {
				continue
			}
			closeCell(t.start)
			if t.closing {
				continue
			}
			fill()
			rowspan, colspan = t.rowspan, t.colspan
			cellAt, cellCol = t.end, col
		case "table":
			if t.closing {
				closeRow(t.start)
			}
		}
	}
	closeRow(len(text))
	return rows
}

// htmlCell is the text of a table cell: with its list markup, which the
// steps parser reads, or else without markup, <br> made a line break.
func htmlCell(inner string) string {
	ts := tags(inner)
	for _, t := range ts {
		switch t.name {
		case "ol", "ul", "li", "p":
			return strings.TrimSpace(inner)
		}
	}
	var b strings.Builder
	last := 0
	for _, t := range ts {
		b.WriteString(inner[last:t.start])
		last = t.end
		switch t.name {
		case "br", "div":
			b.WriteByte('\n')
		}
	}
	b.WriteString(inner[last:])
	return strings.TrimSpace(b.String())
}

// pipeCells splits a markdown table row (| a | b |); rule reports the
// |---|---| line under a header.
func pipeCells(line string) (cells []string, rule bool) {
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			b.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, b.String())
			b.Reset()
		default:
			b.WriteByte(line[i])
		}
	}
	cells = append(cells, b.String())
	for i, c := range cells {
		cells[i] = unemphasize(c)
	}
	rule = true
	for _, c := range cells {
		if strings.Trim(strings.TrimSpace(c), ":-") != "" || !strings.Contains(c, "-") {
			rule = false
		}
	}
	return cells, rule
}

// unemphasize removes the markdown emphasis around a whole cell: **序号**.
func unemphasize(c string) string {
	t := strings.TrimSpace(c)
	for _, m := range []string{"**", "__", "*", "_"} {
		if len(t) > 2*len(m) && strings.HasPrefix(t, m) && strings.HasSuffix(t, m) {
			return strings.TrimSpace(t[len(m) : len(t)-len(m)])
		}
	}
	return c
}

// csvRows reads a CSV file (comma, semicolon or tab separated, as the first
// line suggests). A record's line is the line it starts on. A malformed
// record ends the reading, as a problem.
func csvRows(name, text string) ([]row, []Problem, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = sniffComma(text)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows []row
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return rows, []Problem{{File: name, Line: pe.StartLine, Message: fmt.Sprintf("unreadable csv record: %v", pe.Err)}}, nil
			}
			return nil, nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		rows = append(rows, row{file: name, line: line, cells: rec})
	}
	trimLeadingColumns(rows)
	return rows, nil, nil
}

// trimLeadingColumns removes the columns that are empty in every row
// before the first that is not: a sheet whose table begins in column B.
func trimLeadingColumns(rows []row) {
	skip := -1
	for _, r := range rows {
		k := 0
		for k < len(r.cells) && strings.TrimSpace(r.cells[k]) == "" {
			k++
		}
		if k == len(r.cells) {
			continue // an empty row
		}
		if skip < 0 || k < skip {
			skip = k
		}
	}
	if skip <= 0 {
		return
	}
	for i := range rows {
		if len(rows[i].cells) >= skip {
			rows[i].cells = rows[i].cells[skip:]
		}
	}
}

// sniffComma picks the separator most frequent in the first line.
func sniffComma(text string) rune {
	first, _, _ := strings.Cut(strings.TrimLeft(text, "\r\n"), "\n")
	best, n := ',', strings.Count(first, ",")
	for _, c := range []rune{'\t', ';'} {
		if k := strings.Count(first, string(c)); k > n {
			best, n = c, k
		}
	}
	return best
}

// xlsxRows reads every sheet of a workbook. A sheet's name is a title of
// its own (it may name the table), and the rows keep their sheet row
// numbers. Cells merged down a column (a category shared by several items)
// are filled with the merged value.
func xlsxRows(name string, data []byte) (rows []row, err error) {
	defer func() {
		// A malformed workbook must not take the process down with it.
		if v := recover(); v != nil {
			rows, err = nil, fmt.Errorf("read xlsx: %v", v)
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    256 << 20,
		UnzipXMLSizeLimit: 64 << 20,
	})
	if err != nil {
		return nil, fmt.Errorf("read xlsx: %w", err)
	}
	defer f.Close()
	type sheet struct {
		name string
		grid [][]string
	}
	var sheets []sheet
	for _, sh := range f.GetSheetList() {
		grid, err := f.GetRows(sh)
		if err != nil {
			return nil, fmt.Errorf("read xlsx sheet %q: %w", sh, err)
		}
		if len(grid) == 0 {
			continue
		}
		merges, err := f.GetMergeCells(sh)
		if err != nil {
			return nil, fmt.Errorf("read xlsx sheet %q: %w", sh, err)
		}
		for _, m := range merges {
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			_, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err1 != nil || err2 != nil {
				continue
			}
			for r := r1 + 1; r <= r2 && r <= len(grid); r++ {
				cells := grid[r-1]
				for len(cells) < c1 {
					cells = append(cells, "")
				}
				cells[c1-1] = m.GetCellValue()
				grid[r-1] = cells
			}
		}
		sheets = append(sheets, sheet{sh, grid})
	}
	for _, sh := range sheets {
		file := name
		if len(sheets) > 1 {
			file = name + "#" + sh.name
		}
		rows = append(rows, row{file: file, cells: []string{sh.name}, title: true, reset: true})
		start := len(rows)
		for i, cells := range sh.grid {
			rows = append(rows, row{file: file, line: i + 1, cells: cells, padded: true})
		}
		trimLeadingColumns(rows[start:])

	}
	return rows, nil
}
