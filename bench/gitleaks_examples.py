"""Gitleaks' rule examples, read from its rule generator (`cmd/generate/config/rules/*.go`).

Gitleaks writes each rule as a Go function that builds the rule and checks it against true
positives (`tps`) and false positives (`fps`) before the config is generated. The examples are Go
expressions: string literals, `utils.GenerateSampleSecrets(id, secret)` (the secret written in
the ~30 assignment shapes of `utils/generate.go`: INI, JSON, YAML, Go, Java, Python, Makefile …),
`secrets.NewSecret(regex)` (a random string the regex matches), `fmt.Sprintf`, `append` and
`map[string]string{path: text}` for rules that depend on the file name. Betterleaks (the
Gitleaks authors' successor) keeps the same layout and adds `secrets.NewSecretWithEntropy`. This module evaluates
that small subset of Go; a statement it cannot evaluate (a `for` loop, a base64 call) is skipped.

Random secrets are drawn with a generator seeded by the rule id, so a run is repeatable.
"""
import math
import pathlib
import random
import re

try:
    import re._parser as sre_parse  # Python 3.11+
    import re._constants as sre_constants
except ImportError:  # pragma: no cover
    import sre_parse
    import sre_constants

TOKEN = re.compile(r"""
    (?P<ws>[ \t\r]+|//[^\n]*|/\*.*?\*/)
  | (?P<nl>\n)
  | (?P<raw>`[^`]*`)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<chr>'(?:[^'\\\n]|\\.)+')
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_]\w*)
  | (?P<op>\.\.\.|:=|==|!=|&&|\|\||[-+*/%=(){}\[\],.:;!<>&|])
""", re.S | re.X)


def tokenize(src):
    out, i = [], 0
    while i < len(src):
        m = TOKEN.match(src, i)
        if not m:
            i += 1
            continue
        i = m.end()
        kind = m.lastgroup
        if kind == "ws":
            if "\n" in m.group(0):
                out.append(("nl", "\n"))
            continue
        out.append((kind, m.group(0)))
    return out


