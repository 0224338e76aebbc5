"""Puts templates/, migrations/ and content/ into the wheel as learnset/_data/, where the
installed package looks for them first (learnset/config.py, data_dir). In the repository they
stay at the top level, where the product's layout puts them; everything else about the build is
in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_FOLDERS = ("templates", "migrations", "content")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        # An editable install reads the checkout's folders directly: nothing to copy.
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "learnset" / "_data"
        for name in DATA_FOLDERS:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(
                root / name,
                target / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"),
            )


setup(cmdclass={"build_py": BuildWithData})
