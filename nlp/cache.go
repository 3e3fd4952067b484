package nlp

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A Cache keeps the analysis of an index's examples between starts
// (Params.Cache): segmenting thousands of examples with gse and indexing
// them is most of the time an index takes to build, and the bank rarely
// changes. Entries are found by a key that covers everything the analysis
// depends on — the format, the analyser's dictionary and stop words, the
// similarity floor, every example and its document — and an entry read is
// checked against a sample of examples analysed anew, so that a change of
// the analysis code is caught too: a stale entry is rebuilt, never used.
type Cache interface {
	// Load returns the entry of key; an error wrapping fs.ErrNotExist when
	// there is none.
	Load(key string) ([]byte, error)
	// Store keeps data as the entry of key.
	Store(key string, data []byte) error
}

// DirCache is a Cache of files in a directory, created when first stored
// to. An entry is written to a temporary file and renamed, so that
// processes sharing the directory never read half of one. Entries not read
// for MaxAge are removed when another is stored.
type DirCache struct {
	Dir    string
	MaxAge time.Duration // 0: 30 days
}

const cacheSuffix = ".examples"

func (c DirCache) path(key string) string { return filepath.Join(c.Dir, key+cacheSuffix) }

// Load implements Cache; it marks the entry as used.
func (c DirCache) Load(key string) ([]byte, error) {
	data, err := os.ReadFile(c.path(key))
	if err == nil {
		now := time.Now()
		_ = os.Chtimes(c.path(key), now, now) // only a hint for pruning
	}
	return data, err
}

// Store implements Cache.
func (c DirCache) Store(key string, data []byte) error {
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(c.Dir, ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), c.path(key))
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	c.prune(key)
	return nil
}

// prune removes the entries other than keep not read for MaxAge.
func (c DirCache) prune(keep string) {
	age := c.MaxAge
	if age <= 0 {
		age = 30 * 24 * time.Hour
	}
	entries, _ := os.ReadDir(c.Dir)
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, cacheSuffix) || name == keep+cacheSuffix {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > age {
			os.Remove(filepath.Join(c.Dir, name))
		}
	}
}

// exampleFormat is the version of the cached form of an example index;
// changing what is stored changes it.
const exampleFormat = 1

