"""pytest configuration shared by the addon's tests.

Browser tours (HttpCase) need Odoo's own test runner with a live HTTP server; scripts/test runs
them there. pytest-odoo would only report them as skipped, so they are deselected here instead.
"""

from odoo.tests.common import HttpCase


def _is_tour(item):
    cls = getattr(item, "cls", None)
    return isinstance(cls, type) and issubclass(cls, HttpCase)


def pytest_collection_modifyitems(config, items):
    tours = [item for item in items if _is_tour(item)]
    if tours:
        config.hook.pytest_deselected(items=tours)
        items[:] = [item for item in items if not _is_tour(item)]
