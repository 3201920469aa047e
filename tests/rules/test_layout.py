"""The layout the code is read by (DESIGN.md «Layout», issue 14), checked on every file.

- Imports go one way, handlers → bot → store: `store/` imports neither; `bot/` imports
  `handlers/` only at the composition root, `bot/app.py`.
- `handlers/` takes nothing from `store/` but the model types (`store.models`): what a
  listener or a sender shows, `bot/` hands it.
- Every `bot/<feature>/rules.py` (and the privacy rules) is pure: no database, no Slack and
  no clock, not even through the modules it imports.
- `bot/` itself holds only the composition roots and the shared kernel; every feature is a
  package.
- No module is named as a near-synonym of a sibling (`report`/`reporting`/`reports`).
- The README's «How it is built» sends each of three rules to the one file that holds it.

Each test names the file and the rule it breaks.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROOMS = ("bot", "handlers", "store")
COMPOSITION_ROOT = ROOT / "bot" / "app.py"

# bot/'s top level: the composition roots, then the shared kernel. A new kernel module is added here,
# on purpose; anything that belongs to one feature goes in that feature's package instead.
COMPOSITION_ROOTS = {"app", "server", "socket_mode", "cli", "scheduler"}
KERNEL = {"services", "settings", "logs", "clock", "errors", "i18n", "office", "workspace", "workdays", "privacy",
          "forms", "messenger", "metrics", "webapi"}

DATABASE = {"sqlalchemy", "store"}
SLACK = {"slack_sdk", "slack_bolt"}
CLOCK = {"bot.clock"}
# Calls that read the time: a rule is given «now» or «today», it never asks.
CLOCK_CALLS = {"datetime.now", "datetime.utcnow", "datetime.today", "date.today", "time.time", "time.monotonic"}
PURE = [*sorted((ROOT / "bot").glob("*/rules.py")), ROOT / "bot" / "privacy.py"]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _files(room: str) -> Iterator[Path]:
    yield from sorted((ROOT / room).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _imports(path: Path) -> frozenset[str]:
    """Every module `path` imports, by its full dotted name (`from a import b` yields `a` and `a.b`,
    since b may be a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(names)


def _within(name: str, prefixes: set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _sources(name: str) -> list[Path]:
    """The files importing module `name` runs, if it is one of this project's: its packages'
    __init__ files, then the module itself (none for a third-party module or a name in a module)."""
    parts = name.split(".")
    if parts[0] not in ROOMS:
        return []
    found = []
    for depth in range(1, len(parts) + 1):
        base = ROOT.joinpath(*parts[:depth])
        found += [c for c in (base / "__init__.py", base.with_suffix(".py")) if c.is_file()]
    module = ROOT.joinpath(*parts)
    return found if (module / "__init__.py").is_file() or module.with_suffix(".py").is_file() else []


def _reached(path: Path) -> dict[str, str]:
    """Every module `path` imports, directly or through this project's modules, each with the
    shortest chain it is reached by (to say where a forbidden import comes from)."""
    seen: dict[str, str] = {}
    queue = deque([(path, _rel(path))])
    while queue:
        current, chain = queue.popleft()
        for name in sorted(_imports(current) - seen.keys()):
            seen[name] = f"{chain} → {name}"
            queue += [(source, seen[name]) for source in _sources(name) if source != path]
    return seen


def _clock_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            call = f"{owner_name}.{node.func.attr}"
            if call in CLOCK_CALLS:
                found.append(f"{_rel(path)}:{node.lineno} calls {call}()")
    return found


# --- handlers → bot → store ---------------------------------------------------------------------

def test_store_imports_neither_bot_nor_handlers():
    broken = [f"{_rel(path)} imports {name}" for path in _files("store") for name in sorted(_imports(path))
              if _within(name, {"bot", "handlers"})]
    assert broken == [], "store/ is the bottom room (handlers → bot → store):\n" + "\n".join(broken)


def test_bot_imports_handlers_only_at_the_composition_root():
    broken = [f"{_rel(path)} imports {name}" for path in _files("bot") if path != COMPOSITION_ROOT
              for name in sorted(_imports(path)) if _within(name, {"handlers"})]
    assert broken == [], f"only {_rel(COMPOSITION_ROOT)} wires handlers in (handlers → bot → store):\n" + \
        "\n".join(broken)


def test_handlers_take_only_model_types_from_the_store():
    broken = [f"{_rel(path)} imports {name}" for path in _files("handlers") for name in sorted(_imports(path))
              if _within(name, {"store"}) and not _within(name, {"store.models"}) and name != "store"]
    assert broken == [], "handlers/ may import store.models only; bot/ returns what they render:\n" + \
        "\n".join(broken)


# --- pure rules ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PURE, ids=_rel)
def test_rules_know_no_database_no_slack_and_no_clock(path: Path):
    reached = _reached(path)
    broken = []
    for what, forbidden in (("the database", DATABASE), ("Slack", SLACK), ("the clock", CLOCK)):
        # One line per forbidden module, by its shortest chain: the first link is the one to cut.
        for root in sorted(forbidden):
            chains = sorted((reached[name] for name in reached if _within(name, {root})), key=len)
            if chains:
                broken.append(f"{_rel(path)} reaches {what} ({root}): {chains[0]}")
    broken += [f"{call} (a rule is given the time)" for call in _clock_calls(path)]
    assert broken == [], "rules are plain Python, tested without a database, Slack or a clock:\n" + \
        "\n".join(broken)


# --- names ---------------------------------------------------------------------------------------

def _children(package: Path) -> list[str]:
    """The modules and subpackages of a package, by name."""
    names = [p.stem for p in package.glob("*.py") if p.stem != "__init__"]
    names += [p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").is_file()]
    return sorted(names)


def _packages() -> list[Path]:
    return [ROOT / room for room in ROOMS] + sorted(
        init.parent for room in ROOMS for init in (ROOT / room).rglob("__init__.py") if init.parent != ROOT / room)


def test_bot_top_level_holds_only_the_composition_roots_and_the_kernel():
    allowed = COMPOSITION_ROOTS | KERNEL
    modules = [p for p in (ROOT / "bot").glob("*.py") if p.stem != "__init__"]
    strays = [f"{_rel(p)} is neither a composition root nor kernel: move it into its feature's package "
              f"(bot/<feature>/), or add it to KERNEL in {_rel(Path(__file__))} if every feature needs it"
              for p in sorted(modules) if p.stem not in allowed]
    assert strays == [], "\n".join(strays)


def _stem(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def near_synonyms(names: list[str]) -> list[tuple[str, str]]:
    """Pairs of names where one, singular, begins the other: report/reports, report/reporting,
    leader/leadership, quality/quality_rounds."""
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
            if _stem(b).startswith(_stem(a)) or _stem(a).startswith(_stem(b))]


def test_near_synonym_check_catches_what_issue_14_found():
    assert near_synonyms(["report", "reporting", "report_text", "exports"]) == [
        ("report", "reporting"), ("report", "report_text")]
    assert near_synonyms(["leaders", "leadership", "assessment"]) == [("leaders", "leadership")]
    assert near_synonyms(["rules", "jobs", "digest"]) == []


@pytest.mark.parametrize("package", _packages(), ids=_rel)
def test_no_module_is_a_near_synonym_of_a_sibling(package: Path):
    clashes = [f"{_rel(package)}/: {a} and {b}" for a, b in near_synonyms(_children(package))]
    assert clashes == [], "a file's name says what it holds, and no sibling says nearly the same:\n" + \
        "\n".join(clashes)


# --- the README's map ----------------------------------------------------------------------------

# Issue 14: a reader finds each of these rules by opening the one file the README names.
README_RULES = {
    "a deviation closes only when every action is done": ("bot/deviations/rules.py", "check_closure"),
    "HMS goes to ASYS": ("bot/routing/rules.py", "DEFAULT_ROUTES"),
    "remind after N workdays": ("bot/reminders/rules.py", "due_nudges"),
}


@pytest.mark.parametrize("rule", README_RULES)
def test_the_readme_names_the_one_file_that_holds_the_rule(rule: str):
    path, name = README_RULES[rule]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"| {rule} | `{path}` (`{name}`" in readme, f"README.md «How it is built» should send «{rule}» to {path}"
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    defined |= {node.target.id for node in tree.body if isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)}
    defined |= {target.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets
                if isinstance(target, ast.Name)}
    assert name in defined, f"{path} no longer defines {name}, which README.md names for «{rule}»"
