"""Which model is loaded (its file), what it was trained on, how well it does per group
(Table 1), and a way to load another model or go back to the default one."""
from __future__ import annotations

import html

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from irgroups_gui.model_info import is_default, model_identity
from irgroups_gui.reliability import group_reliability
from irgroups_gui.session import Session


def reliability_table_html(bundle) -> str:
    """Table 1: per-group test precision, recall, F1 (and support), one block per phase when recorded."""
    record = bundle.record or {}
    phases = [None] + sorted((record.get("test_metrics") or {}).get("by_phase") or {})
    out = []
    for phase in phases:
        rel = group_reliability(record, phase)
        if rel is None or (phase is not None and phase not in rel[0]):
            continue
        where, groups = rel
        out.append(f"<h3>Table 1: per group ({html.escape(where)})</h3><table cellspacing=4>"
                   "<tr><th align=left>group</th><th>threshold</th><th>precision</th><th>recall</th><th>F1</th>"
                   "<th>with the group</th></tr>")
        for name, t in zip(bundle.group_names, bundle.thresholds):
            g = groups.get(name, {})
            cells = "".join(f"<td align=right>{g[k]:.3f}</td>" if isinstance(g.get(k), float) else "<td>-</td>"
                            for k in ("precision", "recall", "f1"))
            out.append(f"<tr><td>{html.escape(name)}</td><td align=right>{t:.2f}</td>{cells}"
                       f"<td align=right>{g.get('support', '-')}</td></tr>")
        out.append("</table>")
    if not out:
        return "<h3>Table 1: per group</h3><p>This model's record has no per-group test metrics.</p>"
    return "".join(out)


def network_summary(bundle) -> str:
    """The latent matrix the evidence is read from, and the layers behind it."""
    from core.nn.model import count_parameters, receptive_field

    m, cfg = bundle.members[0], bundle.config
    size, jump, _ = receptive_field(m.encoder)
    return (f"{cfg.channels[-1]} pattern channels x {m.n_positions} windows of {size} input points "
            f"(every {jump}); conv channels {', '.join(map(str, cfg.channels))}, kernel {cfg.kernel}; "
            f"{count_parameters(m):,} parameters per member")


def model_card_html(session: Session) -> str:
    b = session.bundle
    if b is None:
        return "<p>Loading the model…</p>"
    r = b.record
    ident = model_identity(b)
    rows = [("model", ident["name"]), ("file", ident["path"] or "not saved yet (Train tab: Save model…)"),
            ("version", ident["version"]), ("members (seeds)", len(b.members)), ("recipe", r.get("recipe", "?")),
            ("trained", r.get("date", "?")), ("software", r.get("software", "?")),
            ("dataset", r.get("dataset", "?")), ("dataset hash", str(r.get("dataset_hash", "?"))[:16]),
            ("split seed", r.get("split_seed", "?")), ("best epochs", r.get("epochs", "?")),
            ("input grid", f"{b.grid.start:.0f}-{b.grid.stop:.0f} cm-1, {b.grid.n} points"),
            ("network", network_summary(b)),
            ("dense heads", ", ".join(b.config.heads) + " (chosen by each spectrum's phase)" if b.config.heads
             else "one for all phases")]
    out = ["<h2>Model</h2><table cellspacing=4>"]
    out += [f"<tr><td><b>{html.escape(str(k))}</b></td><td>{html.escape(str(v))}</td></tr>" for k, v in rows]
    out.append("</table>")
    tm = r.get("test_metrics") or {}
    if {"molecular_f1", "molecular_perfection"} <= set(tm.get("ensemble", {})) and tm.get("members_mean"):
        e, m = tm["ensemble"], tm["members_mean"]
        out.append("<h3>Test split</h3><table cellspacing=4>"
                   "<tr><th></th><th>molecular F1</th><th>perfection</th></tr>"
                   f"<tr><td>ensemble of {len(b.members)}</td><td>{e['molecular_f1']:.3f}</td>"
                   f"<td>{e['molecular_perfection']:.3f}</td></tr>"
                   f"<tr><td>single members (mean ± sd)</td><td>{m['molecular_f1']:.3f} ± {m['molecular_f1_sd']:.3f}</td>"
                   f"<td>{m['molecular_perfection']:.3f} ± {m['molecular_perfection_sd']:.3f}</td></tr>"
                   "<tr><td>paper (Rieger et al. 2023)</td><td>0.895</td><td>0.59</td></tr></table>")
    out.append(reliability_table_html(b))
    out.append("<h3>Groups (SMARTS)</h3><table cellspacing=3>")
    out += [f"<tr><td>{html.escape(n)}</td><td><code>{html.escape(s)}</code></td></tr>"
            for n, s in zip(b.group_names, b.group_smarts)]
    out.append("</table>")
    return "".join(out)


class ModelCard(QWidget):
    def __init__(self, session: Session, load_model, use_default, parent=None):
        super().__init__(parent)
        self.session = session
        self.text = QTextBrowser()
        self.load = QPushButton("Load another model…")
        self.load.clicked.connect(load_model)
        self.default = QPushButton("Use the default model")
        self.default.clicked.connect(use_default)
        buttons = QHBoxLayout()
        buttons.addWidget(self.load)
        buttons.addWidget(self.default)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text, 1)
        lay.addLayout(buttons)
        session.model_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.text.setHtml(model_card_html(self.session))
        b = self.session.bundle
        self.default.setEnabled(b is not None and not is_default(b))
