package seeds

import (
	_ "embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"dutybot/bot"
)

// DefaultName is the file name of the embedded document, the duty list of
// 伊宁市喀尔墩乡 (July 2025).
const DefaultName = "yining-kaerdun.txt"

//go:embed yining-kaerdun.txt
var defaultDoc string

// Default returns the embedded document. The bytes are a copy.
func Default() []byte { return []byte(defaultDoc) }

// Problem is one thing wrong in a document, located by file and line.
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Error returns "file:line: message", or "file: message" for a problem of
// the whole file (Line 0).
func (p Problem) Error() string {
	if p.Line <= 0 {
		return fmt.Sprintf("%s: %s", p.File, p.Message)
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// extensions are the document formats Load picks up in folders.
var extensions = map[string]bool{".txt": true, ".md": true, ".csv": true, ".xlsx": true, ".docx": true}

// Load parses documents: files, and folders of them (every .txt, .md, .csv,
// .xlsx and .docx inside, in lexical order). With no path it parses the
// embedded default. All bodies go into the library's one directory.
//
// Documents about the same township (one file per table, say) are merged
// into one township. A document that cannot be used at all is reported as
// a problem of its file, and the others are still loaded. Load returns an
// error when a path cannot be read, or when no document gave a township.
func Load(paths ...string) (*bot.Library, []Problem, error) {
	lib := &bot.Library{Bodies: &bot.Directory{}}
	if len(paths) == 0 {
		t, problems, err := Parse(DefaultName, Default(), lib.Bodies)
		if err != nil {
			return nil, problems, err
		}
		lib.Townships = []*bot.Township{t}
		return lib, problems, nil
	}
	files, err := documents(paths)
	if err != nil {
		return nil, nil, err
	}
	var problems []Problem
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, problems, fmt.Errorf("seeds: %w", err)
		}
		t, more, err := Parse(f, data, lib.Bodies)
		problems = append(problems, more...)
		if err != nil {
			problems = append(problems, Problem{File: f, Message: strings.TrimPrefix(err.Error(), "seeds: "+f+": ")})
			continue
		}
		problems = append(problems, merge(lib, t)...)
	}
	if len(lib.Townships) == 0 {
		return nil, problems, fmt.Errorf("seeds: no duty list in %s", strings.Join(paths, ", "))
	}
	return lib, problems, nil
}

// documents lists the files named by paths, expanding folders.
func documents(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("seeds: %w", err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		n := len(files)
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && path != p && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && extensions[strings.ToLower(filepath.Ext(path))] && !strings.HasPrefix(d.Name(), "~$") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("seeds: %w", err)
		}
		if len(files) == n {
			return nil, fmt.Errorf("seeds: no .docx and no .txt, .md, .csv or .xlsx document in %s", p)
		}
	}
	return files, nil
}

// merge adds t to the library, or its items to the township of the same
// name and city already there. A table given twice is reported and left out.
func merge(lib *bot.Library, t *bot.Township) []Problem {
	var into *bot.Township
	for _, x := range lib.Townships {
		if t.Name != "" && x.Name == t.Name && x.City == t.City {
			into = x
		}
	}
	if into == nil {
		lib.Townships = append(lib.Townships, t)
		return nil
	}
	var problems []Problem
	for _, k := range []bot.Kind{bot.Basic, bot.Cooperative, bot.Reclaimed} {
		if t.Count(k) == 0 {
			continue
		}
		if into.Count(k) > 0 {
			problems = append(problems, Problem{File: t.File, Message: fmt.Sprintf("%s of %s already loaded from %s", k.Label(), t.Name, into.File)})
			continue
		}
		for _, it := range t.Items {
			if it.Kind == k {
				into.Items = append(into.Items, it)
			}
		}
	}
	// Keep the tables in their usual order: B, C, R.
	items := into.Items[:0:0]
	for _, k := range []bot.Kind{bot.Basic, bot.Cooperative, bot.Reclaimed} {
		for _, it := range into.Items {
			if it.Kind == k {
				items = append(items, it)
			}
		}
	}
	into.Items = items
	return problems
}

// LoadDefault parses the embedded document. It panics if the document
// cannot be parsed, which the tests rule out.
func LoadDefault() *bot.Library {
	lib, _, err := Load()
	if err != nil {
		panic(err)
	}
	return lib
}
