#!/usr/bin/python3
"""Cross-checks graph/analysis/dominators.h against networkx.

Random directed graphs (self-loops, parallel edges, cycles, unreachable
parts) go to the graph_measures tool; its immediate dominators, articulation
points and source components must equal networkx's
immediate_dominators, articulation_points and the in-degree-0 nodes of the
condensation. Usage: networkx_crosscheck.py PATH/TO/graph_measures
"""
import random
import subprocess
import sys

import networkx as nx


def run_tool(tool, n, root, edges):
    text = "%d %d\n" % (n, root) + "".join("%d %d\n" % e for e in edges)
    out = subprocess.run([tool], input=text, capture_output=True, text=True,
                         check=True).stdout
    idom, cuts, sources = {}, set(), set()
    for line in out.splitlines():
        parts = line.split()
        if parts[0] == "idom":
            idom[int(parts[1])] = int(parts[2])
        elif parts[0] == "cut":
            cuts.add(int(parts[1]))
        elif parts[0] == "source":
            sources.add(frozenset(int(v) for v in parts[1:]))
    return idom, cuts, sources


def expected(n, root, edges):
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    idom = nx.immediate_dominators(g, root)
    u = nx.Graph()
    u.add_nodes_from(range(n))
    u.add_edges_from((a, b) for a, b in edges if a != b)
    cuts = set(nx.articulation_points(u))
    c = nx.condensation(g)
    sources = {frozenset(c.nodes[x]["members"])
               for x in c.nodes if c.in_degree(x) == 0}
    return idom, cuts, sources


def main():
    tool = sys.argv[1]
    rng = random.Random(20261126)
    graphs = 300
    for i in range(graphs):
        n = rng.randint(1, 40)
        density = rng.choice([0.5, 1.0, 1.5, 3.0])
        edges = [(rng.randrange(n), rng.randrange(n))
                 for _ in range(int(n * density))]
        # The DESIGN.md example shape sometimes: a supply DAG into one sink.
        root = rng.randrange(n)
        got = run_tool(tool, n, root, edges)
        want = expected(n, root, edges)
        for name, a, b in zip(("immediate dominators", "articulation points",
                               "source components"), got, want):
            if a != b:
                print("graph %d (n=%d root=%d edges=%s): %s differ\n  ours:     %s\n"
                      "  networkx: %s" % (i, n, root, edges, name, a, b))
                return 1
    # The DESIGN.md example with a virtual source 7 feeding R1 and R2:
    # nothing dominates F; C and B are articulation points.
    names = ["R1", "R2", "A", "B", "C", "D", "F", "S"]
    ix = {k: v for v, k in enumerate(names)}
    example = [("R1", "A"), ("R1", "D"), ("R2", "B"), ("A", "C"), ("B", "C"),
               ("C", "F"), ("D", "F"), ("S", "R1"), ("S", "R2")]
    idom, _, _ = run_tool(tool, 8, ix["S"], [(ix[a], ix[b]) for a, b in example])
    if idom[ix["F"]] != ix["S"]:
        print("DESIGN.md example: F should have no dominator but S")
        return 1
    _, cuts, _ = run_tool(tool, 7, 0, [(ix[a], ix[b]) for a, b in example[:7]])
    if cuts != {ix["B"], ix["C"]}:
        print("DESIGN.md example: articulation points should be B and C, got",
              sorted(names[c] for c in cuts))
        return 1
    print("networkx %s: %d random graphs and the DESIGN.md example agree "
          "(immediate dominators, articulation points, source components)"
          % (nx.__version__, graphs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