// exampleKey is the cache key of the example index of texts (of documents
// doc) analysed by a with the similarity floor floor.
func exampleKey(a *Analyzer, texts []string, doc []int32, floor float64) string {
	h := sha256.New()
	fmt.Fprintf(h, "examples %d %x %v %d\x00", exampleFormat, a.fingerprint, math.Float64bits(floor), len(texts))
	var n [4]byte
	for i, t := range texts {
		binary.LittleEndian.PutUint32(n[:], uint32(doc[i]))
		h.Write(n[:])
		io.WriteString(h, t)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// The cached form of an exampleIndex is its tables, little-endian, each a
// uint32 length and its elements (see writeSlice): the format, the
// features' numbers and texts (words as one string with their ends,
// bigrams as rune pairs), idf, the postings' starts, examples and weights,
// the examples' lengths and maxDF. The examples' texts and documents are
// the caller's.

// writeSlice appends v to buf with its length.
func writeSlice[T int32 | float32 | float64 | byte](buf *bytes.Buffer, v []T) {
	binary.Write(buf, binary.LittleEndian, uint32(len(v)))
	binary.Write(buf, binary.LittleEndian, v)
}

// readSlice reads a slice written by writeSlice.
func readSlice[T int32 | float32 | float64 | byte](r *bytes.Reader) ([]T, error) {
	var n uint32
	if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
		return nil, err
	}
	var zero T
	if int64(n)*int64(binary.Size(zero)) > int64(r.Len()) {
		return nil, io.ErrUnexpectedEOF
	}
	v := make([]T, n)
	if err := binary.Read(r, binary.LittleEndian, v); err != nil {
		return nil, err
	}
	return v, nil
}

// marshal returns the cached form of x.
func (x *exampleIndex) marshal() []byte {
	var words []byte
	var wordEnds, wordIDs, bigramIDs, postEx []int32
	var bigrams []rune
	for w, id := range x.feats {
		words = append(words, w...)
		wordEnds = append(wordEnds, int32(len(words)))
		wordIDs = append(wordIDs, id)
	}
	for b, id := range x.bigrams {
		bigrams = append(bigrams, b[0], b[1])
		bigramIDs = append(bigramIDs, id)
	}
	postW := make([]float32, len(x.postings))
	for i, p := range x.postings {
		postEx = append(postEx, p.ex)
		postW[i] = p.w
	}
	var buf bytes.Buffer
	writeSlice(&buf, []int32{exampleFormat, int32(x.maxDF)})
	writeSlice(&buf, words)
	writeSlice(&buf, wordEnds)
	writeSlice(&buf, wordIDs)
	writeSlice(&buf, bigrams)
	writeSlice(&buf, bigramIDs)
	writeSlice(&buf, x.idf)
	writeSlice(&buf, x.start)
	writeSlice(&buf, postEx)
	writeSlice(&buf, postW)
	writeSlice(&buf, x.norm)
	return buf.Bytes()
}

// verifySample is how many examples of a cached index are analysed anew
// and checked against it.
const verifySample = 16

// readExampleIndex restores the example index of texts (of documents doc)
// from its cached form, and checks it: its tables must fit together and a
// sample of the examples, analysed anew, must have the features and the
// lengths it records.
func readExampleIndex(data []byte, a *Analyzer, texts []string, doc []int32, floor float64) (*exampleIndex, error) {
	r := bytes.NewReader(data)
	var err error
	var head, wordEnds, wordIDs, bigramIDs, start, postEx []int32
	var words []byte
	var bigrams []rune
	var idf, norm []float64
	var postW []float32
	read := func(f func() error) {
		if err == nil {
			err = f()
		}
	}
	i32 := func(v *[]int32) func() error {
		return func() (err error) { *v, err = readSlice[int32](r); return }
	}
	f64 := func(v *[]float64) func() error {
		return func() (err error) { *v, err = readSlice[float64](r); return }
	}
	read(i32(&head))
	if err == nil && (len(head) != 2 || head[0] != exampleFormat) {
		return nil, fmt.Errorf("not an example index of format %d", exampleFormat)
	}
	read(func() (err error) { words, err = readSlice[byte](r); return })
	read(i32(&wordEnds))
	read(i32(&wordIDs))
	read(func() (err error) { bigrams, err = readSlice[rune](r); return })
	read(i32(&bigramIDs))
	read(f64(&idf))
	read(i32(&start))
	read(i32(&postEx))
	read(func() (err error) { postW, err = readSlice[float32](r); return })
	read(f64(&norm))
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	nf := len(idf)
	switch {
	case len(norm) != len(texts):
		return nil, fmt.Errorf("%d examples, want %d", len(norm), len(texts))
	case len(wordEnds) != len(wordIDs) || len(bigrams) != 2*len(bigramIDs) || len(wordIDs)+len(bigramIDs) != nf:
		return nil, fmt.Errorf("features do not add up")
	case len(start) != nf+1 || start[0] != 0 || int(start[nf]) != len(postEx) || len(postW) != len(postEx):
		return nil, fmt.Errorf("postings do not add up")
	}
	for i := range nf {
		if start[i] > start[i+1] {
			return nil, fmt.Errorf("postings do not add up")
		}
	}
	x := &exampleIndex{
		feats:    make(map[string]int32, len(wordIDs)),
		bigrams:  make(map[[2]rune]int32, len(bigramIDs)),
		idf:      idf,
		start:    start,
		postings: make([]expost, len(postEx)),
		doc:      doc,
		text:     texts,
		norm:     norm,
		maxDF:    int(head[1]),
		floor:    floor,
		a:        a,
	}
	all := string(words)
	from := int32(0)
	for i, end := range wordEnds {
		if id := wordIDs[i]; id < 0 || int(id) >= nf || end < from || int(end) > len(all) {
			return nil, fmt.Errorf("word %d out of range", i)
		}
		x.feats[all[from:end]] = wordIDs[i]
		from = end
	}
	for i, id := range bigramIDs {
		if id < 0 || int(id) >= nf {
			return nil, fmt.Errorf("feature %d out of range", id)
		}
		x.bigrams[[2]rune{bigrams[2*i], bigrams[2*i+1]}] = id
	}
	for i, e := range postEx {
		if e < 0 || int(e) >= len(texts) {
			return nil, fmt.Errorf("example %d out of range", e)
		}
		x.postings[i] = expost{e, postW[i]}
	}
	step := max(1, len(texts)/verifySample)
	for e := 0; e < len(texts); e += step {
		if err := x.verify(e); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// verify checks the recorded length of example e against its features
// found anew: each must be known, and together as long.
func (x *exampleIndex) verify(e int) error {
	f := x.a.exampleFeatures(x.text[e])
	counts := map[int32]float64{}
	known := 0
	x.each(f, false, func(id int32) { counts[id]++; known++ })
	sum := 0.0
	for id, c := range counts {
		w := x.idf[id] * (1 + math.Log(c))
		sum += w * w
	}
	if got := math.Sqrt(sum); known != len(f.words)+len(f.bigrams) || math.Abs(got-x.norm[e]) > 1e-9*max(1, x.norm[e]) {
		return fmt.Errorf("example %d (%q) is analysed differently now", e+1, x.text[e])
	}
	return nil
}
