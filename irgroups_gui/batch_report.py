"""The batch summary report: one self-contained HTML document with a row per spectrum of the list
(file, phase, groups found with their probabilities, undetermined groups, novelty, cautions and a
thumbnail embedded as a PNG), from the rows File > Export predictions writes. Plain Python: the
thumbnails (PNG bytes) come from the caller."""
from __future__ import annotations

import base64
import datetime as _dt
import html
import os
from collections import Counter
from pathlib import Path

from core.data.h5file import atomic_path
from irgroups_gui.export import file_name

THUMB_SIZE = (240, 90)  # width, height in pixels of each row's spectrum drawing


def groups_found(row: dict) -> list[tuple[str, float]]:
    """(group, probability) of the present groups, most probable first."""
    probs = row.get("probabilities", {})
    return sorted(((g, probs[g]) for g in row.get("present", [])), key=lambda gp: -gp[1])


def novelty_text(row: dict) -> str:
    """'in domain (0.12)', 'novel (0.83)' or 'not checked' (the model makes no novelty check)."""
    if row.get("in_domain") is None:
        return "not checked"
    score = f" ({row['novelty']:.2f})" if row.get("novelty") is not None else ""
    return ("in domain" if row["in_domain"] else "novel: unlike the training spectra") + score


def _common_folder(files: list[str]) -> str:
    folders = [str(Path(f.split(" #")[0]).parent) for f in files]
    try:
        return os.path.commonpath(folders) if folders else ""
    except ValueError:  # different drives
        return ""


def _cell_groups(row: dict) -> str:
    found = groups_found(row)
    return "<br>".join(f"{html.escape(g)} {p:.2f}" for g, p in found) or "<i>none</i>"


def _row_html(k: int, row: dict, png: bytes | None) -> str:
    esc = html.escape
    w, h = THUMB_SIZE
    thumb = (f"<img width={w} height={h} alt='spectrum' src='data:image/png;base64,"
             f"{base64.b64encode(png).decode('ascii')}'>" if png else "-")
    name = (f"<b>{esc(file_name(row['file']))}</b>"
            + (f"<br><small>{esc(row['name'])}</small>" if row["name"] != file_name(row["file"]) else ""))
    if row["error"]:
        why = "not classified yet" if row["error"] == "pending" else f"could not be read: {row['error']}"
        return (f"<tr><td>{k}</td><td>{thumb}</td><td>{name}</td>"
                f"<td colspan=5 class=error>{esc(why)}</td></tr>")
    phase = esc(row["phase"] or "unknown") + (f" <small>({esc(row['phase_source'])})</small>" if row["phase_source"] else "")
    undetermined = "<br>".join(f"{esc(g)}: {esc(why)}" for g, why in row.get("undetermined", {}).items()) or "-"
    novel = novelty_text(row)
    cautions = "<br>".join(esc(c) for c in row["cautions"]) or "-"
    return (f"<tr><td>{k}</td><td>{thumb}</td><td>{name}</td><td>{phase}</td>"
            f"<td class=groups>{_cell_groups(row)}</td><td>{undetermined}</td>"
            f"<td{' class=error' if row.get('in_domain') is False else ''}>{esc(novel)}</td>"
            f"<td><small>{cautions}</small></td></tr>")


def batch_report_html(doc: dict, thumbnails: list[bytes | None]) -> str:
    """The report as one HTML document (no external files). `doc` is export.export_document's
    (model, decision rule, a row per spectrum); `thumbnails` has one PNG (or None) per row."""
    esc = html.escape
    rows = doc["predictions"]
    ok = [r for r in rows if not r["error"]]
    failed = sum(1 for r in rows if r["error"] and r["error"] != "pending")
    pending = len(rows) - len(ok) - failed
    tally = Counter(g for r in ok for g in r.get("present", []))
    folder = _common_folder([r["file"] for r in rows])
    out = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>IR Groups batch report</title>"
           "<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
           "td,th{padding:4px 6px;border:1px solid #ccc;vertical-align:top}th{background:#eee;text-align:left}"
           ".groups{color:#b43c28;font-weight:bold}.error{color:#b22}small{color:#666}</style></head><body>",
           f"<h1>IR Groups batch report: {len(rows)} spectra</h1>",
           f"<p>Folder: <code>{esc(folder or '-')}</code><br>"
           f"Classified: {len(ok)}; could not be read: {failed}"
           f"{f'; not classified yet: {pending}' if pending else ''}<br>"
           f"Model: {esc(str(doc['model']))}, version {esc(str(doc['model_version']))}<br>"
           f"Decision rule: {esc(doc['decision_rule'])}<br>"
           f"Written {_dt.datetime.now(_dt.timezone.utc).isoformat(timespec='seconds')}</p>",
           "<p>Groups found: " + (esc(", ".join(f"{g} {n}" for g, n in tally.most_common())) or "none") + "</p>",
           "<table border=1 cellspacing=0 cellpadding=4><tr><th>#</th><th>spectrum</th><th>file</th><th>phase</th>"
           "<th>groups found (probability)</th><th>undetermined</th><th>novelty</th><th>cautions</th></tr>"]
    out += [_row_html(k, r, png) for k, (r, png) in enumerate(zip(rows, thumbnails), start=1)]
    out.append("</table><p><small>IR Groups: explainable CNN of Rieger, Wilson &amp; Flores, Digital Discovery "
               "2023 (doi:10.1039/d3dd00203a).</small></p></body></html>")
    return "".join(out)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` so that a reader (or a cancelled or failed write) never sees half a file."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
