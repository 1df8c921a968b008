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


@pytest.mark.parametrize("argv", [["demo", "--bogus"], ["nope"], ["demo", "--seed", "x"]])
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


@pytest.mark.slow
def test_quick_demo_writes_report_and_plot(tmp_path, capsys):
    assert main(["demo", "--quick", "--output", str(tmp_path / "out")]) == 0
    report = (tmp_path / "out" / "report.md").read_text()
    png = (tmp_path / "out" / "learning_curves.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert "test accuracy" in report and "learning_curves.png" in report
    assert "test accuracy" in capsys.readouterr().out


@pytest.mark.slow
def test_quick_demo_reaches_090_test_accuracy(tmp_path):
    from keras_boost.demo import run_demo

    result = run_demo(tmp_path, quick=True, seed=1)
    assert all(run.test_accuracy >= 0.90 for run in result.runs)
    assert all(run.epochs >= 1 for run in result.runs)
