"""Write the QA sign-off report: ``signoff.md`` and a self-contained ``signoff.html``.

``write_signoff(report_dir)`` reads whatever the gate left in the directory (see
``inputs.load_inputs``), judges it (``criteria.evaluate``), draws the figures
(``plots``), and writes both files. Everything written passes a redaction pass: no
``scheme://user:password@`` and no bearer token ever reaches the report.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2

from . import baseline, plots
from .criteria import (
    BLOCKED,
    FAIL,
    NEEDS_WRITES,
    NOT_RUN,
    OBSERVED,
    PASS,
    SURFACE_COUNTS,
    Verdict,
    checker_sentences,
    evaluate,
    shorten,
)
from .inputs import Link, RunInputs, load_inputs, read_csv_rows, redact, redact_obj
from .templates import HTML, MARKDOWN

ICON = {PASS: "✅", FAIL: "❌", NOT_RUN: "⏸", NEEDS_WRITES: "⏸", BLOCKED: "⛔"}
PLOTS_DIR = "plots"
FAILED_CELLS = 200  # failed inventory cells listed in the sign-off (surface/*.json has them all)


# Markdown (GitHub renders emoji); HTML uses glyphs every common font has (DejaVu included).
HTML_ICON = {PASS: "✔", FAIL: "✘", NOT_RUN: "○", NEEDS_WRITES: "○", BLOCKED: "⊘"}


def _icon_outcome(status: str) -> str:
    return {"passed": "✅", "failed": "❌", "error": "❌", "skipped": "⏸", "not run": "⏸", "could not run": "⏸"}.get(status, "")


def _html_icon_outcome(status: str) -> str:
    return {"passed": "✔", "failed": "✘", "error": "✘", "skipped": "○", "not run": "○", "could not run": "○"}.get(status, "")


def _cell(value) -> str:
    """Make a value safe inside a markdown table cell."""
    if value is None:
        return "—"
    text = str(value).replace("\r", " ").replace("\n", " ").replace("|", "\\|")
    return text


def _css(status: str) -> str:
    return "notverified" if status == NEEDS_WRITES else str(status).replace(" ", "")


def _network(found: dict | None) -> str | None:
    """The measured RTT and the concurrency the gate chose from it (harness/network.py)."""
    if not found:
        return None
    return (f"RTT {found['rtt_ms']} ms; {found['workers']} pytest worker(s) ({found['reason']}); "
            f"{found['free_connections']} of {found['max_connections']} server connections free")


def _env(run: dict | None) -> dict:
    run = run or {}
    suites = run.get("suites")
    return {
        "run_id": run.get("run_id"),
        "harness_version": run.get("harness_version"),
        "postgres_version": run.get("postgres_version"),
        "target": run.get("target"),
        "network": _network(run.get("network")),
        "dsn_redacted": redact(str(run.get("dsn_redacted") or run.get("dsn") or "")) or None,
        "sut": run.get("sut") if not isinstance(run.get("sut"), (dict, list)) else json.dumps(run.get("sut")),
        "profile": run.get("profile"),
        "started": run.get("started"),
        "finished": run.get("finished"),
        "suites": ", ".join(map(str, suites)) if isinstance(suites, list) else suites,
    }


def _migrations(inp: RunInputs) -> list[dict]:
    source = (inp.run or {}).get("migrations") or (inp.evidence or {}).get("migrations") or []
    out = []
    for m in source:
        if isinstance(m, dict):
            out.append({"version": m.get("version", ""), "name": m.get("name", ""),
                        "sha256": m.get("sha256") or "—"})
        elif isinstance(m, str):
            out.append({"version": m, "name": "", "sha256": "—"})
    return out


def _fmt_bool(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _matrix_rows(inp: RunInputs) -> list[dict]:
    rows = []
    for r in inp.matrix or []:
        exp = " ".join(str(x) for x in (r.get("expected_status"), r.get("expected_error")) if x not in (None, ""))
        act = " ".join(str(x) for x in (r.get("actual_status"), r.get("actual_error")) if x not in (None, ""))
        rows.append({"action": r.get("action", ""), "actor": r.get("actor", ""),
                     "signed": "n/a" if r.get("signed") is None else _fmt_bool(r.get("signed")),
                     "expected": exp or "—", "actual": act or "—", "ok": r.get("pass") is True})
    return rows


def _concurrency_rows(inp: RunInputs) -> list[dict]:
    rows = []
    for path, res in inp.concurrency:
        links: list[Link] = [lk for lk in [inp.link(path)] if lk]
        hist = path.with_name(path.stem + ".history.jsonl")
        lk = inp.link(hist)
        if lk:
            links.append(lk)
        anomalies = res.get("anomalies")
        if isinstance(anomalies, dict):
            anomalies = ", ".join(f"{k}: {v if not isinstance(v, (list, dict)) else len(v)}"
                                  for k, v in anomalies.items()) or "none"
        rows.append({
            "name": res.get("name") or path.stem,
            "valid": {True: "true", False: "false"}.get(res.get("valid"), str(res.get("valid", "unknown"))),
            "ok": res.get("valid") is True,
            "ops": res.get("ops", "—"), "winners": res.get("winners", "—"),
            "anomalies": anomalies or "none",
            "explain": checker_sentences(res, 4) or shorten(str(res.get("explain") or ""), 400),
            "links": links,
        })
    return rows


def load_text(s: dict | None) -> str:
    """The load step's figures on one line (the console's and the report's)."""
    if not s:
        return ""
    keys = [("requests", "requests"), ("failures", "failures"), ("rps", "req/s"), ("p50", "p50 ms"),
            ("p95", "p95 ms"), ("p99", "p99 ms"), ("invariants_valid", "invariants valid")]
    return ", ".join(f"{label} {_fmt_bool(_round(s.get(k)))}" for k, label in keys if k in s)


