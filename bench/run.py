"""Benchmark the annotator against bare spaCy on this machine, in one run; write the results.

    python bench/run.py --quick     # a smaller corpus; under five minutes on two cores
    python bench/run.py             # the full run whose figures are in bench/RESULTS.md

Same texts, same model, same batch size throughout. The corpus is recombined from the real
paragraphs of corpus/*.txt with a fixed seed, so the ten-times corpus holds the one-times corpus
plus new documents, none repeated. Every command is timed as its own process, start-up
included; peak memory is that process's maximum resident set size. Everything written goes
under bench/out/ (ignored by git) except the results file.
"""

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import platform
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from annotator import BATCH_SIZE

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
BIN = Path(sys.executable).parent
SEED = 6
MILLION = 1_000_000
# documents in the 1x corpus, requests per page, repeats of the speed runs (best one counts)
MODES = {
    "quick": {"docs": 120, "requests": 40, "repeat": 2},
    "full": {"docs": 600, "requests": 200, "repeat": 2},
}
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


# --- the corpus --------------------------------------------------------------------------------


def paragraph_pool(folder: Path = CORPUS) -> tuple[list[str], list[str]]:
    """The real paragraphs (lines of eight words or more) and section headings of the corpus."""
    paragraphs, headings = [], []
    for file in sorted(folder.glob("*.txt")):
        for line in file.read_text(encoding="utf-8").splitlines():
            s, n = line.strip(), len(line.split())
            if n >= 8:
                paragraphs.append(s)
            elif 1 <= n <= 4 and s.endswith("."):
                headings.append(s)
    return paragraphs, headings


def build_corpus(dest: Path, n_docs: int, seed: int = SEED) -> Path:
    """``n_docs`` distinct documents of 4-10 paragraphs, sometimes under a heading.

    Document i is the same whatever ``n_docs`` is, so a larger corpus extends a smaller one.
    """
    paragraphs, headings = paragraph_pool()
    rng = random.Random(seed)
    seen: set[tuple[int, ...]] = set()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    i = 0
    while i < n_docs:
        picks = tuple(rng.sample(range(len(paragraphs)), rng.randint(4, 10)))
        if picks in seen:
            continue
        seen.add(picks)
        lines = []
        for j, p in enumerate(picks):
            if j and rng.random() < 0.2:
                lines.append(rng.choice(headings))
            lines.append(paragraphs[p])
        (dest / f"doc{i:06d}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        i += 1
    return dest


def _is_heading(line: str) -> bool:
    return len(line.split()) <= 4 and line.endswith(".")


def to_html(lines: list[str]) -> bytes:
    """A news page: the text as the article, amid navigation, a cookie notice and a footer."""
    from html import escape

    body = "\n".join(f"<h2>{escape(x)}</h2>" if _is_heading(x) else f"<p>{escape(x)}</p>"
                     for x in lines)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Story</title>"
        "<script>var tracking = 1;</script></head><body>"
        "<div class='cookie-banner'>We use cookies. <button>Accept</button></div>"
        "<header><nav><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li>"
        f"</ul></nav></header><main><article>{body}</article></main>"
        "<footer><p>(c) Example News. All rights reserved.</p></footer></body></html>"
    ).encode()


def to_pdf(lines: list[str]) -> bytes:
    """A report: headings larger, paragraphs wrapped, a running header and page numbers."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self):
            self.set_font("Helvetica", "", 8)
            self.cell(0, 6, "Example report")
            self.ln(10)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 6, f"Page {self.page_no()}", align="C")

    pdf = Report()
    pdf.add_page()
    for x in lines:
        pdf.set_font("Helvetica", "B" if _is_heading(x) else "", 13 if _is_heading(x) else 10)
        pdf.multi_cell(0, 5, x.encode("latin-1", "replace").decode("latin-1"))
        pdf.ln(2)
    return bytes(pdf.output())


def to_docx(lines: list[str]) -> bytes:
    """A Word file: headings in the Heading 1 style, paragraphs in Normal."""
    import io

    import docx

    document = docx.Document()
    for x in lines:
        if _is_heading(x):
            document.add_heading(x, level=1)
        else:
            document.add_paragraph(x)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


FORMATS = {"html": to_html, "pdf": to_pdf, "docx": to_docx}


def build_format_corpus(text_corpus: Path, dest: Path, fmt: str) -> Path:
    """Each document of ``text_corpus`` written as a web page, a PDF or a Word file."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for file in sorted(text_corpus.glob("*.txt")):
        lines = [x for x in file.read_text(encoding="utf-8").splitlines() if x.strip()]
        (dest / f"{file.stem}.{fmt}").write_bytes(FORMATS[fmt](lines))
    return dest


