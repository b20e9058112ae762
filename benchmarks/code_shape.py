"""Issue 9's shape figures: modules over 300 lines, functions over 50 lines, function-level imports.

    python -m benchmarks.code_shape [--list]

Counts the runtime packages (bot, core, handlers, reminders, store), migrations excluded from
the function-length rule. Function-level imports in bot/commands and bot/cli.py (the serving
mode chosen on the command line) are lazy loads that keep the CLI quick to start; they are
counted apart from the others.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "core", "handlers", "reminders", "store")
MAX_MODULE, MAX_FUNCTION = 300, 50


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def measure() -> dict[str, list[str]]:
    big_modules, long_functions, inner_imports, lazy_cli = [], [], [], []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            text = path.read_text(encoding="utf-8")
            lines = text.count("\n") + 1
            if lines > MAX_MODULE:
                big_modules.append(f"{rel} {lines}")
            tree = ast.parse(text)
            for fn in _functions(tree):
                length = (fn.end_lineno or fn.lineno) - fn.lineno + 1
                if length > MAX_FUNCTION and "/migrations/" not in rel:
                    long_functions.append(f"{rel}:{fn.lineno} {fn.name} {length}")
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        lazy = rel.startswith("bot/commands/") or rel == "bot/cli.py"
                        (lazy_cli if lazy else inner_imports).append(
                            f"{rel}:{node.lineno} in {fn.name}")
    return {"modules over 300 lines": big_modules, "functions over 50 lines": long_functions,
            "function-level imports": inner_imports, "lazy CLI imports (bot/commands, bot/cli.py)": lazy_cli}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list each place, not only the counts")
    args = parser.parse_args()
    for name, places in measure().items():
        print(f"{name}: {len(places)}")
        if args.list:
            for place in places:
                print(f"    {place}")


if __name__ == "__main__":
    main()
