"""Jinja2 templates of the sign-off report (markdown and self-contained HTML)."""

MARKDOWN = """\
# Inventory Lens — QA sign-off{% if env.run_id %} (run {{ env.run_id }}){% endif %}

**{{ verdict.line | cell }}**
{% if verdict.stopped %}
> **Stopped at {{ verdict.stopped.step }}:** {{ verdict.stopped.reason | cell }}{% if verdict.stopped.fix %}
> **Fix:** {{ verdict.stopped.fix | cell }}{% endif %}
{% endif %}{% if baseline_dir %}
## Changed since the approved run

Baseline: `{{ baseline_dir }}` — {% if verdict.changes %}{{ verdict.changes | length }} changes, widened access first:

{% for ch in verdict.changes %}- {% if ch.kind == "widened" %}**widened:** {% endif %}{{ ch.text | cell }}
{% endfor %}{% else %}no cell or criterion changed.
{% endif %}
{% endif %}{% if verdict.unmapped %}
Tests that belong to no criterion (add a row to `harness/criteria.py`): {% for u in verdict.unmapped %}`{{ u }}`{% if not loop.last %}, {% endif %}{% endfor %}
{% endif %}
| | |
|---|---|
| Run | {{ env.run_id or "—" }} |
| Target | {{ env.target or "—" }} |
| Network | {{ env.network or "—" }} |
| Profile | {{ env.profile or "—" }} |
| Started / finished | {{ env.started or "—" }} / {{ env.finished or "—" }} |
| Tests | {{ totals }} |

## Sign-off criteria

| | Criterion | Status | Why | Evidence |
|---|---|---|---|---|
{% for c in verdict.criteria -%}
| {{ icon[c.status] }} | {{ c.title | cell }}{% if c.required %} (required){% endif %} | **{{ c.status }}** | {{ c.reason | cell }} | {% for l in c.evidence %}[{{ l.label | cell }}]({{ l.href }}){% if not loop.last %}, {% endif %}{% else %}—{% endfor %} |
{% endfor %}
{% for c in verdict.criteria if c.details %}
<details><summary>{{ c.title }} — details</summary>

{% for d in c.details %}- {{ d | cell }}
{% endfor %}
</details>
{% endfor %}

## Attack-surface inventory

{% if inventory and inventory.totals -%}
| Surface | {% for k in surface_counts %}{{ k }} | {% endfor %}
|---|{% for k in surface_counts %}---|{% endfor %}
{% for kind, row in inventory.totals | dictsort -%}
| {{ kind }} | {% for k in surface_counts %}{{ row[k] or 0 }} | {% endfor %}
{% endfor %}
*{{ observed }}.* Policy: {{ (policy_file or "none") | cell }}.
{% if failed_cells %}
Failed cells ({{ failed_cells | length }} of {{ inventory.failed | length }}):

| Surface | Target | Role | Operation | Scope | Expected | Got | Rule |
|---|---|---|---|---|---|---|---|
{% for c in failed_cells -%}
| {{ c.surface | cell }} | {{ c.target | cell }} | {{ c.role | cell }} | {{ c.operation | cell }} | {{ c.scope | cell }} | {{ c.expected | cell }} | {{ ((c.actual or "not run") ~ " " ~ (c.detail or "")) | cell }} | {{ c.rule | cell }} |
{% endfor %}
{%- endif %}
{%- else -%}
Not run (no `surface/*.json`).
{%- endif %}

## Acceptance matrix (A01–A21)

| ID | What it proves | Test | Status |
|---|---|---|---|
{% for r in verdict.acceptance -%}
| {{ r.id }} | {{ r.title | cell }} | {{ (r.tests | join(", ") or "—") | cell }} | {{ icon_outcome(r.status) }} {{ r.status }}{% if r.reason %}: {{ r.reason | cell }}{% endif %} |
{% endfor %}

## Negative controls (N1–N8)

| ID | Refused operation | Expected | Actual | Test | Status |
|---|---|---|---|---|---|
{% for r in verdict.negative -%}
| {{ r.id }} | {{ r.title | cell }} | {{ r.expected | cell }} | {{ (r.actual or "—") | cell }} | {{ (r.tests | join(", ") or "—") | cell }} | {{ icon_outcome(r.status) }} {{ r.status }}{% if r.reason %}: {{ r.reason | cell }}{% endif %} |
{% endfor %}

## Role × action matrix

{% if matrix -%}
| Action | Actor | Signed | Expected | Actual | |
|---|---|---|---|---|---|
{% for r in matrix -%}
| {{ r.action | cell }} | {{ r.actor | cell }} | {{ r.signed | cell }} | {{ r.expected | cell }} | {{ r.actual | cell }} | {{ "✅" if r.ok else "❌" }} |
{% endfor %}
{%- else -%}
Not run (no `matrix/role_action.json`).
{%- endif %}

## Fuzzing

{% if fuzz -%}
| Endpoint | Examples |
|---|---|
{% for endpoint, n in fuzz.examples -%}
| {{ endpoint | cell }} | {{ n }} |
{% endfor %}
5xx responses: **{{ fuzz.five_xx }}**
{%- else -%}
Not run (no `fuzz/summary.json`).
{%- endif %}

## Stress and load

{% if concurrency -%}
| Checker | Valid | Ops | Winners | Anomalies | Explanation | Evidence |
|---|---|---|---|---|---|---|
{% for r in concurrency -%}
| {{ r.name | cell }} | {{ r.valid | cell }} | {{ r.ops | cell }} | {{ r.winners | cell }} | {{ r.anomalies | cell }} | {{ r.explain | cell }} | {% for l in r.links %}[{{ l.label | cell }}]({{ l.href }}){% if not loop.last %}, {% endif %}{% else %}—{% endfor %} |
{% endfor %}
{%- else -%}
Concurrency checker: not run.
{%- endif %}

{% if load -%}
Load: {{ load | cell }}{% for l in load_links %} · [{{ l.label }}]({{ l.href }}){% endfor %}
{%- else -%}
Load: not run.
{%- endif %}

{% for f in figures -%}
![{{ f.title }}]({{ f.file }})

{% endfor %}
## Failed tests

{% for t in failures -%}
- `{{ t.nodeid }}` ({{ t.outcome }}): {{ t.short_reason() | cell }}
{% else -%}
None.
{% endfor %}
{% if failures and pytest_log %}Full output: [{{ pytest_log.label }}]({{ pytest_log.href }})
{% endif %}

## Environment

| | |
|---|---|
| PostgreSQL | {{ env.postgres_version or "—" }} |
| Harness version | {{ env.harness_version or "—" }} |
| System under test | {{ env.sut or "—" }} |
| Target | {{ env.target or "—" }} |
| Network | {{ env.network or "—" }} |
| DSN (redacted) | {{ env.dsn_redacted or "—" }} |
| Suites | {{ env.suites or "—" }} |

{% if migrations -%}
| Migration | Name | sha256 |
|---|---|---|
{% for m in migrations -%}
| {{ m.version | cell }} | {{ m.name | cell }} | `{{ m.sha256 }}` |
{% endfor %}
{%- else -%}
No migrations recorded.
{%- endif %}

{% if steps -%}
| Step | Status | Seconds |
|---|---|---|
{% for s in steps -%}
| {{ s.name | cell }} | {{ s.status | cell }} | {{ s.seconds | cell }} |
{% endfor %}
{%- endif %}
{% if problems %}
Unreadable inputs: {{ problems | join("; ") | cell }}
{% endif %}
Files: {% for l in files %}[{{ l.label }}]({{ l.href }}){% if not loop.last %} · {% endif %}{% else %}none{% endfor %}
"""

HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inventory Lens sign-off — {{ verdict.label }}{% if env.run_id %} — {{ env.run_id }}{% endif %}</title>
<style>
 body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
        max-width: 1200px; padding: 1rem 1.5rem 3rem; color: #1d2330; }
 h1 { font-size: 1.5rem; margin-bottom: .3rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #dde; }
 .verdict { font-size: 1.25rem; font-weight: 700; padding: .8rem 1rem; border-radius: 6px; }
 .verdict.pass { background: #e3f6e5; color: #11621d; border: 2px solid #2e9b3e; }
 .verdict.fail { background: #fde8e8; color: #8a1111; border: 2px solid #c62828; }
 .verdict.notverified { background: #fff6d6; color: #6b5200; border: 2px solid #c9a100; }
 table { border-collapse: collapse; width: 100%; margin: .6rem 0; font-size: 13px; }
 th, td { border: 1px solid #d5d9e0; padding: 4px 7px; text-align: left; vertical-align: top;
          overflow-wrap: anywhere; }
 th { background: #f1f3f7; } tr:nth-child(even) td { background: #fafbfc; }
 .st { font-weight: 700; }
 .pass, .passed { color: #11621d; } .fail, .failed, .error { color: #b3261e; }
 .notrun, .notverified, .blocked, .skipped { color: #7a6400; }
 code, .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
 pre { white-space: pre-wrap; overflow-wrap: anywhere; }
 nav a { margin-right: 1rem; } details { margin: .3rem 0; } summary { cursor: pointer; }
 figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #e3e6ea; }
 figcaption { font-size: 12px; color: #555; } .muted { color: #667; }
</style>
</head>
<body>
<h1>Inventory Lens — QA sign-off{% if env.run_id %} <span class="muted">run {{ env.run_id }}</span>{% endif %}</h1>
<p id="verdict" class="verdict {{ {0: 'notverified' if verdict.verify_only else 'pass', 1: 'fail'}.get(verdict.exit_code, 'notverified') }}">{{ verdict.line }}</p>
{% if verdict.stopped %}<p class="verdict notverified">Stopped at {{ verdict.stopped.step }}: {{ verdict.stopped.reason }}{% if verdict.stopped.fix %}<br>Fix: {{ verdict.stopped.fix }}{% endif %}</p>{% endif %}
{% if baseline_dir %}<h2 id="changes">Changed since the approved run</h2>
<p class="muted">Baseline: <span class="mono">{{ baseline_dir }}</span></p>
{% if verdict.changes %}<ul>{% for ch in verdict.changes %}<li>{% if ch.kind == "widened" %}<b class="fail">widened:</b> {% endif %}{{ ch.text }}</li>{% endfor %}</ul>
{% else %}<p>No cell or criterion changed.</p>{% endif %}{% endif %}
{% if verdict.unmapped %}<p>Tests that belong to no criterion (add a row to <code>harness/criteria.py</code>):</p><ul>{% for u in verdict.unmapped %}<li class="mono">{{ u }}</li>{% endfor %}</ul>{% endif %}
<p class="muted">Target {{ env.target or "—" }} · profile {{ env.profile or "—" }} ·
 PostgreSQL {{ env.postgres_version or "—" }} · harness {{ env.harness_version or "—" }} ·
 started {{ env.started or "—" }} · finished {{ env.finished or "—" }} · tests: {{ totals }}</p>
<nav><a href="#criteria">Criteria</a><a href="#inventory">Inventory</a><a href="#acceptance">Acceptance</a><a href="#negative">Negative controls</a><a href="#matrix">Role × action</a><a href="#stress">Stress and load</a><a href="#failures">Failures</a><a href="#environment">Environment</a></nav>

<h2 id="criteria">Sign-off criteria</h2>
<table>
<tr><th>Criterion</th><th>Status</th><th>Why</th><th>Evidence</th></tr>
{% for c in verdict.criteria %}
<tr>
 <td>{{ c.title }}{% if c.required %} <span class="muted">(required)</span>{% endif %}
 {% if c.details %}<details><summary class="muted">details</summary><ul>{% for d in c.details %}<li>{{ d }}</li>{% endfor %}</ul></details>{% endif %}</td>
 <td class="st {{ c.status | css }}">{{ icon[c.status] }} {{ c.status }}</td>
 <td>{{ c.reason }}</td>
 <td>{% for l in c.evidence %}<a href="{{ l.href }}">{{ l.label }}</a>{% if not loop.last %}<br>{% endif %}{% else %}—{% endfor %}</td>
</tr>
{% endfor %}
</table>

<h2 id="inventory">Attack-surface inventory</h2>
{% if inventory and inventory.totals %}
<table>
<tr><th>Surface</th>{% for k in surface_counts %}<th>{{ k }}</th>{% endfor %}</tr>
{% for kind, row in inventory.totals | dictsort %}<tr><td>{{ kind }}</td>{% for k in surface_counts %}<td class="{{ 'fail' if k in ('failed', 'not run') and row[k] else '' }}">{{ row[k] or 0 }}</td>{% endfor %}</tr>{% endfor %}
</table>
<p class="muted">{{ observed }}. Policy: <span class="mono">{{ policy_file or "none" }}</span>.</p>
{% if failed_cells %}
<p>Failed cells ({{ failed_cells | length }} of {{ inventory.failed | length }}):</p>
<table>
<tr><th>Surface</th><th>Target</th><th>Role</th><th>Operation</th><th>Scope</th><th>Expected</th><th>Got</th><th>Rule</th></tr>
{% for c in failed_cells %}<tr><td>{{ c.surface }}</td><td class="mono">{{ c.target }}</td><td>{{ c.role }}</td><td>{{ c.operation }}</td><td>{{ c.scope }}</td><td>{{ c.expected }}</td><td class="fail">{{ c.actual or "not run" }} <span class="muted">{{ c.detail }}</span></td><td>{{ c.rule }}</td></tr>{% endfor %}
</table>
{% endif %}
{% else %}<p class="notrun">Not run (no surface/*.json).</p>{% endif %}

<h2 id="acceptance">Acceptance matrix (A01–A21)</h2>
<table>
<tr><th>ID</th><th>What it proves</th><th>Test</th><th>Status</th></tr>
{% for r in verdict.acceptance %}
<tr><td>{{ r.id }}</td><td>{{ r.title }}</td><td class="mono">{{ r.tests | join(", ") or "—" }}</td>
<td class="st {{ r.status | css }}">{{ icon_outcome(r.status) }} {{ r.status }}{% if r.reason %}<br><span class="muted">{{ r.reason }}</span>{% endif %}</td></tr>
{% endfor %}
</table>

<h2 id="negative">Negative controls (N1–N8)</h2>
<table>
<tr><th>ID</th><th>Refused operation</th><th>Expected</th><th>Actual</th><th>Test</th><th>Status</th></tr>
{% for r in verdict.negative %}
<tr><td>{{ r.id }}</td><td>{{ r.title }}</td><td class="mono">{{ r.expected }}</td><td class="mono">{{ r.actual or "—" }}</td>
<td class="mono">{{ r.tests | join(", ") or "—" }}</td>
<td class="st {{ r.status | css }}">{{ icon_outcome(r.status) }} {{ r.status }}{% if r.reason %}<br><span class="muted">{{ r.reason }}</span>{% endif %}</td></tr>
{% endfor %}
</table>

<h2 id="matrix">Role × action matrix</h2>
{% if matrix %}
<table>
<tr><th>Action</th><th>Actor</th><th>Signed</th><th>Expected</th><th>Actual</th><th></th></tr>
{% for r in matrix %}
<tr><td>{{ r.action }}</td><td>{{ r.actor }}</td><td>{{ r.signed }}</td><td class="mono">{{ r.expected }}</td>
<td class="mono">{{ r.actual }}</td><td class="st {{ 'pass' if r.ok else 'fail' }}">{{ "✔" if r.ok else "✘" }}</td></tr>
{% endfor %}
</table>
{% else %}<p class="notrun">Not run (no matrix/role_action.json).</p>{% endif %}

<h2 id="fuzz">Fuzzing</h2>
{% if fuzz %}
<table><tr><th>Endpoint</th><th>Examples</th></tr>
{% for endpoint, n in fuzz.examples %}<tr><td class="mono">{{ endpoint }}</td><td>{{ n }}</td></tr>{% endfor %}
</table><p>5xx responses: <b>{{ fuzz.five_xx }}</b></p>
{% else %}<p class="notrun">Not run (no fuzz/summary.json).</p>{% endif %}

<h2 id="stress">Stress and load</h2>
{% if concurrency %}
<table>
<tr><th>Checker</th><th>Valid</th><th>Ops</th><th>Winners</th><th>Anomalies</th><th>Explanation</th><th>Evidence</th></tr>
{% for r in concurrency %}
<tr><td>{{ r.name }}</td><td class="st {{ 'pass' if r.ok else 'fail' }}">{{ r.valid }}</td><td>{{ r.ops }}</td><td>{{ r.winners }}</td>
<td class="mono">{{ r.anomalies }}</td><td>{{ r.explain }}</td>
<td>{% for l in r.links %}<a href="{{ l.href }}">{{ l.label }}</a>{% if not loop.last %}<br>{% endif %}{% else %}—{% endfor %}</td></tr>
{% endfor %}
</table>
{% else %}<p class="notrun">Concurrency checker: not run.</p>{% endif %}
{% if load %}<p>Load: {{ load }}{% for l in load_links %} · <a href="{{ l.href }}">{{ l.label }}</a>{% endfor %}</p>
{% else %}<p class="notrun">Load: not run.</p>{% endif %}
{% if load_rows %}
<table>
<tr>{% for h in load_header %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in load_rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}
</table>
{% endif %}
{% for f in figures %}
<figure><img alt="{{ f.title }}" src="{{ f.data_uri }}"><figcaption>{{ f.title }}</figcaption></figure>
{% endfor %}

<h2 id="failures">Failed tests</h2>
{% if failures %}
{% for t in failures %}
<details><summary><span class="mono">{{ t.nodeid }}</span> — <span class="{{ t.outcome | css }}">{{ t.outcome }}</span>: {{ t.short_reason() }}</summary>
<pre class="mono">{% if t.text|length > 3000 %}… (start cut; the full output is in pytest.log)
{% endif %}{{ t.text[-3000:] }}</pre></details>
{% endfor %}
{% if pytest_log %}<p>Full output: <a href="{{ pytest_log.href }}">{{ pytest_log.label }}</a></p>{% endif %}
{% else %}<p>None.</p>{% endif %}

<h2 id="environment">Environment</h2>
<table>
<tr><th>PostgreSQL</th><td>{{ env.postgres_version or "—" }}</td></tr>
<tr><th>Harness version</th><td>{{ env.harness_version or "—" }}</td></tr>
<tr><th>System under test</th><td>{{ env.sut or "—" }}</td></tr>
<tr><th>Target</th><td>{{ env.target or "—" }}</td></tr>
<tr><th>Network</th><td>{{ env.network or "—" }}</td></tr>
<tr><th>DSN (redacted)</th><td class="mono">{{ env.dsn_redacted or "—" }}</td></tr>
<tr><th>Suites</th><td>{{ env.suites or "—" }}</td></tr>
</table>
{% if migrations %}
<table>
<tr><th>Migration</th><th>Name</th><th>sha256</th></tr>
{% for m in migrations %}<tr><td>{{ m.version }}</td><td>{{ m.name }}</td><td class="mono">{{ m.sha256 }}</td></tr>{% endfor %}
</table>
{% else %}<p class="notrun">No migrations recorded.</p>{% endif %}
{% if steps %}
<table>
<tr><th>Step</th><th>Status</th><th>Seconds</th></tr>
{% for s in steps %}<tr><td>{{ s.name }}</td><td>{{ s.status }}</td><td>{{ s.seconds }}</td></tr>{% endfor %}
</table>
{% endif %}
{% if problems %}<p class="fail">Unreadable inputs: {{ problems | join("; ") }}</p>{% endif %}
<p>Files: {% for l in files %}<a href="{{ l.href }}">{{ l.label }}</a>{% if not loop.last %} · {% endif %}{% else %}none{% endfor %}</p>
</body>
</html>
"""
