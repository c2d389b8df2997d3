"""Packages the addon so that `pip install .` makes it importable as `odoo.addons.ec_coupang`.

Odoo then finds it without an extra addons path: `odoo.addons` extends its path over every
`odoo/addons` folder on sys.path, site-packages included.
"""

import ast
import os

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ADDON = "ec_coupang"

with open(os.path.join(HERE, ADDON, "__manifest__.py"), encoding="utf-8") as manifest_file:
    MANIFEST = ast.literal_eval(manifest_file.read())


def addon_packages():
    return [f"odoo.addons.{ADDON}"] + [
        f"odoo.addons.{ADDON}.{package}" for package in find_packages(os.path.join(HERE, ADDON))
    ]


def addon_data_files():
    """Every non-Python file of the addon (views, data, security, translations, static), and the
    upgrade scripts, which Odoo reads from their folder, not as a package."""
    found = []
    for folder, _dirs, files in os.walk(os.path.join(HERE, ADDON)):
        if "__pycache__" in folder:
            continue
        relative = os.path.relpath(folder, os.path.join(HERE, ADDON))
        found += [
            os.path.normpath(os.path.join(relative, name))
            for name in files
            if not name.endswith(".py") or relative.startswith("migrations")
        ]
    return found


setup(
    name="odoo-addon-ec-coupang",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    license="LGPL-3.0-only",
    python_requires=">=3.10",
    packages=addon_packages(),
    package_dir={f"odoo.addons.{ADDON}": ADDON},
    package_data={f"odoo.addons.{ADDON}": addon_data_files()},
    # Odoo 18.0 itself is a prerequisite that no package registry serves; it is not declared here.
    install_requires=["requests>=2.25", "cryptography>=3.4"],
    zip_safe=False,
)
