"""``keras-boost diagnose RUN.csv``: output, the plot, and exit status 2 for bad files."""

import argparse
import subprocess
import sys

import pytest

from keras_boost import diagnose_cli


def write_run(path, epochs=40, header="epoch,accuracy,loss,val_accuracy,val_loss"):
    lines = [header]
    for e in range(epochs):
        loss, val = 1.0 / (1 + 0.2 * e), 0.5 + 0.002 * (e - 15) ** 2
        lines.append(f"{e},{1 - loss / 2},{loss},{1 - val / 2},{val}")
    path.write_text("\n".join(lines) + "\n")
    return path


def run_cli(*argv):
    return diagnose_cli.main([str(a) for a in argv])


def test_prints_the_diagnosis_and_report(tmp_path, capsys):
    assert run_cli(write_run(tmp_path / "run.csv")) == 0
    out = capsys.readouterr().out
    assert "40 epochs" in out and "Diagnosis: overfitting" in out and "Next steps" in out


def test_monitor_option_and_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    plot = tmp_path / "curves.png"
    assert run_cli(write_run(tmp_path / "run.csv"), "--monitor", "accuracy", "--plot", plot) == 0
    assert "Diagnosis: overfitting" in capsys.readouterr().out
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_unsupported_plot_extension_exits_2_with_a_message(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert run_cli(write_run(tmp_path / "run.csv"), "--plot", tmp_path / "out.xyz") == 2
    err = capsys.readouterr().err
    assert err.startswith("keras-boost diagnose: error:") and "'.xyz'" in err and ".png" in err
    assert not (tmp_path / "out.xyz").exists()


def test_plot_without_extension_is_a_png_and_reports_its_real_path(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    assert run_cli(write_run(tmp_path / "run.csv"), "--plot", tmp_path / "out") == 0
    written = tmp_path / "out.png"
    assert f"Plot written to {written}" in capsys.readouterr().out
    assert written.read_bytes()[:4] == b"\x89PNG" and not (tmp_path / "out").exists()


def test_csv_with_a_utf8_bom_is_read(tmp_path, capsys):
    path = write_run(tmp_path / "run.csv", header="epoch,accuracy,loss,val_accuracy,val_loss")
    rows = [line.split(",") for line in path.read_text().splitlines()]
    text = "\n".join(",".join([row[2], row[4], row[0]]) for row in rows)  # loss column first
    path.write_bytes("\ufeff".encode() + text.encode())  # what Excel writes
    assert run_cli(path) == 0
    assert "40 epochs" in capsys.readouterr().out


def test_na_cells_from_validation_freq_are_skipped(tmp_path, capsys):
    path = write_run(tmp_path / "run.csv")
    lines = path.read_text().splitlines()
    lines = [line if i % 2 == 0 or i == 0 else ",".join(line.split(",")[:3] + ["NA", "NA"])
             for i, line in enumerate(lines)]
    path.write_text("\n".join(lines) + "\n")
    assert run_cli(path) == 0
    assert "20 epochs" in capsys.readouterr().out


@pytest.mark.parametrize(("content", "message"), [
    ("", "is empty"),
    ("epoch,loss,val_loss\n", "no epochs"),
    ("epoch,loss\n0,1.0\n1,0.5\n", "no 'val_loss' values"),
    ("epoch,loss,val_loss\n0,1.0,abc\n", "line 2, column 'val_loss' holds 'abc'"),
    ("epoch,loss,val_loss\n0,1.0\n", "2 values for 3 columns"),
    ("epoch,loss,val_loss\ninf,1.0,1.0\n", "line 2, column 'epoch' holds 'inf'"),
    ("epoch,loss,val_loss\n0,1.0,1.0\n1.5,1.0,1.0\n", "line 3, column 'epoch' holds '1.5'"),
    ("\x89PNG\x00\xff\xfe", "is not a text CSV file"),
])
def test_bad_files_exit_2_with_a_message(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content.encode("latin-1"))
    assert run_cli(path) == 2
    err = capsys.readouterr().err
    assert err.startswith("keras-boost diagnose: error:") and message in err


def test_missing_file_exits_2(tmp_path, capsys):
    assert run_cli(tmp_path / "nope.csv") == 2
    assert "does not exist" in capsys.readouterr().err


def test_add_parser_registers_the_subcommand(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    diagnose_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["diagnose", str(write_run(tmp_path / "run.csv"))])
    assert args.handler(args) == 0
    assert "Diagnosis:" in capsys.readouterr().out


def test_runs_as_a_module_without_importing_tensorflow_for_a_bad_path(tmp_path):
    probe = ("import sys, keras_boost.diagnose_cli as cli; status = cli.main([sys.argv[1]]); "
             "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'; "
             "sys.exit(status)")
    done = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "missing.csv")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "does not exist" in done.stderr
