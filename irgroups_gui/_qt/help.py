"""Help menu pages: About (version, citation, licences), keyboard shortcuts, how to read the heatmaps."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget


def about_html() -> str:
    import PySide6
    import pyqtgraph

    from core import __version__

    return (f"<h2>IR Groups {__version__}</h2>"
            "<p>Which of 17 functional groups a molecule has, from its infrared spectrum, and why: an "
            "explainable 1-D CNN ensemble whose evidence sums exactly to each decision.</p>"
            "<h3>Please cite</h3><p>J. Rieger, J. Wilson, R. Flores, \"Understanding the patterns that neural "
            "networks learn from chemical spectra\", <i>Digital Discovery</i> 2, 1957-1968 (2023), "
            "doi:10.1039/d3dd00203a.<br>Training data: P.J. Linstrom and W.G. Mallard (eds.), NIST Chemistry "
            "WebBook, NIST Standard Reference Database 69: gas-phase spectra from the NIST/EPA Gas-Phase "
            "Infrared Database; condensed-phase (liquid, KBr, mull, solution) spectra from the Coblentz "
            "Society's evaluated infrared reference spectra collection, as distributed in NIST SRD 69. The "
            "water-vapour and CO2 references of the atmospheric compensation are derived from NIST SRD 69 "
            "gas-phase spectra.</p>"
            "<h3>Licences</h3><p>Built with PySide6 / Qt " + PySide6.__version__ + " (LGPLv3), pyqtgraph "
            + pyqtgraph.__version__ + " (MIT), PyTorch (BSD-3-Clause), NumPy and SciPy (BSD-3-Clause), RDKit "
            "(BSD-3-Clause), h5py (BSD-3-Clause), safetensors (Apache-2.0). The bundled model's weights are "
            "derived from NIST data; see README.</p>")


def shortcuts_html(actions) -> str:
    """A table of the menu actions that have shortcuts."""
    rows = "".join(f"<tr><td><b>{a.shortcut().toString()}</b></td><td>{a.text().replace('&', '').rstrip('…')}</td></tr>"
                   for a in actions if not a.shortcut().isEmpty())
    return f"<h2>Keyboard shortcuts</h2><table cellspacing=4>{rows}</table>"


HEATMAPS_HTML = """<h2>How to read the heatmaps</h2>
<p>The network turns a spectrum into <b>channels</b> (pattern detectors; the model card gives how
many) x <b>windows</b> along the wavenumber axis. Each group's decision is a weighted sum of these
activations plus a bias, so every decision splits exactly into cells.</p>
<ul>
<li><b>Dense weights</b> (second row): for the selected group and ensemble member, how much each
channel-window cell pushes towards <span style='color:#b2182b'>present (red)</span> or
<span style='color:#2166ac'>absent (blue)</span> when that channel is active there. It is the same for
every spectrum.</li>
<li><b>Evidence</b> (third row): activation x weight for the current spectrum: what actually moved
this decision. Sum all cells and add the bias: you get the member's logit.</li>
<li><b>Evidence per window</b> (bottom): the evidence summed over channels and averaged over the
ensemble: where in the spectrum the decision came from.</li>
</ul>
<p>Hover a cell: its receptive field (the input points it sees) is shaded on the spectrum and the
patterns panel shows the windows of test spectra that excite that channel most. Click the spectrum:
the cells that see that wavenumber are outlined. The textbook bands of the selected group are shaded
orange; evidence inside them is what a spectroscopist would expect.</p>"""


def show_html(parent: QWidget, title: str, text: str) -> QDialog:
    """A non-modal dialog with rich text and a Close button."""
    dlg = QDialog(parent)
    dlg.setWindowTitle(title)
    view = QTextBrowser()
    view.setOpenExternalLinks(True)
    view.setHtml(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dlg.close)
    lay = QVBoxLayout(dlg)
    lay.addWidget(view)
    lay.addWidget(buttons)
    dlg.resize(620, 480)
    dlg.show()
    return dlg
