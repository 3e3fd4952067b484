package nlp

import (
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Field is a named part of a document and its weight in BM25F: a term
// occurrence in a field of weight 3 counts like three in a field of weight 1.
type Field struct {
	Name   string
	Weight float64
}

// Doc is a document to index: an ID and the text of its fields by name.
type Doc struct {
	ID     string
	Fields map[string]string
	// Examples are questions as people ask them about the document (see
	// exampleIndex); a document may have examples and no fields.
	Examples []string
}

// Params tunes the ranking. The zero value means the defaults, which
// DefaultParams returns; K1 and B are taken as given unless both are zero,
// and a zero weight means its default (a negative one means 0).
type Params struct {
	// K1 is BM25's term-frequency saturation and B its length
	// normalisation (Lucene's 1.2 and 0.75).
	K1, B float64

	// Part is the weight of the known parts of a long word of the question
	// (残疾 and 残疾人 in 残疾人证), shared among them (default 0.6).
	Part float64
	// Synonym is the weight of an expansion from the synonym table (default
	// 0.7); each of the n terms of an alternative gets Synonym/√n.
	Synonym float64
	// Fuzzy is the weight of an index term that sounds like a word of the
	// question that no document has (default 0.8).
	Fuzzy float64
	// Single is the weight of a character that segmentation left alone
	// (default 0: such characters are too ambiguous to count, unless the
	// synonym table knows them), and Bigram of two such neighbours, the
	// fallback for words outside the dictionary (default 0.5).
	Single, Bigram float64
	// Known is the weight of a lone character of the question that the
	// synonym table knows (狗, 占), matched as itself (default 0.5; its
	// expansions weigh Synonym as usual). In the documents a lone
	// character is mostly a piece of a word (占 in 征占用).
	Known float64
	// Unknown is how much a word of the question that no document has
	// counts toward Result.Max, relative to a typical word found in one
	// document (default 1.5: a word the list lacks says more about the
	// question than a word it has). It lowers the share of the maximum
	// that questions about unlisted matters reach; it changes no ranking.
	Unknown float64
	// UnknownCap is the most that the words no document has (and the
	// bigrams of runs no document has) count toward Result.Max together,
	// in units of one such word (default 2.5; negative: no cap). One or two
	// of them mark a question about a matter the list lacks; a long message
	// told with context (我家老头子去年中风了…) has many more, and they are
	// the telling, not more unlisted matters.
	UnknownCap float64

	// LongQuery is the number of concepts beyond which a question's Max
	// grows only as the square root of their number (default 8; negative:
	// no limit). A long message — a complaint of several sentences — tells
	// places, dates, people and story around one matter: each of those
	// words would raise Max as much as a word of the matter, and a message
	// whose matter is clear would fall below the abstain line.
	LongQuery float64

	// Examples is the weight of a document's example evidence (see
	// exampleIndex), default 0.8: a document whose fields reach the share f
	// of Result.Max and whose examples give the evidence e scores
	// f + Examples × e × (1 − f) of Max, so a hit's score stays a share of
	// Max. A document without examples scores its fields alone; one
	// without fields, e × Max: its examples are all its evidence.
	Examples float64
	// ExampleFloor is the similarity of a question and an example at or
	// below which the example is no evidence (default 0.05); above it the
	// evidence rises linearly to 1.
	ExampleFloor float64

	// Discounts are the discounts applied after scoring (see Discounts).
	Discounts Discounts

	// ExampleSecond is how much a document's second most similar example
	// adds to its evidence (default 1: the two are combined as independent
	// evidence).
	ExampleSecond float64

	// ExampleNext is how much each of the next most similar examples after
	// the first two adds to a document's evidence (default 0.25).
	ExampleNext float64

	// Cache, when not nil, keeps the analysis of the examples between
	// starts (see Cache). It changes no ranking.
	Cache Cache
}

// DefaultParams returns the default ranking parameters.
func DefaultParams() Params {
	return Params{K1: 1.2, B: 0.75, Part: 0.6, Synonym: 0.7, Fuzzy: 0.8, Single: 0, Bigram: 0.5, Known: 0.5, Unknown: 1.5, UnknownCap: 2.5, LongQuery: 8, Examples: 0.8, ExampleSecond: 1, ExampleNext: 0.25, ExampleFloor: 0.05}
}

func (p Params) withDefaults() Params {
	d := DefaultParams()
	if p.K1 == 0 && p.B == 0 {
		p.K1, p.B = d.K1, d.B
	}
	def := func(v *float64, dv float64) {
		switch {
		case *v == 0:
			*v = dv
		case *v < 0:
			*v = 0
		}
	}
	def(&p.Part, d.Part)
	def(&p.Synonym, d.Synonym)
	def(&p.Fuzzy, d.Fuzzy)
	def(&p.Single, d.Single)
	def(&p.Bigram, d.Bigram)
	def(&p.Known, d.Known)
	def(&p.Unknown, d.Unknown)
	def(&p.LongQuery, d.LongQuery)
	def(&p.Examples, d.Examples)
	def(&p.ExampleSecond, d.ExampleSecond)
	def(&p.ExampleNext, d.ExampleNext)
	p.ExampleNext = min(p.ExampleNext, 1)
	def(&p.ExampleFloor, d.ExampleFloor)
	p.Examples = min(p.Examples, 1)
	switch {
	case p.UnknownCap == 0:
		p.UnknownCap = d.UnknownCap
	case p.UnknownCap < 0:
		p.UnknownCap = math.Inf(1)
	}
	return p
}

// Match explains part of a hit's score: a term of the question found in a
// field, and what it added.
type Match struct {
	Term, Field string
	Score       float64
}

// Hit is a matching document.
type Hit struct {
	ID    string
	Score float64 // the sum of Matches' scores
	// Matches explain Score: for each concept of the question, the terms of
	// its best alternative that the document has, field by field.
	Matches []Match
}

// Result is a ranked answer to a question.
type Result struct {
	// Terms are the question's terms after normalising, segmenting, dropping
	// stop words and adding synonyms and sound-alike index terms.
	Terms []string
	// Max is the highest score the question could reach: for every concept
	// of the question, its best alternative with each term scoring as high
	// as it does in any document (a document with every term at its best).
	// A word no document has counts as a typical rare word, times
	// Params.Unknown. No hit scores more; one that matches the whole
	// question as well as the index allows scores about Max.
	Max float64
	// Hits are the matching documents, best first.
	Hits []Hit
}

// posting is a term's occurrence in one document.
type posting struct {
	doc   int32
	part0 int32 // first of its fieldParts
	nPart int32
	score float64 // idf × saturated BM25F term frequency
}

// fieldPart is a field's share of a posting's score.
type fieldPart struct {
	field int32
	share float64
}

// Index is a BM25F index over documents. It is read-only after NewIndex and
// safe for concurrent use.
type Index struct {
	a      *Analyzer
	p      Params
	fields []Field
	ids    []string

	terms    map[string]int32
	texts    []string    // by term id
	postings [][]posting // by term id, by document
	best     []float64   // by term id: its highest posting score
	parts    []fieldPart
	unknown  float64 // what a term no document has counts toward Max

	pinyin map[string][]int32 // folded pinyin key → term ids
	// synPinyin: folded pinyin key → the synonym table's colloquial
	// phrases (低保), for typos of words no document has.
	synPinyin map[string][]string
	// latin and synLatin are pinyin and synPinyin by the syllables written
	// together, as a person who did not pick the characters types them
	// (dibao for 低保); see latinKey.
	latin    map[string][]int32
	synLatin map[string][]string

	scratch sync.Pool
	ex      *exampleIndex // nil when no document has examples
	// exStatus says how ex was made (see ExampleStatus).
	exStatus string
	disc     *discounter // nil when nothing is discounted
	// onlyExamples is, by document, whether it has no field text.
	onlyExamples []bool
}

// NewIndex analyses docs with a and indexes them over fields. Fields of a
// document not named in fields are ignored, as are fields of weight ≤ 0.
func NewIndex(a *Analyzer, fields []Field, docs []Doc, p Params) *Index {
	ix := &Index{
		a:      a,
		p:      p.withDefaults(),
		fields: slices.Clone(fields),
		ids:    make([]string, len(docs)),
		terms:  map[string]int32{},
	}
	nf := len(fields)
	exDone := make(chan *exampleIndex, 1)
	go func() {
		x, status := newExampleIndex(a, docs, ix.p.ExampleFloor, ix.p.Cache)
		ix.exStatus = status
		exDone <- x
	}()
	discDone := make(chan *discounter, 1)
	go func() { discDone <- newDiscounter(ix.p.Discounts, docs) }()
	analyzed := ix.analyzeDocs(docs)

	// Field lengths (in terms) and their averages over the documents that
	// have the field.
	avg := make([]float64, nf)
	count := make([]float64, nf)
	for d := range docs {
		ix.ids[d] = docs[d].ID
		for f, terms := range analyzed[d] {
			if terms != nil {
				avg[f] += float64(len(terms))
				count[f]++
			}
		}
	}
	for f := range avg {
		if count[f] > 0 {
			avg[f] /= count[f]
		}
	}

	// Postings, document by document, so each list is in document order.
	// A posting's score is first the saturated term frequency; idf is known
	// at the end. A first pass numbers the terms (in order of first
	// occurrence) and counts, so that the postings and their field parts
	// each fill one array of the right size.
	type occurrence struct{ id, field int32 }
	total := 0
	for d := range docs {
		for _, terms := range analyzed[d] {
			total += len(terms)
		}
	}
	occ := make([]occurrence, 0, total) // every document's, each sorted
	docOcc := make([]int, len(docs)+1)  // document d's: occ[docOcc[d]:docOcc[d+1]]
	for d := range docs {
		start := len(occ)
		for f, terms := range analyzed[d] {
			for _, t := range terms {
				id, ok := ix.terms[t]
				if !ok {
					id = int32(len(ix.terms))
					ix.terms[t] = id
					ix.texts = append(ix.texts, t)
				}
				occ = append(occ, occurrence{id, int32(f)})
			}
		}
		slices.SortFunc(occ[start:], func(x, y occurrence) int {
			if x.id != y.id {
				return int(x.id - y.id)
			}
			return int(x.field - y.field)
		})
		docOcc[d+1] = len(occ)
	}
	perTerm := make([]int, len(ix.texts))
	nPostings, nParts := 0, 0
	for d := range docs {
		occ := occ[docOcc[d]:docOcc[d+1]]
		for i := 0; i < len(occ); {
			id := occ[i].id
			perTerm[id]++
			nPostings++
			for field := int32(-1); i < len(occ) && occ[i].id == id; i++ {
				if occ[i].field != field {
					field = occ[i].field
					nParts++
				}
			}
		}
	}
	backing := make([]posting, nPostings)
	ix.postings = make([][]posting, len(ix.texts))
	for id, n := range perTerm {
		ix.postings[id], backing = backing[:0:n], backing[n:]
	}
	ix.parts = make([]fieldPart, 0, nParts)

	k1, b := ix.p.K1, ix.p.B
	tf := make([]float64, nf)
	for d := range docs {
		occ := occ[docOcc[d]:docOcc[d+1]]
		for i := 0; i < len(occ); {
			id := occ[i].id
			clear(tf)
			for ; i < len(occ) && occ[i].id == id; i++ {
				tf[occ[i].field]++
			}
			sum := 0.0
			for f, v := range tf {
				if v > 0 {
					norm := 1.0
					if avg[f] > 0 {
						norm = 1 - b + b*float64(len(analyzed[d][f]))/avg[f]
					}
					tf[f] = fields[f].Weight * v / norm
					sum += tf[f]
				}
			}
			p := posting{doc: int32(d), part0: int32(len(ix.parts)), score: sum * (k1 + 1) / (k1 + sum)}
			for f, x := range tf {
				if x > 0 {
					ix.parts = append(ix.parts, fieldPart{field: int32(f), share: x / sum})
					p.nPart++
				}
			}
			ix.postings[id] = append(ix.postings[id], p)
		}
	}
	// Documents with examples alone (no field text) are no part of the
	// fields' statistics.
	n := 0.0
	ix.onlyExamples = make([]bool, len(docs))
	for d := range docs {
		if slices.ContainsFunc(analyzed[d], func(ts []string) bool { return ts != nil }) {
			n++
		} else {
			ix.onlyExamples[d] = true
		}
	}
	ix.best = make([]float64, len(ix.terms))
	for id, ps := range ix.postings {
		idf := bm25IDF(n, float64(len(ps)))
		for i := range ps {
			ps[i].score *= idf
			ix.best[id] = max(ix.best[id], ps[i].score)
		}
	}

	// A term no document has would, if one had it, be rare: it counts like
	// the typical term found in one document (the median of their best
	// scores), times Params.Unknown.
	var rare []float64
	for id, ps := range ix.postings {
		if len(ps) == 1 {
			rare = append(rare, ix.best[id])
		}
	}
	if len(rare) > 0 {
		slices.Sort(rare)
		ix.unknown = ix.p.Unknown * rare[len(rare)/2]
	} else {
		ix.unknown = ix.p.Unknown * bm25IDF(n, 1) * (k1 + 1)
	}

	// Sound-alike lookup: the dictionary words among the terms (a typo is
	// meant as a real word, not a bigram), two to eight characters, under
	// the key of their most common readings. Other readings would catch a
	// few more typos but let many junk windows in (雨漏 for 雨露).
	ix.pinyin = make(map[string][]int32)
	for t, id := range ix.terms {
		if n := utf8.RuneCountInString(t); n < 2 || n > 8 || !a.isWord(t) || !allHan(t) {
			continue
		}
		if k := pinyinKey(t); k != "" {
			ix.pinyin[k] = append(ix.pinyin[k], id)
		}
	}
	if a.syn != nil {
		ix.synPinyin = make(map[string][]string)
		for p := range a.syn.byFrom {
			if n := utf8.RuneCountInString(p); n < 2 || n > 8 || !allHan(p) {
				continue
			}
			if k := pinyinKey(p); k != "" {
				ix.synPinyin[k] = append(ix.synPinyin[k], p)
			}
		}
		for _, ps := range ix.synPinyin {
			slices.Sort(ps)
		}
	}
	for _, ids := range ix.pinyin {
		// Most widely used first, so that a capped list keeps the best.
		slices.SortFunc(ids, func(x, y int32) int {
			if d := len(ix.postings[y]) - len(ix.postings[x]); d != 0 {
				return d
			}
			return int(x - y)
		})
	}
	ix.latin = make(map[string][]int32, len(ix.pinyin))
	for k, ids := range ix.pinyin {
		lk := latinKey(k)
		ix.latin[lk] = append(ix.latin[lk], ids...)
	}
	ix.synLatin = make(map[string][]string, len(ix.synPinyin))
	for k, ps := range ix.synPinyin {
		lk := latinKey(k)
		ix.synLatin[lk] = append(ix.synLatin[lk], ps...)
	}
	ix.ex = <-exDone
	ix.disc = <-discDone
	return ix
}

// latinKey folds pinyin written as one string of letters (or a pinyinKey,
// whose dashes it drops) for lookup: zh, ch, sh become z, c, s and every ng
// becomes n. Without the syllable breaks the folds cannot be applied per
// syllable; applied to the whole string, they fold the typed word and the
// key of the characters alike (fangong and fan-gon both become fanon).
func latinKey(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '-':
			continue
		case c == 'h' && len(b) > 0 && (b[len(b)-1] == 'z' || b[len(b)-1] == 'c' || b[len(b)-1] == 's'):
			continue
		case c == 'g' && len(b) > 0 && b[len(b)-1] == 'n':
			continue
		case c == 'v':
			c = 'u' // lv, nv: how keyboards type ü
		}
		b = append(b, c)
	}
	return string(b)
}

