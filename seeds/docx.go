package seeds

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Limits on what a .docx may make the reader do: the uncompressed size of
// word/document.xml (a zip bomb is refused before it is inflated), the
// nesting of its elements, and the columns of a table row.
const (
	maxDocxXML   = 64 << 20
	maxDocxRels  = 1 << 20
	maxDocxDepth = 1000
	maxDocxCols  = 256
)

// oleMagic begins a Word 97–2003 .doc, and an encrypted .docx.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// docxRows reads a Word document: a zip holding word/document.xml. Each
// paragraph outside the tables is a title line, each row of a table a row
// of cells; both are numbered in the order of the document (the 12th
// paragraph or table row is line 12), so that a problem's line finds its
// place. A cell's paragraphs are joined by line breaks, a tab is a space.
// A cell spanning columns (gridSpan) is followed by empty cells, and a
// cell merged down (vMerge) takes the value above, as in a workbook. A 序号
// cell numbered by Word's automatic list numbering gets its number.
func docxRows(name string, data []byte) ([]row, error) {
	if bytes.HasPrefix(data, oleMagic) {
		return nil, errors.New("read docx: a Word 97-2003 .doc or a password-protected document, not a .docx (save it as .docx without a password)")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, fmt.Errorf("read docx: not a Word document (%v)", err)
	}
	part := docxMainPart(zr)
	var f *zip.File
	for _, zf := range zr.File {
		if strings.EqualFold(zf.Name, part) {
			f = zf
			break
		}
	}
	if f == nil {
		return nil, fmt.Errorf("read docx: no %s inside: not a Word document", part)
	}
	if f.UncompressedSize64 > maxDocxXML {
		return nil, fmt.Errorf("read docx: %s is %d MiB uncompressed, more than the %d MiB allowed", part, f.UncompressedSize64>>20, maxDocxXML>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("read docx: %s: %w", part, err)
	}
	defer rc.Close()
	lr := &io.LimitedReader{R: rc, N: maxDocxXML + 1}
	rows, err := readDocx(name, xml.NewDecoder(lr))
	if lr.N <= 0 {
		return nil, fmt.Errorf("read docx: %s is more than the %d MiB allowed uncompressed", part, maxDocxXML>>20)
	}
	if err != nil {
		return nil, fmt.Errorf("read docx: %s: %w", part, err)
	}
	return rows, nil
}

// docxMainPart returns the name of the document's main part, as the
// package's relationships give it: word/document.xml in all but a few.
func docxMainPart(zr *zip.Reader) string {
	const def = "word/document.xml"
	for _, f := range zr.File {
		if f.Name != "_rels/.rels" || f.UncompressedSize64 > maxDocxRels {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return def
		}
		defer rc.Close()
		var rels struct {
			Rel []struct {
				Type   string `xml:"Type,attr"`
				Target string `xml:"Target,attr"`
			} `xml:"Relationship"`
		}
		if xml.NewDecoder(io.LimitReader(rc, maxDocxRels)).Decode(&rels) != nil {
			return def
		}
		for _, r := range rels.Rel {
			if strings.HasSuffix(r.Type, "/officeDocument") && r.Target != "" {
				if p := strings.TrimPrefix(path.Clean("/"+r.Target), "/"); p != "" && p != "." {
					return p
				}
			}
		}
		return def
	}
	return def
}

// docxSkip are the elements whose text is not the document's: drawings and
// text boxes (also given in a fallback), text deleted or moved away in
// tracked changes, and the properties before a tracked change.
var docxSkip = map[string]bool{
	"drawing": true, "pict": true, "object": true, "AlternateContent": true,
	"del": true, "moveFrom": true, "sdtPr": true,
	"pPrChange": true, "rPrChange": true, "tcPrChange": true, "trPrChange": true,
	"tblPrChange": true, "tblPrExChange": true, "tblGridChange": true, "sectPrChange": true,
	"numberingChange": true,
}

// docxReader is the state of reading word/document.xml. The paragraph,
// row and cell being read are known by their place in the stack of open
// elements (-1 for none), so that an element out of place (a row inside a
// paragraph) is not taken for one.
type docxReader struct {
	name  string
	rows  []row
	line  int      // paragraphs outside tables and table rows so far
	stack []string // the open elements, by local name
	depth int      // open tables

	// The paragraph being read, and its list numbering.
	para     strings.Builder
	paraAt   int
	paraLine int
	numId    string
	ilvl     int
	counters map[string][]int
	inText   bool

	// The row of the outermost table being read, and its cell.
	rowAt, cellAt int
	cells         []string
	rowLine       int
	gridAfter     int
	cellParas     []string
	cellNumber    string // the number of an empty numbered paragraph
	span          int
	continued     bool     // vMerge continue
	above         []string // the row above, by grid column
}

func readDocx(name string, d *xml.Decoder) ([]row, error) {
	x := &docxReader{name: name, counters: map[string][]int{}, paraAt: -1, rowAt: -1, cellAt: -1}
	root := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return x.rows, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !root {
				if t.Name.Local != "document" {
					return nil, fmt.Errorf("not a Word document (its root element is <%s>)", t.Name.Local)
				}
				root = true
			}
			if docxSkip[t.Name.Local] {
				if err := d.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			if len(x.stack) >= maxDocxDepth {
				return nil, fmt.Errorf("elements nested more than %d deep", maxDocxDepth)
			}
			x.start(t)
			x.stack = append(x.stack, t.Name.Local)
		case xml.EndElement:
			if len(x.stack) == 0 {
				continue
			}
			x.stack = x.stack[:len(x.stack)-1]
			x.end(t.Name.Local, len(x.stack))
		case xml.CharData:
			if x.inText {
				x.para.Write(t)
			}
		}
	}
}

