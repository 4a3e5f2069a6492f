"""Bad input gets a clear ValueError naming the argument; the CLI keeps its contract."""

import json

import numpy as np
import pytest

import rmtdyn as rd

BAD_PROBLEMS = [
    (dict(c=0.0, mu2=1.0), "c"),
    (dict(c=-1.0, mu2=1.0), "c"),
    (dict(c=float("nan"), mu2=1.0), "c"),
    (dict(c=float("inf"), mu2=1.0), "c"),
    (dict(c=0.5, mu2=0.0), "mu2"),
    (dict(c=0.5, mu2=-2.0), "mu2"),
    (dict(c=0.5, mu2=1.0, sigma2=-0.1), "sigma2"),
    (dict(c=0.5, mu2=1.0, sigma2=float("nan")), "sigma2"),
    (dict(c=0.5, mu2=1.0, alpha=0.0), "alpha"),
    (dict(c=0.5, mu2=1.0, alpha=-0.01), "alpha"),
    (dict(c=0.5, mu2=1.0, pi=1.0), "pi"),
    (dict(c=0.5, mu2=1.0, pi=0.0), "pi"),
    (dict(p=10, mu2=1.0), "p and n"),
    (dict(p=0, n=10, mu2=1.0), "p"),
    (dict(p=10.5, n=10, mu2=1.0), "p"),
    (dict(p=10, n=20, c=0.7, mu2=1.0), "c must equal p/n"),
    (dict(mu2=1.0), "c"),
    (dict(c="half", mu2=1.0), "c"),
    (dict(p=10, n=4, mu2=1.0, pi=0.1), "class"),
]


