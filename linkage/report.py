"""The linkage-quality report of a release: one self-contained HTML file.

Built only from aggregates the release already wrote beside the lookup:
model charts (charts.json: Splink's match-weights and m/u charts, model
parameters only), linkage_metadata.json (counts, rates, graph flags) and, when
the drop has truth, evaluation.json and journey_evaluation.json. No row values
ever reach it. Splink's comparison viewer and cluster studio, which do show
records, are separate files in the same secure folder and only linked from here.
The charting JavaScript (vega, vega-lite, vega-embed) is inlined from Splink's
own copies, so the file opens with no network.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import splink

from xjs import atomic, layout

CHARTS_FILE = "charts.json"
JS_DIR = Path(splink.__file__).parent / "internals" / "files" / "external_js"
JS_FILES = ("vega@5.31.0", "vega-lite@5.2.0", "vega-embed@6.20.2")


def save_model_charts(linker, out_dir: Path) -> None:
    """Splink's match-weights and m/u charts as vega-lite specs (model parameters only)."""
    charts = {
        "match_weights": linker.visualisations.match_weights_chart().chart_dict,
        "m_u_parameters": linker.visualisations.m_u_parameters_chart().chart_dict,
    }
    atomic.write_text(Path(out_dir) / CHARTS_FILE, json.dumps(charts, default=str))


def _read(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4f}" if v <= 1 else f"{v:,.1f}"
    if isinstance(v, int):
        return f"{v:,}"
    return html.escape(str(v))


def _table(header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _chart(div: str, spec: dict) -> str:
    return (
        f'<div id="{div}"></div><script>vegaEmbed("#{div}", {json.dumps(spec, default=str)},'
        " {actions: false});</script>"
    )


def _bar(values: list[dict], x: str, y: str, title: str) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {"values": values},
        "mark": "bar",
        "encoding": {
            "x": {"field": x, "type": "ordinal", "sort": None},
            "y": {"field": y, "type": "quantitative"},
        },
    }


def _band_start(label: str) -> int:
    """The smallest size in a size band label: '1', '3-4', '100+' -> 1, 3, 100."""
    return int(label.split("-")[0].rstrip("+"))


def _sizes_chart(cluster_sizes: dict[str, int]) -> dict:
    """Persons per size band, bands in order of size (the metadata JSON sorts them as text)."""
    bands = sorted(cluster_sizes, key=_band_start)
    values = [{"size": band, "persons": cluster_sizes[band]} for band in bands]
    return _bar(values, "size", "persons", "Cluster size distribution")


def _curve(curve: list[dict]) -> dict:
    values = [
        {"threshold": c["threshold"], "measure": m, "value": c[m]}
        for c in curve
        for m in ("precision", "recall", "bcubed_precision", "bcubed_recall")
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": "Precision and recall of persons over match-probability thresholds",
        "width": 600,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "threshold", "type": "ordinal"},
            "y": {"field": "value", "type": "quantitative", "scale": {"zero": False}},
            "color": {"field": "measure", "type": "nominal"},
        },
    }


def _overview(meta: dict) -> str:
    q = meta.get("quality", {})
    rows = [
        ["model version", meta.get("model_version")],
        ["records", meta["records"]],
        ["persons (default)", meta["persons"]],
        ["persons (high / low)", f"{meta['persons_high']:,} / {meta['persons_low']:,}"],
        ["pairs scored", meta["comparisons"]],
        ["comparisons per record", q.get("comparisons_per_record", "")],
        ["pairs held down by the relatives guard", q.get("guarded_pairs", "")],
        ["links at or above the default threshold", meta["links"]],
        *[[f"threshold {k}", v] for k, v in meta["thresholds"].items()],
        *[[f"persons {k} since the previous release", v] for k, v in meta["stable_ids"].items()],
        *[[f"training: {k}", v] for k, v in meta.get("training", {}).items()],
        ["seconds", meta.get("seconds")],
    ]
    rows += [[f"records: {s}", n] for s, n in meta["records_by_source"].items()]
    return _table(["measure", "value"], rows)


def _link_rates(rates: dict) -> str:
    rows = []
    for key, r in rates.items():
        a, b = key.split("|")
        if a == b:
            rows.append([a, "(duplicates within)", r["a_to_b"], ""])
        else:
            rows.append([a, b, r["a_to_b"], r["b_to_a"]])
    return _table(
        ["table A", "table B", "share of A's records with a B record", "share of B's with an A"],
        rows,
    )


