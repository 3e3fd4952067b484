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

// RankParams are the ranking parameters of the items' index: nlp's
// defaults.
var RankParams = nlp.DefaultParams()

// stepFields are the fields whose words say how an item is done rather
// than what it is: a top hit resting on one word they mention once is
// discounted (see nlp.Discounts).
var stepFields = []string{"township_steps", "lead_steps"}

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
	// Examples says, by township, how the index of its examples was made
	// (nlp.Index.ExampleStatus).
	Examples map[string]string
}

// Sources name what LoadSources reads. An empty field means the embedded
// default: the 喀尔墩乡 list, configs/synonyms.txt, configs/knowledge.tsv,
// configs/out-of-scope.tsv.
type Sources struct {
	Documents  []string
	Synonyms   string
	Knowledge  string
	OutOfScope string
	// Cache, when not nil, keeps the analysis of the examples between
	// starts (see nlp.Cache).
	Cache nlp.Cache
}

// Load is LoadSources of the documents at paths and the synonym table at
// synonyms, with the embedded knowledge banks.
func Load(synonyms string, paths ...string) (*Catalog, error) {
	return LoadSources(Sources{Documents: paths, Synonyms: synonyms})
}

// readConfig returns the file at path, or the embedded default under its
// name when path is empty.
func readConfig(path, defName string, def []byte) (string, []byte, error) {
	if path == "" {
		return defName, def, nil
	}
	data, err := os.ReadFile(path)
	return path, data, err
}

// LoadKnowledge reads the knowledge bank and the out-of-scope bank that
// src names (the embedded ones by default).
func LoadKnowledge(src Sources) (*bot.Knowledge, error) {
	k := &bot.Knowledge{}
	name, data, err := readConfig(src.Knowledge, configs.KnowledgeFile, configs.Knowledge)
	if err != nil {
		return nil, fmt.Errorf("read knowledge bank: %w", err)
	}
	if k.Examples, err = bot.ParseKnowledge(name, data); err != nil {
		return nil, err
	}
	if name, data, err = readConfig(src.OutOfScope, configs.OutOfScopeFile, configs.OutOfScope); err != nil {
		return nil, fmt.Errorf("read out-of-scope bank: %w", err)
	}
	if k.OutOfScope, err = bot.ParseOutOfScope(name, data); err != nil {
		return nil, err
	}
	return k, nil
}

// LoadSources parses the documents, the synonym table and the knowledge
// banks, and builds the rankers. Problems in the documents are returned in
// the Catalog; a document that cannot be read at all, or a broken synonym
// table or bank, is an error.
func LoadSources(src Sources) (*Catalog, error) {
	// The tables are read while the documents are parsed: start-up time
	// matters, and they do not depend on each other.
	type tables struct {
		syn *nlp.Synonyms
		k   *bot.Knowledge
		err error
	}
	done := make(chan tables, 1)
	go func() {
		var t tables
		defer func() { done <- t }()
		name, data, err := readConfig(src.Synonyms, configs.SynonymsFile, configs.Synonyms)
		if err != nil {
			t.err = fmt.Errorf("read synonyms: %w", err)
			return
		}
		if t.syn, t.err = nlp.ParseSynonyms(name, data); t.err != nil {
			return
		}
		t.k, t.err = LoadKnowledge(src)
	}()
	lib, problems, err := seeds.Load(src.Documents...)
	tb := <-done
	if err != nil {
		return nil, err
	}
	if len(lib.Townships) == 0 {
		return nil, errors.New("no township found in the documents")
	}
	if tb.err != nil {
		return nil, tb.err
	}
	an, err := nlp.NewAnalyzer(nlp.AnalyzerOptions{Vocabulary: Vocabulary(lib), Synonyms: tb.syn, StopWords: PlaceNames(lib)})
	if err != nil {
		return nil, fmt.Errorf("build analyzer: %w", err)
	}
	cat := &Catalog{Library: lib, Rankers: make(map[string]bot.Ranker, len(lib.Townships)), Problems: problems, Examples: map[string]string{}}
	for _, t := range lib.Townships {
		r := newRanker(an, t, lib.Bodies, tb.k.ForTownship(t).Examples, tb.k.OutOfScope, src.Cache)
		cat.Rankers[t.Name] = r
		cat.Examples[t.Name] = r.ix.ExampleStatus()
	}
	return cat, nil
}

