"""Symbolic derivatives with SymPy: a safe parser for typed formulas, derivatives as sympy Matrices.

Every derivative is a 2-D ``sympy.Matrix`` of shape (outputs x inputs), numerator
layout: ``gradient`` (1, n), ``derivative`` (m, 1), ``jacobian`` (m, n),
``hessian`` (n, n). ``lambdify`` turns any such matrix into a fast numpy
callable that returns the matrix's own shape, for one point or a batch.
With respect to a matrix of symbols W (p x q), ``jacobian`` and ``gradient``
give a ``sympy.Array`` of shape (m, p, q) (outputs first, then W's axes), and
``flatten`` turns it into the 2-D (m, p*q) Matrix with respect to vec(W).

Variables are real. ``parse`` and ``symbols`` make ``sympy.Symbol(name,
real=True)``: the lessons work on R^n, and with real symbols ``sqrt(x**2)`` is
``Abs(x)`` and the derivative of ``abs(x)`` is ``sign(x)``, not an expression
in ``re`` and ``im``. The catalogue in ``gradlib.functions`` uses the same
symbols, so ``parse("x^2 + y^2")`` and a catalogue entry share their ``x, y``.
"""

import ast
import keyword
import math
import operator
import re
import textwrap
import time
import unicodedata
import warnings
from collections import Counter
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import sympy

from .errors import GradlibError, ParseError, ShapeError, clip, echo
from .shapes import as_points

__all__ = [
    "parse",
    "symbols",
    "gradient",
    "jacobian",
    "derivative",
    "hessian",
    "lambdify",
    "LambdifiedMatrix",
    "as_matrix",
    "resolve_variables",
    "complexity",
    "Complexity",
    "check_deadline",
    "FUNCTIONS",
    "CONSTANTS",
]

# Limits that keep every operation on a typed formula (parse, derivatives, lambdify,
# comparison) well within a second, whatever the learner types. SymPy evaluates powers
# of integers eagerly (9**9**9**9 would never finish), so sizes are bounded before any
# number is built.
MAX_LENGTH = 500  # characters in a formula
MAX_PARENTHESES = 10  # nesting depth of ( ): differentiating (((x*x+1)*x+2)*x...) costs ~d^3
MAX_DEPTH = 100  # depth of the expression tree (-(-(-x)), (((x+1)*x+1)*x+1), ...);
#                          a chain a + b - c + ... or a * b / c ... is one level
MAX_DIGITS = 50  # digits in one number literal
MAX_EXPONENT = 1000  # |p| and q in a numeric exponent x^(p/q)
# Digits of any number the formula builds (numerator or denominator). SymPy factors
# numbers under a root (sqrt(12) -> 2*sqrt(3)); beyond ~100 digits that takes seconds.
MAX_NUMBER_DIGITS = 100
_NUMBER_LIMIT = 10**MAX_NUMBER_DIGITS
# Functions and roots of constants may not be nested (log(sin(2)), abs(sec(cosh(9)))):
# sympy decides signs of constants numerically, and for such towers that can take
# forever (sec(cosh(10^90)) needs 10^90 digits).
MAX_CONSTANT_NESTING = 1
# Functions and roots of variables. Building f(arg) makes SymPy ask about arg (is it
# zero, real, positive, algebraic?) and each question recurses through the functions
# inside arg; with real variables exp(0.5 - exp(0.5 - ...)) costs about 25 ms per
# function once nested, and a 50-deep tower took 5 s to parse and overflowed Python's
# stack when differentiated. Lessons nest 2 deep (log(1 + exp(x)), sigmoid(tanh(x))).
MAX_NESTING = 4  # sin(exp(sqrt(tanh(x)))) is as deep as functions and roots go
MAX_FUNCTIONS = 16  # functions and roots (x^0.5, x^y) in one formula
# The deepest expression tree these limits let a formula reach: 3 levels per parenthesis
# ((x^2*y+1)^2*y+2)^2*y..., a power tower x^x^x^x inside. A composition g2(g1(x)) in a
# symbolic chain is held to it (gradlib.chain).
MAX_TREE_DEPTH = 3 * MAX_PARENTHESES + MAX_NESTING + 2
# Seconds of computing for reading all the formulas of one operation (a list of formulas,
# the entries of an answer): each formula is quick, but a list of many is refused.
TIME_BUDGET = 1.0


def _sigmoid(u):
    return 1 / (1 + sympy.exp(-u))


# name -> (sympy builder, accepted numbers of arguments)
FUNCTIONS = {
    "sin": (sympy.sin, (1,)),
    "cos": (sympy.cos, (1,)),
    "tan": (sympy.tan, (1,)),
    "cot": (sympy.cot, (1,)),
    "sec": (sympy.sec, (1,)),
    "csc": (sympy.csc, (1,)),
    "asin": (sympy.asin, (1,)),
    "acos": (sympy.acos, (1,)),
    "atan": (sympy.atan, (1,)),
    "arcsin": (sympy.asin, (1,)),
    "arccos": (sympy.acos, (1,)),
    "arctan": (sympy.atan, (1,)),
    "atan2": (sympy.atan2, (2,)),
    "sinh": (sympy.sinh, (1,)),
    "cosh": (sympy.cosh, (1,)),
    "tanh": (sympy.tanh, (1,)),
    "asinh": (sympy.asinh, (1,)),
    "acosh": (sympy.acosh, (1,)),
    "atanh": (sympy.atanh, (1,)),
    "exp": (sympy.exp, (1,)),
    "log": (sympy.log, (1, 2)),
    "ln": (sympy.log, (1,)),
    "sqrt": (sympy.sqrt, (1,)),
    "abs": (sympy.Abs, (1,)),
    "sigmoid": (_sigmoid, (1,)),
}
CONSTANTS = {"pi": sympy.pi, "e": sympy.E}

