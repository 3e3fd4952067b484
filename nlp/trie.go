package nlp

import "unicode/utf8"

// trie is a trie of runes in flat arrays, with a value at the nodes that
// end a key: the garbage collector need not scan it, and a walk along a
// text looks its characters up without hashing. The dictionary of the
// segmenter, the synonym table's phrases and the filler phrases are tries.
// Node 0 is the root; a node's zero value means it ends no key.
type trie[V int32 | float64] struct {
	nodes []trieNode[V]
	edges []trieEdge // each node's children, contiguous and sorted by rune
	han   []int32    // the root's child for each common Han character (hanFirst…); 0 for none
}

type trieNode[V int32 | float64] struct {
	val   V     // what the key ending here maps to; 0 when it only starts keys
	first int32 // children: edges[first : first+n]
	n     int32
}

type trieEdge struct {
	r    rune
	node int32
}

const hanFirst, hanLast = 0x4E00, 0x9FFF

// child returns the child of node under r, or 0.
func (t *trie[V]) child(node int32, r rune) int32 {
	if node == 0 && hanFirst <= r && r <= hanLast {
		if t.han == nil {
			return 0
		}
		return t.han[r-hanFirst]
	}
	if int(node) >= len(t.nodes) {
		return 0 // an empty trie
	}
	nd := &t.nodes[node]
	es := t.edges[nd.first : nd.first+nd.n]
	if len(es) > 8 {
		lo, hi := 0, len(es)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if es[m].r < r {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(es) && es[lo].r == r {
			return es[lo].node
		}
		return 0
	}
	for _, e := range es {
		if e.r == r {
			return e.node
		}
		if e.r > r {
			break
		}
	}
	return 0
}

// lookup returns the node of key, or 0.
func (t *trie[V]) lookup(key string) int32 {
	node := int32(0)
	for _, r := range key {
		if node = t.child(node, r); node == 0 {
			return 0
		}
	}
	return node
}

// value returns what key maps to, or 0.
func (t *trie[V]) value(key string) V {
	if node := t.lookup(key); node != 0 {
		return t.nodes[node].val
	}
	return 0
}

// longest returns the end (a byte offset in text) and value of the
// longest key that text[i:] starts with, of at least min and at most max
// runes; end is -1 when there is none.
func (t *trie[V]) longest(text string, i, min, max int) (end int, v V) {
	end = -1
	node := int32(0)
	for n := 1; n <= max && i < len(text); n++ {
		r, size := utf8.DecodeRuneInString(text[i:])
		if node = t.child(node, r); node == 0 {
			break
		}
		i += size
		if n >= min && t.nodes[node].val != 0 {
			end, v = i, t.nodes[node].val
		}
	}
	return end, v
}

// build makes the trie of keys, sorted and distinct, with their values,
// which must not be 0.
func (t *trie[V]) build(keys []string, vals []V) {
	t.nodes = make([]trieNode[V], 1, 2*len(keys)+1)
	t.edges = make([]trieEdge, 0, 2*len(keys))
	t.han = make([]int32, hanLast-hanFirst+1)
	t.fill(0, keys, vals, 0)
	for _, e := range t.edges[t.nodes[0].first : t.nodes[0].first+t.nodes[0].n] {
		if hanFirst <= e.r && e.r <= hanLast {
			t.han[e.r-hanFirst] = e.node
		}
	}
}

// fill builds the subtree of node from keys, which share their first off
// bytes.
func (t *trie[V]) fill(node int32, keys []string, vals []V, off int) {
	if len(keys) > 0 && len(keys[0]) == off {
		t.nodes[node].val = vals[0]
		keys, vals = keys[1:], vals[1:]
	}
	// next returns the end of the group of keys[i:] with the same rune at
	// off, and the rune's size.
	next := func(i int) (int, int) {
		_, size := utf8.DecodeRuneInString(keys[i][off:])
		j := i + 1
		for j < len(keys) && keys[j][off:off+size] == keys[i][off:off+size] {
			j++
		}
		return j, size
	}
	// The children's edges together, then each child's subtree.
	first := int32(len(t.edges))
	for i := 0; i < len(keys); {
		r, _ := utf8.DecodeRuneInString(keys[i][off:])
		t.nodes = append(t.nodes, trieNode[V]{})
		t.edges = append(t.edges, trieEdge{r: r, node: int32(len(t.nodes) - 1)})
		i, _ = next(i)
	}
	t.nodes[node].first, t.nodes[node].n = first, int32(len(t.edges))-first
	for k, i := first, 0; i < len(keys); k++ {
		j, size := next(i)
		t.fill(t.edges[k].node, keys[i:j], vals[i:j], off+size)
		i = j
	}
}
