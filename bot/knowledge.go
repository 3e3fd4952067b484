package bot

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// The knowledge bank says how people ask about each matter of a duty list,
// in their own words: for every item, examples ("similar questions") of
// direct questions, situations told as stories, eligibility and amount
// questions, complaints, search titles, elders' and voice-typed wording,
// grid workers' messages, and real messages citizens posted. It is keyed by
// the item's name, so that one bank serves every township whose list has
// that matter; the ref of the default list is a hint for people.
//
// Its file is UTF-8 text with tab-separated columns, a header line naming
// them, and # comment lines:
//
//	item	ref	kind	example	source
//
// item is the item's name as a list writes it, ref the default list's ref,
// kind how the example was written (story, title, real …), example the
// question, source where a real example was posted (an address), else
// empty. The out-of-scope bank holds everyday matters that no township list
// covers, with the body that usually handles them:
//
//	matter	body	example	source

// Example is one row of the knowledge bank.
type Example struct {
	Item   string // the item's name
	Ref    string // the default list's ref, a hint
	Kind   string
	Text   string
	Source string
	File   string
	Line   int
}

// Unlisted is one row of the out-of-scope bank: an example of a matter no
// township list covers.
type Unlisted struct {
	Matter string
	Body   string // who usually handles it
	Text   string
	Source string
	File   string
	Line   int
}

// Knowledge is a loaded knowledge bank and out-of-scope bank.
type Knowledge struct {
	Examples   []Example
	OutOfScope []Unlisted
}

// maxKnowledgeErrors is how many bad lines a file may report before the
// parser gives up.
const maxKnowledgeErrors = 20

// ParseKnowledge reads a knowledge bank file (see above) named name for
// errors. Every bad line is reported as name:line: message.
func ParseKnowledge(name string, data []byte) ([]Example, error) {
	out := make([]Example, 0, bytes.Count(data, []byte("\n")))
	err := parseTSV(name, data, []string{"item", "ref", "kind", "example", "source"}, func(line int, c map[string]string) error {
		switch {
		case c["item"] == "":
			return errors.New("empty item name")
		case c["example"] == "":
			return errors.New("empty example")
		}
		out = append(out, Example{Item: c["item"], Ref: c["ref"], Kind: c["kind"], Text: c["example"], Source: c["source"], File: name, Line: line})
		return nil
	})
	return out, err
}

// ParseOutOfScope reads an out-of-scope bank file (see above) named name
// for errors.
func ParseOutOfScope(name string, data []byte) ([]Unlisted, error) {
	out := make([]Unlisted, 0, bytes.Count(data, []byte("\n")))
	err := parseTSV(name, data, []string{"matter", "body", "example", "source"}, func(line int, c map[string]string) error {
		switch {
		case c["matter"] == "":
			return errors.New("empty matter")
		case c["body"] == "":
			return errors.New("empty body: say who usually handles the matter")
		case c["example"] == "":
			return errors.New("empty example")
		}
		out = append(out, Unlisted{Matter: c["matter"], Body: c["body"], Text: c["example"], Source: c["source"], File: name, Line: line})
		return nil
	})
	return out, err
}

// parseTSV reads a tab-separated file whose first non-comment line names
// its columns (all of want, in any order). It calls row for each data line
// with its cells by column name (a map it reuses: row must not keep it); a
// missing trailing cell is empty.
func parseTSV(name string, data []byte, want []string, row func(line int, cells map[string]string) error) error {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	var errs []error
	var cols []string
	m := map[string]string{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cells := strings.Split(text, "\t")
		if cols == nil {
			cols = make([]string, len(cells))
			for i, c := range cells {
				cols[i] = strings.ToLower(strings.TrimSpace(c))
			}
			for _, w := range want {
				if !slices.Contains(cols, w) {
					return fmt.Errorf("%s:%d: header has no column %q (want %s)", name, line, w, strings.Join(want, ", "))
				}
			}
			continue
		}
		if len(cells) > len(cols) {
			errs = append(errs, fmt.Errorf("%s:%d: %d cells, the header has %d columns (a tab inside a cell?)", name, line, len(cells), len(cols)))
		} else {
			clear(m)
			for i, c := range cells {
				m[cols[i]] = strings.TrimSpace(c)
			}
			if err := row(line, m); err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: %w", name, line, err))
			}
		}
		if len(errs) >= maxKnowledgeErrors {
			errs = append(errs, fmt.Errorf("%s: too many errors, stopped at line %d", name, line))
			break
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s:%d: %w", name, line+1, err))
	}
	if cols == nil && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("%s: no header line", name))
	}
	return errors.Join(errs...)
}