// parent returns the local name of the innermost open element.
func (x *docxReader) parent() string {
	if len(x.stack) == 0 {
		return ""
	}
	return x.stack[len(x.stack)-1]
}

// val returns the w:val attribute of an element.
func val(e xml.StartElement) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == "val" {
			return a.Value, true
		}
	}
	return "", false
}

// intVal returns the w:val of an element as a count from 0 to max.
func intVal(e xml.StartElement, def, max int) int {
	v, ok := val(e)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 {
		return def
	}
	return min(n, max)
}

// start reads an element's start tag; the element is not yet on the stack.
func (x *docxReader) start(e xml.StartElement) {
	at := len(x.stack)
	inRun := x.parent() == "r" && x.paraAt >= 0
	rowProp := x.depth == 1 && x.rowAt >= 0 && x.cellAt < 0 && x.parent() == "trPr"
	cellProp := x.depth == 1 && x.cellAt >= 0 && x.paraAt < 0 && x.parent() == "tcPr"
	switch e.Name.Local {
	case "tbl":
		x.depth++
		if x.depth == 1 {
			x.above = nil
		}
	case "tr":
		if x.depth == 1 && x.rowAt < 0 && x.paraAt < 0 {
			x.line++
			x.rowAt, x.rowLine, x.cells, x.gridAfter = at, x.line, nil, 0
		}
	case "tc":
		if x.depth == 1 && x.rowAt >= 0 && x.cellAt < 0 && x.paraAt < 0 {
			x.cellAt, x.cellParas, x.cellNumber, x.span, x.continued = at, nil, "", 1, false
		}
	case "gridBefore":
		if rowProp {
			for range intVal(e, 0, 100) {
				x.addCell("")
			}
		}
	case "gridAfter":
		if rowProp {
			x.gridAfter = intVal(e, 0, 100)
		}
	case "gridSpan":
		if cellProp {
			x.span = max(intVal(e, 1, 100), 1)
		}
	case "vMerge":
		if cellProp {
			v, _ := val(e)
			x.continued = v != "restart"
		}
	case "p":
		if x.paraAt >= 0 || x.depth > 0 && x.cellAt < 0 {
			return // a paragraph in a paragraph, or in a table but no cell
		}
		x.paraAt, x.numId, x.ilvl, x.inText = at, "", 0, false
		x.para.Reset()
		if x.depth == 0 {
			x.line++
			x.paraLine = x.line
		}
	case "numId":
		if x.paraAt >= 0 && x.parent() == "numPr" {
			x.numId, _ = val(e)
		}
	case "ilvl":
		if x.paraAt >= 0 && x.parent() == "numPr" {
			x.ilvl = intVal(e, 0, 8)
		}
	case "t":
		x.inText = inRun
	case "tab", "ptab":
		if inRun {
			x.para.WriteByte(' ')
		}
	case "br", "cr":
		if inRun {
			x.para.WriteByte('\n')
		}
	case "noBreakHyphen":
		if inRun {
			x.para.WriteByte('-')
		}
	}
}

// end reads an element's end tag; at is its place in the stack.
func (x *docxReader) end(local string, at int) {
	switch {
	case local == "t":
		x.inText = false
	case local == "tbl":
		x.depth--
	case at == x.paraAt:
		x.paraAt, x.inText = -1, false
		text := x.para.String()
		number := ""
		if x.numId != "" && x.numId != "0" {
			number = strconv.Itoa(x.count(x.numId, x.ilvl))
		}
		switch {
		case x.depth == 0:
			if strings.TrimSpace(text) != "" {
				x.rows = append(x.rows, row{file: x.name, line: x.paraLine, cells: []string{text}, title: true})
			}
		case x.cellAt >= 0:
			if strings.TrimSpace(text) != "" {
				x.cellParas = append(x.cellParas, text)
			} else if number != "" && x.cellNumber == "" {
				x.cellNumber = number
			}
		}
	case at == x.cellAt:
		x.cellAt = -1
		v := strings.Join(x.cellParas, "\n")
		if v == "" {
			v = x.cellNumber
		}
		if x.continued && len(x.cells) < len(x.above) && x.above[len(x.cells)] != "" {
			v = x.above[len(x.cells)]
		}
		x.addCell(v)
		for k := 1; k < x.span; k++ {
			x.addCell("")
		}
	case at == x.rowAt:
		x.rowAt, x.cellAt = -1, -1
		for range x.gridAfter {
			x.addCell("")
		}
		x.above = x.cells
		x.rows = append(x.rows, row{file: x.name, line: x.rowLine, cells: x.cells})
	}
}

// addCell adds a cell to the row, up to maxDocxCols.
func (x *docxReader) addCell(v string) {
	if len(x.cells) < maxDocxCols {
		x.cells = append(x.cells, v)
	}
}

// count steps the automatic numbering of a list at a level: 1, 2, 3 in
// the order of the document, a deeper level starting again under each
// item of the level above. (Start values other than 1 are not read.)
func (x *docxReader) count(numId string, ilvl int) int {
	lv := x.counters[numId]
	if lv == nil {
		if len(x.counters) >= 10000 {
			return 0
		}
		lv = make([]int, 9)
		x.counters[numId] = lv
	}
	lv[ilvl]++
	for k := ilvl + 1; k < len(lv); k++ {
		lv[k] = 0
	}
	return lv[ilvl]
}
