"""Command line: quick numbers from the theory and from simulation.

::

    python -m rmtdyn predict  --c 0.5 --mu2 4 --sigma2 0.1 --alpha 0.01 --t 0 10 100 1000 inf [--dynamics flow|gd] [--gamma 0] [--pi 0.5] [--json]
    python -m rmtdyn simulate --p 256 --n 512 --mu2 4 --sigma2 0.1 --alpha 0.01 --t 0 10 100 1000 --runs 50 --seed 0 [--dynamics flow|gd] [--gamma 0] [--pi 0.5] [--json]
    python -m rmtdyn optimal  --c 0.5 --mu2 4 --sigma2 0.1 --alpha 0.01 [--dynamics flow|gd] [--gamma 0] [--pi 0.5] [--json]

``--json`` prints one strict-JSON object (infinite numbers as the string
``"inf"``).  ``--gamma`` adds the ridge penalty :math:`\\frac\\gamma2\\|w\\|^2` to the
loss.  With ``--pi`` other than 0.5 the output also holds the Bayes threshold
of the test statistic and the per-class errors at it (class 1 has label -1 and
proportion 1 - pi, class 2 label +1 and proportion pi).  Bad input exits with status 2 and a one-line message saying what is
wrong and what is allowed.
"""

import argparse
import math
import sys

import numpy as np

from ._json import dumps, to_jsonable
from .montecarlo import simulate
from .params import Problem
from .theory import bayes_threshold, cauchy_schwarz_bound, class_errors, optimal_stopping, predict

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump, no traceback
        self.exit(2, f"{self.prog}: error: {message}\n")


def _number(name, allowed, check):
    def parse(text):
        try:
            x = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number ({allowed}); got {text!r}") from None
        if math.isnan(x) or not check(x):
            raise argparse.ArgumentTypeError(f"{name} must satisfy {allowed}; got {text!r}")
        return x
    return parse


def _integer(name, minimum):
    def parse(text):
        try:
            x = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number >= {minimum}; got {text!r}") from None
        if x < minimum:
            raise argparse.ArgumentTypeError(f"{name} must be a whole number >= {minimum}; got {text!r}")
        return x
    return parse


def _time(text):
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--t takes times >= 0 or 'inf'; got {text!r}") from None
    if math.isnan(x) or x < 0:
        raise argparse.ArgumentTypeError(f"--t takes times >= 0 or 'inf'; got {text!r}")
    return x


def _common(sp, times=True):
    sp.add_argument("--mu2", required=True, type=_number("--mu2", "mu2 = ||mu||^2 > 0", lambda x: 0 < x < math.inf))
    sp.add_argument("--sigma2", default=0.0, type=_number("--sigma2", "a variance >= 0", lambda x: 0 <= x < math.inf))
    sp.add_argument("--alpha", default=0.01, type=_number("--alpha", "learning rate alpha > 0", lambda x: 0 < x < math.inf))
    sp.add_argument("--pi", default=0.5, type=_number("--pi", "class proportion 0 < pi < 1", lambda x: 0 < x < 1))
    sp.add_argument("--gamma", default=0.0, type=_number("--gamma", "ridge penalty gamma >= 0",
                                                         lambda x: 0 <= x < math.inf))
    if times:
        sp.add_argument("--t", required=True, nargs="+", type=_time,
                        help="times (flow) or step counts (gd); 'inf' for the limit")
    sp.add_argument("--dynamics", choices=("flow", "gd"), default="flow",
                    help="gradient flow exp(-alpha t x) or discrete GD (1 - alpha x)^k")
    sp.add_argument("--json", action="store_true", help="print one strict-JSON object")