ALLOWED = textwrap.fill(
    "Allowed: numbers (12, 0.5, 3e-4), variable names (x, y2, theta), + - * / ^ (or **), ( ), "
    "the functions " + ", ".join(sorted(FUNCTIONS)) + ", and the constants pi, e.",
    width=88,
)

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_DECIMAL = re.compile(r"(?P<mantissa>\d+\.?\d*|\.\d+)(?:[eE](?P<exponent>[+-]?\d+))?\Z")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_]\w*)|(?P<op>\*\*|//|.))"
)
_ASCII_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t+-*/^().,_")
_CHAR_HINTS = {
    "=": "a formula has no '=': type only the right-hand side (for f(x) = x^2 type x^2)",
    "'": "text in quotes is not mathematics",
    '"': "text in quotes is not mathematics",
    "[": "square brackets are not used: group with ( ), and name variables x1, x2 instead of x[1]",
    "]": "square brackets are not used: group with ( ), and name variables x1, x2 instead of x[1]",
    "{": "braces are not used: group with ( )",
    "}": "braces are not used: group with ( )",
    "!": "factorials are not supported",
    "%": "the remainder % is not supported",
    "@": "the matrix product @ is not part of a formula: write * for a product",
    "<": "comparisons are not formulas",
    ">": "comparisons are not formulas",
    "#": "comments are not allowed",
    ";": "type one formula, without ';'",
    ":": "':' is Python syntax (lambda, slices, :=), not a formula",
    "\\": "type the formula on one line, and / for division",
}
_UNICODE_HINTS = {
    "\u2212": "-",
    "\u2013": "-",
    "\u00d7": "*",
    "\u00b7": "*",
    "\u22c5": "*",
    "\u00f7": "/",
    "\u00b2": "^2",
    "\u00b3": "^3",
    "\u03c0": "pi",
    "\u221a": "sqrt(...)",
}
_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}  # ** is _Builder._power
_OTHER_OPERATORS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
}
_CONSTRUCTS = {  # Python syntax that is not mathematics, in the words of the error message
    "Attribute": "attribute access (a '.' after a name)",
    "Subscript": "indexing with [ ]",
    "Tuple": "a comma (one formula at a time)",
    "List": "a list",
    "Set": "a set",
    "Dict": "a dict",
    "Lambda": "lambda",
    "IfExp": "'if ... else'",
    "BoolOp": "'and' / 'or'",
    "Compare": "a comparison",
    "NamedExpr": "':=' assignment",
    "Starred": "'*' unpacking",
    "GeneratorExp": "a comprehension",
    "ListComp": "a comprehension",
    "SetComp": "a comprehension",
    "DictComp": "a comprehension",
    "JoinedStr": "an f-string",
    "Await": "'await'",
    "Yield": "'yield'",
    "YieldFrom": "'yield from'",
    "Slice": "a slice",
}


def _fail(text, start, end, problem, fix=""):
    """Raise ParseError quoting ``text[start:end]`` with its column and a caret line under it."""
    fragment = text[start:end]
    quoted = repr(fragment if len(fragment) <= 40 else fragment[:37] + "...")
    # at most 72 characters of the text, from 30 before the part on
    lo = max(0, start - 30) if len(text) > 72 else 0
    hi = min(len(text), max(end, start + 1) + 30, lo + 72) if len(text) > 72 else len(text)
    shown = "".join(c if c.isprintable() else "?" for c in text[lo:hi])
    prefix, suffix = ("..." if lo else ""), ("..." if hi < len(text) else "")
    carets = " " * (len(prefix) + start - lo) + "^" * max(1, min(end, hi) - start)
    message = f"{problem}: {quoted} at column {start + 1}" + (f"; {fix}." if fix else ".")
    raise ParseError(f"{message}\n    {prefix}{shown}{suffix}\n    {carets}\n{ALLOWED}")


def _check_characters(text):
    """Refuse characters that never occur in a formula, before Python's parser sees them."""
    for i, c in enumerate(text):
        if c in _ASCII_OK:
            continue
        if c in _CHAR_HINTS:
            problem, fix = f"the character {c!r} is not allowed", _CHAR_HINTS[c]
        elif not c.isprintable():
            problem = f"the control character U+{ord(c):04X} is not allowed"
            fix = "type the formula on one line"
        elif c.isascii():
            problem = f"the character {c!r} is not used in formulas"
            fix = "use letters, digits, spaces and + - * / ^ ( ) , ."
        else:
            name = unicodedata.name(c, f"U+{ord(c):04X}")
            problem = f"the character {c!r} ({name}) is not allowed"
            if c in _UNICODE_HINTS:
                fix = f"type {_UNICODE_HINTS[c]} instead"
            elif name.startswith("GREEK "):
                fix = f"spell Greek letters out: type {name.split()[-1].lower()}"
            else:
                fix = "use plain ASCII: letters, digits and + - * / ^ ( )"
        _fail(text, i, i + 1, problem, fix)


def _check_parentheses(text):
    open_at = []
    for i, c in enumerate(text):
        if c == "(":
            open_at.append(i)
            if len(open_at) > MAX_PARENTHESES:
                _fail(
                    text,
                    i,
                    i + 1,
                    f"parentheses are nested more than {MAX_PARENTHESES} deep",
                    "simplify the formula",
                )
        elif c == ")":
            if not open_at:
                _fail(
                    text, i, i + 1, "this ')' has no matching '('", "remove it or add a '(' before"
                )
            open_at.pop()
    if open_at:
        _fail(text, open_at[-1], open_at[-1] + 1, "this '(' is never closed", "add a ')'")


def _check_tokens(text):
    """Refuse Python keywords and two operands side by side (implicit multiplication, 'sin x')."""
    previous = None  # the last token if it ends an operand: a number, a name or ')'
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        start, end, token = match.start(kind), match.end(kind), match.group(kind)
        if kind == "name" and keyword.iskeyword(token):
            _fail(
                text,
                start,
                end,
                f"{token!r} is a Python keyword, not mathematics",
                "type a formula such as x^2 + sin(y)",
            )
        if token == "//":
            _fail(text, start, end, "floor division // is not supported", "write / for division")
        if previous is not None and (kind != "op" or token == "("):
            p_kind, p_start, p_token = previous
            if p_kind == "name" and p_token in FUNCTIONS and token != "(":
                _fail(
                    text,
                    p_start,
                    end,
                    f"the function {p_token} needs parentheses",
                    f"write {p_token}({token})",
                )
            if not (p_kind == "name" and token == "("):  # f(...) is a call, checked later
                _fail(
                    text,
                    p_start,
                    end,
                    "implicit multiplication is not supported",
                    f"write {p_token}*{token} with an explicit *",
                )
        previous = (kind, start, token) if kind != "op" or token == ")" else None


