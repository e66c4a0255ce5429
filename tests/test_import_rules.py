"""The import rules ARCHITECTURE.md states, held to the code.

Every first-party module's text is parsed (imports at the top and inside functions alike),
giving a module → module graph and from it a package → package graph. The tests assert that
graph's edges against RULES, which is the "imports" column of ARCHITECTURE.md's "Where things
live" table: a new edge fails here until the rule (and the table) is changed on purpose.
"""

from __future__ import annotations

import ast
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# package -> the other first-party packages it may import. Ground floor: contracts, then xjs.
# Middle: synthetic, linkage, research (no edges between them). Wiring: orchestration. Top:
# the command line (cli), and benchmarks, which nothing imports either.
RULES: dict[str, set[str]] = {
    "contracts": set(),
    "xjs": {"contracts"},
    "synthetic": {"contracts", "xjs"},
    "linkage": {"contracts", "xjs"},
    "research": {"contracts", "xjs"},
    "orchestration": {"contracts", "xjs", "synthetic", "linkage", "research"},
    "cli": {"contracts", "xjs", "synthetic", "linkage", "research", "orchestration"},
    "benchmarks": {"contracts", "xjs", "synthetic", "linkage", "research", "orchestration"},
}
TOP = {"cli", "benchmarks"}
GROUND = {"contracts", "xjs"}
DAGSTER = re.compile(r"^dagster(_[a-z_]+)?$")  # dagster, dagster_dbt, dagster_webserver, ...
MAY_IMPORT_DAGSTER = {"orchestration", "cli", "benchmarks"}
# the modules that read ground truth (xjs_link evaluation, the journey mart's evaluation)
TRUTH_READING = {"linkage.evaluation", "linkage.journey"}


def _packages() -> set[str]:
    return {p.parent.name for p in REPO.glob("*/__init__.py")}


def _module_file(name: str) -> Path | None:
    base = REPO.joinpath(*name.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.exists():
            return path
    return None


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _all_modules() -> list[str]:
    return sorted(_module_name(p) for pkg in _packages() for p in (REPO / pkg).rglob("*.py"))


@cache
def _raw_imports(name: str) -> frozenset[str]:
    """Every module name one module imports anywhere in its text (lazy imports too), resolved
    to absolute names; `from a import b` yields both `a` and `a.b` (b may be a module)."""
    path = _module_file(name)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return frozenset(found)


def _imports(name: str) -> set[str]:
    """The first-party modules one module imports."""
    packages = _packages()
    return {m for m in _raw_imports(name) if m.split(".")[0] in packages and _module_file(m)}


def reachable(start: str) -> set[str]:
    """Every first-party module reachable from start over imports (and parent packages)."""
    seen, todo = set(), [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parents = {name.rsplit(".", k)[0] for k in range(1, name.count(".") + 1)}
        todo += [m for m in _imports(name) | parents if m not in seen]
    return seen


def package_edges() -> dict[tuple[str, str], list[str]]:
    """(importing package, imported package) -> the importing modules, across packages."""
    edges: dict[tuple[str, str], list[str]] = {}
    for module in _all_modules():
        source = module.split(".")[0]
        for target in {m.split(".")[0] for m in _imports(module)} - {source}:
            edges.setdefault((source, target), []).append(module)
    return edges


def test_every_package_has_a_rule_and_the_wheel_ships_the_rest():
    assert _packages() == set(RULES)
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = set(pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"])
    assert wheel == set(RULES) - {"benchmarks"}
    # the `xjs` script is the command line's, on the top floor
    assert pyproject["project"]["scripts"]["xjs"].split(".")[0] == "cli"


def _table_rules() -> dict[str, set[str]]:
    """ARCHITECTURE.md's "Where things live" table: folder -> its "imports" column."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Where things live", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| ")]
    header, *body = ([cell.strip() for cell in row] for row in rows)
    folder, imports = header.index("folder"), header.index("imports")
    table = {}
    for row in body:
        name = row[folder].strip("`/")
        if name not in _packages():
            continue  # dbt_project/ and the like: not Python
        cell = row[imports]
        if cell == "everything below":
            table[name] = set(RULES) - TOP
        else:
            table[name] = set() if cell == "—" else {p.strip() for p in cell.split(",")}
    return table


def test_architecture_md_states_these_rules():
    assert _table_rules() == RULES


def test_the_walk_sees_top_level_and_function_level_imports():
    edges = package_edges()
    # orchestration imports linkage at the top of its linkage assets
    assert "orchestration.defs.linkage" in edges[("orchestration", "linkage")]
    # the command line imports orchestration and synthetic only inside its commands
    assert "cli.app" in edges[("cli", "orchestration")]
    assert "synthetic.generator" in reachable("cli.app")


@pytest.mark.parametrize("package", sorted(RULES))
def test_each_package_imports_only_what_its_rule_allows(package):
    forbidden = {
        (source, target): modules
        for (source, target), modules in package_edges().items()
        if source == package and target not in RULES[package]
    }
    assert forbidden == {}


def test_nothing_imports_the_top_floor():
    assert {edge: m for edge, m in package_edges().items() if edge[1] in TOP} == {}


def test_the_ground_floor_imports_only_the_ground_floor():
    edges = package_edges()
    assert {
        edge: m for edge, m in edges.items() if edge[0] in GROUND and edge[1] not in GROUND
    } == {}
    assert ("xjs", "contracts") in edges  # the walk sees the ground floor's own edge


def test_only_the_command_line_imports_orchestration():
    importers = {source for source, target in package_edges() if target == "orchestration"}
    assert importers <= TOP


def test_only_orchestration_and_the_top_floor_import_dagster():
    found = {
        module: sorted(m for m in _raw_imports(module) if DAGSTER.match(m.split(".")[0]))
        for module in _all_modules()
        if module.split(".")[0] not in MAY_IMPORT_DAGSTER
    }
    assert {module: names for module, names in found.items() if names} == {}
    # the pattern is live: orchestration does import dagster
    assert any(DAGSTER.match(m) for m in _raw_imports("orchestration.definitions"))


def test_no_truth_reading_module_is_reachable_from_the_linkage_path():
    path = reachable("linkage.pipeline")
    assert {"linkage.quality", "linkage.relatives", "contracts.xjs_link"} <= path  # the walk works
    assert path & TRUTH_READING == set()


def test_the_import_walk_finds_truth_reading_modules_where_they_are_imported():
    assert reachable("orchestration.defs.linkage") >= TRUTH_READING
