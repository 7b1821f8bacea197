"""Which model is loaded, what it was trained on, how well it does."""
from __future__ import annotations

import html

from PySide6.QtWidgets import QPushButton, QTextBrowser, QVBoxLayout, QWidget

from irgroups_gui.session import Session


def model_card_html(session: Session) -> str:
    b = session.bundle
    if b is None:
        return "<p>Loading the model…</p>"
    r = b.record
    rows = [("file", b.path), ("members (seeds)", len(b.members)), ("recipe", r.get("recipe", "?")),
            ("trained", r.get("date", "?")), ("software", r.get("software", "?")),
            ("dataset", r.get("dataset", "?")), ("dataset hash", str(r.get("dataset_hash", "?"))[:16]),
            ("split seed", r.get("split_seed", "?")), ("best epochs", r.get("epochs", "?")),
            ("input grid", f"{b.grid.start:.0f}-{b.grid.stop:.0f} cm-1, {b.grid.n} points")]
    out = ["<h2>Model</h2><table cellspacing=4>"]
    out += [f"<tr><td><b>{html.escape(str(k))}</b></td><td>{html.escape(str(v))}</td></tr>" for k, v in rows]
    out.append("</table>")
    tm = r.get("test_metrics")
    if tm:
        e, m = tm["ensemble"], tm["members_mean"]
        out.append("<h3>Test split</h3><table cellspacing=4>"
                   "<tr><th></th><th>molecular F1</th><th>perfection</th></tr>"
                   f"<tr><td>ensemble of {len(b.members)}</td><td>{e['molecular_f1']:.3f}</td>"
                   f"<td>{e['molecular_perfection']:.3f}</td></tr>"
                   f"<tr><td>single members (mean ± sd)</td><td>{m['molecular_f1']:.3f} ± {m['molecular_f1_sd']:.3f}</td>"
                   f"<td>{m['molecular_perfection']:.3f} ± {m['molecular_perfection_sd']:.3f}</td></tr>"
                   "<tr><td>paper (Rieger et al. 2023)</td><td>0.895</td><td>0.59</td></tr></table>")
    out.append("<h3>Groups and thresholds</h3><table cellspacing=3>")
    out += [f"<tr><td>{html.escape(n)}</td><td><code>{html.escape(s)}</code></td><td>{t:.2f}</td></tr>"
            for n, s, t in zip(b.group_names, b.group_smarts, b.thresholds)]
    out.append("</table>")
    return "".join(out)


class ModelCard(QWidget):
    def __init__(self, session: Session, load_model, parent=None):
        super().__init__(parent)
        self.session = session
        self.text = QTextBrowser()
        self.load = QPushButton("Load another model…")
        self.load.clicked.connect(load_model)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.load)
        session.model_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.text.setHtml(model_card_html(self.session))
