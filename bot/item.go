package bot

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Kind says which of the three tables of a 履职事项清单 an item comes from.
type Kind string

// The three kinds of item, as spelled in JSON.
const (
	Basic       Kind = "basic"       // 基本履职事项: the township does it itself
	Cooperative Kind = "cooperative" // 配合履职事项: a city body leads, the township cooperates
	Reclaimed   Kind = "reclaimed"   // 上级部门收回事项: taken back by a body, or no longer done
)

// Prefix returns the letter that starts the refs of items of this kind: B, C or R.
func (k Kind) Prefix() string {
	switch k {
	case Basic:
		return "B"
	case Cooperative:
		return "C"
	case Reclaimed:
		return "R"
	}
	return "?"
}

// Label returns the kind's name as the published list calls it.
func (k Kind) Label() string {
	switch k {
	case Basic:
		return "基本履职事项"
	case Cooperative:
		return "配合履职事项"
	case Reclaimed:
		return "收回事项"
	}
	return string(k)
}

// Ref builds the stable reference of an item: B12, C16, R1.
func Ref(k Kind, seq int) string { return fmt.Sprintf("%s%d", k.Prefix(), seq) }

// StepGroup is an ordered list of steps, under a heading when the document
// groups them (a section such as 一、… or a department such as 市教育局).
type StepGroup struct {
	Heading string   `json:"heading"`
	Steps   []string `json:"steps"`
}

// Handover says who does a reclaimed item now. An empty Body means that
// nobody does: the work is no longer done (不再开展此项工作).
type Handover struct {
	Body string `json:"body"`
	How  string `json:"how"`
}

// Item is one matter of a township's duty list.
type Item struct {
	Ref           string      `json:"ref"`
	Kind          Kind        `json:"kind"`
	Seq           int         `json:"seq"`
	Category      string      `json:"category"`
	Name          string      `json:"name"`
	Leads         []string    `json:"leads"`
	LeadSteps     []StepGroup `json:"lead_steps"`
	TownshipSteps []StepGroup `json:"township_steps"`
	Handover      *Handover   `json:"handover,omitempty"`

	// File and Line locate the item's first row in its document.
	File string `json:"-"`
	Line int    `json:"-"`
}

// NoLongerDone reports whether a reclaimed item is done by nobody now.
func (it *Item) NoLongerDone() bool {
	return it.Kind == Reclaimed && (it.Handover == nil || it.Handover.Body == "")
}

// Township is one township's parsed duty list.
type Township struct {
	Name  string  `json:"township"`
	City  string  `json:"city"`
	File  string  `json:"file"`
	Items []*Item `json:"items"`

	// tables are the lookup tables of Item and the categories, built
	// once when a Bot starts serving the township (New, Swap): its items
	// do not change after that.
	tables atomic.Pointer[townTables]

	// renders caches the rendered text of items (renderKey → rendered):
	// at most two texts per item and channel, and dropped with the
	// township when the documents are reloaded. Items are not changed
	// once the township answers questions.
	renders sync.Map
}

// Office is the township's government as a villager would look for it:
// "喀尔墩乡人民政府", "平江街道办事处" (a subdistrict has an office, not a
// government).
func (t *Township) Office() string {
	if t.subdistrict() {
		return t.Name + "办事处"
	}
	return t.Name + "人民政府"
}

// Neighbourhood is the body nearest to the asker: the village committee,
// or in a subdistrict the community's residents' committee.
func (t *Township) Neighbourhood() string {
	if t.subdistrict() {
		return "所在社区居委会"
	}
	return "本村村委会"
}

// Colloquial is how people name the township in a few words: 乡里, 镇里,
// 街道.
func (t *Township) Colloquial() string {
	switch {
	case t.subdistrict():
		return "街道"
	case strings.HasSuffix(t.Name, "镇"):
		return "镇里"
	case strings.HasSuffix(t.Name, "苏木"):
		return "苏木"
	}
	return "乡里"
}

func (t *Township) subdistrict() bool { return strings.HasSuffix(t.Name, "街道") }

// townTables are a township's lookup tables.
type townTables struct {
	byRef map[string]*Item
	cats  *categoryIndex
}

// categoryIndex is a township's categories, in order of first appearance,
// and as a set.
type categoryIndex struct {
	list  []string
	count []int // items of each category of list
	set   map[string]bool
}

// index builds t's lookup tables, unless they are built.
func (t *Township) index() {
	if t.tables.Load() != nil {
		return
	}
	tb := &townTables{byRef: make(map[string]*Item, len(t.Items)), cats: t.buildCategories()}
	for _, it := range t.Items {
		tb.byRef[it.Ref] = it
	}
	t.tables.CompareAndSwap(nil, tb)
}

// Item returns the item with the given ref (case-insensitive), or nil.
func (t *Township) Item(ref string) *Item {
	tb := t.tables.Load()
	if tb == nil { // not served by a Bot: no tables
		ref = strings.TrimSpace(ref)
		for _, it := range t.Items {
			if strings.EqualFold(it.Ref, ref) {
				return it
			}
		}
		return nil
	}
	if it, ok := tb.byRef[ref]; ok {
		return it // refs as the rankers give them: no copy to make
	}
	return tb.byRef[strings.ToUpper(strings.TrimSpace(ref))]
}

// Count returns how many items of kind k the township has.
func (t *Township) Count(k Kind) int {
	n := 0
	for _, it := range t.Items {
		if it.Kind == k {
			n++
		}
	}
	return n
}

// Categories returns the item categories in order of first appearance.
func (t *Township) Categories() []string { return slices.Clone(t.categories().list) }

// categories returns the township's categories: every question looks its
// text up among them.
func (t *Township) categories() *categoryIndex {
	if tb := t.tables.Load(); tb != nil {
		return tb.cats
	}
	return t.buildCategories()
}

func (t *Township) buildCategories() *categoryIndex {
	ci := &categoryIndex{set: map[string]bool{}}
	for _, it := range t.Items {
		if it.Category != "" && !ci.set[it.Category] {
			ci.set[it.Category] = true
			ci.list = append(ci.list, it.Category)
		}
	}
	ci.count = make([]int, len(ci.list))
	for i, cat := range ci.list {
		for _, it := range t.Items {
			if it.Category == cat {
				ci.count[i]++
			}
		}
	}
	return ci
}