# --- running and measuring a command -----------------------------------------------------------


@dataclass
class Measured:
    seconds: float  # wall clock
    cpu: float  # user + system, this process and the children it waited for
    peak_mb: float  # maximum resident set size of the process (or of its largest child)
    stdout: str


# Started from a small process: on Linux a child's peak RSS counts its parent's size at fork.
LAUNCHER = """
import json, os, subprocess, sys, time
began = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump({"seconds": time.perf_counter() - began, "cpu": usage.ru_utime + usage.ru_stime,
               "peak_mb": usage.ru_maxrss / 1024, "status": os.waitstatus_to_exitcode(status)}, f)
"""


def measure(cmd: list, out_dir: Path) -> Measured:
    """Run ``cmd`` to completion as its own process; its time, CPU and peak memory."""
    out_dir.mkdir(parents=True, exist_ok=True)
    usage = out_dir / "usage.json"
    with open(out_dir / "stdout.txt", "w+") as out, open(out_dir / "stderr.txt", "w+") as err:
        subprocess.run([sys.executable, "-c", LAUNCHER, usage, *map(str, cmd)],
                       stdout=out, stderr=err, cwd=ROOT, check=False)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    got = json.loads(usage.read_text()) if usage.exists() else {"status": "none"}
    usage.unlink(missing_ok=True)
    if got["status"] != 0:
        raise SystemExit(f"failed ({got['status']}): {' '.join(map(str, cmd))}\n{stderr[-3000:]}")
    return Measured(got["seconds"], got["cpu"], got["peak_mb"], stdout)


def best(runs: list[Measured]) -> Measured:
    return min(runs, key=lambda m: m.seconds)


def annotator(*args) -> list:
    return [BIN / "annotator", *args]


def extract(corpus: Path, db: Path, out_dir: Path, *options) -> Measured:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return measure(annotator("extract", corpus, "--db", db, "--batch-size", BATCH_SIZE, *options),
                   out_dir)


def same_claims(a: Path, b: Path) -> bool:
    sql = ("select id, document_id, start, end, text, source, source_start, source_end, "
           "source_canonical, cue, cue_start, cue_end, stance, checkworthy, checkworthy_score, "
           "claim_type, section_path, paragraph_index, sentence_index, clause_index "
           "from claims order by id")
    with sqlite3.connect(a) as x, sqlite3.connect(b) as y:
        return x.execute(sql).fetchall() == y.execute(sql).fetchall()


def count(db: Path, table: str, where: str = "1") -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"select count(*) from {table} where {where}").fetchone()[0]


# --- one million claims ------------------------------------------------------------------------


