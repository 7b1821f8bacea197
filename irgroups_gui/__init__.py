"""The IR Groups desktop app.

Importing the app sets `OMP_WAIT_POLICY=PASSIVE` (unless the user has set it) before torch is
loaded, for the app and the training process it spawns (which inherits the environment): OpenMP
threads waiting for work then sleep instead of spinning on the cores the window needs. With two
other busy processes, training while clicking through files, the longest event-loop gap was
60-102 ms with spinning threads and 42 ms with sleeping ones (README, Speed)."""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
