"""Searches in separate processes: without tensorboard, killed and resumed, distributed."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
SCRIPT = str(HERE / "search_script.py")


def _env(**extra):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(HERE))
    for name in ("KERASTUNER_TUNER_ID", "KERASTUNER_ORACLE_IP", "KERASTUNER_ORACLE_PORT"):
        env.pop(name, None)
    env.update(extra)
    return env


def _events(log):
    return [line.split() for line in Path(log).read_text().splitlines()]


NO_TENSORBOARD = """
import sys
sys.modules["tensorboard"] = None  # makes `import tensorboard` fail, as where it is not installed
import json, keras_tuner as kt
from tuner_helpers import build_mlp, mlp_data
from keras_boost.tuners import Tuner
x, y = mlp_data()
tuner = Tuner(build_mlp, max_trials=1, directory="{d}", project_name="ours")
tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
raw = kt.RandomSearch(build_mlp, objective="val_loss", max_trials=1,
                      max_consecutive_failed_trials=1, directory="{d}", project_name="raw")
try:
    raw.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    raw_error = None
except RuntimeError as error:
    raw_error = str(error)
print(json.dumps({{"ours": [r["status"] for r in tuner.results()], "raw_error": raw_error}}))
"""


def test_search_runs_without_tensorboard(tmp_path):
    out = subprocess.run([sys.executable, "-c", NO_TENSORBOARD.format(d=tmp_path)],
                         env=_env(), capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["ours"] == ["COMPLETED"]
    assert "tensorboard" in result["raw_error"]  # upstream fails every trial without it


def test_search_killed_mid_trial_resumes_without_rerunning_finished_trials(tmp_path):
    log = tmp_path / "fits.log"
    command = [sys.executable, SCRIPT, str(tmp_path), str(log), "--max-trials", "3"]
    first = subprocess.Popen([*command, "--hang-on-fit", "2"], env=_env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if log.exists() and [e[1] for e in _events(log)] == ["begin", "end", "begin"]:
            break
        assert first.poll() is None, "the search ended before it could be killed"
        time.sleep(0.2)
    else:
        first.kill()
        pytest.fail("the second trial never started")
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed = _events(log)[-1][2]

    second = subprocess.run(command, env=_env(), capture_output=True, text=True, timeout=240)
    assert second.returncode == 0, second.stderr[-3000:]
    events = _events(log)
    begins = Counter(key for _, event, key in events if event == "begin")
    ends = Counter(key for _, event, key in events if event == "end")
    assert len(ends) == 3 and set(ends.values()) == {1}  # three trials, each finished once
    assert begins[killed] == 2 and sum(begins.values()) == 4  # only the killed one re-ran

    from tuner_helpers import build_mlp

    from keras_boost.tuners import Tuner

    rows = Tuner(build_mlp, strategy="grid", max_trials=3, directory=str(tmp_path),
                 project_name="search").results()
    assert [r["status"] for r in rows] == ["COMPLETED"] * 3


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_distributed_chief_and_two_workers_on_loopback(tmp_path):
    log, results = tmp_path / "fits.log", tmp_path / "results.json"
    net = {"KERASTUNER_ORACLE_IP": "127.0.0.1", "KERASTUNER_ORACLE_PORT": str(_free_port())}
    command = [sys.executable, SCRIPT, str(tmp_path), str(log)]
    chief = subprocess.Popen([*command, "--results", str(results)],
                             env=_env(KERASTUNER_TUNER_ID="chief", **net),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    workers = [subprocess.Popen(command, env=_env(KERASTUNER_TUNER_ID=f"tuner{i}", **net),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for i in (0, 1)]
    try:
        outputs = [w.communicate(timeout=240) for w in workers]
        _, chief_err = chief.communicate(timeout=60)
    finally:
        for process in (chief, *workers):
            if process.poll() is None:
                process.kill()
    assert chief.returncode == 0, chief_err[-3000:]
    assert all(w.returncode == 0 for w in workers), [err[-3000:] for _, err in outputs]

    rows = json.loads(results.read_text())
    assert len(rows) == 4 and {r["status"] for r in rows} == {"COMPLETED"}  # the 2 x 2 grid
    events = _events(log)
    ran = Counter(key for _, event, key in events if event == "end")
    assert len(ran) == 4 and set(ran.values()) == {1}  # every point run once
    by_worker = {(tuner_id, key) for tuner_id, event, key in events if event == "end"}
    from_chief = {(r["tuner_id"], f"{r['hyperparameters']['units']}-"
                                  f"{r['hyperparameters']['learning_rate']:g}") for r in rows}
    assert from_chief == by_worker  # the chief's results agree with what each worker ran
    progress = "".join(out for out, _ in outputs)
    assert progress.count("Trial ") == 4