// minLatinPinyin is the fewest letters of a word typed in pinyin that is
// looked up: shorter ones are more often abbreviations and English (app,
// tv, wifi is no pinyin at all).
const minLatinPinyin = 4

// resolveLatin adds, for a word of Latin letters that no document has and
// that is pinyin written out (dibao, canjiren), the index terms of two or
// more characters whose readings it spells (低保 through the table, 残疾人),
// at weight Params.Fuzzy, with the table's official wording for them.
func (ix *Index) resolveLatin(q *query) {
	for gi := range q.groups {
		g := &q.groups[gi]
		if g.exp != 0 || len(g.alts) != 1 || len(g.alts[0]) != 1 {
			continue
		}
		t := g.alts[0][0]
		if t.id >= 0 || len(t.text) < minLatinPinyin || !lowerLatin(t.text) || ix.a.isWord(t.text) {
			continue
		}
		key := latinKey(t.text)
		var alts []qalt
		n := 0
		for _, id := range ix.latin[key] {
			if n == maxFuzzy {
				break
			}
			alts = append(alts, qalt{{text: ix.termText(id), w: ix.p.Fuzzy, id: id}})
			alts = append(alts, ix.tableAlts(ix.termText(id))...)
			n++
		}
		if len(alts) == 0 {
			for _, p := range ix.synLatin[key] {
				if a := ix.tableAlts(p); a != nil {
					alts = a
					break
				}
			}
		}
		g.expand(alts...)
	}
}

