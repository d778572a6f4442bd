"""Saving: a model folder is complete or absent, for readers and writers alike."""

import paratag


WRITER = """
import sys
from paratag.formats import read_labelled
from paratag.models import KeywordRules
from paratag.tagger import Tagger
docs = read_labelled(sys.argv[2])
tagger = Tagger(KeywordRules().fit(docs, [d.labels for d in docs]))
for _ in range(int(sys.argv[3])):
    tagger.save_pretrained(sys.argv[1])
"""


def test_readers_never_see_a_half_saved_folder_and_killed_writers_leave_nothing(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from conftest import DATA

    folder = tmp_path / "model"
    data = str(DATA / "authored" / "it")
    subprocess.run([sys.executable, "-c", WRITER, str(folder), data, "1"], check=True)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder), data, "20"]) for _ in range(2)]
    loads = 0
    while any(w.poll() is None for w in writers):
        assert paratag.load(folder).predict(["Donate now"]) in (["fundraising"], ["other"], ["core"])
        loads += 1
    assert all(w.returncode == 0 for w in writers)  # two writers at once: neither crashes
    assert loads > 0
    # a writer killed in the middle of its saves leaves a temporary folder; the next save removes it
    killed = subprocess.Popen([sys.executable, "-c", WRITER, str(folder), data, "100000"])
    while not list(tmp_path.glob(".model.*.tmp")):
        time.sleep(0.01)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    subprocess.run([sys.executable, "-c", WRITER, str(folder), data, "1"], check=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    paratag.load(folder)
