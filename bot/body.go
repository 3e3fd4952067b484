package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Body is a government body (department, bureau, committee) with the other
// names it goes by: 市人力资源和社会保障局 is also 市人社局.
type Body struct {
	Name    string   `json:"name"`
	Aliases []string `json:"aliases"`
}

// Directory finds a body by any of its names. The zero value is empty and
// ready to use; it is not safe for concurrent writes.
type Directory struct {
	bodies []*Body
	byName map[string]*Body
}

// Add records a body, merging it with a body already known under its name or
// any of its aliases. It returns the stored body.
func (d *Directory) Add(name string, aliases ...string) *Body {
	if d.byName == nil {
		d.byName = map[string]*Body{}
	}
	b := d.byName[name]
	for _, a := range aliases {
		if b == nil {
			b = d.byName[a]
		}
	}
	if b == nil {
		b = &Body{Name: name}
		d.bodies = append(d.bodies, b)
		d.byName[name] = b
	}
	for _, n := range append([]string{name}, aliases...) {
		if n == "" {
			continue
		}
		if n != b.Name && !contains(b.Aliases, n) {
			b.Aliases = append(b.Aliases, n)
		}
		d.byName[n] = b
	}
	return b
}

// Lookup returns the body known by name (its full name or an alias).
func (d *Directory) Lookup(name string) (*Body, bool) {
	b, ok := d.byName[strings.TrimSpace(name)]
	return b, ok
}

// Bodies returns every body in the order it was first added.
func (d *Directory) Bodies() []*Body { return d.bodies }

// Names returns every name and alias known, for building dictionaries.
func (d *Directory) Names() []string {
	out := make([]string, 0, len(d.byName))
	for _, b := range d.bodies {
		out = append(out, b.Name)
		out = append(out, b.Aliases...)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Library is everything loaded: the townships' lists and the bodies they name.
type Library struct {
	Townships []*Township
	Bodies    *Directory
}

// Mentioned returns the township a message names, when the library holds
// several: its full name (平江街道) anywhere in the message, or its name
// without the 乡/镇/街道 suffix (平江, two characters or more) when that is
// all the message says — a short name inside a question is too often an
// ordinary word (团结, 和平). rest is the message without the name; it is
// empty when the message only names the township, with or without the
// words that ask to switch (切换到, 我是…的, 我在).
func (l *Library) Mentioned(text string) (t *Township, rest string) {
	if l == nil || len(l.Townships) < 2 {
		return nil, text
	}
	var best *Township
	n := 0
	for _, tw := range l.Townships {
		short := strings.TrimRight(tw.Name, "乡镇街道")
		for _, name := range []string{tw.Name, short} {
			if utf8.RuneCountInString(name) < 2 || len(name) <= n {
				continue
			}
			i := strings.Index(text, name)
			if i < 0 {
				continue
			}
			r := text[:i] + text[i+len(name):]
			if name == short && name != tw.Name && !bareSwitch(r) {
				continue
			}
			best, rest, n = tw, r, len(name)
		}
	}
	if best == nil {
		return nil, text
	}
	if bareSwitch(rest) {
		rest = ""
	}
	return best, rest
}

// switchWords are what a message that only names a township may hold
// besides the name.
var switchWords = []string{"切换到", "切换", "换到", "选择", "我们是", "我们在", "我住在", "我住", "我是", "我在", "在", "是",
	"办事处", "街道", "乡", "镇", "的", "人", "呢", "啊"}

// bareSwitch reports whether s holds nothing but switch words, spaces and
// punctuation.
func bareSwitch(s string) bool {
	for _, w := range switchWords {
		s = strings.ReplaceAll(s, w, "")
	}
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) == ""
}

// Township returns the township called name (with or without its 乡/镇/街道
// suffix), or the first one when name is empty. It returns nil when there is
// no such township.
func (l *Library) Township(name string) *Township {
	if l == nil || len(l.Townships) == 0 {
		return nil
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return l.Townships[0]
	}
	for _, t := range l.Townships {
		if t.Name == name || strings.TrimRight(t.Name, "乡镇街道") == strings.TrimRight(name, "乡镇街道") {
			return t
		}
	}
	return nil
}