def multiply(source: Path, dest: Path, total: int = MILLION) -> tuple[int, int]:
    """Copy ``source`` and repeat its documents, with everything in them, up to ``total`` claims.

    Copy k of a document is stored under ``copyK/`` with new ids (the original's first 11 hex
    digits, an x, k), in document order like a fresh extraction; the last copy stops at exactly
    ``total`` claims. The full-text index is rebuilt once at the end. Returns (claims in
    ``source``, copies).
    """
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dest}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(dest) as out:
        src.backup(out)
    conn = sqlite3.connect(dest, isolation_level=None)
    conn.execute("pragma journal_mode = off")  # a scratch copy: built in one go, or built again
    conn.execute("pragma synchronous = off")
    conn.execute("pragma cache_size = -1000000")
    base = conn.execute("select count(*) from claims").fetchone()[0]
    copies = -(-total // base)
    new_id = "substr({0}, 1, 11) || 'x' || printf('%04x', :k)"  # never an original (hex) id
    changed = {
        "documents": {"id": new_id.format("id"), "path": "printf('copy%03d/', :k) || path"},
        "blocks": {"id": new_id.format("id"), "document_id": new_id.format("document_id")},
        "claims": {"id": new_id.format("id"), "document_id": new_id.format("document_id"),
                   "doc": "printf('copy%03d/', :k) || doc"},
        "claim_entities": {"id": new_id.format("id"), "claim_id": new_id.format("claim_id")},
    }
    inserts = {}
    for table, exprs in changed.items():
        cols = [r[1] for r in conn.execute(f"pragma table_info({table})")]
        inserts[table] = (f"insert into {table} ({', '.join(f'[{c}]' for c in cols)}) select "
                          + ", ".join(exprs.get(c, f"[{c}]") for c in cols) + f" from base_{table}")
    fts_triggers = conn.execute(
        "select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'claims' "
        "and sql like '%claims_fts%'").fetchall()
    conn.execute("begin")
    for name, _ in fts_triggers:
        conn.execute(f'drop trigger "{name}"')
    conn.execute("create temp table base_documents as select * from documents order by path")
    conn.execute("create temp table base_blocks as select * from blocks order by document_id, idx")
    conn.execute("create temp table base_claims as select * from claims order by doc, start, id")
    conn.execute("create temp table base_claim_entities as select * from claim_entities "
                 "order by claim_id, start")
    for k in range(1, copies):
        if k == copies - 1:  # the last copy: only as many claims as make the total
            conn.execute("delete from base_claims where rowid > ?", [total - base * k])
            conn.execute("delete from base_claim_entities where claim_id not in "
                         "(select id from base_claims)")
        for table in changed:
            conn.execute(inserts[table], {"k": k})
    conn.execute("insert into claims_fts(claims_fts) values ('rebuild')")
    for _, sql in fts_triggers:
        conn.execute(sql)
    conn.execute("commit")
    conn.execute("pragma journal_mode = wal")
    conn.close()
    return base, copies


# --- Datasette ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def page_latency(db: Path, n_requests: int, out_dir: Path) -> dict:
    """Serve ``db`` with ``annotator serve``; time the review page and the claims table page."""
    out_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with open(out_dir / "serve.stderr.txt", "w") as log:
        server = subprocess.Popen(
            [str(c) for c in annotator("serve", "--db", db, "--port", port, "--user", "bench")],
            stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        sign_in = None
        for line in server.stdout:
            found = re.search(r"https?://\S+/-/annotator/sign-in\?token=\S+", line)
            if found:
                sign_in = found.group(0)
                break
        if sign_in is None:
            raise SystemExit(f"annotator serve printed no sign-in link; see {out_dir}")
        base = f"http://127.0.0.1:{port}"
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        for _ in range(100):
            try:
                opener.open(base + "/-/versions.json", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        opener.open(sign_in, timeout=10).read()
        name = db.stem
        rng = random.Random(SEED)
        with sqlite3.connect(db) as conn:
            last = conn.execute("select max(rowid) from claims").fetchone()[0]
            ids = [conn.execute("select id from claims where rowid = ?",
                                [rng.randint(1, last)]).fetchone()[0] for _ in range(n_requests)]
        review = _review_path(opener, base, name)
        pages = {
            "review": [review.format(id=i) for i in ids],
            "table": [f"/{name}/claims"] * n_requests,
        }
        results = {"review_route": review.replace("{id}", "<id>")}
        for label, paths in pages.items():
            results[label] = _time_pages(opener, base, paths)
        results["facets"] = _facets_shown(opener, f"{base}/{name}/claims.json?_size=0")
        # information: the same page while the stored facet counts are stale, as during an extract
        # (any change to the claims empties them; the run's end or serve's start refills them)
        with sqlite3.connect(db) as conn:
            conn.execute("update claims set stance = stance where rowid = 1")
        results["table_stale"] = _time_pages(opener, base, pages["table"][: max(10, n_requests // 10)])
        results["facets_stale"] = _facets_shown(opener, f"{base}/{name}/claims.json?_size=0")
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def _time_pages(opener, base: str, paths: list[str]) -> dict:
    for path in paths[:3]:  # warm up
        opener.open(base + path, timeout=60).read()
    times = []
    for path in paths:
        began = time.perf_counter()
        with opener.open(base + path, timeout=60) as response:
            response.read()
            assert response.status == 200, (path, response.status)
        times.append((time.perf_counter() - began) * 1000)
    return {"median": statistics.median(times), "p95": percentile(times, 95), "n": len(times)}


def _facets_shown(opener, url: str) -> str:
    """How many of the table's facets the page shows, and which timed out (Datasette drops them)."""
    with opener.open(url, timeout=60) as response:
        data = json.load(response)
    shown, timed_out = len(data["facet_results"]), data.get("facets_timed_out") or []
    return f"{shown} facets" + (f", timed out: {', '.join(timed_out)}" if timed_out else "")


def _review_path(opener, base: str, name: str) -> str:
    """The review plugin's claim page if it is installed, else Datasette's claim row page."""
    try:
        plugins = json.load(opener.open(base + "/-/plugins.json", timeout=10))
    except OSError:
        plugins = []
    if any("annotator" in p.get("name", "") for p in plugins):
        return "/-/annotator/claim/{id}"
    return f"/{name}/claims/{{id}}"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# --- the report --------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    value: str
    target: str
    ok: bool | None  # None: a reference, no target

    def line(self) -> str:
        verdict = {True: "met", False: "MISSED", None: ""}[self.ok]
        return f"{self.name:<52} {self.value:>22}   {self.target:<22} {verdict}"

    def row(self) -> str:
        verdict = {True: "met", False: "**missed**", None: ""}[self.ok]
        return f"| {self.name} | {self.value} | {self.target} | {verdict} |"


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = "?"
    import datasette
    import spacy

    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores", "memory": memory,
        "os": platform.platform(), "python": platform.python_version(),
        "spacy": spacy.__version__, "sqlite": sqlite3.sqlite_version,
        "datasette": datasette.__version__,
    }


def write_results(path: Path, figures: list[Figure], facts: dict, notes: list[str]) -> None:
    m = facts["machine"]
    measured = (f"Measured {facts['date']} on {m['cpu']}, {m['memory']} RAM ({m['os']}); Python "
                f"{m['python']}, spaCy {m['spacy']}, model {facts['model']}, SQLite {m['sqlite']}, "
                f"Datasette {m['datasette']}.")
    command = (f"Command: `{facts['command']}` ({facts['minutes']:.1f} minutes; load average "
               f"{facts['load_before']} before, {facts['load_after']} after).")
    lines = [
        BEGIN,
        measured,
        "",
        command,
        "",
        "| Figure | Measured | Target | |",
        "|---|---:|---|---|",
        *[f.row() for f in figures],
        "",
        *[f"- {n}" for n in notes],
        END,
    ]
    block = "\n".join(lines)
    if path.exists() and BEGIN in (text := path.read_text(encoding="utf-8")):
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1] if END in rest else ""
        path.write_text(head + block + tail, encoding="utf-8")
    else:
        path.write_text("# Benchmark results\n\n" + block + "\n", encoding="utf-8")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --- the run -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller corpus, under five minutes")
    parser.add_argument("--docs", type=int, help="documents in the 1x corpus (default: by mode)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    parser.add_argument("--results", type=Path, default=None,
                        help="where to write the results (default: bench/RESULTS.md for a full "
                        "run, OUT/RESULTS-quick.md for --quick)")
    args = parser.parse_args(argv)
    mode = MODES["quick" if args.quick else "full"]
    n_docs = args.docs or mode["docs"]
    results = args.results or (args.out / "RESULTS-quick.md" if args.quick
                               else ROOT / "bench" / "RESULTS.md")
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    load_before = load()
    sys.path.insert(0, str(ROOT))
    from annotator.pipeline import resolve_model

    model = resolve_model()
    figures: list[Figure] = []
    notes: list[str] = []

    def report(figure: Figure) -> None:
        figures.append(figure)
        print(figure.line(), flush=True)

    def step(text: str) -> None:
        print(f"[{time.perf_counter() - began:6.0f}s] {text}", file=sys.stderr, flush=True)

    step(f"building the corpora: {n_docs} and {10 * n_docs} documents (seed {SEED})")
    small = build_corpus(out / f"corpus-{n_docs}", n_docs)
    large = build_corpus(out / f"corpus-{10 * n_docs}", 10 * n_docs)
    print(f"{'figure':<52} {'measured':>22}   {'target':<22}")

    # 1-3: bare spaCy, extract at one process, at two, side by side (best of `repeat` each)
    bare_runs, one_runs, two_runs, match_runs, stand_in_runs = [], [], [], [], []
    for r in range(mode["repeat"]):
        step(f"bare spaCy over {small.name} (round {r + 1})")
        bare_runs.append(measure([sys.executable, ROOT / "bench" / "bare.py", model, BATCH_SIZE,
                                  small], out / "bare"))
        step("bare spaCy with the annotator's stand-ins for the ruler and lemmatizer")
        stand_in_runs.append(measure([sys.executable, ROOT / "bench" / "bare.py", model,
                                      BATCH_SIZE, small, "--stand-ins"], out / "bare"))
        step("annotator extract, one process")
        one_runs.append(extract(small, out / "one.db", out / "one"))
        step("annotator extract --match, one process")
        match_runs.append(extract(small, out / "match.db", out / "match", "--match"))
        step("annotator extract --workers 2")
        two_runs.append(extract(small, out / "two.db", out / "two", "--workers", "2"))
    bare, one, two, matched = best(bare_runs), best(one_runs), best(two_runs), best(match_runs)
    stand_in = best(stand_in_runs)
    words = json.loads(bare.stdout)["words"]
    report(Figure(f"bare nlp.pipe, {n_docs} docs, {words:,} words",
                  f"{words / bare.seconds:,.0f} words/s", "reference", None))
    ratio = bare.seconds / one.seconds
    report(Figure("annotator extract, 1 process", f"{words / one.seconds:,.0f} words/s", "", None))
    report(Figure("  ratio to bare nlp.pipe", f"{ratio:.2f}x", ">= 0.90x", ratio >= 0.90))
    report(Figure("  ratio by CPU time (information)", f"{bare.cpu / one.cpu:.2f}x", "", None))
    ratio = bare.seconds / matched.seconds
    report(Figure("annotator extract --match, 1 process", f"{words / matched.seconds:,.0f} words/s",
                  "", None))
    report(Figure("  ratio to bare nlp.pipe", f"{ratio:.2f}x", ">= 0.85x", ratio >= 0.85))
    report(Figure("  ratio by CPU time (information)", f"{bare.cpu / matched.cpu:.2f}x", "", None))
    # The pipeline answers the model's attribute ruler and lemmatizer from tables (the same
    # annotations): against bare spaCy given the same stand-ins, the ratio is the annotator's
    # own cost alone.
    report(Figure("bare nlp.pipe with the stand-ins (information)",
                  f"{words / stand_in.seconds:,.0f} words/s", "", None))
    report(Figure("  extract's ratio to it (information)", f"{stand_in.seconds / one.seconds:.2f}x",
                  "", None))
    report(Figure("  extract --match's ratio to it (information)",
                  f"{stand_in.seconds / matched.seconds:.2f}x", "", None))
    speedup = one.seconds / two.seconds
    report(Figure("annotator extract --workers 2", f"{words / two.seconds:,.0f} words/s", "", None))
    report(Figure("  speed-up over 1 process", f"{speedup:.2f}x", ">= 1.70x", speedup >= 1.70))
    same = same_claims(out / "one.db", out / "two.db")
    report(Figure("  same claims as 1 process", "yes" if same else "NO", "yes", same))

    # extract speed per format: the same documents as web pages, PDFs and Word files
    for fmt in FORMATS:
        step(f"annotator extract over {small.name} as .{fmt} files")
        folder = build_format_corpus(small, out / f"corpus-{n_docs}-{fmt}", fmt)
        run = best([extract(folder, out / f"{fmt}.db", out / fmt) for _ in range(mode["repeat"])])
        report(Figure(f"annotator extract, .{fmt}, 1 process",
                      f"{words / run.seconds:,.0f} words/s", "", None))
        report(Figure("  ratio to bare nlp.pipe (information)", f"{bare.seconds / run.seconds:.2f}x",
                      "", None))
        report(Figure("  ratio by CPU time (information)", f"{bare.cpu / run.cpu:.2f}x", "", None))
    notes.append(
        "Per format, the 1x corpus is written as web pages (each text as the article of a page "
        "with navigation, a cookie notice and a footer), PDFs (fpdf2: wrapped lines, running "
        "header, page numbers) and Word files (python-docx), and extracted in one process; the "
        "ratio compares with bare nlp.pipe over the same text as .txt, so it includes reading "
        "the format.")

    # 4-5: the 10x corpus, its unchanged re-run, and peak memory at both sizes
    step(f"annotator extract over {large.name}")
    first = extract(large, out / "large.db", out / "large")
    step("the same again, nothing changed")
    again = measure(annotator("extract", large, "--db", out / "large.db"), out / "again")
    again_small = measure(annotator("extract", small, "--db", out / "one.db"), out / "again-small")
    share = again.seconds / first.seconds
    report(Figure(f"unchanged re-run, {10 * n_docs} docs", f"{again.seconds:.2f}s = {share:.1%}",
                  "<= 2% of first run", share <= 0.02))
    small_share = again_small.seconds / one.seconds
    report(Figure(f"  (information: {n_docs} docs)",
                  f"{again_small.seconds:.2f}s = {small_share:.1%}", "", None))
    growth = first.peak_mb / one.peak_mb - 1
    report(Figure(f"peak RSS, extract {n_docs} docs", f"{one.peak_mb:,.0f} MB", "", None))
    report(Figure(f"peak RSS, extract {10 * n_docs} docs",
                  f"{first.peak_mb:,.0f} MB = {growth:+.0%}", "within 15% of 1x",
                  abs(growth) <= 0.15))

    # 6-7: one million claims, exported and served
    step("multiplying the claims of the 10x database to one million, with SQL")
    big = out / "million" / "claims.db"
    big.parent.mkdir(parents=True, exist_ok=True)
    base_claims, copies = multiply(out / "large.db", big)
    notes.append(
        f"The one-million-claim database is the {10 * n_docs}-document database "
        f"({base_claims:,} claims) with its documents, blocks, claims and entity mentions copied "
        f"{copies - 1} times more with SQL (new ids, paths under copyK/), the last copy cut at "
        "exactly 1,000,000 claims; the full-text index rebuilt once.")
    print(f"(claims multiplied with SQL: {base_claims:,} real claims x {copies} -> "
          f"{count(big, 'claims'):,})")
    step("annotator export, CSV, one million claims")
    exp_small = measure(annotator("export", "--db", out / "one.db", "-o", out / "one.csv"),
                        out / "export-small")
    exp = measure(annotator("export", "--db", big, "-o", out / "million.csv"), out / "export")
    rows = count(big, "claims", "superseded = 0")
    rate = rows / exp.seconds
    report(Figure("export CSV, 1,000,000 claims", f"{rate:,.0f} rows/s", ">= 50,000 rows/s",
                  rate >= 50_000))
    exp_growth = exp.peak_mb / exp_small.peak_mb - 1
    report(Figure(f"  peak RSS (vs {count(out / 'one.db', 'claims'):,} claims)",
                  f"{exp.peak_mb:,.0f} MB = {exp_growth:+.0%}", "flat (within 15%)",
                  abs(exp_growth) <= 0.15))

    step("Datasette over one million claims")
    pages = page_latency(big, mode["requests"], out / "serve")
    review, table = pages["review"], pages["table"]
    report(Figure(f"review page {pages['review_route']}",
                  f"{review['median']:.0f} / {review['p95']:.0f} ms", "p95 <= 100 ms",
                  review["p95"] <= 100))
    report(Figure(f"claims table page /claims/claims ({pages['facets']})",
                  f"{table['median']:.0f} / {table['p95']:.0f} ms", "p95 <= 300 ms",
                  table["p95"] <= 300))
    stale = pages["table_stale"]
    report(Figure(f"  (information: facet counts stale, {pages['facets_stale']})",
                  f"{stale['median']:.0f} / {stale['p95']:.0f} ms", "", None))
    notes.append(
        f"Page latencies are median / p95 over {review['n']} requests each after 3 warm-up "
        "requests, one at a time, from this machine to `annotator serve` (signed in); review pages "
        "for claims drawn at random. The claims table's facets come from the counts the store "
        "keeps (`claim_facet_counts`, refilled after each extract and when `annotator serve` "
        "starts); the stale figure is the same page, fewer requests, after a change to the "
        "claims, when Datasette counts them in the table.")
    if pages["review_route"].startswith("/claims/"):
        notes.append("The review plugin was not installed: the review page figure is Datasette's "
                     "claim row page.")

    minutes = (time.perf_counter() - began) / 60
    notes[:0] = [
        (f"Corpus: {n_docs} and {10 * n_docs} documents recombined from the real paragraphs of "
         f"corpus/*.txt (seed {SEED}); {words:,} words in the 1x corpus. Batch size "
         f"{BATCH_SIZE}."),
        (f"Times are wall clock of each command as its own process, start-up and model loading "
         f"included; speed runs are the best of {mode['repeat']}. Peak RSS is the process's "
         "maximum resident set size."),
        (f"The re-run target is judged on the {10 * n_docs}-document corpus; on a small corpus "
         "the fixed start-up of about a third of a second dominates."),
    ]
    facts = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(), "model": model, "minutes": minutes,
        "command": "python bench/run.py" + (" --quick" if args.quick else "")
        + (f" --docs {args.docs}" if args.docs else ""),
        "load_before": load_before, "load_after": load(),
    }
    write_results(results, figures, facts, notes)
    step(f"done in {minutes:.1f} minutes; results in {results}")


if __name__ == "__main__":
    main()