def _round(value):
    """Numbers as a reader wants them: integers stay, floats get at most two decimals."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return value
    if isinstance(value, bool) or number.is_integer() and "." not in str(value):
        return value
    return f"{number:.2f}".rstrip("0").rstrip(".") if abs(number) < 100 else f"{number:.0f}"


_LOAD_COLS = ("Type", "Name", "Request Count", "Failure Count", "Median Response Time",
              "95%", "99%", "Requests/s", "Failures/s")


def _load_table(inp: RunInputs) -> tuple[list[str], list[list[str]]]:
    rows: list[list[str]] = []
    for path in inp.load_stats:
        for r in read_csv_rows(path):
            rows.append([_round(r.get(c, "")) for c in _LOAD_COLS])
    return (list(_LOAD_COLS), rows[:60]) if rows else ([], [])


def _figures(inp: RunInputs, out_dir: Path) -> list[dict]:
    """Draw the figures, save the PNGs under plots/ (for the markdown) and keep data URIs."""
    figures = []
    conc = [res for _, res in inp.concurrency]
    candidates = [("winners_losers", "Concurrent consumers: winners vs losers",
                   lambda: plots.winners_plot(conc))]
    for path in inp.load_history:
        stem = path.name[: -len("_stats_history.csv")] or "load"
        candidates.append((f"{stem}_latency", f"Latency percentiles over time ({stem})",
                           lambda p=path: plots.latency_plot(p)))
        candidates.append((f"{stem}_throughput", f"Throughput ({stem})",
                           lambda p=path: plots.throughput_plot(p)))
    for key, title, draw in candidates:
        try:
            png = draw()
        except Exception as exc:  # a figure must never sink the report
            inp.problems.append(f"figure {key}: {type(exc).__name__}: {exc}")
            png = None
        if not png:
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        file = out_dir / f"{key}.png"
        file.write_bytes(png)
        figures.append({"title": redact(title), "file": f"{PLOTS_DIR}/{file.name}",
                        "data_uri": plots.png_data_uri(png)})
    return figures


def _fuzz(inp: RunInputs) -> dict | None:
    if not inp.fuzz or not isinstance(inp.fuzz.get("examples"), dict):
        return None
    return {"examples": sorted(inp.fuzz["examples"].items()), "five_xx": inp.fuzz.get("five_xx", "?")}


def _all_files(inp: RunInputs) -> list[Link]:
    names = ["run.json", "pytest.log", "junit.xml", "allure-results", "evidence", "concurrency", "load", "matrix",
             "surface", "fuzz"]
    return inp.links(*names)


def render(inp: RunInputs, verdict: Verdict, figures: list[dict]) -> tuple[str, str]:
    """Render (markdown, html) for a judged run. Both are redacted."""
    failures = [t for t in (inp.junit.tests if inp.junit else []) if t.failed]
    counts = inp.junit.counts if inp.junit else None
    totals = (", ".join(f"{n} {k}" for k, n in counts.items() if n) or "none") if counts else "no junit.xml"
    load_header, load_rows = _load_table(inp)
    ctx = dict(
        verdict=verdict, env=_env(inp.run), totals=totals, icon=ICON, icon_outcome=_icon_outcome,
        matrix=_matrix_rows(inp), concurrency=_concurrency_rows(inp), load=load_text(inp.load_summary),
        load_links=inp.links(*inp.load_stats, *inp.load_history, "load/summary.json"),
        load_header=load_header, load_rows=load_rows, figures=figures, failures=failures[:100],
        migrations=_migrations(inp),
        steps=[s for s in (inp.run or {}).get("steps") or [] if isinstance(s, dict)],
        problems=inp.problems, files=_all_files(inp), pytest_log=inp.link("pytest.log"),
        fuzz=_fuzz(inp), inventory=verdict.inventory, surface_counts=SURFACE_COUNTS, observed=OBSERVED,
        baseline_dir=(inp.run or {}).get("baseline"),
        policy_file=((inp.run or {}).get("policy") or {}).get("file"),
        failed_cells=(verdict.inventory.failed if verdict.inventory else [])[:FAILED_CELLS],
    )
    md_env = jinja2.Environment(autoescape=False, trim_blocks=False, keep_trailing_newline=True,
                                undefined=jinja2.ChainableUndefined)
    md_env.filters["cell"] = _cell
    html_env = jinja2.Environment(autoescape=True, undefined=jinja2.ChainableUndefined)
    html_env.filters["css"] = _css
    md = md_env.from_string(MARKDOWN).render(**ctx)
    html = html_env.from_string(HTML).render(**{**ctx, "icon": HTML_ICON, "icon_outcome": _html_icon_outcome})
    return redact(md), redact(html)


def _redact_verdict(verdict: Verdict) -> None:
    verdict.reasons = [redact(r) for r in verdict.reasons]
    for c in verdict.criteria:
        c.reason = redact(c.reason)
        c.details = [redact(d) for d in c.details]
    for row in (*verdict.acceptance, *verdict.negative):
        row.reason, row.actual = redact(row.reason), redact(row.actual)


def write_signoff(report_dir: str | Path) -> Verdict:
    """Judge ``report_dir`` and write ``signoff.md``, ``signoff.html`` and ``plots/*.png``.

    Never raises because an input is missing or malformed: such criteria read "not run".
    Returns the ``Verdict`` (truthy when the gate passed).
    """
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    inp = load_inputs(report_dir)
    inp.run = redact_obj(inp.run) if inp.run is not None else None
    verdict = evaluate(inp)
    if (inp.run or {}).get("baseline"):
        verdict.changes = baseline.changes(Path(inp.run["baseline"]), report_dir, verdict)
    _redact_verdict(verdict)
    figures = _figures(inp, report_dir / PLOTS_DIR)
    md, html = render(inp, verdict, figures)
    (report_dir / "signoff.md").write_text(md, encoding="utf-8")
    (report_dir / "signoff.html").write_text(html, encoding="utf-8")
    return verdict
