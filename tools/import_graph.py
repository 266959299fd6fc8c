"""The import graph of the `nnnotes` package, read from the code, and the one-way rule it must obey.

Every ``import``/``from ... import`` of an ``nnnotes`` module is read from the source with `ast`
(imports inside functions included: a lazy import is still a dependency). Each module belongs to
a layer; a layer may import only itself and the layers listed for it in `ALLOWED`:

- ``site`` (nnnotes.sitebuild): the MkDocs plugin; may import anything;
- ``presentation`` (nnnotes.render, nnnotes.figures): tables and figures of result objects;
- ``experiments`` and ``proofs``: what the pages print;
- ``check`` (nnnotes.check): the checking engine;
- ``library`` (the rest of the top level): numpy only.

``python -m tools.import_graph`` prints the graph as a Mermaid diagram (the README's picture is
this output, and a test keeps the two equal); ``--check`` fails on an import against the rule.

Examples
--------
>>> layer_of("nnnotes.check.derivation"), layer_of("nnnotes.softmax"), layer_of("nnnotes.figures.saddles")
('check', 'library', 'presentation')
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "nnnotes"

#: Layers from the top (may import the most) to the bottom (imports no other layer).
LAYERS = ("site", "presentation", "experiments", "proofs", "check", "library")
ALLOWED = {
    "site": frozenset(LAYERS),
    "presentation": frozenset({"presentation", "experiments", "library"}),
    "experiments": frozenset({"experiments", "proofs", "check", "library"}),
    "proofs": frozenset({"proofs", "check", "library"}),
    "check": frozenset({"check", "library"}),
    "library": frozenset({"library"}),
}
_PREFIXES = (
    ("nnnotes.sitebuild", "site"),
    ("nnnotes.figures", "presentation"),
    ("nnnotes.render", "presentation"),
    ("nnnotes.experiments", "experiments"),
    ("nnnotes.proofs", "proofs"),
    ("nnnotes.check", "check"),
)


def layer_of(module: str) -> str:
    """Return the layer of a dotted ``nnnotes`` module name."""
    for prefix, layer in _PREFIXES:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return "library"


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    """Map every module of the package (``__init__`` included) to its file."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, known: set[str]) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            # `from nnnotes import softmax` imports the module nnnotes.softmax
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        else:
            continue
        for t in targets:
            if t == "nnnotes" or t.startswith("nnnotes."):
                while t not in known and "." in t:
                    t = t.rsplit(".", 1)[0]
                if t != name:
                    yield t


def edges(package: Path = PACKAGE) -> set[tuple[str, str]]:
    """Return the set of (importer, imported) pairs of package modules."""
    mods = modules(package)
    known = set(mods)
    return {(name, t) for name, path in mods.items() for t in _imports(name, path, known)}


def violations(package: Path = PACKAGE) -> list[str]:
    """Return one line per import that runs against the layers' one-way rule."""
    bad = []
    for a, b in sorted(edges(package)):
        la, lb = layer_of(a), layer_of(b)
        if b == "nnnotes" and la != "site":
            bad.append(f"{a} ({la}) imports the package root nnnotes: import the module it needs")
        elif lb not in ALLOWED[la]:
            bad.append(f"{a} ({la}) imports {b} ({lb}): {la} may import only {sorted(ALLOWED[la])}")
    return bad


def mermaid(package: Path = PACKAGE) -> str:
    """Return the graph as a Mermaid flowchart: one box per layer listing its modules, edges counted."""
    mods = modules(package)
    by_layer: dict[str, list[str]] = {layer: [] for layer in LAYERS}
    for name in mods:
        if name != "nnnotes":
            by_layer[layer_of(name)].append(name.removeprefix("nnnotes."))
    counts = Counter((layer_of(a), layer_of(b)) for a, b in edges(package) if b != "nnnotes")
    lines = ["```mermaid", "flowchart TD"]
    for layer in LAYERS:
        names = by_layer[layer]
        shown = ", ".join(names)
        lines.append(f'    {layer}["<b>{layer}</b> ({len(names)} modules)<br/>{shown}"]')
    for (a, b), n in sorted(counts.items(), key=lambda kv: (LAYERS.index(kv[0][0]), LAYERS.index(kv[0][1]))):
        if a != b:
            lines.append(f"    {a} -->|{n}| {b}")
    lines.append("```")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the Mermaid diagram, or check the rule (``--check``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="fail on an import against the one-way rule")
    args = parser.parse_args(argv)
    if args.check:
        bad = violations()
        for line in bad:
            print(line, file=sys.stderr)
        return 1 if bad else 0
    print(mermaid())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