// NewBot loads the catalog and returns a bot serving it.
func NewBot(opts bot.Options, synonyms string, paths ...string) (*bot.Bot, *Catalog, error) {
	return NewBotSources(opts, Sources{Documents: paths, Synonyms: synonyms})
}

// NewBotSources loads the catalog from src and returns a bot serving it.
func NewBotSources(opts bot.Options, src Sources) (*bot.Bot, *Catalog, error) {
	cat, err := LoadSources(src)
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
	// unlisted are the out-of-scope matters, by their document's ID.
	unlisted map[string]bot.OutOfScope
}

// unlistedPrefix starts the ID of an out-of-scope matter's document; no
// item's ref starts with it.
const unlistedPrefix = "~"

// newRanker indexes a township's items with their examples (by ref) and
// the out-of-scope matters, keeping the examples' analysis in cache (when
// not nil). The bodies field carries every name of each
// body (from dir, which may be nil), so that 人社局 finds the items of
// 市人力资源和社会保障局.
func newRanker(an *nlp.Analyzer, t *bot.Township, dir *bot.Directory, examples map[string][]string, unlisted []bot.Unlisted, cache nlp.Cache) *ranker {
	docs := make([]nlp.Doc, 0, len(t.Items))
	for _, it := range t.Items {
		docs = append(docs, nlp.Doc{ID: it.Ref, Fields: itemFields(it, dir), Examples: examples[it.Ref]})
	}
	r := &ranker{cache: newRankCache(rankCacheSize), unlisted: map[string]bot.OutOfScope{}}
	byMatter := map[string]int{}
	for _, o := range unlisted {
		id := unlistedPrefix + o.Matter
		i, ok := byMatter[id]
		if !ok {
			i = len(docs)
			byMatter[id] = i
			docs = append(docs, nlp.Doc{ID: id})
			r.unlisted[id] = bot.OutOfScope{Matter: o.Matter, Body: o.Body}
		}
		docs[i].Examples = append(docs[i].Examples, o.Text)
	}
	p := RankParams
	p.Cache = cache
	p.Discounts = nlp.Discounts{TitleFields: []string{"name", "category"}, WeakFields: stepFields}
	if dir != nil {
		p.Discounts.Names = dir.Names()
	}
	r.ix = nlp.NewIndex(an, Fields, docs, p)
	return r
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

// unlistedRoom is how many more hits a search asks for than the caller
// wants, for the out-of-scope matters among them.
const unlistedRoom = 2

func (r *ranker) rank(key string, limit int) bot.Ranking {
	res := r.ix.SearchKey(key, limit+unlistedRoom)
	out := bot.Ranking{Terms: res.Terms, Max: res.Max, Hits: make([]bot.Hit, 0, len(res.Hits))}
	n := 0
	for _, h := range res.Hits {
		n += len(h.Matches)
	}
	all := make([]bot.Match, n) // the hits' matches share one array
	for _, h := range res.Hits {
		ms := all[:len(h.Matches):len(h.Matches)]
		all = all[len(h.Matches):]
		for j, m := range h.Matches {
			ms[j] = bot.Match{Term: m.Term, Field: m.Field, Score: m.Score}
		}
		if u, ok := r.unlisted[h.ID]; ok {
			if out.OutOfScope == nil {
				u.Score, u.Matches = h.Score, ms
				out.OutOfScope = &u
			}
			continue
		}
		if limit <= 0 || len(out.Hits) < limit {
			out.Hits = append(out.Hits, bot.Hit{Ref: h.ID, Score: h.Score, Matches: ms})
		}
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