// lowerLatin reports whether s is all lower-case ASCII letters.
func lowerLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return s != ""
}

// analyzeDocs analyses the documents' fields on all CPUs: segmentation is
// most of an index's build time. The result is by document, by field; nil
// for an absent field.
func (ix *Index) analyzeDocs(docs []Doc) [][][]string {
	out := make([][][]string, len(docs))
	memo := &chunkMemo{terms: map[string][]term{}}
	parallel(len(docs), func(d int) {
		out[d] = make([][]string, len(ix.fields))
		for f, fld := range ix.fields {
			if text := docs[d].Fields[fld.Name]; fld.Weight > 0 && text != "" {
				out[d][f] = ix.a.analyze(text, memo)
			}
		}
	})
	return out
}

// parallel calls fn(i) for every i in [0, n), on all CPUs (eight at most).
func parallel(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n, 8)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// bm25IDF is BM25's inverse document frequency, never negative.
func bm25IDF(n, df float64) float64 {
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// Len returns the number of documents.
func (ix *Index) Len() int { return len(ix.ids) }

// Terms returns the number of distinct terms.
func (ix *Index) Terms() int { return len(ix.terms) }

// ExampleStatus says how the index of the examples was made: "built",
// "read from the cache", "built and stored in the cache", or "built" with
// what went wrong with the cache; "" when no document has examples.
func (ix *Index) ExampleStatus() string { return ix.exStatus }

// Params returns the parameters in effect, defaults filled in.
func (ix *Index) Params() Params { return ix.p }

// maxFuzzy bounds the sound-alike terms offered for one word.
const maxFuzzy = 3

// resolve looks up the query's terms and adds sound-alike alternatives for
// words that no document has.
func (ix *Index) resolve(q *query) {
	for gi := range q.groups {
		for ai := range q.groups[gi].alts {
			alt := q.groups[gi].alts[ai]
			for ti := range alt {
				alt[ti].id = ix.termID(alt[ti].text)
			}
		}
	}
	ix.standAlone(q)
	if ix.p.Fuzzy == 0 {
		return
	}
	ix.resolveLatin(q)
	// Only runs of lone characters are tried: gse makes words of two or
	// more characters only from its dictionary, and a real word that no
	// document has is no typo (晚上 would become 网上, 查出 查处).
	// Runs of single characters: windows of two to four characters (and the
	// word before a run with the run's first one or two characters) that
	// sound like an index term. The longest windows are tried first.
	for _, r := range q.runs {
		ix.resolveRun(q, r)
	}
}

func (ix *Index) resolveRun(q *query, r run) {
	k := len(r.chars)
	var usedBuf [32]bool
	used := usedBuf[:0]
	if k <= len(usedBuf) {
		used = usedBuf[:k]
	} else {
		used = make([]bool, k)
	}
	leftUsed := false
	leftN := utf8.RuneCountInString(r.left)
	type window struct {
		i, j int  // chars[i:j]
		left bool // with r.left before
	}
	var wsBuf [48]window
	ws := wsBuf[:0]
	for size := min(k, 4); size >= 1; size-- {
		if r.left != "" && leftN <= 3 && size <= 2 && allHan(r.left) {
			ws = append(ws, window{0, size, true})
		}
		if size >= 2 {
			for i := 0; i+size <= k; i++ {
				ws = append(ws, window{i, i + size, false})
			}
		}
	}
	for _, w := range ws {
		if (w.left && leftUsed) || slices.Contains(used[w.i:w.j], true) {
			continue
		}
		var textBuf [64]byte
		text := textBuf[:0]
		if w.left {
			text = append(text, r.left...)
		}
		stop := false
		for _, c := range r.chars[w.i:w.j] {
			text = append(text, c...)
			stop = stop || ix.a.stop[c]
		}
		if stop {
			continue // 钱一 in 多少钱一公斤: function characters are no typo
		}
		if _, ok := ix.terms[string(text)]; ok {
			continue // a real term, not a typo
		}
		if _, ok := ix.a.words[string(text)]; ok {
			continue // a real word
		}
		var idsBuf [maxFuzzy]int32
		ids := ix.sounds(idsBuf[:0], text)
		var synAlts []qalt
		if len(ids) == 0 {
			// No index term sounds like it: perhaps a colloquial phrase of
			// the table does (低包 for 低保), which says what it means. Only
			// for a whole run: the table's many short phrases sound like
			// parts of longer words too (雪压 in 血压高).
			if w.left || w.i > 0 || w.j < k {
				continue
			}
			if synAlts = ix.soundsInTable(text); synAlts == nil {
				continue
			}
		}
		// The person's terms inside the window leave their own groups (and
		// their synonyms: 鸡 means nothing in 宅鸡地) for the new group's
		// first alternative. The word before the run keeps its group: it
		// was understood, only the run was not.
		inside := map[string]bool{}
		for i := w.i; i < w.j; i++ {
			inside[r.chars[i]] = true
			if i+1 < w.j {
				inside[r.chars[i]+r.chars[i+1]] = true
			}
		}
		var own qalt
		kept := q.groups[:0]
		for _, g := range q.groups {
			if len(g.alts[0]) == 1 && inside[g.alts[0][0].text] {
				own = append(own, g.alts[0][0])
				continue
			}
			kept = append(kept, g)
		}
		q.groups = kept
		g := qgroup{alts: []qalt{own}}
		for _, id := range ids {
			g.expand(qalt{{text: ix.termText(id), w: ix.p.Fuzzy, id: id}})
		}
		// A sound-alike that the table knows brings its official wording
		// too, as the word itself would (医宝 → 医保 → 参保缴费 医疗 保险;
		// 营业直照 → 营业执照 → 市场主体设立). The word before the run keeps
		// its own group: its words are left out of the wording, where they
		// would count twice (养老 of 养老保线 → 养老保险 → 养老 保险).
		for _, id := range ids {
			alts := ix.tableAlts(ix.termText(id))
			if w.left {
				alts = without(alts, r.left)
			}
			synAlts = append(synAlts, alts...)
		}
		g.expand(synAlts...)
		q.groups = append(q.groups, g)
		for i := w.i; i < w.j; i++ {
			used[i] = true
		}
		leftUsed = leftUsed || w.left
	}
}

// sounds appends to out up to maxFuzzy index terms that sound like text and
// differ from it in one character: a voice typo swaps a character for a
// homophone (宅急地 for 宅基地); two swapped characters are more likely two
// other words (零食 is no typo for 临时).
func (ix *Index) sounds(out []int32, text []byte) []int32 {
	var keyBuf [64]byte
	key, ok := appendPinyinKey(keyBuf[:0], text)
	if !ok {
		return out
	}
	n := 0
	for _, id := range ix.pinyin[string(key)] {
		if n == maxFuzzy {
			break
		}
		if oneApart(ix.termText(id), string(text)) {
			out = append(out, id)
			n++
		}
	}
	return out
}

// oneApart reports whether a and b have the same number of characters and
// differ in exactly one, and b's character there is no numeral: a number
// of the question is what the person meant (十八岁 is no typo for 人事 in
// 聋哑人十八岁), and a pinyin keyboard does not offer 十 for 事.
func oneApart(a, b string) bool {
	diff := 0
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			if numeral(rb) {
				return false
			}
			diff++
		}
		a, b = a[na:], b[nb:]
	}
	return a == "" && b == "" && diff == 1
}

