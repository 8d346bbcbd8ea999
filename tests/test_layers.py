"""The billing domain talks to Saleor and Stripe only through its ports (`renewals.ports`): no module of it
imports an adapter, not even inside a function, so the in-memory ports run it without Stripe or Saleor."""

from __future__ import annotations

import ast
from pathlib import Path

import saleor_subscriptions

DOMAIN = ("billing", "discounts", "invoicing", "notifications", "renewals", "subscriptions")
ADAPTERS = ("api", "payments", "paypage", "portal", "saleor", "stripe_webhooks")
LIBRARIES = ("stripe", "httpx")


def _imports(path: Path, package: str = "") -> list[str]:
    """Every module `path` imports, relative imports resolved against its `package`; for `from m import n`
    also `m.n` (`n` may be a module: `from saleor_subscriptions import payments`)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            names.append(module)
            names.extend(f"{module}.{alias.name}" for alias in node.names)
    return names


def _forbidden(name: str) -> bool:
    if name.split(".", maxsplit=1)[0] in LIBRARIES:
        return True
    return any(
        name == f"saleor_subscriptions.{a}" or name.startswith(f"saleor_subscriptions.{a}.") for a in ADAPTERS
    )


def _package_of(path: Path, root: Path) -> str:
    return ".".join(path.relative_to(root.parent).parent.parts)


def test_the_domain_imports_no_adapter() -> None:
    root = Path(saleor_subscriptions.__file__).parent
    found = [
        f"{path.relative_to(root)}: {name}"
        for package in DOMAIN
        for path in sorted((root / package).rglob("*.py"))
        if "migrations" not in path.parts
        for name in _imports(path, _package_of(path, root))
        if _forbidden(name)
    ]
    assert found == []


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from saleor_subscriptions.stripe_webhooks.followups import x\n")
    assert "saleor_subscriptions.stripe_webhooks.followups" in [n for n in _imports(module) if _forbidden(n)]
    assert not _forbidden("saleor_subscriptions.paymentsx")


def test_the_check_sees_a_package_imported_by_name_and_relative_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from saleor_subscriptions import payments\nfrom ...saleor import client\n")
    found = [name for name in _imports(module, "saleor_subscriptions.renewals.sub") if _forbidden(name)]
    assert found == [
        "saleor_subscriptions.payments",
        "saleor_subscriptions.saleor",
        "saleor_subscriptions.saleor.client",
    ]
