"""No learner string is ever run as code: every call site that could evaluate a string
(sympify, Matrix, S, lambdify, eval, exec, ...) is reviewed, and hostile strings in every
container reach nothing but gradlib.symbolic.parse."""

import ast
import os
import pathlib

import numpy as np
import pytest

import gradlib as gl
from gradlib import chain, check, functions, shapes, symbolic

PACKAGE = pathlib.Path(gl.__file__).parent

# Names that turn a string into running code, or hand a string to sympify (which evals).
WATCHED = {
    "sympify",
    "S",
    "Matrix",
    "ImmutableMatrix",
    "MutableDenseMatrix",
    "lambdify",
    "parse_expr",
    "eval",
    "exec",
    "compile",
    "__import__",
}
BUILTINS = {"eval", "exec", "compile", "__import__"}

# (module, function) -> why no raw learner string can reach the watched calls in it.
# "<module>" is module level; methods are "Class.method". Moving code between files only
# changes the module part of a key.
ALLOWED = {
    ("gradlib.symbolic", "_as_expr"): "sympify of a number, checked with isinstance just before",
    ("gradlib.symbolic", "as_matrix"): "the gate itself: entries are parse() results, sympy "
    "expressions or numbers (via _as_expr), or a sympy Matrix",
    ("gradlib.symbolic", "gradient"): "entries of the Matrix from _prepare (as_matrix)",
    ("gradlib.symbolic", "jacobian"): "entries of the Matrix from _prepare (as_matrix)",
    ("gradlib.symbolic", "derivative"): "entries of the Matrix from _prepare (as_matrix)",
    ("gradlib.symbolic", "hessian"): "sympy.diff results of the Matrix from _prepare",
    ("gradlib.symbolic", "LambdifiedMatrix.__init__"): "the Matrix and Symbols from _prepare: "
    "parsed entries, resolved variables",
    ("gradlib.chain", "_column"): "the sympy Matrix of a catalogue entry (isinstance checked)",
    ("gradlib.chain", "_symbolic_chain"): "Matrix of the variables: Symbols from _column",
    ("gradlib.check", "_symbolic_truth"): "a sympy Matrix given as f, and the variables: Symbols "
    "from resolve_variables",
    ("gradlib.check", "_truth"): "expected is a sympy expression (isinstance checked)",
    ("gradlib.check", "_sympy_number"): "expr is a sympy object: parsed, or given as sympy",
    ("gradlib.functions", "_constant"): "the catalogue's literal float matrices",
    ("gradlib.functions", "_entry"): "the catalogue's literal sympy expressions",
    ("gradlib.functions", "<module>"): "Matrix of the catalogue's Symbols",
    ("gradlib.exercises", "_exprs"): "entries are symbolic.parse results",
    ("gradlib.exercises", "_formulas_at"): "entries are symbolic.parse results",
    ("gradlib.exercises", "_matrix_truth"): "sympy.diff results, and numbers from the exercise's "
    "own problem data converted with float() first (the direction d, the quadratic model's "
    "gradient, Hessian and step)",
    (
        "gradlib.topics.numeric_vs_symbolic",
        "problem",
    ): "expr is symbolic.parse of the built-in PROBLEMS",
    ("gradlib.topics.numeric_vs_symbolic", "agreement"): "expr is symbolic.parse(text)",
    ("gradlib.symbolic", "flatten"): "the entries of a sympy Array jacobian/gradient built",
}


def _module_name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _watched_sites(path):
    """(function, name, line) of every use of a watched name (annotations aside)."""
    tree = ast.parse(path.read_text())
    sympy_aliases = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for a in node.names
        if a.name.split(".")[0] == "sympy"
    }
    from_sympy = {
        a.asname or a.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sympy")
        for a in node.names
    }
    annotations = {
        id(n)
        for node in ast.walk(tree)
        for ann in (
            [node.annotation]
            if isinstance(node, (ast.AnnAssign, ast.arg))
            else [node.returns]
            if isinstance(node, ast.FunctionDef)
            else []
        )
        if ann is not None
        for n in ast.walk(ann)
    }
    sites = []

    def visit(node, scope):
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = scope + [child.name]
            if id(child) not in annotations:
                if (
                    isinstance(child, ast.Attribute)
                    and child.attr in WATCHED
                    and isinstance(child.value, ast.Name)
                    and child.value.id in sympy_aliases
                ):
                    name = f"{child.value.id}.{child.attr}"
                elif (
                    isinstance(child, ast.Name)
                    and isinstance(child.ctx, ast.Load)
                    and child.id in WATCHED
                    and (child.id in from_sympy or child.id in BUILTINS)
                ):
                    name = child.id
                else:
                    name = None
                if name and not (isinstance(node, ast.Attribute) and node.value is child):
                    sites.append((".".join(scope) or "<module>", name, child.lineno))
            visit(child, inner)

    visit(tree, [])
    return sites


def _all_sites():
    return {
        (_module_name(path), function, name, line)
        for path in sorted(PACKAGE.rglob("*.py"))
        for function, name, line in _watched_sites(path)
    }