def _accuracy(ev: dict) -> str:
    at = ev["at_thresholds"]
    rows = [
        [
            name,
            d["threshold"],
            d["pairwise"]["precision"],
            d["pairwise"]["recall"],
            d["pairwise"]["f1"],
            d["bcubed"]["precision"],
            d["bcubed"]["recall"],
            d["bcubed"]["f1"],
        ]
        for name, d in at.items()
    ]
    out = _table(
        [
            "clusters",
            "threshold",
            "precision",
            "recall",
            "F1",
            "B3 precision",
            "B3 recall",
            "B3 F1",
        ],
        rows,
    )
    b = ev["blocking"]
    out += "<h3>Blocking</h3>" + _table(
        ["measure", "value"],
        [
            ["pairs scored", b["comparisons"]],
            ["true pairs", b["true_pairs"]],
            ["true pairs scored (direct blocking recall)", b["direct_recall"]],
            ["reachable recall (persons from scored true pairs)", b["reachable_recall"]],
        ],
    )
    out += "<h3>By pair of sources (default threshold)</h3>" + _table(
        ["pair", "precision", "recall", "F1", "true pairs"],
        [
            [k, m["precision"], m["recall"], m["f1"], m["actual_positives"]]
            for k, m in ev["by_source_pair"].items()
        ],
    )
    rows = []
    for col, values in ev["subgroups"].items():
        for value, m in values.items():
            p, b3 = m["pairwise"], m["bcubed"]
            rows.append(
                [
                    col,
                    value,
                    m["records"],
                    p["precision"],
                    p["recall"],
                    b3["precision"],
                    b3["recall"],
                ]
            )
    out += "<h3>By subgroup (default threshold; pairs anchored at the group's records)</h3>"
    out += _table(
        ["group", "value", "records", "precision", "recall", "B3 precision", "B3 recall"], rows
    )
    return out


def _journey(j: dict) -> str:
    return _table(["measure", "value"], [[k, v] for k, v in j.items() if not isinstance(v, dict)])


CSS = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;
text-align:right}th{background:#eee}td:first-child,td:nth-child(2){text-align:left}"""


def write_report(out_dir: Path, release_id: str | None = None) -> Path:
    """Write out_dir/report.html from the aggregates present in out_dir (once per release:
    the linkage_report asset). Without truth there is no evaluation.json and no
    journey_evaluation.json: the report leaves out the accuracy sections."""
    out_dir = Path(out_dir)
    meta = _read(out_dir / layout.METADATA_FILE) or {}
    charts = _read(out_dir / CHARTS_FILE) or {}
    ev = _read(out_dir / layout.EVALUATION_FILE)
    journey = _read(out_dir / layout.JOURNEY_EVALUATION_FILE)
    js = "".join(f"<script>{(JS_DIR / f).read_text(encoding='utf-8')}</script>" for f in JS_FILES)
    title = f"Linkage quality report{' - release ' + release_id if release_id else ''}"
    parts = [f"<h1>{html.escape(title)}</h1>"]
    parts.append(
        "<p>Aggregates only: counts, rates and model parameters. The record-level "
        'dashboards <a href="comparison_viewer.html">comparison viewer</a> and '
        '<a href="cluster_studio.html">cluster studio</a> show record values and stay in '
        "this secure folder.</p>"
    )
    if meta:
        parts += ["<h2>Overview</h2>", _overview(meta)]
    for name, spec in charts.items():
        parts += [f"<h2>Model: {name.replace('_', ' ')}</h2>", _chart(name, spec)]
    q = meta.get("quality", {})
    if q:
        parts += ["<h2>Persons by number of records</h2>"]
        parts.append(_chart("sizes", _sizes_chart(q["cluster_sizes"])))
        parts += ["<h2>Suspect persons (graph metrics, default threshold)</h2>"]
        parts.append(_table(["measure", "value"], [[k, v] for k, v in q["graph"].items()]))
        parts += ["<h2>Link rates between sources, duplicate rates within</h2>"]
        parts.append(_link_rates(q["link_rates"]))
    if ev:
        parts += ["<h2>Accuracy against truth</h2>", _chart("curve", _curve(ev["curve"]))]
        parts.append(_accuracy(ev))
    if journey:
        parts += ["<h2>Magistrates to Crown Court journeys against truth</h2>", _journey(journey)]
    doc = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{CSS}</style>{js}</head><body>{''.join(parts)}</body></html>"
    )
    return atomic.write_text(out_dir / layout.REPORT_FILE, doc)
