"""pytest configuration shared by the addon's tests.

Browser tours (HttpCase) need Odoo's own test runner with a live HTTP server; scripts/test runs
them there. pytest-odoo would only report them as skipped, so they are deselected here instead.
"""


def _is_tour(item, http_case_class):
    cls = getattr(item, "cls", None)
    return isinstance(cls, type) and issubclass(cls, http_case_class)


def pytest_collection_modifyitems(config, items):
    # Imported here, once pytest-odoo has configured Odoo, not when pytest loads this file.
    from odoo.tests.common import HttpCase  # noqa: PLC0415

    tours = [item for item in items if _is_tour(item, HttpCase)]
    if tours:
        config.hook.pytest_deselected(items=tours)
        items[:] = [item for item in items if not _is_tour(item, HttpCase)]
