#!/usr/bin/env python3
"""Writes the fuzzers' seed inputs, made from real samples.

    fuzz/make_corpus.py OUT_DIR [--shared SHARED_DATA_DIR]

Writes OUT_DIR/<target>/ for each fuzz target, from docs/examples/ and
tests/data/ (fuzz/corpus/ in the repository is this script's output). With
--shared it reads ../shared/data instead: the first lines of its CSV files,
used at run time only, since that data may not be copied into the
repository.

The request_fuzzer seeds are one byte naming the RPC (its index in
fuzz/request_fuzzer.cc's table) and the request's protobuf bytes; their
records are the fixture graph's (tests/data/fixture/*.jsonl). Needs protoc
and Python's protobuf (both installed by scripts/setup.sh).
"""

import argparse
import csv
import hashlib
import importlib
import io
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
TEST_DATA = ROOT / "tests" / "data"
FIXTURE = TEST_DATA / "fixture"

# request_fuzzer.cc's RPC table, in order.
RPCS = [
    "GetVertex", "BatchGetVertices", "ListVertices", "SearchVertices",
    "UpsertVertices", "DeleteVertices", "UpsertEdges", "DeleteEdges",
    "ListEdges", "Stats", "Impact", "CriticalSuppliers", "ShortestPath",
    "Substitutes", "Gaps",
]


def write(directory, name, data):
    directory.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    (directory / name).write_bytes(data)


def sample_files():
    """The loader input files of docs/examples and tests/data."""
    files = sorted(EXAMPLES.glob("*.csv"))
    for pattern in ("*/*.csv", "*/*.jsonl"):
        files += sorted(TEST_DATA.glob(pattern))
    return files


def seed_name(path):
    return "%s-%s" % (path.parent.name, path.name)


def record_file_seeds(out):
    for path in sample_files():
        write(out / "record_file_fuzzer", seed_name(path), path.read_bytes())


def text_encoding_seeds(out):
    target = out / "text_encoding_fuzzer"
    write(target, "excel-firms_gbk.csv", (TEST_DATA / "excel" / "firms_gbk.csv").read_bytes())
    firms = (EXAMPLES / "firms.csv").read_bytes()
    write(target, "examples-firms.csv", firms)  # UTF-8 with a BOM
    text = firms.decode("utf-8-sig")
    write(target, "examples-firms-nobom.csv", text)
    write(target, "examples-firms-utf16le.csv", b"\xff\xfe" + text.encode("utf-16-le"))
    write(target, "examples-firms-utf16be.csv", b"\xfe\xff" + text.encode("utf-16-be"))
    write(target, "examples-firms-gb18030.csv", text.encode("gb18030"))
    for line in (FIXTURE / "firms.jsonl").read_text("utf-8").splitlines()[:3]:
        name = json.loads(line)["name"]
        write(target, "name-" + short_hash(name), name)


