"""Prediction rows for the results table and the CSV/JSON export (plain Python, no Qt)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from irgroups_gui.model_info import model_identity

DECISION_RULE = "present when the ensemble mean probability >= the group's threshold"


def cautions(pred) -> list[str]:
    """The prediction's cautions, plus the novelty check when the model made one."""
    out = list(pred.warnings or [])
    if pred.in_domain is False and not any(w.startswith("outside what the model was trained on") for w in out):
        score = f" (novelty {pred.novelty:.2f})" if pred.novelty is not None else ""
        out.append(f"unlike the spectra the model was trained on{score}; treat with care")
    return out


def prediction_row(entry, names) -> dict:
    """One spectrum: file, name, phase, error, cautions, present groups, probabilities, spread."""
    p = entry.prediction
    row = {"file": entry.path, "name": entry.name, "error": (p.error if p else "pending") or "",
           "phase": p.phase if p else "", "phase_source": p.phase_source if p else "",
           "cautions": cautions(p) if p is not None and p.ok else []}
    if p is not None and p.ok:
        row |= {"present": p.present_groups(names),
                "probabilities": {n: round(float(v), 4) for n, v in zip(names, p.mean)},
                "spread": {n: round(float(v), 4) for n, v in zip(names, p.std)},
                "in_domain": p.in_domain, "novelty": None if p.novelty is None else float(p.novelty),
                "corrections": [c["text"] for c in p.corrections], "undetermined": dict(p.undetermined)}
    return row


def export_document(entries, bundle) -> dict:
    """Everything the export writes: the model, the decision rule with its thresholds, the rows."""
    names = tuple(bundle.group_names)
    ident = model_identity(bundle)
    return {"model": ident["name"], "model_version": ident["version"], "model_path": ident["path"],
            "decision_rule": DECISION_RULE,
            "thresholds": {n: round(float(t), 4) for n, t in zip(names, bundle.thresholds)},
            "predictions": [prediction_row(e, names) for e in entries]}


def file_name(path: str) -> str:
    """The name of an entry's file, shown beside the spectrum's title (full path: `entry.path`)."""
    return Path(path).name


def default_file_name(entry, fmt: str, fallback: str) -> str:
    """What a save dialog proposes: the spectrum's own file name with the export's suffix, else
    `fallback` (no spectrum selected)."""
    if entry is None:
        return f"{fallback}.{fmt}"
    return f"{Path(entry.path.split(' #')[0]).stem}.{fmt}"


def write_predictions(path: str | Path, entries, bundle) -> int:
    """Write a .json or .csv (by suffix; anything else is CSV); returns the number of rows."""
    doc = export_document(entries, bundle)
    names = list(doc["thresholds"])
    if Path(path).suffix.lower() == ".json":
        Path(path).write_text(json.dumps(doc, indent=1))
        return len(doc["predictions"])
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "file", "phase", "error", "present", "cautions", "corrections", "undetermined",
                    "in_domain", "novelty", "model", "model_version", "decision_rule"] + [f"p_{n}" for n in names] + [f"sd_{n}" for n in names]
                   + [f"threshold_{n}" for n in names])
        for r in doc["predictions"]:
            probs = [r["probabilities"][n] for n in names] if "probabilities" in r else [""] * len(names)
            sds = [r["spread"][n] for n in names] if "spread" in r else [""] * len(names)
            w.writerow([r["name"], r["file"], r["phase"], r["error"], ";".join(r.get("present", [])),
                        " | ".join(r["cautions"]), " | ".join(r.get("corrections", [])),
                        " | ".join(f"{g}: {why}" for g, why in r.get("undetermined", {}).items()),
                        "" if r.get("in_domain") is None else str(r["in_domain"]).lower(),
                        "" if r.get("novelty") is None else f"{r['novelty']:.3f}", doc["model"], doc["model_version"], doc["decision_rule"]]
                       + probs + sds + list(doc["thresholds"].values()))
    return len(doc["predictions"])
