"""The command line as a reader runs it: ``python -m rmtdyn`` in a fresh interpreter.

The other command-line tests call ``rmtdyn.cli.main`` in-process (the ``cli`` fixture of
``conftest.py``); these two check the real entry point, its output stream and exit status,
and that the in-process fixture reports the same.
"""

import json

import rmtdyn as rd

ARGS = ("predict", "--c", "0.5", "--mu2", "4", "--sigma2", "0.1", "--alpha", "0.01",
        "--t", "0", "100", "inf", "--json")


def test_predict_json_subprocess(cli_subprocess, cli):
    r = cli_subprocess(*ARGS)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["t"] == [0.0, 100.0, "inf"]
    pr = rd.predict(rd.Problem(c=0.5, mu2=4, sigma2=0.1, alpha=0.01), [0, 100])
    assert out["test_error"][:2] == pr.test_error.tolist()
    same = cli(*ARGS)
    assert (same.returncode, same.stdout, same.stderr) == (r.returncode, r.stdout, r.stderr)


def test_bad_input_exits_2_subprocess(cli_subprocess, cli):
    args = ("predict", "--c", "-1", "--mu2", "4", "--t", "1")
    r = cli_subprocess(*args)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "--c" in r.stderr and "Traceback" not in r.stderr
    same = cli(*args)
    assert (same.returncode, same.stdout, same.stderr) == (r.returncode, r.stdout, r.stderr)
