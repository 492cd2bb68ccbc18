"""Each package's __init__ is its public API: product code outside a package imports only the package."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("agent.core", "agent.read_room", "agent.questions", "agent.rehearsal", "agent.prep", "agent.guidance",
            "agent.conversation", "retrieval")
PRODUCT = [ROOT / "app.py", *(p for d in ("agent", "views", "retrieval") for p in (ROOT / d).rglob("*.py"))]


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def _private_imports(path: Path) -> list[str]:
    here = _module_name(path)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            for package in PACKAGES:
                inside = here == package or here.startswith(package + ".")
                if name.startswith(package + ".") and not inside and (ROOT / (name.replace(".", "/") + ".py")).exists():
                    found.append(f"{here}:{node.lineno} imports {name}")
    return found


def test_nothing_outside_a_package_imports_its_private_modules():
    problems = [p for path in PRODUCT for p in _private_imports(path)]
    assert not problems, "import the package, not its modules:\n" + "\n".join(problems)
