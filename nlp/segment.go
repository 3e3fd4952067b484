package nlp

import (
	"fmt"

	"github.com/go-ego/gse"
)

// segmenter cuts text into words with gse (github.com/go-ego/gse), loaded
// with the compact dictionary through LoadDictStr (see dictBuilder), without
// its HMM model: the two modes the analyser uses are Cut(text, false), the
// DAG cut, and CutSearch(text, false), which adds the known parts of two and
// three characters before each word.
//
// The model, as gse's: every dictionary word w has a frequency f(w), and
// the cut is the split of the text into dictionary words (or single
// characters) that maximises Σ log f(w) − log total, where total is the sum
// of the frequencies. gse counts a single character 2 whatever it is
// given, and scores one that only starts words at log 0 (see
// dictBuilder.finish). A gse.Segmenter is read-only once loaded and safe
// for concurrent cuts.
type segmenter struct {
	g gse.Segmenter
}

// load builds gse's dictionary from dict, lines of "word frequency".
func (s *segmenter) load(dict string) error {
	s.g.NotLoadHMM = true
	s.g.SkipLog = true
	if err := s.g.LoadDictStr(dict); err != nil {
		return fmt.Errorf("gse: %w", err)
	}
	return nil
}

// searchWords returns gse's CutSearch(text, false): the DAG cut without
// HMM, each word preceded by its known parts of two and three characters.
func (s *segmenter) searchWords(text string) []string { return s.g.CutSearch(text, false) }

// words returns gse's Cut(text, false), the DAG cut without HMM.
func (s *segmenter) words(text string) []string { return s.g.Cut(text, false) }

// freq returns the frequency of word w as gse keeps it (0 when w is no
// word).
func (s *segmenter) freq(w string) float64 {
	f, _, _ := s.g.Find(w)
	return f
}
