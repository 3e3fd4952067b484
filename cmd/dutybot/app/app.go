// Package app wires dutybot's parts together: it loads the duty lists
// (seeds), builds one text index per township (nlp) and hands them to the
// domain core (bot). The command and the tests of the adapters share it, so
// that every test runs the real pipeline.
package app

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"dutybot/bot"
	"dutybot/configs"
	"dutybot/nlp"
	"dutybot/seeds"
)

// Fields are the indexed fields of an item and their BM25F weights.
var Fields = []nlp.Field{
	{Name: "name", Weight: 3},
	{Name: "category", Weight: 0.5},
	{Name: "bodies", Weight: 1},
	{Name: "township_steps", Weight: 1},
	{Name: "lead_steps", Weight: 0.6},
	{Name: "handover", Weight: 1},
}

// Catalog is a loaded set of documents with their rankers: what a reload
// replaces as a whole.
type Catalog struct {
	Library  *bot.Library
	Rankers  map[string]bot.Ranker
	Problems []seeds.Problem
}

// Load parses the documents at paths (the embedded default list when none)
// and the synonym table at synonyms (the embedded default when empty), and
// builds the rankers. Problems in the documents are returned in the Catalog;
// a document that cannot be read at all, or a broken synonym table, is an
// error.
func Load(synonyms string, paths ...string) (*Catalog, error) {
	// The synonym table is read while the documents are parsed: start-up
	// time matters, and the two do not depend on each other.
	type synResult struct {
		syn *nlp.Synonyms
		err error
	}
	synDone := make(chan synResult, 1)
	go func() {
		name, data := "configs/synonyms.txt", configs.Synonyms
		if synonyms != "" {
			var err error
			if data, err = os.ReadFile(synonyms); err != nil {
				synDone <- synResult{err: fmt.Errorf("read synonyms: %w", err)}
				return
			}
			name = synonyms
		}
		syn, err := nlp.ParseSynonyms(name, data)
		synDone <- synResult{syn, err}
	}()
	lib, problems, err := seeds.Load(paths...)
	sr := <-synDone
	if err != nil {
		return nil, err
	}
	if len(lib.Townships) == 0 {
		return nil, errors.New("no township found in the documents")
	}
	if sr.err != nil {
		return nil, sr.err
	}
	syn := sr.syn
	an, err := nlp.NewAnalyzer(nlp.AnalyzerOptions{Vocabulary: Vocabulary(lib), Synonyms: syn, StopWords: PlaceNames(lib)})
	if err != nil {
		return nil, fmt.Errorf("build analyzer: %w", err)
	}
	rankers := make(map[string]bot.Ranker, len(lib.Townships))
	for _, t := range lib.Townships {
		rankers[t.Name] = NewRanker(an, t, lib.Bodies)
	}
	return &Catalog{Library: lib, Rankers: rankers, Problems: problems}, nil
}

// NewBot loads the catalog and returns a bot serving it.
func NewBot(opts bot.Options, synonyms string, paths ...string) (*bot.Bot, *Catalog, error) {
	cat, err := Load(synonyms, paths...)
	if err != nil {
		return nil, nil, err
	}
	b, err := bot.New(cat.Library, cat.Rankers, opts)
	if err != nil {
		return nil, nil, err
	}
	return b, cat, nil
}

// Vocabulary is the words of the loaded documents that the segmenter must
// know: item names, categories, bodies and their aliases.
func Vocabulary(lib *bot.Library) []string {
	var words []string
	for _, t := range lib.Townships {
		words = append(words, t.Name, t.City)
		for _, it := range t.Items {
			words = append(words, it.Category, it.Name)
		}
	}
	if lib.Bodies != nil {
		words = append(words, lib.Bodies.Names()...)
	}
	return words
}