@pytest.mark.parametrize("kwargs,needle", BAD_PROBLEMS)
def test_bad_problem_parameters(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        rd.Problem(**kwargs)


def test_bad_times_and_dynamics():
    pb = rd.Problem(c=0.5, mu2=4.0)
    for t, needle in [([1, -1], ">= 0"), ([np.nan], "NaN"), ([[1, 2]], "1-D"), ([], "at least one"),
                      (["x"], "number")]:
        with pytest.raises(ValueError, match=needle):
            rd.predict(pb, t)
    with pytest.raises(ValueError, match="whole numbers"):
        rd.predict(pb, [1.5], dynamics="gd")
    with pytest.raises(ValueError, match="dynamics"):
        rd.predict(pb, [1.0], dynamics="adam")
    with pytest.raises(ValueError, match="inf"):
        rd.predict_contour(pb, [np.inf])


def test_unstable_gd_step_is_refused_by_theory_and_simulation():
    pb = rd.Problem(c=0.5, mu2=4.0, alpha=2 / 5.625)  # exactly 2 / lambda_s
    with pytest.raises(ValueError, match="unstable"):
        rd.predict(pb, [10], dynamics="gd")
    rd.predict(pb, [10], dynamics="flow")  # the flow has no step-size limit
    with pytest.raises(ValueError, match="unstable"):
        rd.simulate(rd.Problem(p=20, n=40, mu2=4.0, alpha=0.4), [10], runs=1, seed=0, dynamics="gd")


def test_bad_arrays():
    X = np.ones((3, 4))
    y = np.array([1.0, -1, 1, -1])
    with pytest.raises(ValueError, match="y must have shape"):
        rd.dynamics.weights(X, y[:3], np.zeros(3), alpha=0.1, t=[1])
    with pytest.raises(ValueError, match="w0 must have shape"):
        rd.dynamics.weights(X, y, np.zeros(4), alpha=0.1, t=[1])
    with pytest.raises(ValueError, match="finite"):
        rd.dynamics.weights(X * np.nan, y, np.zeros(3), alpha=0.1, t=[1])
    with pytest.raises(ValueError, match="labels"):
        rd.dynamics.weights(X, y * 2, np.zeros(3), alpha=0.1, t=[1])
    with pytest.raises(TypeError, match="rng"):  # SPEC 7: int, Generator or None
        rd.data.gaussian_mixture(3, 4, 1.0, rng=0.5)
    with pytest.raises(ValueError, match="simulate needs"):
        rd.simulate(rd.Problem(c=0.5, mu2=1.0), [1], runs=1, seed=0)
    with pytest.raises(ValueError, match="runs"):
        rd.simulate(rd.Problem(p=4, n=8, mu2=1.0), [1], runs=0, seed=0)



def test_cli_predict_json_contract(cli):
    r = cli("predict", "--c", "0.5", "--mu2", "4", "--sigma2", "0.1", "--alpha", "0.01",
             "--t", "0", "10", "100", "1000", "inf", "--json")
    assert r.returncode == 0, r.stderr
    assert "NaN" not in r.stdout and "Infinity" not in r.stdout
    out = json.loads(r.stdout)
    assert set(out) == {"t", "test_error", "train_error", "E", "V", "E_train", "V_train"}
    assert out["t"] == [0.0, 10.0, 100.0, 1000.0, "inf"]
    pr = rd.predict(rd.Problem(c=0.5, mu2=4, sigma2=0.1, alpha=0.01), [0, 10, 100, 1000, np.inf])
    assert np.allclose(out["test_error"], pr.test_error, rtol=0, atol=1e-15)
    # c = 1 at t = inf: V is infinite and written as a string
    r = cli("predict", "--c", "1", "--mu2", "4", "--t", "inf", "--json")
    assert json.loads(r.stdout)["V"] == ["inf"] and json.loads(r.stdout)["test_error"] == [0.5]


def test_cli_predict_gd_reads_steps(cli):
    r = cli("predict", "--c", "0.5", "--mu2", "4", "--alpha", "0.1", "--t", "0", "5", "inf",
             "--dynamics", "gd", "--json")
    out = json.loads(r.stdout)
    pr = rd.predict(rd.Problem(c=0.5, mu2=4, alpha=0.1), [0, 5, np.inf], dynamics="gd")
    assert np.allclose(out["E"], pr.E, rtol=0, atol=1e-15)


def test_cli_simulate_json_contract(cli):
    r = cli("simulate", "--p", "32", "--n", "64", "--mu2", "4", "--sigma2", "0.1", "--alpha", "0.01",
             "--t", "0", "10", "100", "--runs", "5", "--seed", "0", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"t", "test_error_mean", "test_error_sem", "train_error_mean", "train_error_sem"}
    sim = rd.simulate(rd.Problem(p=32, n=64, mu2=4, sigma2=0.1, alpha=0.01), [0, 10, 100], runs=5, seed=0)
    assert np.allclose(out["test_error_mean"], sim.test_error_mean, rtol=0, atol=1e-15)


@pytest.mark.parametrize("args,needle", [
    (["predict", "--c", "0", "--mu2", "4", "--t", "1"], "--c"),
    (["predict", "--c", "-1", "--mu2", "4", "--t", "1"], "--c"),
    (["predict", "--c", "abc", "--mu2", "4", "--t", "1"], "--c"),
    (["predict", "--c", "0.5", "--mu2", "4", "--sigma2", "-1", "--t", "1"], "--sigma2"),
    (["predict", "--c", "0.5", "--mu2", "4", "--alpha", "0", "--t", "1"], "--alpha"),
    (["predict", "--c", "0.5", "--mu2", "4", "--alpha", "1", "--t", "1", "--dynamics", "gd"], "unstable"),
    (["predict", "--c", "0.5", "--mu2", "4", "--t", "1", "ten"], "--t"),
    (["predict", "--c", "0.5", "--mu2", "4", "--t", "-3"], "--t"),
    (["predict", "--c", "0.5", "--mu2", "4", "--t", "1.5", "--dynamics", "gd"], "whole numbers"),
    (["simulate", "--p", "0", "--n", "10", "--mu2", "4", "--t", "1"], "--p"),
    (["simulate", "--p", "10", "--n", "20", "--mu2", "4", "--t", "inf"], "finite"),
    (["simulate", "--p", "10", "--n", "20", "--mu2", "4", "--t", "1", "--runs", "0"], "--runs"),
])
def test_cli_bad_input_one_line_no_traceback(args, needle, cli):
    r = cli(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert needle in lines[0]


# --- every public theory function names the argument it rejects (issue 13, item 4) -------------

_PB = rd.Problem(c=0.5, mu2=4.0, sigma2=0.1, alpha=0.01)
_THEORY_CALLS = [  # (function, args, kwargs, argument named in the message)
    (rd.limits, ("x",), {}, "problem"),
    (rd.predict, ("x", [1.0]), {}, "problem"),
    (rd.predict, (_PB, "x"), {}, "t"),
    (rd.predict, (_PB, [1.0]), {"rtol": "x"}, "rtol"),
    (rd.predict, (_PB, [1.0]), {"nodes": 3}, "nodes"),
    (rd.predict_contour, ("x", [1.0]), {}, "problem"),
    (rd.error_rate, ("x", 1.0), {}, "mean"),
    (rd.error_rate, (1.0, "x"), {}, "second_moment"),
    (rd.theory.cauchy_schwarz_bound, (None,), {}, "problem"),
    (rd.theory.components, ("x", [1.0]), {}, "problem"),
    (rd.theory.optimal_stopping, ("x",), {}, "problem"),
    (rd.theory.optimal_stopping, (_PB,), {"points": "x"}, "points"),
    (rd.theory.sigma2_sweep, ("x", [0.1]), {}, "problem"),
    (rd.theory.sigma2_sweep, (_PB, "x"), {}, "sigma2"),
    (rd.theory.sigma2_sweep, (_PB, [-1.0]), {}, "sigma2"),
    (rd.theory.optimal_map, ("x", [4.0]), {}, "c"),
    (rd.theory.optimal_map, ([0.5], [-4.0]), {}, "mu2"),
    (rd.theory.ridge_errors, ("x", [1.0]), {}, "problem"),
    (rd.theory.ridge_errors, (_PB, "x"), {}, "gamma"),
    (rd.theory.optimal_ridge, (3,), {}, "problem"),
    (rd.theory.effective_gamma, ("x", [1.0]), {}, "problem"),
    (rd.theory.bayes_threshold, ("x", 1.0), {"pi": 0.3}, "mean"),
    (rd.theory.bayes_threshold, (1.0, 1.0), {"pi": "x"}, "pi"),
    (rd.theory.class_errors, (1.0, "x"), {"pi": 0.3}, "variance"),
    (rd.theory.class_errors, (1.0, 1.0), {"pi": 0.3, "threshold": "x"}, "threshold"),
    (rd.quadrature.rule_report, ("x", [1.0]), {}, "problem"),
    (rd.covariance.predict, ("x", rd.covariance.Covariance.identity(4), [1.0]), {}, "problem"),
]


@pytest.mark.parametrize("fn,args,kwargs,name", _THEORY_CALLS,
                         ids=[f"{c[0].__name__}-{c[3]}" for c in _THEORY_CALLS])
def test_theory_functions_name_the_bad_argument(fn, args, kwargs, name):
    with pytest.raises((TypeError, ValueError), match=name):
        fn(*args, **kwargs)


def test_results_compare_and_read_like_dicts():
    pr = rd.predict(_PB, [0.0, 10.0, np.inf])
    assert pr == pr and pr == rd.predict(_PB, [0.0, 10.0, np.inf])
    assert pr != rd.predict(_PB, [0.0, 11.0, np.inf])
    assert pr["E"] is pr.E
    lim = rd.limits(_PB)
    assert lim == rd.limits(_PB) and lim["V"] == lim.V and dict(lim)["E"] == lim.E
    assert list(lim) == ["E", "V", "E_train", "V_train", "test_error", "train_error"]
    with pytest.raises(KeyError):
        lim["nope"]
    with pytest.raises(AttributeError):  # frozen
        lim.E = 1.0
    ridge = rd.theory.ridge_errors(_PB, [0.0, np.inf])
    assert ridge == rd.theory.ridge_errors(_PB, [0.0, np.inf])   # NaN entries compare equal
    assert ridge.as_dict()["E"][1] is None and rd.predict(_PB, [np.inf]).as_dict()["t"] == ["inf"]


def test_quadrature_warns_naming_the_setting_when_capped():
    pb = rd.Problem(c=1.0, mu2=1.0, alpha=0.01)
    with pytest.warns(rd.quadrature.QuadratureWarning, match="c=1.*alpha=0.01"):
        rd.predict(pb, [1e9], nodes=65)