def test_the_walker_sees_a_new_call_site(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import sympy as sp\nfrom sympy import sympify\n\n"
        "def f(text):\n    return sp.Matrix([text]), sympify(text), eval(text)\n\n"
        "x: sp.Matrix = None\ny = sp.S.One\n"
    )
    assert sorted(_watched_sites(bad)) == [
        ("f", "eval", 5),
        ("f", "sp.Matrix", 5),
        ("f", "sympify", 5),
    ]


def test_every_call_site_that_could_evaluate_a_string_is_reviewed():
    sites = _all_sites()
    assert len(sites) >= 20  # the walker reads the package
    unreviewed = sorted(
        f"{module}.{function} uses {name} (line {line})"
        for module, function, name, line in sites
        if (module, function) not in ALLOWED
    )
    assert not unreviewed, (
        "new call sites that could turn a string into code: route learner "
        "strings through gradlib.symbolic.parse (or as_matrix), then add "
        "(module, function) to ALLOWED with the reason:\n" + "\n".join(unreviewed)
    )


def test_the_allow_list_has_no_stale_entries():
    used = {(module, function) for module, function, _, _ in _all_sites()}
    assert sorted(set(ALLOWED) - used) == []


# ---------------------------------------------------------------------------- at run time

PAYLOAD = "__import__('os').environ.__setitem__('GRADLIB_PWNED', '1') or x"
CARRIERS = {
    "string": PAYLOAD,
    "list": [PAYLOAD],
    "nested list": [[PAYLOAD]],
    "tuple in list": [(PAYLOAD,)],
    "nested tuple": ((PAYLOAD,),),
    "three deep": [[[PAYLOAD]]],
    "mixed": [["x", PAYLOAD]],
    "object array": np.array([[PAYLOAD]], dtype=object),
    "dict": {"f": PAYLOAD},
}
ENTRY_POINTS = {
    "check.gradient f": lambda c: check.gradient([[1.0]], f=c, x=[1.0], variables="x"),
    "check.answer f": lambda c: check.answer([[1.0]], f=c, x=[1.0], variables="x"),
    "check.jacobian f": lambda c: check.jacobian([[1.0]], f=c, x=[1.0], variables="x"),
    "check.derivative f": lambda c: check.derivative([[1.0]], f=c, t=1.0, variables="x"),
    "check.answer given": lambda c: check.answer(c, [[1.0]], x=[1.0], variables="x"),
    "check.answer expected": lambda c: check.answer([[1.0]], c),
    "check.answer variables": lambda c: check.answer([[1.0]], f="x", x=[1.0], variables=c),
    "check.chain_product g1": lambda c: check.chain_product(
        [[1.0]], g2=["u"], g1=c, x=[1.0], variables="x", y_variables="u"
    ),
    "check.chain_product g2": lambda c: check.chain_product(
        [[1.0]], g2=c, g1=["x"], x=[1.0], variables="x", y_variables="x"
    ),
    "check.shape": lambda c: check.shape(c, (1, 1)),
    "exercise gradient": lambda c: gl.exercise("1.2").check(c),
    "exercise shape": lambda c: gl.exercise("1.4").check(c),
    "chain_rule g1": lambda c: gl.chain_rule(["u"], c, variables="x", y_variables="u", x=[1.0]),
    "chain_rule g2": lambda c: gl.chain_rule(c, ["x"], variables="x", y_variables="x", x=[1.0]),
    "chain_rule numeric": lambda c: gl.chain_rule(
        c, c, [1.0], mode="numeric", variables="x", y_variables="x"
    ),
    "symbolic.parse": lambda c: symbolic.parse(c),
    "symbolic.gradient": lambda c: symbolic.gradient(c, "x"),
    "symbolic.gradient variables": lambda c: symbolic.gradient("x", c),
    "symbolic.jacobian": lambda c: symbolic.jacobian(c, "x"),
    "symbolic.derivative": lambda c: symbolic.derivative(c, "x"),
    "symbolic.hessian": lambda c: symbolic.hessian(c, "x"),
    "symbolic.lambdify": lambda c: symbolic.lambdify(c, "x")([1.0]),
    "symbolic.LambdifiedMatrix": lambda c: symbolic.LambdifiedMatrix(c, "x")([1.0]),
    "symbolic.LambdifiedMatrix variables": lambda c: symbolic.LambdifiedMatrix(
        symbolic.as_matrix("x"), c
    ),
    "symbolic.as_matrix": lambda c: symbolic.as_matrix(c),
    "symbolic.symbols": lambda c: symbolic.symbols(c),
    "functions.get": lambda c: functions.get(c),
    "shapes.as_point": lambda c: shapes.as_point(c),
    "shapes.diagnose": lambda c: shapes.diagnose([("A", c), ("B", (1, 1))]),
    "chain.Chain": lambda c: chain.Chain([c], [1.0]),
    "gl.jacobian": lambda c: gl.jacobian(c, [1.0]),
}


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_hostile_strings_in_any_container_never_run(entry, monkeypatch):
    monkeypatch.delenv("GRADLIB_PWNED", raising=False)
    for name, carrier in CARRIERS.items():
        try:
            ENTRY_POINTS[entry](carrier)
        except Exception:  # noqa: BLE001  refusing is fine; running the code is not
            pass
        assert "GRADLIB_PWNED" not in os.environ, f"{entry} ran the code inside a {name}"