def short_hash(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def codes_seeds(out):
    """Every distinct cell of the example CSV files, one per seed."""
    cells = set()
    for path in sorted(EXAMPLES.glob("*.csv")) + sorted(TEST_DATA.glob("*/*.csv")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gb18030")
        for row in list(csv.reader(io.StringIO(text)))[1:]:
            cells.update(cell for cell in row if cell)
    for cell in sorted(cells):
        write(out / "codes_fuzzer", "cell-" + short_hash(cell), cell)


def load_protos(work):
    """Compiles proto/ for Python into work and imports the services."""
    subprocess.run(
        ["protoc", "-I", str(ROOT / "proto"), "--python_out", str(work)]
        + [str(p.relative_to(ROOT / "proto"))
           for p in sorted((ROOT / "proto" / "chainkg" / "v1").glob("*.proto"))],
        check=True, cwd=ROOT / "proto")
    sys.path.insert(0, str(work))
    model = importlib.import_module("chainkg.v1.model_pb2")
    graph = importlib.import_module("chainkg.v1.graph_service_pb2")
    analysis = importlib.import_module("chainkg.v1.analysis_service_pb2")
    return model, graph, analysis


def request_seeds(out):
    from google.protobuf import json_format

    with tempfile.TemporaryDirectory() as work:
        model, graph, analysis = load_protos(work)
        target = out / "request_fuzzer"

        def seed(rpc, name, message):
            write(target, "%s-%s" % (rpc, name.replace(":", "_")),
                  bytes([RPCS.index(rpc)]) + message.SerializeToString())

        def records(kind):
            path = FIXTURE / (kind + ".jsonl")
            return [json.loads(line) for line in path.read_text("utf-8").splitlines()
                    if line.strip()]

        vertex_fields = {"firms": "firm", "products": "product", "chains": "chain",
                         "consortia": "consortium", "platforms": "platform",
                         "industries": "industry", "projects": "project"}
        refs = []
        for kind, field in vertex_fields.items():
            request = graph.UpsertVerticesRequest()
            for record in records(kind):
                vertex = request.vertices.add()
                json_format.ParseDict(record, getattr(vertex, field))
                ref = model.VertexRef(kind=model.VertexKind.Value(
                    "VERTEX_KIND_" + field.upper()), key=record["key"])
                refs.append(ref)
            seed("UpsertVertices", kind, request)
            seed("DeleteVertices", kind, graph.DeleteVerticesRequest(refs=refs[-1:]))
        edges = graph.UpsertEdgesRequest()
        for record in records("edges"):
            json_format.ParseDict(record, edges.edges.add())
        seed("UpsertEdges", "fixture", edges)
        seed("DeleteEdges", "fixture", graph.DeleteEdgesRequest(edges=edges.edges[:3]))
        for ref in refs[::4]:
            seed("GetVertex", ref.key, graph.GetVertexRequest(ref=ref))
            seed("ListEdges", ref.key, graph.ListEdgesRequest(ref=ref, page_size=5))
        seed("BatchGetVertices", "fixture", graph.BatchGetVerticesRequest(refs=refs[:6]))
        seed("ListVertices", "firms", graph.ListVerticesRequest(
            kind=model.VERTEX_KIND_FIRM, page_size=3))
        seed("SearchVertices", "dongguan", graph.SearchVerticesRequest(
            kind=model.VERTEX_KIND_FIRM, text="东莞", region_prefix="4419",
            credential_kind=model.CREDENTIAL_KIND_LITTLE_GIANT, as_of="2024-01-01"))
        firms = [r["key"] for r in records("firms")]
        chains = [r["key"] for r in records("chains")]
        products = [r["key"] for r in records("products")]
        seed("Stats", "dongguan", analysis.StatsRequest(region_prefix="4419"))
        seed("Impact", "jp", analysis.ImpactRequest(remove_country="JP"))
        seed("Impact", "firm", analysis.ImpactRequest(
            remove_firm_keys=firms[:2], mode=analysis.SUPPLY_MODE_CAPABILITY))
        for firm in firms[:3]:
            seed("CriticalSuppliers", firm, analysis.CriticalSuppliersRequest(firm_key=firm))
            seed("Substitutes", firm, analysis.SubstitutesRequest(
                firm_key=firm, product_key=products[0]))
        path = analysis.ShortestPathRequest(undirected=True)
        getattr(path, "from").CopyFrom(
            model.VertexRef(kind=model.VERTEX_KIND_FIRM, key=firms[0]))
        path.to.CopyFrom(model.VertexRef(kind=model.VERTEX_KIND_FIRM, key=firms[-1]))
        seed("ShortestPath", "firms", path)
        for chain in chains:
            seed("Gaps", chain, analysis.GapsRequest(chain_key=chain, region_prefix="4419"))


def shared_seeds(shared, out):
    """The first lines of each CSV file under shared (run time only)."""
    for path in sorted(pathlib.Path(shared).rglob("*.csv"))[:200]:
        with path.open("rb") as f:
            head = b"".join(f.readline() for _ in range(20))
        name = "shared-" + short_hash(str(path)) + ".csv"
        write(out / "record_file_fuzzer", name, head)
        write(out / "text_encoding_fuzzer", name, head)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--shared", help="../shared/data: run-time seeds only")
    args = parser.parse_args()
    if args.shared:
        shared_seeds(args.shared, args.out)
        return
    record_file_seeds(args.out)
    text_encoding_seeds(args.out)
    codes_seeds(args.out)
    request_seeds(args.out)


if __name__ == "__main__":
    main()