// NameKey is the form of an item's name under which the knowledge bank
// finds it: letters and digits only, so that punctuation, spaces and the
// width of brackets do not matter.
func NameKey(name string) string {
	var b strings.Builder
	for _, r := range name {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Coverage is what the knowledge bank holds for one township.
type Coverage struct {
	Township string
	// Examples are the bank's example texts by the township's item ref.
	Examples map[string][]string
	// Items is how many items of the township have examples, of Total.
	Items, Total int
}

// KnowledgeProblem is a doubtful row of the knowledge bank.
type KnowledgeProblem struct {
	File string
	Line int
	Msg  string
}

func (p KnowledgeProblem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// ForTownship returns the examples of t's items, by ref.
func (k *Knowledge) ForTownship(t *Township) Coverage {
	byKey := make(map[string]string, len(t.Items))
	for _, it := range t.Items {
		byKey[NameKey(it.Name)] = it.Ref
	}
	c := Coverage{Township: t.Name, Examples: map[string][]string{}, Total: len(t.Items)}
	if k == nil {
		return c
	}
	keys := map[string]string{} // NameKey by name: many examples share one
	for _, e := range k.Examples {
		key, ok := keys[e.Item]
		if !ok {
			key = NameKey(e.Item)
			keys[e.Item] = key
		}
		if ref, ok := byKey[key]; ok {
			c.Examples[ref] = append(c.Examples[ref], e.Text)
		}
	}
	c.Items = len(c.Examples)
	return c
}

// Check reports the bank's doubtful rows against the loaded lists: examples
// naming an item that no township's list has, and examples that stand under
// two items (or under an item and an out-of-scope matter).
func (k *Knowledge) Check(lib *Library) []KnowledgeProblem {
	if k == nil {
		return nil
	}
	known := map[string]bool{}
	for _, t := range lib.Townships {
		for _, it := range t.Items {
			known[NameKey(it.Name)] = true
		}
	}
	var out []KnowledgeProblem
	type place struct {
		what string
		file string
		line int
	}
	seen := map[string]place{}
	dup := func(text, what, file string, line int) {
		key := NameKey(text)
		if p, ok := seen[key]; ok && p.what != what {
			out = append(out, KnowledgeProblem{file, line, fmt.Sprintf("example %q stands under %s and under %s (%s:%d)", clip(text, 30), what, p.what, p.file, p.line)})
			return
		}
		seen[key] = place{what, file, line}
	}
	// An item no list has is reported once, at its first example, with
	// the number of its examples.
	unknown := map[string]int{}
	var first []Example
	for _, e := range k.Examples {
		if key := NameKey(e.Item); !known[key] {
			if unknown[key] == 0 {
				first = append(first, e)
			}
			unknown[key]++
		}
		dup(e.Text, "item "+clip(e.Item, 20), e.File, e.Line)
	}
	for _, e := range first {
		out = append(out, KnowledgeProblem{e.File, e.Line, fmt.Sprintf("no loaded list has the item %q (%d examples)", clip(e.Item, 40), unknown[NameKey(e.Item)])})
	}
	for _, o := range k.OutOfScope {
		dup(o.Text, "out-of-scope "+o.Matter, o.File, o.Line)
	}
	return out
}
