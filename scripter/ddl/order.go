package ddl

import (
	"container/heap"
	"sort"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// Node ranks: among objects that are ready at the same time, tables come
// first, then synonyms, functions, views and procedures; ties break by
// (schema, name) in binary order. The rank only matters between unrelated
// objects, so the output reads like SSMS's while still following every
// dependency.
const (
	rankTable = iota
	rankSynonym
	rankFunction
	rankView
	rankProcedure
)

// node is one object in the pre-data dependency graph.
type node struct {
	key  model.QName
	rank int
	obj  any // *model.Table, *model.Synonym or *model.Module

	pending    [strengths]int // unfinished objects this one waits on, by edge strength
	dependents []edge
	done       bool
	index      int // position in the ready heap
}

// strength says how sure an edge is, and so which edges give way first
// when the graph has a cycle.
type strength int

const (
	// weak: a one-part name in module text, which may as well be a column
	// or an alias spelled like an object.
	weak strength = iota
	// soft: an FK parent (FKs are created in post-data, so the order is
	// only for reading) or a schema-qualified name in module text.
	soft
	// hard: a catalog expression dependency, a synonym's target, a
	// function a column calls.
	hard
	strengths
)

type edge struct {
	to       *node
	strength strength
}

// ready reports whether n waits on nothing.
func (n *node) ready() bool { return n.pending == [strengths]int{} }

// releaseBelow stops n waiting on edges weaker than limit.
func (n *node) releaseBelow(limit strength) {
	for s := weak; s < limit; s++ {
		n.pending[s] = 0
	}
}

func lessNode(a, b *node) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	if a.key.Schema != b.key.Schema {
		return a.key.Schema < b.key.Schema
	}
	return a.key.Name < b.key.Name
}

type readyHeap []*node

func (h readyHeap) Len() int           { return len(h) }
func (h readyHeap) Less(i, j int) bool { return lessNode(h[i], h[j]) }
func (h readyHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *readyHeap) Push(x any)        { n := x.(*node); n.index = len(*h); *h = append(*h, n) }
func (h *readyHeap) Pop() any {
	old := *h
	n := old[len(old)-1]
	*h = old[:len(old)-1]
	return n
}

// graph orders tables, synonyms and modules.
type graph struct {
	nodes map[model.QName]*node
}

func newGraph() *graph { return &graph{nodes: map[model.QName]*node{}} }

func (g *graph) add(key model.QName, rank int, obj any) {
	if _, dup := g.nodes[key]; dup {
		return // a model with two objects of one name: keep the first
	}
	g.nodes[key] = &node{key: key, rank: rank, obj: obj}
}

// edgeKey says that from needs to (from depends on to).
type edgeKey struct{ from, to model.QName }

// dependencies collects edges; one found twice keeps its strongest kind.
type dependencies map[edgeKey]strength

func (d dependencies) add(from, to model.QName, s strength) {
	if old, ok := d[edgeKey{from, to}]; !ok || s > old {
		d[edgeKey{from, to}] = s
	}
}

// edges links the nodes. Edges to objects not in the graph (filtered out,
// cross-database, system objects) and self-references are ignored.
func (g *graph) edges(deps dependencies) {
	for k, s := range deps {
		from, to := g.nodes[k.from], g.nodes[k.to]
		if from == nil || to == nil || from == to {
			continue
		}
		to.dependents = append(to.dependents, edge{to: from, strength: s})
		from.pending[s]++
	}
}

// sorted returns the nodes in a deterministic topological order. When every
// remaining node waits on something, the wait is a cycle: see breakCycle.
func (g *graph) sorted() []*node {
	all := make([]*node, 0, len(g.nodes))
	for _, n := range g.nodes {
		all = append(all, n)
	}
	sort.Slice(all, func(i, j int) bool { return lessNode(all[i], all[j]) })

	h := &readyHeap{}
	for _, n := range all {
		if n.ready() {
			heap.Push(h, n)
		}
	}
	out := make([]*node, 0, len(all))
	remaining := len(all)
	pendingTables := 0
	for _, n := range all {
		if n.rank == rankTable {
			pendingTables++
		}
	}
	for remaining > 0 {
		// Tables held back only by an FK cycle are released before any
		// module is written, so tables stay together at the top.
		if pendingTables > 0 && (h.Len() == 0 || (*h)[0].rank > rankTable) {
			if n := releaseSoftTable(all); n != nil {
				heap.Push(h, n)
			}
		}
		if h.Len() == 0 {
			heap.Push(h, breakCycle(all))
		}
		n := heap.Pop(h).(*node)
		if n.done {
			continue
		}
		n.done = true
		remaining--
		if n.rank == rankTable {
			pendingTables--
		}
		out = append(out, n)
		for _, e := range n.dependents {
			d := e.to
			if d.done {
				continue
			}
			d.pending[e.strength]--
			if d.ready() {
				heap.Push(h, d)
			}
		}
	}
	return out
}

