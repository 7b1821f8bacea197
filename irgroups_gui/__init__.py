"""The IR Groups desktop app.

Importing the app sets two variables (unless the user has set them) before torch and Qt start,
for the app and the processes it spawns (which inherit the environment), so that no helper
thread competes for the cores the window needs:
- `OMP_WAIT_POLICY=PASSIVE`: OpenMP threads waiting for work sleep instead of spinning. With two
  other busy processes, training while clicking through files, the longest event-loop gap was
  60-102 ms with spinning threads and 42 ms with sleeping ones (README, Speed).
- `QT_NO_GUI_THREADPOOL=1`: Qt converts and scales images on the GUI thread instead of
  splitting each conversion over a thread pool and waiting for it. On a busy machine the pool's
  threads wait for a core, and the GUI thread waits for them: loading 200 files with two busy
  processes, a 6 ms repaint took up to 75 ms (docs/responsiveness.md, Big loads)."""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