// PlaceNames are the names of the loaded townships and their cities, with
// and without their 乡/镇/市/县 suffix. Every item of a list is about its own
// township, so a place name in a question ("伊宁到上海的机票") says nothing
// about which item fits, while the few steps that name the city (州生态环境局
// 伊宁市分局) would otherwise match it strongly: they are stop words.
func PlaceNames(lib *bot.Library) []string {
	var out []string
	for _, t := range lib.Townships {
		for _, n := range []string{t.Name, t.City} {
			if n == "" {
				continue
			}
			out = append(out, n)
			for _, suffix := range []string{"街道办事处", "街道", "乡", "镇", "市", "县", "区"} {
				if s := strings.TrimSuffix(n, suffix); s != n && len([]rune(s)) >= 2 {
					out = append(out, s)
					break
				}
			}
		}
	}
	return out
}

// ranker adapts an nlp index to bot.Ranker. It keeps the rankings of
// recent questions (see rankCache); a reload builds new rankers, with
// empty caches.
type ranker struct {
	ix    *nlp.Index
	cache *rankCache
	adj   adjuster
}

// NewRanker indexes a township's items. The bodies field carries every name
// of each body (from dir, which may be nil), so that 人社局 finds the items
// of 市人力资源和社会保障局.
func NewRanker(an *nlp.Analyzer, t *bot.Township, dir *bot.Directory) bot.Ranker {
	docs := make([]nlp.Doc, 0, len(t.Items))
	for _, it := range t.Items {
		docs = append(docs, nlp.Doc{ID: it.Ref, Fields: itemFields(it, dir)})
	}
	// The adjuster is built while the index is.
	adj := make(chan adjuster, 1)
	go func() { adj <- newAdjuster(docs, dir) }()
	ix := nlp.NewIndex(an, Fields, docs, nlp.Params{K1: 1.2, B: 0.75})
	return &ranker{ix: ix, cache: newRankCache(rankCacheSize), adj: <-adj}
}

// Rank implements bot.Ranker. The Ranking of a question asked again (in
// the same words, up to nlp.QueryKey) is the one computed the first time,
// shared: its slices must not be modified.
func (r *ranker) Rank(question string, limit int) bot.Ranking {
	key := nlp.QueryKey(question)
	if out, ok := r.cache.get(key, limit); ok {
		return out
	}
	out := r.rank(key, limit)
	r.cache.put(key, limit, out)
	return out
}

func (r *ranker) rank(key string, limit int) bot.Ranking {
	res := r.ix.SearchKey(key, limit)
	r.adj.apply(&res, limit)
	out := bot.Ranking{Terms: res.Terms, Max: res.Max, Hits: make([]bot.Hit, len(res.Hits))}
	n := 0
	for _, h := range res.Hits {
		n += len(h.Matches)
	}
	all := make([]bot.Match, n) // the hits' matches share one array
	for i, h := range res.Hits {
		ms := all[:len(h.Matches):len(h.Matches)]
		all = all[len(h.Matches):]
		for j, m := range h.Matches {
			ms[j] = bot.Match{Term: m.Term, Field: m.Field, Score: m.Score}
		}
		out.Hits[i] = bot.Hit{Ref: h.ID, Score: h.Score, Matches: ms}
	}
	return out
}

func itemFields(it *bot.Item, dir *bot.Directory) map[string]string {
	f := map[string]string{
		"name":           it.Name,
		"category":       it.Category,
		"township_steps": stepsText(it.TownshipSteps),
		"lead_steps":     stepsText(it.LeadSteps),
	}
	bodies := append([]string(nil), it.Leads...)
	if it.Handover != nil {
		bodies = append(bodies, it.Handover.Body)
		f["handover"] = it.Handover.How
	}
	if dir != nil {
		for _, name := range bodies {
			if b, ok := dir.Lookup(name); ok {
				bodies = append(bodies, b.Aliases...)
			}
		}
	}
	f["bodies"] = joinLines(bodies)
	return f
}

func stepsText(groups []bot.StepGroup) string {
	var lines []string
	for _, g := range groups {
		if g.Heading != "" {
			lines = append(lines, g.Heading)
		}
		lines = append(lines, g.Steps...)
	}
	return joinLines(lines)
}

func joinLines(lines []string) string {
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b := make([]byte, 0, n)
	for _, l := range lines {
		b = append(b, l...)
		b = append(b, '\n')
	}
	return string(b)
}