# a chain of + and - (or of * and /) is built as one level, left to right
_CHAINS = {ast.Add: "+-", ast.Sub: "+-", ast.Mult: "*/", ast.Div: "*/"}


class _Builder:
    """Walks the syntax tree with a whitelist of node types, building the sympy expression."""

    def __init__(self, text, source, variables, max_functions=MAX_FUNCTIONS):
        self.text, self.source, self.variables = text, source, variables
        self.max_functions = max_functions
        self.unknown = []  # (name, node) of names not among ``variables``
        self.functions = 0  # functions and roots built so far
        # position in ``source`` ("(" + text with ^ as ** + ")") -> column in ``text``
        self.column = [0] + [i for i, c in enumerate(text) for _ in range(2 if c == "^" else 1)]
        self.column += [len(text), len(text)]

    def fail(self, node, problem, fix="", span=None):
        start, end = span or (node.col_offset, node.end_col_offset)
        _fail(self.text, self.column[start], self.column[max(start, end - 1)] + 1, problem, fix)

    def build(self, node, depth=0):
        if depth > MAX_DEPTH:
            self.fail(
                node, f"the formula is nested more than {MAX_DEPTH} levels deep", "simplify it"
            )
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            what = _CONSTRUCTS.get(type(node).__name__, f"Python syntax ({type(node).__name__})")
            self.fail(node, f"{what} is not mathematics")
        result = method(node, depth + 1)
        self._check_numbers(node, result)
        return result

    def _check_numbers(self, node, result):
        # New numbers sit at the top of a result (sympy merges coefficients there); deeper
        # ones were checked when their own node was built.
        for part in (result, *result.args):
            if part.is_Rational and max(abs(part.p), part.q) >= _NUMBER_LIMIT:
                self.fail(
                    node,
                    f"numbers in this formula get too long (over {MAX_NUMBER_DIGITS} "
                    "digits in a numerator or a denominator)",
                    "use shorter numbers",
                )
            if (
                part.is_Pow
                and part.exp.is_Rational
                and max(abs(part.exp.p), part.exp.q) > MAX_EXPONENT
            ):
                self.fail(
                    node,
                    "exponents in this formula get too large",
                    f"exponents are fractions p/q with p and q up to {MAX_EXPONENT}",
                )

    def _Constant(self, node, depth):
        value = node.value
        if isinstance(value, complex):
            self.fail(node, "imaginary numbers are not supported")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(node, f"{value!r} is not a number")
        literal = ast.get_source_segment(self.source, node)
        match = _DECIMAL.match(literal)
        if match is None:
            self.fail(
                node, "this number is not in decimal form", "write numbers like 12, 0.5 or 3e-4"
            )
        if sum(c.isdigit() for c in match["mantissa"]) > MAX_DIGITS:
            self.fail(node, f"this number has more than {MAX_DIGITS} digits", "round it")
        # The exponent alone rules out 1e99999999 before its 10^99999999 is built.
        exponent = abs(int(match["exponent"] or 0))
        value = Fraction(literal) if exponent <= 2 * MAX_NUMBER_DIGITS else None
        if value is None or value >= _NUMBER_LIMIT or (_NUMBER_LIMIT // 10) % value.denominator:
            self.fail(
                node,
                "this number is out of range",
                f"numbers are below 1e{MAX_NUMBER_DIGITS} in size, with at most "
                f"{MAX_NUMBER_DIGITS - 1} decimal places (1e-{MAX_NUMBER_DIGITS - 1} is the "
                "smallest)",
            )
        # Decimals become exact fractions (0.5 -> 1/2), so derivatives stay exact.
        return sympy.Rational(value)

    def _Name(self, node, depth):
        name = node.id
        if name.startswith("_"):
            self.fail(
                node, "names starting with '_' are not allowed", "name variables like x, y2, theta"
            )
        if name in FUNCTIONS:
            self.fail(
                node, f"{name} is a function", f"give it an argument in parentheses: {name}(x)"
            )
        if name in CONSTANTS:
            return CONSTANTS[name]
        if self.variables is None:
            return sympy.Symbol(name, real=True)
        if name not in self.variables:
            self.unknown.append((name, node))
            return sympy.Symbol(name, real=True)
        return self.variables[name]

    def _UnaryOp(self, node, depth):
        operand = self.build(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        self.fail(node, "logic operators ('not', '~') are not mathematics")

    def _BinOp(self, node, depth):
        op = type(node.op)
        if op not in _OPERATORS and op is not ast.Pow:
            symbol = _OTHER_OPERATORS.get(op, op.__name__)
            gap = self.source.find(symbol, node.left.end_col_offset, node.right.col_offset)
            self.fail(
                node,
                f"the operator {symbol} is not supported",
                "use + - * / ^",
                span=(gap, gap + len(symbol)) if gap >= 0 else None,
            )
        if op is ast.Pow:
            return self._power(node, self.build(node.left, depth), self.build(node.right, depth))
        # x + y - z + ... is a left-leaning chain of BinOps: one level, built without recursion
        chain = [node]
        while (
            isinstance(chain[-1].left, ast.BinOp)
            and _CHAINS.get(type(chain[-1].left.op)) == _CHAINS[op]
        ):
            chain.append(chain[-1].left)
        result = self.build(chain[-1].left, depth)
        for step in reversed(chain):
            right = self.build(step.right, depth)
            if type(step.op) is ast.Div and right == 0:
                self.fail(step, "division by zero")
            result = _OPERATORS[type(step.op)](result, right)
            if step is not node:  # build() checks the last one
                self._check_numbers(step, result)
        return result

    def _power(self, node, base, exponent):
        if not exponent.is_Integer:
            self._check_constant_nesting(node, base, exponent)
            self._count_function(node, base, exponent)
        if exponent.is_Number:
            if abs(exponent.p) > MAX_EXPONENT or exponent.q > MAX_EXPONENT:
                self.fail(
                    node.right,
                    "this exponent is too large",
                    f"exponents are fractions p/q with p and q up to {MAX_EXPONENT}",
                )
            if base == 0 and exponent < 0:
                self.fail(node, "division by zero (0 to a negative power)")
            size = max(abs(base.p), base.q) if base.is_Rational else 1
            if size > 1:  # count the digits before sympy computes the power
                digits = math.floor(abs(float(exponent)) * math.log10(size)) + 1
                if digits > MAX_NUMBER_DIGITS:
                    self.fail(
                        node,
                        f"this power is too large to compute exactly ({digits} digits; "
                        f"at most {MAX_NUMBER_DIGITS})",
                    )
        return self._real(node, sympy.Pow(base, exponent))

    def _count_function(self, node, *args, count=1):
        """Refuse ``count`` more functions or roots when there are too many, or nested too deep."""
        self.functions += count
        if self.functions > self.max_functions:
            self.fail_functions(node)
        if 1 + max(complexity(arg).nesting for arg in args) > MAX_NESTING:
            self.fail_nesting(node)

    def fail_functions(self, node):
        self.fail(
            node,
            f"the formula has more than {self.max_functions} functions and roots",
            "simplify it",
        )

    def fail_nesting(self, node):
        self.fail(
            node,
            f"functions and roots are nested more than {MAX_NESTING} deep",
            "the deepest allowed is like sin(exp(sqrt(tanh(x))))",
        )

    def _real(self, node, result):
        """Refuse what is not finite and real (sqrt(-1), log(0), x*log(0, x)): lessons are real."""
        if result.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            self.fail(node, f"this is not a finite number (sympy gives {echo(result, 60)})")
        if result.has(sympy.I) or not result.free_symbols and result.is_extended_real is False:
            self.fail(node, f"this is not a real number (sympy gives {echo(result, 60)})")
        return result

    def _check_constant_nesting(self, node, *args):
        if not any(arg.free_symbols for arg in args):
            if 1 + max(complexity(arg).nesting for arg in args) > MAX_CONSTANT_NESTING:
                self.fail(
                    node,
                    "functions or roots of constants may not be nested",
                    "type the number instead, e.g. 0.1234",
                )

    def _Call(self, node, depth):
        func = node.func
        if not isinstance(func, ast.Name):
            if isinstance(func, (ast.Attribute, ast.Subscript, ast.Lambda)):
                self.build(func, depth)  # reports the construct itself: .attr, [ ], lambda
            self.fail(
                node,
                "a '(' right after a number or a bracket",
                "write * for multiplication, like 2*(x + 1)",
            )
        name = func.id
        if name not in FUNCTIONS:
            if name.startswith("_"):
                self.fail(func, "names starting with '_' are not allowed")
            self.fail(
                func, f"{name!r} is not a known function", f"for a product write {name}*(...)"
            )
        if node.keywords:
            self.fail(
                node.keywords[0],
                "keyword arguments are not allowed",
                f"write {name}(x) with plain arguments",
            )
        builder, arities = FUNCTIONS[name]
        if len(node.args) not in arities:
            expected = " or ".join(map(str, arities))
            self.fail(node, f"{name} takes {expected} argument(s), got {len(node.args)}")
        args = [self.build(arg, depth) for arg in node.args]
        self._check_constant_nesting(node, *args)
        self._count_function(node, *args, count=len(args) if name == "log" else 1)  # log(x)/log(b)
        if (
            name == "log"
            and len(args) == 2
            and args[1].is_number
            and not (args[1].is_positive and args[1] != 1)
        ):
            self.fail(
                node,
                f"the logarithm to the base {args[1]} is not defined",
                "the base must be a positive number other than 1",
            )
        return self._real(node, builder(*args))


class Complexity(NamedTuple):
    """What ``parse`` limits in a formula, because building and differentiating it cost time."""

    nesting: int  # functions and roots (non-integer powers) inside each other
    functions: int  # functions and roots, each time they occur
    depth: int  # levels of the expression tree


def complexity(expr, inside=None) -> Complexity:
    """How nested and how large a sympy expression is (see :class:`Complexity`).

    Parameters
    ----------
    expr : sympy.Expr
    inside : dict, optional
        Symbol -> Complexity of what will be put in its place, to measure a
        composition g2(g1(x)) before building it.

    Examples
    --------
    >>> complexity(parse("sin(exp(x)) + sqrt(y)*x^2"))
    Complexity(nesting=2, functions=3, depth=4)
    >>> y = symbols("y")[0]
    >>> complexity(parse("sin(y) + y"), inside={y: Complexity(2, 3, 4)})
    Complexity(nesting=3, functions=7, depth=6)
    """
    inside = inside or {}
    if expr in inside:
        return inside[expr]
    parts = [complexity(arg, inside) for arg in expr.args]
    own = int(isinstance(expr, sympy.Function) or (expr.is_Pow and not expr.exp.is_Integer))
    return Complexity(
        max((p.nesting for p in parts), default=0) + own,
        sum(p.functions for p in parts) + own,
        max((p.depth for p in parts), default=0) + 1,
    )


def resolve_variables(variables, exprs=(), *, symbols_by_name=False):
    """The variables as Symbols, matched by name against the Symbols of the expressions.

    A variable given as a name takes the expressions' own Symbol of that name (if they
    have exactly one), whatever its assumptions, so ``gradient(sympy.Symbol('x')**2, 'x')``
    works; other names become real Symbols, like ``parse`` makes. A Symbol given is used
    as it is, unless ``symbols_by_name``: then it is matched by its name too (how
    ``gradlib.check`` and ``gradlib.chain`` read a learner's plain ``sympy.symbols('x')``).

    Parameters
    ----------
    variables : str or list of (str or sympy.Symbol), length n
    exprs : sequence of sympy expressions or matrices

    Returns
    -------
    tuple of sympy.Symbol, length n

    Examples
    --------
    >>> plain = sympy.Symbol("x")       # no assumptions
    >>> v = resolve_variables("x y", [plain**2])
    >>> v[0] == plain, v[0].is_real, v[1].is_real
    (True, None, True)
    >>> resolve_variables([sympy.Symbol("x", real=True)], [plain], symbols_by_name=True)[0].is_real
    """
    items = _variable_items(variables)
    by_name = {}
    for expr in exprs:
        for symbol in expr.free_symbols:
            by_name.setdefault(symbol.name, set()).add(symbol)

    def resolve(v):
        found = by_name.get(str(v), ()) if isinstance(v, str) or symbols_by_name else ()
        if len(found) == 1:
            return next(iter(found))
        return v if isinstance(v, sympy.Symbol) else sympy.Symbol(v, real=True)

    return tuple(map(resolve, items))


def _variable_items(variables):
    """Names (str) or Symbols, from 'x y z', 'x, y', a Symbol, or a list of names/Symbols."""
    if isinstance(variables, str):
        items = [v for v in re.split(r"[\s,]+", variables.strip()) if v]
    elif isinstance(variables, sympy.Symbol):
        items = [variables]
    elif isinstance(variables, (list, tuple)) or (
        isinstance(variables, sympy.MatrixBase) and 1 in variables.shape
    ):
        items = list(variables)
    else:
        raise GradlibError(
            f"variables must be a list of names or sympy Symbols, or a string like "
            f"'x y z'; got {type(variables).__name__}"
        )
    if not items:
        raise GradlibError("no variables given: name them, e.g. variables='x y'")
    for item in items:
        if isinstance(item, str):
            if not _NAME.match(item) or keyword.iskeyword(item):
                raise GradlibError(
                    f"{echo(item)} is not a valid variable name: use letters, "
                    "digits and _, starting with a letter, e.g. x, y2, theta"
                )
            if item in FUNCTIONS or item in CONSTANTS:
                raise GradlibError(
                    f"{item!r} is a function or constant in formulas and cannot be "
                    "a variable: pick another name"
                )
        elif not isinstance(item, sympy.Symbol):
            raise GradlibError(
                f"each variable must be a name or a sympy Symbol; got {echo(item)} "
                f"({type(item).__name__})"
            )
    names = [str(item) for item in items]
    repeated = sorted(n for n, count in Counter(names).items() if count > 1)
    if repeated:
        raise GradlibError(
            f"the variable(s) {clip(', '.join(repeated))} appear more than once in "
            f"{echo(names)}: list each variable once"
        )
    return items


def symbols(names):
    """Real sympy Symbols, the kind ``parse`` makes, always as a tuple.

    Parameters
    ----------
    names : str or list of str
        'x y z', 'x, y' or ['r', 'theta'].

    Returns
    -------
    tuple of sympy.Symbol, length n
        Each with ``real=True``.

    Examples
    --------
    >>> r, theta = symbols("r theta")
    >>> theta.is_real, parse("r*cos(theta)").free_symbols == {r, theta}
    (True, True)
    """
    return resolve_variables(names)  # no expressions to match: names become real Symbols


def parse(text, variables=None, *, max_functions=MAX_FUNCTIONS):
    """Read a typed formula as a sympy expression, accepting only mathematics.

    The text is checked character by character, then read with Python's
    ``ast`` and rebuilt node by node from a whitelist; nothing is ever
    evaluated as Python code. ``^`` means power, like ``**``.

    Parameters
    ----------
    text : str
        At most 500 characters: numbers, variable names, ``+ - * / ^ **``,
        unary minus, parentheses, the functions in ``FUNCTIONS`` (sin, cos,
        exp, log, sqrt, tanh, sigmoid, abs, ...) and the constants ``pi``, ``e``.
        Multiplication is always explicit: ``2*x``, not ``2x``. So that every
        formula parses, differentiates and evaluates in well under a second:
        parentheses nest at most 10 deep, functions and roots at most 4 deep
        (``sin(exp(sqrt(tanh(x))))``), at most 16 of them in a formula, and
        numbers stay below 1e100 (at most 100 digits, 99 decimal places).
    variables : str or list of (str or sympy.Symbol), optional
        If given, the only names allowed (others are a ParseError naming them),
        and Symbols given here are used as they are. Otherwise every name
        becomes a real Symbol, ``sympy.Symbol(name, real=True)``.
    max_functions : int, optional
        Fewer functions and roots than ``MAX_FUNCTIONS``, for a formula that
        shares the budget with others (the outer function of a chain).

    Returns
    -------
    sympy.Expr
        Decimal numbers become exact fractions (``0.5`` -> ``1/2``);
        ``sigmoid(u)`` becomes ``1/(1 + exp(-u))``.

    Raises
    ------
    ParseError
        For anything that is not plain mathematics, or a name not among
        ``variables``. The message quotes the offending part with its column,
        a caret line under it, and says what is allowed.

    Examples
    --------
    >>> parse("x*sin(y) + e^x")
    x*sin(y) + exp(x)
    >>> parse("0.5*x^2")
    x**2/2
    >>> parse("2x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    gradlib.errors.ParseError: implicit multiplication is not supported: '2x' at column 1; ...
        2x
        ^^
    Allowed: ...
    """
    if not isinstance(text, str):
        raise ParseError(
            f"expected the formula as a string, got {type(text).__name__}: {text!r:.60}"
        )
    if len(text) > MAX_LENGTH:
        _fail(
            text,
            MAX_LENGTH,
            len(text),
            f"the formula is too long ({len(text)} characters, at most {MAX_LENGTH})",
            "shorten it",
        )
    if not text.strip():
        raise ParseError("the formula is empty: type an expression such as x^2 + y\n" + ALLOWED)
    allowed = None
    if variables is not None:
        allowed = {str(v): v for v in symbols(variables)}
        clash = sorted(set(allowed) & (set(FUNCTIONS) | set(CONSTANTS)))
        if clash:
            raise ParseError(
                f"the variable(s) {', '.join(clash)} clash with a function or "
                "constant of the same name in formulas: rename them"
            )
    _check_characters(text)
    _check_parentheses(text)
    _check_tokens(text)
    # Wrapped in ( ) so leading spaces are fine; the parentheses are balanced, checked above.
    source = "(" + text.replace("^", "**") + ")"
    builder = _Builder(text, source, allowed, max_functions)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. SyntaxWarning "'int' object is not callable"
            tree = ast.parse(source, mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError) as err:
        start = builder.column[min(max((getattr(err, "offset", None) or 1) - 1, 0), len(source))]
        end_of_text = len(text.rstrip())
        if start >= end_of_text:
            _fail(
                text,
                end_of_text - 1,
                end_of_text,
                "the formula ends too early",
                "complete it after the last character",
            )
        token = _TOKEN.match(text, start)
        _fail(
            text,
            start,
            max(start + 1, token.end() if token else 0),
            "this is not a valid formula here",
            "check the operators and parentheses around it",
        )
    expr = builder.build(tree.body)
    # sympy may write out more than was typed (sqrt(x^2*y) is abs(x)*sqrt(y)): the result
    # itself keeps the limits, so anything built from it (a chain, a derivative) starts there
    size = complexity(expr)
    if size.functions > max_functions:
        builder.fail_functions(tree.body)
    if size.nesting > MAX_NESTING:
        builder.fail_nesting(tree.body)
    if size.depth > MAX_TREE_DEPTH:
        builder.fail(
            tree.body,
            f"the formula is nested too deeply ({size.depth} levels; at most {MAX_TREE_DEPTH})",
            "simplify it",
        )
    if builder.unknown:
        names = list(dict.fromkeys(name for name, _ in builder.unknown))
        builder.fail(
            builder.unknown[0][1],
            f"unknown variable(s) {', '.join(names)}",
            f"the variables are {', '.join(allowed)}: add {', '.join(names)} to the "
            "variables, or type a number instead",
        )
    return expr


def _as_expr(item, variables, max_functions=MAX_FUNCTIONS):
    """One entry: a formula string (parsed), a sympy expression, or a number."""
    if isinstance(item, str):
        return parse(item, variables, max_functions=max_functions)
    if isinstance(item, sympy.Expr):
        return item
    if isinstance(item, (int, float, Fraction, np.number)) and not isinstance(item, bool):
        return sympy.sympify(item)  # a number, checked above: never a string
    raise GradlibError(
        f"expected a formula string, a sympy expression or a number; got "
        f"{type(item).__name__} ({echo(item, 60)}). For a numpy function use "
        "gl.jacobian, the numeric version"
    )


def as_matrix(exprs, variables=None, *, max_functions=None):
    """Formulas as a sympy Matrix: the one way a learner's strings become sympy objects.

    Strings are read with :func:`parse` (never ``sympify``); sympy expressions and
    numbers are taken as they are; anything else (a nested list, a dict, an object)
    is refused.

    Parameters
    ----------
    exprs : str, sympy.Expr, number, list of them, or sympy.Matrix
    variables : str or list of (str or sympy.Symbol), optional
        The names formulas may use (see :func:`parse`).
    max_functions : int, optional
        Functions and roots all the formulas together may have (a chain's share of
        ``MAX_FUNCTIONS``); by default each formula may have ``MAX_FUNCTIONS``.

    Returns
    -------
    sympy.Matrix
        The Matrix as given, or a column (m, 1) for one expression or a list of m.

    Examples
    --------
    >>> as_matrix(["x*y", 2])
    Matrix([
    [x*y],
    [  2]])
    """
    if isinstance(exprs, sympy.MatrixBase):
        return sympy.Matrix(exprs)  # sympy entries already
    if isinstance(exprs, (list, tuple)):
        if not exprs:
            raise GradlibError("no expressions given: pass a formula or a list of formulas")
        deadline = time.process_time() + TIME_BUDGET
        left = MAX_FUNCTIONS if max_functions is None else max_functions
        entries = []
        for item in exprs:
            check_deadline(deadline, "these formulas")
            entries.append(_as_expr(item, variables, max(left, 0)))
            if max_functions is not None:
                left -= complexity(entries[-1]).functions
        return sympy.Matrix(entries)  # parsed entries
    left = MAX_FUNCTIONS if max_functions is None else max(max_functions, 0)
    return sympy.Matrix([_as_expr(exprs, variables, left)])  # a parsed entry


def check_deadline(deadline, what="these formulas"):
    """Refuse to read more formulas once ``deadline`` (a ``time.process_time()``) has passed."""
    if time.process_time() > deadline:
        raise ParseError(
            f"reading {what} takes more than {TIME_BUDGET:g} s of computing: use "
            "fewer or simpler formulas"
        )


def _prepare(exprs, variables, vector=True):
    """(matrix, symbols): exprs as a Matrix and the variables as Symbols, checked together.

    A variable given by name takes the expression's own Symbol of that name, whatever its
    assumptions, so ``gradient(sympy.Symbol('x')**2, 'x')`` works.
    """
    items = _variable_items(variables)
    matrix = as_matrix(exprs, symbols(items))
    if vector and 1 not in matrix.shape:
        raise ShapeError(
            f"expected a vector of expressions, shape (m, 1) or (1, m); got a "
            f"{matrix.rows}x{matrix.cols} matrix: pass one column, e.g. M[:, 0]"
        )
    resolved = resolve_variables(items, [matrix])
    extra = sorted(matrix.free_symbols - set(resolved), key=str)
    if extra:
        twins = [(s, v) for s in extra for v in resolved if s.name == v.name]
        if twins:
            ours, theirs = twins[0]
            kind = {True: "real"}
            raise GradlibError(
                f"the expression's {ours} ({kind.get(ours.is_real, 'not known to be real')}) and "
                f"the variable {theirs} ({kind.get(theirs.is_real, 'not known to be real')}) are "
                "different sympy Symbols: make both with gl.symbolic.symbols('x y'), or pass the "
                "variables by name"
            )
        names = ", ".join(map(str, extra))
        raise GradlibError(
            f"the expression contains {names}, which {'is' if len(extra) == 1 else 'are'} not "
            f"among the variables ({', '.join(map(str, resolved))}): add {names} to the "
            f"variables, or substitute numbers first, e.g. expr.subs({extra[0]}, 1)"
        )
    return matrix, resolved


def _scalar(matrix, wanted):
    if matrix.shape != (1, 1):
        raise ShapeError(
            f"{wanted} needs one scalar-valued expression; got {len(matrix)} "
            f"expressions (shape {matrix.rows}x{matrix.cols}). For a vector-valued "
            f"function use gl.symbolic.jacobian, shape ({len(matrix)}, n)"
        )
    return matrix[0, 0]


def gradient(expr, variables):
    """The gradient of a scalar expression as a row: the partial derivatives, shape (1, n).

    Parameters
    ----------
    expr : str or sympy.Expr
        f: R^n -> R. A string is read with ``parse``.
    variables : str or list of (str or sympy.Symbol), length n
        The order of the columns, e.g. 'x y' or [x, y].

    Returns
    -------
    sympy.Matrix, shape (1, n)
        Entry j is df/dx_j (numerator layout: one row per output).

    Examples
    --------
    >>> gradient("x^2*y + sin(y)", "x y")
    Matrix([[2*x*y, x**2 + cos(y)]])

    With respect to a matrix of symbols W (p x q, p, q >= 2), an Array of shape (1, p, q): its
    only slice is the gradient shaped like W (see :func:`flatten` for the 2-D form).
    """
    if _is_matrix_of_variables(variables):
        return _by_matrix(expr, variables, "gradient")
    matrix, variables = _prepare(expr, variables)
    return sympy.Matrix([_scalar(matrix, "gradient")]).jacobian(variables)


def jacobian(exprs, variables):
    """The Jacobian of a vector of expressions: rows are the gradients, shape (m, n).

    Parameters
    ----------
    exprs : str, sympy.Expr, list of them, or sympy.Matrix of shape (m, 1) or (1, m)
        f: R^n -> R^m, one expression per output.
    variables : str or list of (str or sympy.Symbol), length n
        The order of the columns.

    Returns
    -------
    sympy.Matrix, shape (m, n)
        Entry (i, j) is df_i/dx_j.

    Examples
    --------
    >>> jacobian(["r*cos(theta)", "r*sin(theta)"], "r theta")
    Matrix([
    [cos(theta), -r*sin(theta)],
    [sin(theta),  r*cos(theta)]])

    With respect to a sympy Matrix of symbols W of shape (p, q) with p, q >= 2 the result is a
    ``sympy.Array`` of shape (m, p, q), entry (i, k, l) = df_i/dW_kl (exprs may then be a matrix
    too: its entries, row by row, are the m outputs; Symbols outside W are constants). For
    W (2 x 2) and f = W v:

    >>> W = sympy.Matrix(2, 2, symbols("a b c d"))
    >>> J = jacobian(W * sympy.Matrix(symbols("u v")), W)
    >>> J.shape
    (2, 2, 2)
    >>> J[0], J[1]
    ([[u, v], [0, 0]], [[0, 0], [u, v]])
    >>> flatten(J)
    Matrix([
    [u, v, 0, 0],
    [0, 0, u, v]])
    """
    if _is_matrix_of_variables(variables):
        return _by_matrix(exprs, variables, "jacobian")
    matrix, variables = _prepare(exprs, variables)
    return sympy.Matrix(list(matrix)).jacobian(variables)


def derivative(exprs, t):
    """The derivative of a curve R -> R^m as a column, shape (m, 1).

    Parameters
    ----------
    exprs : str, sympy.Expr, list of them, or sympy.Matrix of shape (m, 1) or (1, m)
        One expression per output, in the single variable ``t``.
    t : str or sympy.Symbol
        The one variable (a list of length 1 is accepted).

    Returns
    -------
    sympy.Matrix, shape (m, 1)
        Entry i is df_i/dt.

    Examples
    --------
    >>> derivative(["cos(t)", "sin(t)"], "t")
    Matrix([
    [-sin(t)],
    [ cos(t)]])
    """
    items = _variable_items(t)
    if len(items) != 1:
        raise GradlibError(
            f"derivative is for curves R -> R^m in one variable; got {len(items)} variables "
            f"({', '.join(map(str, items))}). For several variables use gl.symbolic.jacobian "
            "(shape (m, n)) or gl.symbolic.gradient (shape (1, n))"
        )
    matrix, (t,) = _prepare(exprs, items)
    return sympy.Matrix(list(matrix)).diff(t)


def hessian(expr, variables):
    """The Hessian of a scalar expression: second partial derivatives, shape (n, n).

    Parameters
    ----------
    expr : str or sympy.Expr
        f: R^n -> R.
    variables : str or list of (str or sympy.Symbol), length n

    Returns
    -------
    sympy.Matrix, shape (n, n)
        Entry (i, j) is d^2 f / dx_i dx_j; exactly symmetric (each pair is
        computed once and mirrored).

    Examples
    --------
    >>> hessian("x^3*y", "x y")
    Matrix([
    [ 6*x*y, 3*x**2],
    [3*x**2,      0]])
    """
    matrix, variables = _prepare(expr, variables)
    first = [sympy.diff(_scalar(matrix, "hessian"), v) for v in variables]
    n = len(variables)
    entries = {(i, j): sympy.diff(first[i], variables[j]) for i in range(n) for j in range(i, n)}
    return sympy.Matrix(n, n, lambda i, j: entries[min(i, j), max(i, j)])


def _is_matrix_of_variables(variables):
    """A sympy Matrix with at least two rows and two columns (a row or a column is a vector)."""
    return isinstance(variables, sympy.MatrixBase) and 1 not in variables.shape


def _by_matrix(exprs, W, wanted):
    """d exprs / d W, an Array of shape (m, *W.shape): the outputs (exprs row by row), then W's
    axes. The checks of a vector of variables (each entry of W a Symbol, used once; a typed formula
    only in W's symbols), except that other Symbols in sympy expressions are constants (the x of
    W x)."""
    items = _variable_items(list(W))
    matrix = as_matrix(exprs, symbols(items))
    names = {str(v) for v in items}  # a namesake of W's symbols is a mistake, not a constant
    constants = sorted((c for c in matrix.free_symbols if c.name not in names), key=str)
    matrix, variables = _prepare(matrix, items + constants, vector=False)
    if wanted == "gradient":
        _scalar(matrix, wanted)
    outputs, variables = list(matrix), variables[: len(items)]
    return sympy.Array(
        [sympy.diff(f, v) for f in outputs for v in variables], (len(outputs),) + tuple(W.shape)
    )


def flatten(J):
    """The 2-D Jacobian (m, p*q) with respect to vec(W), W flattened row by row, from the Array of
    shape (m, p, q) that :func:`jacobian` or :func:`gradient` return for a matrix W.

    Parameters
    ----------
    J : sympy.Array of shape (m, p, q, ...), or a sympy.Matrix (returned as it is)

    Returns
    -------
    sympy.Matrix, shape (m, p*q)
        Column ``k * q + l`` is the derivative with respect to W[k, l] (numpy's
        ``J.reshape(m, -1)`` of the numeric ``gl.jacobian``).

    Examples
    --------
    >>> W = sympy.Matrix(2, 2, symbols("a b c d"))
    >>> flatten(gradient("a*d - b*c", W))      # the determinant: its gradient is the cofactors
    Matrix([[d, -c, -b, a]])
    """
    if isinstance(J, sympy.MatrixBase):
        return J
    if not isinstance(J, sympy.NDimArray) or J.rank() < 2:
        raise GradlibError(
            f"flatten needs a sympy Array of shape (m, p, q) from jacobian or "
            f"gradient with respect to a matrix; got {type(J).__name__}"
            f"{f' of shape {J.shape}' if hasattr(J, 'shape') else ''}"
        )
    m = J.shape[0]
    return sympy.Matrix(m, len(J) // m, list(sympy.flatten(J.tolist())))


def _dirac_delta(u, k=0):
    """DiracDelta(u) as numbers: 0 where u != 0, undefined (nan) at 0.

    The derivative of sign(u), so of the second derivative of abs(u): 0 away from the kink.
    """
    return np.where(np.asarray(u) == 0, np.nan, 0.0)  # also for its k-th derivative


class LambdifiedMatrix:
    """A sympy Matrix as a fast numpy function: ``f(x)`` returns an ndarray of the matrix's shape.

    Made by ``lambdify``. One numpy function computes all entries at once
    (common subexpressions shared); constant entries are broadcast, so a
    batch never fails with "inhomogeneous shape".

    Attributes
    ----------
    matrix : sympy.ImmutableMatrix, shape (p, q)
    variables : tuple of sympy.Symbol, length n
    shape : tuple (p, q)
    """

    def __init__(self, matrix, variables):
        matrix, variables = _prepare(matrix, variables, vector=False)  # strings are parsed
        self.matrix = sympy.ImmutableMatrix(matrix)
        self.variables = variables
        self.shape = self.matrix.shape
        entries = list(self.matrix)
        unknown = self.matrix.atoms(sympy.Derivative)
        if unknown:  # e.g. the second derivative of abs(sqrt(x) - 1): d/dx sign(sqrt(x) - 1)
            raise GradlibError(
                f"the matrix contains {echo(min(unknown, key=str), 60)}, a "
                "derivative sympy could not work out, so it has no numeric value; "
                "use gl.jacobian or gl.hessian (numeric) for this function"
            )
        try:
            self._entries = sympy.lambdify(
                self.variables, entries, cse=True, modules=[{"DiracDelta": _dirac_delta}, "numpy"]
            )
            # One real point: Python floats and the math module are several times faster
            # than numpy scalars.
            self._entries_math = sympy.lambdify(
                self.variables, entries, cse=True, modules=[{"DiracDelta": _dirac_delta}, "math"]
            )
        except (NotImplementedError, TypeError, ValueError) as err:  # a function numpy lacks
            raise GradlibError(f"the matrix cannot be evaluated with numpy: {clip(err)}") from err
        # Entries that sympy cannot prove real may come out complex (e.g. (-1)**(1/3) * x).
        self._maybe_complex = any(e.is_extended_real is not True for e in entries)
        self._names = ", ".join(map(str, self.variables))

    def __call__(self, x):
        """Evaluate at x, shape (n,) -> (p, q), or at a batch, (n, *batch) -> (p, q, *batch)."""
        x = as_points(x, len(self.variables), self._names)
        if x.ndim == 1:
            return self._at_point(x).reshape(self.shape)
        values = self._entries(*x)
        dtype = x.dtype
        if self._maybe_complex and dtype.kind == "f" and any(map(np.iscomplexobj, values)):
            dtype = np.complex128
        out = np.empty((len(values),) + x.shape[1:], dtype)
        for k, value in enumerate(values):
            out[k] = value  # broadcasts constant entries over the batch
        return out.reshape(self.shape + x.shape[1:])

    def _at_point(self, x):
        """All entries at one point x, shape (n,), as a flat float64 (or complex128) array."""
        if x.dtype.kind == "f":
            try:
                out = np.array(self._entries_math(*x.tolist()))
                if out.dtype.kind != "c":  # Python's (-8.0)**(1/3) is complex where numpy gives nan
                    return out.astype(np.float64, copy=False)
            except (ArithmeticError, ValueError):
                pass  # math raises where numpy gives inf or nan (log(-1), 1/0): numpy decides
        out = np.array(self._entries(*x))
        return out.astype(np.result_type(out.dtype, np.float64), copy=False)

    def __repr__(self):
        return f"<LambdifiedMatrix {self.shape[0]}x{self.shape[1]} of ({self._names})>"


def lambdify(matrix, variables):
    """Turn a sympy Matrix into a fast numpy function of x that returns the matrix's own shape.

    Parameters
    ----------
    matrix : sympy.Matrix of shape (p, q), or a str / sympy.Expr (shape (1, 1)),
        or a list of them (shape (m, 1)).
    variables : str or list of (str or sympy.Symbol), length n
        The order in which x holds the variables.

    Returns
    -------
    LambdifiedMatrix
        ``f(x)`` with x of shape (n,) (a scalar if n == 1) returns an ndarray of
        shape (p, q); with x of shape (n, N) it returns (p, q, N) (if n == 1,
        x of shape (N,) works too). Real input
        gives float64, complex input complex128.

    Raises
    ------
    ShapeError
        When called with x whose first axis is not n.

    Examples
    --------
    >>> J = jacobian(["x*y", "x + 3"], "x y")
    >>> f = lambdify(J, "x y")
    >>> f([2.0, 5.0])
    array([[5., 2.],
           [1., 0.]])
    >>> f([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).shape
    (2, 2, 3)
    """
    return LambdifiedMatrix(matrix, variables)
