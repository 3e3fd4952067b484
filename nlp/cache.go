package nlp

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
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
const exampleFormat = 4

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

// The cached form of an exampleIndex is what its analysis found, the rest
// (idf, weights, lengths) being computed from it as when it is built (see
// weigh): the format, the numbers of examples, features and postings, each
// word (in order) and each bigram (in order of bigramKey, as the distance
// to the previous key) with its feature number, then each feature's
// postings — their count, and for each the distance to the previous example
// and the term frequency. Numbers are uvarints (encoding/binary). The
// examples' texts and documents are the caller's.

// marshal returns the cached form of x, whose postings have the term
// frequencies tfs.
func (x *exampleIndex) marshal(tfs []uint8) []byte {
	b := make([]byte, 0, 16+len(x.words)*8+len(x.bigramKs)*8+len(x.postings)*3)
	put := func(v int) { b = binary.AppendUvarint(b, uint64(v)) }
	put(exampleFormat)
	put(len(x.text))
	put(len(x.start) - 1)
	put(len(x.postings))
	put(len(x.words))
	for i, w := range x.words {
		put(len(w))
		b = append(b, w...)
		put(int(x.wordIDs[i]))
	}
	put(len(x.bigramKs))
	prev := uint64(0)
	for i, k := range x.bigramKs {
		b = binary.AppendUvarint(b, k-prev)
		prev = k
		put(int(x.bigramIDs[i]))
	}
	for id := range len(x.start) - 1 {
		ps := x.postings[x.start[id]:x.start[id+1]]
		put(len(ps))
		prev := int32(0)
		for i, p := range ps {
			put(int(p.ex - prev))
			prev = p.ex
			b = append(b, tfs[int(x.start[id])+i])
		}
	}
	return b
}

// decoder reads the cached form; its first error sticks.
type decoder struct {
	b   []byte
	err error
}

// uvarint reads a uvarint no greater than limit.
func (d *decoder) uvarint(limit uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	switch {
	case n <= 0:
		d.err = io.ErrUnexpectedEOF
		return 0
	case v > limit:
		d.err = fmt.Errorf("%d out of range (at most %d)", v, limit)
		return 0
	}
	d.b = d.b[n:]
	return v
}

// num reads a uvarint no greater than limit, as an int.
func (d *decoder) num(limit int) int { return int(d.uvarint(uint64(limit))) }

// bytes reads n bytes.
func (d *decoder) bytes(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.err = io.ErrUnexpectedEOF
		return nil
	}
	v := d.b[:n]
	d.b = d.b[n:]
	return v
}

// verifySample is how many examples of a cached index are analysed anew
// and checked against it.
const verifySample = 16

// readExampleIndex restores the example index of texts (of documents doc)
// from its cached form, and checks it: its tables must fit together and a
// sample of the examples, analysed anew, must have the features and the
// lengths it records.
func readExampleIndex(data []byte, a *Analyzer, texts []string, doc []int32, floor float64) (*exampleIndex, error) {
	d := &decoder{b: data}
	if f := d.num(math.MaxInt32); d.err != nil || f != exampleFormat {
		return nil, fmt.Errorf("not an example index of format %d", exampleFormat)
	}
	if n := d.num(math.MaxInt32); n != len(texts) {
		return nil, fmt.Errorf("%d examples, want %d", n, len(texts))
	}
	// Every feature and posting takes at least a byte: no count can exceed
	// the data's length.
	nf := d.num(len(data))
	np := d.num(len(data))
	nw := d.num(nf)
	x := &exampleIndex{
		words:   make([]string, 0, nw),
		wordIDs: make([]int32, 0, nw),
		doc:     doc,
		text:    texts,
		floor:   floor,
		a:       a,
		start:   make([]int32, nf+1),
	}
	seen := make([]bool, nf)
	feature := func() int32 {
		id := d.num(nf - 1)
		if d.err == nil && seen[id] {
			d.err = fmt.Errorf("feature %d twice", id)
		}
		if d.err == nil {
			seen[id] = true
		}
		return int32(id)
	}
	// The words as one string, each a slice of it.
	var all strings.Builder
	ends := make([]int, 0, nw)
	for i := 0; i < nw && d.err == nil; i++ {
		all.Write(d.bytes(d.num(len(d.b))))
		ends = append(ends, all.Len())
		x.wordIDs = append(x.wordIDs, feature())
	}
	words, from := all.String(), 0
	for _, end := range ends {
		w := words[from:end]
		if n := len(x.words); d.err == nil && n > 0 && w <= x.words[n-1] {
			d.err = fmt.Errorf("words out of order")
		}
		x.words = append(x.words, w)
		from = end
	}
	nb := d.num(nf)
	x.bigramKs = make([]uint64, 0, nb)
	x.bigramIDs = make([]int32, 0, nb)
	key := uint64(0)
	for i := 0; i < nb && d.err == nil; i++ {
		v := d.uvarint(math.MaxUint64)
		if d.err == nil && (i > 0 && v == 0 || key+v < key) {
			d.err = fmt.Errorf("bigrams out of order")
		}
		key += v
		x.bigramKs = append(x.bigramKs, key)
		x.bigramIDs = append(x.bigramIDs, feature())
	}
	if d.err == nil && len(x.words)+len(x.bigramKs) != nf {
		d.err = fmt.Errorf("%d features, want %d", len(x.words)+len(x.bigramKs), nf)
	}
	x.postings = make([]expost, 0, np)
	tfs := make([]uint8, 0, np)
	for id := 0; id < nf && d.err == nil; id++ {
		n := d.num(np - len(x.postings))
		ex := 0
		for i := 0; i < n && d.err == nil; i++ {
			ex += d.num(len(texts) - 1 - ex)
			if i > 0 && ex == int(x.postings[len(x.postings)-1].ex) {
				d.err = fmt.Errorf("feature %d: example %d twice", id, ex)
			}
			x.postings = append(x.postings, expost{ex: int32(ex)})
			tfs = append(tfs, d.bytes(1)...)
		}
		x.start[id+1] = int32(len(x.postings))
	}
	switch {
	case d.err != nil:
		return nil, fmt.Errorf("decode: %w", d.err)
	case len(d.b) != 0:
		return nil, fmt.Errorf("decode: %d bytes too many", len(d.b))
	case len(x.postings) != np || len(tfs) != np || slices.Contains(tfs, 0):
		return nil, fmt.Errorf("decode: bad term frequencies")
	}
	x.weigh(tfs)
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
	x.each(f, func(id int32) { counts[id]++; known++ })
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
