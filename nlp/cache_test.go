package nlp

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

var cacheQuestions = []string{"隔壁的狗咬了我家娃", "穷得揭不开锅了", "护照过期了", "农村公路坑槽谁修补", "狗", "今天天气"}

// sameRanking fails unless got ranks every question exactly as want.
func sameRanking(t *testing.T, got, want *Index) {
	t.Helper()
	for _, q := range cacheQuestions {
		g, w := got.Search(q, 0), want.Search(q, 0)
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: from the cache %+v, built %+v", q, g, w)
		}
	}
}

func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*"+cacheSuffix))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestExampleCache(t *testing.T) {
	a := mustAnalyzer(t, "")
	c := DirCache{Dir: filepath.Join(t.TempDir(), "cache")} // made when first stored to
	built := NewIndex(a, bankFields, bankDocs, Params{})
	if s := built.ExampleStatus(); s != "built" {
		t.Errorf("without a cache: %q", s)
	}
	first := NewIndex(a, bankFields, bankDocs, Params{Cache: c})
	if s := first.ExampleStatus(); s != "built and stored in the cache" {
		t.Fatalf("first: %q", s)
	}
	if n := len(cacheEntries(t, c.Dir)); n != 1 {
		t.Fatalf("%d entries, want 1", n)
	}
	second := NewIndex(a, bankFields, bankDocs, Params{Cache: c})
	if s := second.ExampleStatus(); s != "read from the cache" {
		t.Fatalf("second: %q", s)
	}
	sameRanking(t, second, built)
	sameRanking(t, first, built)

	// Other examples are another entry.
	docs := slices.Clone(bankDocs)
	docs[2].Examples = []string{"门口的路坑坑洼洼"}
	if s := NewIndex(a, bankFields, docs, Params{Cache: c}).ExampleStatus(); s != "built and stored in the cache" {
		t.Errorf("other examples: %q", s)
	}
	// So is another analyser (its dictionary knows 揭不开锅).
	b := mustAnalyzer(t, "", "揭不开锅")
	if s := NewIndex(b, bankFields, bankDocs, Params{Cache: c}).ExampleStatus(); s != "built and stored in the cache" {
		t.Errorf("other analyser: %q", s)
	}
	if n := len(cacheEntries(t, c.Dir)); n != 3 {
		t.Errorf("%d entries, want 3", n)
	}
}

// An entry that does not fit is rebuilt and replaced, never used: garbage,
// or one made by an analysis that differs from today's (as after a change
// of the code, which the key does not cover).
func TestExampleCacheUnusable(t *testing.T) {
	a := mustAnalyzer(t, "")
	texts, doc := exampleTexts(bankDocs)
	key := exampleKey(a, texts, doc, DefaultParams().ExampleFloor)
	other, tfs := buildExampleIndex(mustAnalyzer(t, "", "揭不开锅"), texts, doc, DefaultParams().ExampleFloor)
	built := NewIndex(a, bankFields, bankDocs, Params{})
	ours, ourTFs := buildExampleIndex(a, texts, doc, DefaultParams().ExampleFloor)
	good := ours.marshal(ourTFs)
	for _, c := range []struct {
		name, why string
		data      []byte
	}{
		{"garbage", "not an example index", []byte("not a cached index")},
		{"empty", "not an example index", nil},
		{"truncated", "decode", good[:len(good)/2]},
		{"too long", "bytes too many", append(slices.Clone(good), 1)},
		{"analysed otherwise", "is analysed differently now", other.marshal(tfs)},
	} {
		t.Run(c.name, func(t *testing.T) {
			cache := DirCache{Dir: t.TempDir()}
			if err := cache.Store(key, c.data); err != nil {
				t.Fatal(err)
			}
			ix := NewIndex(a, bankFields, bankDocs, Params{Cache: cache})
			if s := ix.ExampleStatus(); !strings.HasPrefix(s, "built (cache entry unusable: ") || !strings.Contains(s, c.why) {
				t.Errorf("status %q, want an unusable entry (%s)", s, c.why)
			}
			sameRanking(t, ix, built)
			if s := NewIndex(a, bankFields, bankDocs, Params{Cache: cache}).ExampleStatus(); s != "read from the cache" {
				t.Errorf("the entry was not replaced: %q", s)
			}
		})
	}
}

// A cache that cannot be written to costs the time it would save, nothing
// else.
func TestExampleCacheUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	a := mustAnalyzer(t, "")
	ix := NewIndex(a, bankFields, bankDocs, Params{Cache: DirCache{Dir: file}})
	if s := ix.ExampleStatus(); !strings.HasPrefix(s, "built (cache: ") || !strings.Contains(s, file) {
		t.Errorf("status %q, want the cache's error", s)
	}
	sameRanking(t, ix, NewIndex(a, bankFields, bankDocs, Params{}))
}

// Storing an entry removes those not read for MaxAge, and only those.
func TestDirCachePrune(t *testing.T) {
	c := DirCache{Dir: t.TempDir(), MaxAge: time.Hour}
	for _, k := range []string{"old", "recent", "read"} {
		if err := c.Store(k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-2 * time.Hour)
	for _, k := range []string{"old", "read"} {
		if err := os.Chtimes(c.path(k), long, long); err != nil {
			t.Fatal(err)
		}
	}
	if data, err := c.Load("read"); err != nil || string(data) != "read" {
		t.Fatalf("Load: %q, %v", data, err)
	}
	if err := c.Store("new", []byte("new")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range cacheEntries(t, c.Dir) {
		got = append(got, strings.TrimSuffix(filepath.Base(p), cacheSuffix))
	}
	if want := []string{"new", "read", "recent"}; !slices.Equal(got, want) {
		t.Errorf("entries %v, want %v", got, want)
	}
	if _, err := c.Load("old"); !os.IsNotExist(err) {
		t.Errorf("Load of a removed entry: %v, want not exist", err)
	}
}

// An index read from its cached form is the index built: every table.
func TestExampleCacheRoundTrip(t *testing.T) {
	docs, a := mustFixture(t)
	docs = slices.Clone(docs)
	for i := range docs {
		docs[i].Examples = append(slices.Clone(bankDocs[i%len(bankDocs)].Examples), docs[i].Fields["name"])
	}
	texts, doc := exampleTexts(docs)
	built, tfs := buildExampleIndex(a, texts, doc, 0.05)
	got, err := readExampleIndex(built.marshal(tfs), a, texts, doc, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"words", got.words, built.words},
		{"wordIDs", got.wordIDs, built.wordIDs},
		{"bigrams", got.bigramKs, built.bigramKs},
		{"bigramIDs", got.bigramIDs, built.bigramIDs},
		{"idf", got.idf, built.idf},
		{"start", got.start, built.start},
		{"postings", got.postings, built.postings},
		{"norm", got.norm, built.norm},
		{"maxDF", got.maxDF, built.maxDF},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s differs", c.name)
		}
	}
}

// No cached form, however damaged, makes reading panic; one that is read
// searches without panicking.
func FuzzReadExampleIndex(f *testing.F) {
	a := mustAnalyzer(f, "")
	texts, doc := exampleTexts(bankDocs)
	x, tfs := buildExampleIndex(a, texts, doc, 0.05)
	good := x.marshal(tfs)
	f.Add(good)
	f.Add(good[:len(good)/3])
	f.Add([]byte{exampleFormat, 9, 200})
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := readExampleIndex(data, a, texts, doc, 0.05)
		if err != nil {
			return
		}
		s := x.getScratch(len(bankDocs))
		x.search(QueryKey("邻居家的狗把我娃咬了"), s)
		x.putScratch(s)
	})
}
