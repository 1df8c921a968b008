"""The keras-boost command: version, help, argument errors and the demo."""

import pytest

from keras_boost import __version__
from keras_boost.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "demo" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["demo", "--bogus"], ["nope"], ["demo", "--seed", "x"],
                                  ["demo", "--seed", "-1"], ["demo", "--seed", str(2**32)]])
def test_bad_arguments_exit_2_with_a_message(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err and "--help" in err


def test_output_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "report.txt"
    target.write_text("not a folder")
    with pytest.raises(SystemExit) as info:
        main(["demo", "--quick", "--output", str(target)])
    assert info.value.code == 2
    assert "not a folder" in capsys.readouterr().err


def test_output_that_cannot_be_written_exits_2_before_training(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("a file, so nothing can be created under it")
    assert main(["demo", "--quick", "--output", str(blocker / "sub")]) == 2
    assert "cannot write the report into --output" in capsys.readouterr().err


@pytest.mark.slow
def test_quick_demo_writes_report_plots_and_a_smaller_model(tmp_path, capsys, monkeypatch):
    import keras_boost.demo as demo

    results = []
    real_run = demo.run_demo
    monkeypatch.setattr(demo, "run_demo", lambda **kw: results.append(real_run(**kw)))
    assert main(["demo", "--quick", "--output", str(tmp_path / "out")]) == 0
    report = (tmp_path / "out" / "report.md").read_text()
    for png in ("learning_curves.png", "sparsity.png"):
        assert (tmp_path / "out" / png).read_bytes().startswith(b"\x89PNG")
        assert png in report
    assert "test accuracy" in report and "diagnosis" in capsys.readouterr().out
    baseline, boosted = results[0].runs
    assert baseline.test_accuracy >= 0.90
    assert boosted.test_accuracy >= 0.80
    assert boosted.extra["diagnosis"] in {"good_fit", "overfitting", "underfitting",
                                          "diverging", "inconclusive"}
    baseline_kib = float(baseline.extra["zipped size (KiB)"])
    boosted_kib = float(boosted.extra["zipped size (KiB)"])
    assert boosted_kib * 3 <= baseline_kib
