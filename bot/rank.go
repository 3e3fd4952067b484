package bot

// Ranker ranks one township's items for a question. The nlp package provides
// the real one (an index over the items' fields); bot only decides what to do
// with the ranking. Implementations must be safe for concurrent use.
type Ranker interface {
	Rank(question string, limit int) Ranking
}

// Ranking is the ranked answer of a Ranker.
type Ranking struct {
	// Terms are the analysed terms of the question, after normalising,
	// segmenting, dropping stop words and adding synonyms.
	Terms []string
	// Max is the highest score this question could reach: what an item would
	// get if every term matched in the most heavily weighted field. Decision
	// thresholds are fractions of it, so they do not depend on query length.
	Max float64
	// Hits are the matching items, best first.
	Hits []Hit
	// OutOfScope is the everyday matter that no township list covers which
	// fits the question best (by the out-of-scope bank's examples), if any
	// fits at all.
	OutOfScope *OutOfScope
}

// OutOfScope is a matter no township list covers, as a Ranker found it.
type OutOfScope struct {
	Matter string
	Body   string // who usually handles it
	// Score is on the items' scale; Matches are the examples that matched.
	Score   float64
	Matches []Match
}

// Hit is one ranked item.
type Hit struct {
	Ref     string
	Score   float64
	Matches []Match
}

// Match explains part of a score: a query term found in a field, and how much
// it added.
type Match struct {
	Term  string  `json:"term"`
	Field string  `json:"field"`
	Score float64 `json:"score"`
}