// releaseSoftTable returns the smallest table that waits only on FK
// parents, with those waits cleared, or nil.
func releaseSoftTable(all []*node) *node {
	for _, n := range all {
		if !n.done && n.rank == rankTable && n.pending[hard] == 0 && !n.ready() {
			n.releaseBelow(hard)
			return n
		}
	}
	return nil
}

// breakCycle releases one node when every remaining node waits on another.
// It looks only at the cycles nothing else holds back (the strongly
// connected components of the waiting nodes that wait on no node outside
// themselves), because releasing a node that merely waits on a cycle would
// put it before what it reads. In the component holding the smallest such
// node it releases the smallest node that waits only on weak edges, failing
// that only on weak and soft ones, failing that the smallest node (a true
// expression-dependency cycle, which SQL Server itself resolved by deferred
// name resolution).
func breakCycle(all []*node) *node {
	var waiting []*node
	for _, n := range all {
		if !n.done {
			waiting = append(waiting, n)
		}
	}
	if len(waiting) == 0 {
		panic("ddl: breakCycle called with no remaining node")
	}
	comp := components(waiting)
	held := make([]bool, len(waiting)) // component waits on a node outside it
	for _, n := range waiting {
		for _, e := range n.dependents {
			if !e.to.done && comp[e.to] != comp[n] {
				held[comp[e.to]] = true
			}
		}
	}
	// waiting is in lessNode order, so the first node of a free component
	// is its smallest and that component holds the smallest free node.
	free := -1
	for _, n := range waiting {
		if !held[comp[n]] {
			free = comp[n]
			break
		}
	}
	for limit := soft; limit <= strengths; limit++ {
		for _, n := range waiting {
			if comp[n] != free {
				continue
			}
			waitsOnlyBelow := true
			for s := limit; s < strengths; s++ {
				waitsOnlyBelow = waitsOnlyBelow && n.pending[s] == 0
			}
			if waitsOnlyBelow {
				n.releaseBelow(limit)
				return n
			}
		}
	}
	panic("ddl: a graph of waiting nodes without a free component")
}

// components numbers the strongly connected components of nodes along the
// edges from a node to the nodes that wait on it (Tarjan's algorithm,
// iterative so that a long chain cannot exhaust the stack). Edges to done
// nodes are ignored.
func components(nodes []*node) map[*node]int {
	const unvisited = -1
	index := make(map[*node]int, len(nodes))
	low := make(map[*node]int, len(nodes))
	onStack := make(map[*node]bool, len(nodes))
	comp := make(map[*node]int, len(nodes))
	for _, n := range nodes {
		index[n] = unvisited
	}
	var stack []*node
	next, ncomp := 0, 0
	type frame struct {
		n    *node
		edge int
	}
	for _, root := range nodes {
		if index[root] != unvisited {
			continue
		}
		calls := []frame{{n: root}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(calls) > 0 {
			f := &calls[len(calls)-1]
			if f.edge < len(f.n.dependents) {
				w := f.n.dependents[f.edge].to
				f.edge++
				if w.done {
					continue
				}
				if index[w] == unvisited {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					calls = append(calls, frame{n: w})
				} else if onStack[w] && index[w] < low[f.n] {
					low[f.n] = index[w]
				}
				continue
			}
			n := f.n
			calls = calls[:len(calls)-1]
			if len(calls) > 0 {
				if p := calls[len(calls)-1].n; low[n] < low[p] {
					low[p] = low[n]
				}
			}
			if low[n] == index[n] {
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp[w] = ncomp
					if w == n {
						break
					}
				}
				ncomp++
			}
		}
	}
	return comp
}
