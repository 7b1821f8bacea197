"""A self-contained HTML report for one spectrum: the figure (embedded PNG), the probabilities
with each group's recorded reliability, the strongest evidence windows of each present group,
the cautions, and the model's name and version."""
from __future__ import annotations

import base64
import datetime as _dt
import html

import numpy as np

from irgroups_gui.export import DECISION_RULE, cautions
from irgroups_gui.model_info import model_identity
from irgroups_gui.reliability import group_reliability, no_skill

TOP_WINDOWS = 3


def strongest_windows(terms: np.ndarray, explainer, group: int, top: int = TOP_WINDOWS) -> list[tuple[float, float, float]]:
    """(wn_lo, wn_hi, evidence) of the windows with the largest positive evidence for `group`,
    summed over channels and averaged over members."""
    per_window = explainer.evidence(None, group, terms).per_window  # calibrated scale when calibrated
    order = [int(i) for i in np.argsort(-per_window)[:top] if per_window[i] > 0]
    f = explainer.fields
    return [(float(f.wn_lo[i]), float(f.wn_hi[i]), float(per_window[i])) for i in order]


def _fmt(v) -> str:
    return f"{v:.2f}" if isinstance(v, float) and not np.isnan(v) else "-"


def report_html(entry, bundle, explainer, terms: np.ndarray, figure_png: bytes) -> str:
    """The report as one HTML document (no external files)."""
    p = entry.prediction
    ident = model_identity(bundle)
    rel = group_reliability(bundle.record, p.phase)
    where, groups = rel if rel else ("not recorded with this model", {})
    esc = html.escape
    out = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>IR Groups report: {esc(entry.name)}</title>"
           "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
           "td,th{padding:2px 8px;border-bottom:1px solid #ddd}.present{color:#b43c28;font-weight:bold}</style>"
           "</head><body>",
           f"<h1>{esc(entry.name)}</h1>",
           f"<p>File: <code>{esc(entry.path)}</code><br>Phase: {esc(p.phase or 'unknown')}"
           f"{' (' + esc(p.phase_source) + ')' if p.phase_source else ''}<br>"
           f"Model: {esc(ident['name'])}, version {esc(ident['version'])}, {ident['members']} members"
           f"{'<br>Model file: <code>' + esc(ident['path']) + '</code>' if ident['path'] else ''}<br>"
           f"Decision rule: {esc(DECISION_RULE)}<br>"
           f"Written {_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds')}</p>",
           f"<img alt='figure' style='max-width:100%' src='data:image/png;base64,"
           f"{base64.b64encode(figure_png).decode('ascii')}'>"]
    warn = cautions(p)
    out.append("<h2>Cautions</h2>" + ("<ul>" + "".join(f"<li>{esc(w)}</li>" for w in warn) + "</ul>"
                                      if warn else "<p>None.</p>"))
    done = [c["text"] for c in p.corrections]
    out.append("<h2>Corrections</h2>" + ("<ul>" + "".join(f"<li>{esc(c)}</li>" for c in done) + "</ul>"
                                         if done else "<p>None applied.</p>"))
    out.append(f"<h2>Probabilities</h2><p>Reliability: {esc(where)}.</p><table><tr><th align=left>group</th>"
               "<th>probability</th><th>spread (sd)</th><th>threshold</th><th>decision</th><th>precision</th>"
               "<th>recall</th><th>F1</th></tr>")
    unskilled = no_skill(bundle.record, p.phase)
    for j, name in enumerate(bundle.group_names):
        g = groups.get(name, {})
        present = bool(p.present[j])
        decision = f"undetermined: {p.undetermined[name]}" if name in p.undetermined else \
            "present" if present else "absent"
        if name in unskilled:
            decision += f" (caution: {unskilled[name]})"
        out.append(f"<tr{' class=present' if present else ''}><td>{esc(name)}</td><td>{p.mean[j]:.3f}</td>"
                   f"<td>{p.std[j]:.3f}</td><td>{bundle.thresholds[j]:.2f}</td>"
                   f"<td>{esc(decision)}</td><td>{_fmt(g.get('precision'))}</td>"
                   f"<td>{_fmt(g.get('recall'))}</td><td>{_fmt(g.get('f1'))}</td></tr>")
    out.append("</table><h2>Strongest evidence per present group</h2>")
    present_groups = [j for j in range(len(bundle.group_names)) if p.present[j]]
    if not present_groups:
        out.append("<p>No group is present.</p>")
    else:
        out.append("<table><tr><th align=left>group</th><th align=left>windows (cm-1) and evidence "
                   "(summed over channels, ensemble mean)</th></tr>")
        for j in present_groups:
            wins = "; ".join(f"{lo:.0f}-{hi:.0f}: {v:+.2f}" for lo, hi, v in strongest_windows(terms, explainer, j))
            out.append(f"<tr><td>{esc(bundle.group_names[j])}</td><td>{esc(wins) or '-'}</td></tr>")
        out.append("</table>")
    out.append("<p style='color:#777'>IR Groups: explainable CNN of Rieger, Wilson &amp; Flores, Digital "
               "Discovery 2023 (doi:10.1039/d3dd00203a).</p></body></html>")
    return "".join(out)
