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
	default:
		return nil, nil, fmt.Errorf("unsupported file type %q (want .txt, .md, .csv or .xlsx)", ext)
	}
}

// textRows reads the text extracted from a published PDF: a line with tabs
// is a table row, a line starting with | a markdown table row, any other
// line a title.
func textRows(name, text string) []row {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	var rows []row
	for i, line := range strings.Split(text, "\n") {
		r := row{file: name, line: i + 1}
		switch trimmed := strings.TrimSpace(line); {
		case trimmed == "":
			continue
		case strings.Contains(line, "\t"):
			r.cells = strings.Split(line, "\t")
		case strings.HasPrefix(trimmed, "|"):
			cells, rule := pipeCells(trimmed)
			if rule {
				continue
			}
			r.cells = cells
		default:
			r.cells, r.title = []string{line}, true
		}
		rows = append(rows, r)
	}
	return rows
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
	rule = true
	for _, c := range cells {
		if strings.Trim(strings.TrimSpace(c), ":-") != "" || !strings.Contains(c, "-") {
			rule = false
		}
	}
	return cells, rule
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
	return rows, nil, nil
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
		for i, cells := range sh.grid {
			rows = append(rows, row{file: file, line: i + 1, cells: cells, padded: true})
		}
	}
	return rows, nil
}