// numeral reports whether r is a digit or a Chinese numeral. 零 is left
// out: it is rare in spoken numbers and a common slip for 龄 (高零津贴).
func numeral(r rune) bool {
	return '0' <= r && r <= '9' || strings.ContainsRune("一二三四五六七八九十百千万两几", r)
}

func (ix *Index) termID(t string) int32 {
	if id, ok := ix.terms[t]; ok {
		return id
	}
	return -1
}

func (ix *Index) termText(id int32) string { return ix.texts[id] }

// standAlone applies the table's entries that stand for themselves: an
// entry none of whose official terms any document has (信用卡 => 信用卡,
// 话费 => 话费) names a matter the documents do not cover. Its group is
// then that matter alone, a term no document has: the words inside the
// phrase and their parts (信用 in 信用卡) score nothing, and the matter
// counts toward Result.Max as an unknown word, so that the best document
// reaches a small share of it.
func (ix *Index) standAlone(q *query) {
	for gi := range q.groups {
		g := &q.groups[gi]
		if g.exp == 0 {
			continue
		}
		dead := true
		for _, alt := range g.alts[g.exp:] {
			for _, t := range alt {
				dead = dead && t.id < 0
			}
		}
		if !dead {
			continue
		}
		alt := slices.Clone(g.alts[g.exp])
		for i := range alt {
			alt[i].w = 1
		}
		g.alts = []qalt{alt}
		g.exp = 0
	}
}