def go_string(tok):
    kind, text = tok
    if kind == "raw":
        return text[1:-1]
    body = text[1:-1]
    esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r", "'": "'"}
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(esc.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


class Unknown(Exception):
    """An expression outside the subset this module evaluates."""


def random_match(pattern, rng):
    """A string that `pattern` matches, drawn at random (unbounded repeats kept short)."""
    try:
        tree = sre_parse.parse(pattern)
    except re.error as err:
        raise Unknown(str(err)) from err
    return "".join(_emit(tree, rng))


_CATEGORY = {
    sre_constants.CATEGORY_DIGIT: "0123456789",
    sre_constants.CATEGORY_WORD:
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
    sre_constants.CATEGORY_SPACE: " ",
}
_PRINTABLE = [chr(c) for c in range(33, 127)]


def _class_chars(items):
    chars, negate = [], False
    for op, av in items:
        if op == sre_constants.NEGATE:
            negate = True
        elif op == sre_constants.LITERAL:
            chars.append(chr(av))
        elif op == sre_constants.RANGE:
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        elif op == sre_constants.CATEGORY:
            chars.extend(_CATEGORY.get(av, ""))
    if negate:
        chars = [c for c in _PRINTABLE if c not in chars]
    return chars or ["x"]


def _emit(tree, rng):
    out = []
    for op, av in tree:
        if op == sre_constants.LITERAL:
            out.append(chr(av))
        elif op == sre_constants.NOT_LITERAL:
            out.append(rng.choice([c for c in _PRINTABLE if c != chr(av)]))
        elif op == sre_constants.ANY:
            out.append(rng.choice(_PRINTABLE))
        elif op == sre_constants.IN:
            out.append(rng.choice(_class_chars(av)))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            lo, hi, sub = av
            if hi == sre_constants.MAXREPEAT:
                hi = lo + 1
            for _ in range(rng.randint(lo, hi)):
                out.extend(_emit(sub, rng))
        elif op == sre_constants.SUBPATTERN:
            out.extend(_emit(av[-1], rng))
        elif op == sre_constants.BRANCH:
            out.extend(_emit(rng.choice(av[1]), rng))
        elif op == sre_constants.CATEGORY:
            out.append(rng.choice(_CATEGORY.get(av, "x")))
        # AT (anchors), ASSERT and the like emit nothing.
    return out


class Evaluator:
    """Evaluates the Go expressions of one rule file."""

    def __init__(self, templates, rng):
        self.templates = templates
        self.rng = rng

    def parse(self, toks, i, names):
        """Evaluates the expression at toks[i]; returns (value, next index)."""
        val, i = self.primary(toks, i, names)
        while i < len(toks) and toks[i] == ("op", "+"):
            i = skip_nl(toks, i + 1)
            rhs, i = self.primary(toks, i, names)
            if not isinstance(val, str) or not isinstance(rhs, str):
                raise Unknown("+ on non-strings")
            val += rhs
        return val, i

    def primary(self, toks, i, names):
        kind, text = toks[i]
        if kind in ("str", "raw"):
            return go_string(toks[i]), i + 1
        if kind == "num":
            return text, i + 1
        if text == "[" and toks[i + 1] == ("op", "]") and toks[i + 2][1] == "string":
            items, i = self.items(toks, i + 3, names, keyed=False)
            return items, i
        if text == "map" and toks[i + 1] == ("op", "["):
            j = i
            while toks[j] != ("op", "{"):
                j += 1
            items, i = self.items(toks, j, names, keyed=True)
            return items, i
        if kind == "ident":
            name, i = text, i + 1
            while i + 1 < len(toks) and toks[i] == ("op", ".") and toks[i + 1][0] == "ident":
                name += "." + toks[i + 1][1]
                i += 2
            if i < len(toks) and toks[i] == ("op", "("):
                args, spread, i = self.args(toks, i + 1, names)
                return self.call(name, args, spread), i
            if name in names:
                return names[name], i
            raise Unknown(name)
        raise Unknown(text)

    def items(self, toks, i, names, keyed):
        if toks[i] != ("op", "{"):
            raise Unknown("composite literal")
        i, out = skip_nl(toks, i + 1), []
        while toks[i] != ("op", "}"):
            first, i = self.parse(toks, i, names)
            if keyed:
                if toks[i] != ("op", ":"):
                    raise Unknown("map entry")
                value, i = self.parse(toks, skip_nl(toks, i + 1), names)
                out.append((first, value))
            else:
                out.append(first)
            if toks[i] == ("op", ","):
                i += 1
            i = skip_nl(toks, i)
        return out, i + 1

    def args(self, toks, i, names):
        args, spread = [], False
        i = skip_nl(toks, i)
        while toks[i] != ("op", ")"):
            val, i = self.parse(toks, i, names)
            args.append(val)
            if toks[i] == ("op", "..."):
                spread, i = True, i + 1
            if toks[i] == ("op", ","):
                i += 1
            i = skip_nl(toks, i)
        return args, spread, i + 1

    def call(self, name, args, spread):
        size_class = {
            "utils.Numeric": "[0-9]{%s}", "utils.Hex": "[a-f0-9]{%s}",
            "utils.AlphaNumeric": "[a-z0-9]{%s}", "utils.AlphaNumericExtendedShort": "[a-z0-9_-]{%s}",
            "utils.AlphaNumericExtended": r"[a-z0-9=_\-]{%s}",
            "utils.AlphaNumericExtendedLong": r"[a-z0-9\/=_\+\-]{%s}",
        }
        if name in size_class:
            return size_class[name] % args[0]
        if name == "utils.Hex8_4_4_4_12":
            return "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
        if name == "secrets.NewSecret":
            return random_match(args[0], self.rng)
        if name == "secrets.NewSecretWithEntropy":
            # Betterleaks: drawn again (up to ten times) until its entropy reaches the minimum.
            for _ in range(10):
                secret = random_match(args[0], self.rng)
                if shannon_entropy(secret) >= float(args[1]):
                    return secret
            return ""
        if name == "utils.GenerateSampleSecret":
            return f'{args[0]}_api_token = "{args[1]}"'
        if name == "utils.GenerateSampleSecrets":
            ident, secret = args
            return [t.replace("{i}", ident).replace("{I}", ident.upper()).replace("{s}", secret)
                    for t in self.templates]
        if name == "append":
            base = list(args[0])
            rest = args[1:]
            if spread:
                *head, last = rest
                return base + head + list(last)
            return base + rest
        if name == "fmt.Sprintf":
            fmt, rest = args[0], list(args[1:])
            def sub(m):
                if m.group(0) == "%%":
                    return "%"
                if not rest:
                    raise Unknown("Sprintf arguments")
                v = rest.pop(0)
                return f'"{v}"' if m.group(0) == "%q" else str(v)
            return re.sub(r"%%|%[sqvd]", sub, fmt)
        if name == "strings.Repeat":
            return args[0] * int(args[1])
        raise Unknown(name)


def shannon_entropy(text):
    if not text:
        return 0.0
    counts = {}
    for c in text:
        counts[c] = counts.get(c, 0) + 1
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


def skip_nl(toks, i):
    while i < len(toks) and toks[i][0] == "nl":
        i += 1
    return i


def validate_call(ev, toks, i, names):
    """`return utils.Validate(r, TPS, FPS)` with the examples written in the call itself."""
    j = i + 4  # return utils . Validate
    if toks[j] != ("op", "(") or toks[skip_nl(toks, j + 1)] != ("ident", "r"):
        return
    j = skip_nl(toks, j + 2)
    for var in ("tps", "fps"):
        if toks[j] != ("op", ","):
            return
        j = skip_nl(toks, j + 1)
        if toks[j] == ("ident", "nil"):
            names.setdefault(var, [])
            j += 1
            continue
        val, j = ev.parse(toks, j, names)
        names[var] = val
        j = skip_nl(toks, j)


def run_statements(ev, toks, names):
    """Evaluates every `name := expr`, `name = expr` and `var name [type] = expr` it can."""
    i = 0
    while i < len(toks):
        if toks[i] == ("ident", "return") and i + 3 < len(toks) and toks[i + 1] == (
                "ident", "utils") and toks[i + 3][1] in ("Validate", "ValidateWithPaths"):
            try:
                validate_call(ev, toks, i, names)
            except (Unknown, IndexError, TypeError, ValueError):
                pass
            i += 1
            continue
        start = i == 0 or toks[i - 1][0] == "nl" or toks[i - 1] in (("op", "{"), ("op", "("))
        if not start or toks[i][0] != "ident":
            i += 1
            continue
        j = i
        if toks[j][1] == "var":
            j += 1
        if j >= len(toks) or toks[j][0] != "ident":
            i += 1
            continue
        name = toks[j][1]
        k = j + 1
        if toks[i][1] == "var" and k < len(toks) and toks[k][0] == "ident":
            k += 1  # a type
        if k < len(toks) and toks[k] == ("op", "[") and toks[i][1] == "var":
            while k < len(toks) and toks[k] != ("op", "="):
                k += 1
        if k >= len(toks) or toks[k] not in (("op", ":="), ("op", "=")):
            i += 1
            continue
        try:
            val, end = ev.parse(toks, skip_nl(toks, k + 1), names)
            names[name] = val
            i = end
        except (Unknown, IndexError, TypeError, ValueError):
            i = k + 1


def sample_templates(utils_dir):
    src = (pathlib.Path(utils_dir) / "generate.go").read_text()
    start = src.index("samples := map[string]string{")
    toks = tokenize(src[start:])
    ev = Evaluator([], random.Random(0))
    templates, _ = ev.parse(toks, 2, {})
    return [v for _, v in templates]


def gitleaks_examples(rule_dir):
    """Yields (rule id, "positive"|"negative", text, file name or None) for every example."""
    rule_dir = pathlib.Path(rule_dir)
    templates = sample_templates(rule_dir.parent / "utils")
    for path in sorted(rule_dir.glob("*.go")):
        if path.name.endswith("_test.go"):
            continue
        src = path.read_text()
        globals_ = {}
        ev = Evaluator(templates, random.Random(path.name))
        # File-level `var` declarations (lists of keys shared by the file's rules).
        # Only the declaration itself is evaluated (the text after it belongs to other statements).
        for m in re.finditer(r"(?m)^var (\w+) = ", src):
            try:
                globals_[m.group(1)], _ = ev.parse(tokenize(src[m.end():]), 0, globals_)
            except (Unknown, IndexError, TypeError, ValueError):
                pass
        for func in re.split(r"(?m)^func ", src)[1:]:
            rid = re.search(r'RuleID:\s*"([^"]+)"', func)
            if not rid:
                continue
            rid = rid.group(1)
            ev.rng = random.Random(rid)
            names = dict(globals_)
            names.pop("tps", None)
            names.pop("fps", None)
            run_statements(ev, tokenize(func), names)
            for kind, var in (("positive", "tps"), ("negative", "fps")):
                val = names.get(var)
                if not isinstance(val, list):
                    continue
                for ex in val:
                    if isinstance(ex, tuple):
                        yield rid, kind, ex[1], ex[0]
                    elif isinstance(ex, str):
                        yield rid, kind, ex, None