def build_parser():
    parser = _Parser(prog="rmtdyn", description="Dynamics of learning by random matrix theory.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    pr = sub.add_parser("predict", help="asymptotic test/training error at the given times")
    pr.add_argument("--c", required=True, type=_number("--c", "c = p/n > 0", lambda x: 0 < x < math.inf))
    _common(pr)
    si = sub.add_parser("simulate", help="Monte-Carlo test/training error at the given times")
    si.add_argument("--p", required=True, type=_integer("--p", 1))
    si.add_argument("--n", required=True, type=_integer("--n", 2))
    si.add_argument("--runs", default=50, type=_integer("--runs", 1))
    si.add_argument("--seed", default=0, type=_integer("--seed", 0))
    _common(si)
    op = sub.add_parser("optimal", help="optimal stopping time and error, and the t = inf errors")
    op.add_argument("--c", required=True, type=_number("--c", "c = p/n > 0", lambda x: 0 < x < math.inf))
    _common(op, times=False)
    return parser


def _table(columns):
    names = list(columns)
    rows = zip(*(columns[k] for k in names))
    widths = [max(12, len(k) + 2) for k in names]
    out = ["".join(f"{k:>{w}}" for k, w in zip(names, widths))]
    for row in rows:
        out.append("".join(f"{'—' if v is None else (v if isinstance(v, str) else f'{v:.6g}'):>{w}}"
                           for v, w in zip(row, widths)))
    return "\n".join(out)


def _class_fields(E, V, pi, *, E_train=None, V_train=None, suffix=""):
    """Bayes threshold of the test statistic and the per-class errors at it (chapter 9)."""
    tau = bayes_threshold(E, V, pi=pi)
    te = class_errors(E, V, pi=pi, threshold=tau)
    out = {"threshold": tau, "test_error_c1": te["error_c1"], "test_error_c2": te["error_c2"],
           "test_error_bayes": te["error"]}
    if E_train is not None:
        tr = class_errors(E_train, V_train - E_train ** 2, pi=pi, threshold=tau)
        out.update(train_error_c1=tr["error_c1"], train_error_c2=tr["error_c2"])
    return {k + suffix: to_jsonable(np.atleast_1d(np.asarray(v, dtype=float))) for k, v in out.items()}


def main(argv=None):
    """Entry point of ``python -m rmtdyn``; returns the exit status.

    ``argv`` is the list of arguments (``sys.argv[1:]`` when ``None``).
    """
    if argv is not None and (isinstance(argv, str) or not all(isinstance(a, str) for a in argv)):
        raise TypeError(f"argv must be a list of strings or None; got {argv!r}")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "predict":
            problem = Problem(c=args.c, mu2=args.mu2, sigma2=args.sigma2, alpha=args.alpha, pi=args.pi,
                              gamma=args.gamma)
            pr = predict(problem, np.array(args.t), dynamics=args.dynamics)
            result = pr.as_dict()
            if args.pi != 0.5:
                result.update(_class_fields(pr.E, pr.V, args.pi, E_train=pr.E_train, V_train=pr.V_train))
        elif args.command == "optimal":
            problem = Problem(c=args.c, mu2=args.mu2, sigma2=args.sigma2, alpha=args.alpha, pi=args.pi,
                              gamma=args.gamma)
            if args.dynamics == "gd":
                problem.check_gd_step()
            opt = optimal_stopping(problem, dynamics=args.dynamics)
            result = {k: [v] for k, v in to_jsonable(opt).items()}
            if args.pi != 0.5:
                if opt.t_opt == 0:  # the limit t -> 0+: only the ratio E / sqrt(V) matters
                    E, V = math.sqrt(cauchy_schwarz_bound(problem)), 1.0
                else:
                    pr = predict(problem, [opt.t_opt], dynamics=args.dynamics)
                    E, V = pr.E, pr.V
                result.update(_class_fields(E, V, args.pi, suffix="_opt"))
            if args.json:
                result = {k: v[0] for k, v in result.items()}
        else:
            if not all(math.isfinite(t) for t in args.t):
                raise ValueError("--t must be finite for simulate (inf is only for predict)")
            problem = Problem(p=args.p, n=args.n, mu2=args.mu2, sigma2=args.sigma2, alpha=args.alpha,
                              pi=args.pi, gamma=args.gamma)
            t = np.array(args.t)
            tau = 0.0
            if args.pi != 0.5:  # the theory's Bayes threshold, applied to every run
                if args.dynamics == "gd":
                    problem.check_gd_step()
                pr = predict(problem, t, dynamics=args.dynamics)
                tau = bayes_threshold(pr.E, pr.V, pi=args.pi)
            result = simulate(problem, t, runs=args.runs, seed=args.seed, dynamics=args.dynamics,
                              threshold=tau).as_dict(classes=args.pi != 0.5)
    except ValueError as exc:
        parser.exit(2, f"rmtdyn {args.command}: error: {exc}\n")
    if args.json:
        print(dumps(result))
    else:
        print(_table(result))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