// soundsInTable returns the expansions of the synonym table's colloquial
// phrase that sounds like text and differs from it in one character, with
// their index term ids, at the weight of a synonym times Params.Fuzzy; nil
// when there is none, or when no document has any of its terms.
func (ix *Index) soundsInTable(text []byte) []qalt {
	var keyBuf [64]byte
	key, ok := appendPinyinKey(keyBuf[:0], text)
	if !ok {
		return nil
	}
	for _, p := range ix.synPinyin[string(key)] {
		if !oneApart(p, string(text)) {
			continue
		}
		if alts := ix.tableAlts(p); alts != nil {
			return alts
		}
	}
	return nil
}

// tableAlts returns the expansions of the table's phrase p, with their index
// term ids, at the weight of a synonym times Params.Fuzzy; nil when p is no
// phrase of the table or no document has any of its terms.
// without returns alts without the terms that overlap word (one inside the
// other), and without the alternatives left empty.
func without(alts []qalt, word string) []qalt {
	out := alts[:0]
	for _, alt := range alts {
		kept := alt[:0]
		for _, t := range alt {
			if !strings.Contains(t.text, word) && !strings.Contains(word, t.text) {
				kept = append(kept, t)
			}
		}
		if len(kept) > 0 {
			out = append(out, kept)
		}
	}
	return out
}

func (ix *Index) tableAlts(p string) []qalt {
	e, ok := ix.a.syn.matchWord(p)
	if !ok {
		return nil
	}
	var alts []qalt
	known := false
	for _, alt := range ix.a.syn.entries[e].alts {
		w := ix.p.Fuzzy * ix.p.Synonym / math.Sqrt(float64(len(alt)))
		qa := make(qalt, len(alt))
		for i, t := range alt {
			qa[i] = qterm{text: t, w: w, id: ix.termID(t)}
			known = known || qa[i].id >= 0
		}
		alts = append(alts, qa)
	}
	if !known {
		return nil
	}
	return alts
}
