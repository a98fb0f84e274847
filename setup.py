"""Build configuration pyproject.toml cannot express: the top-level `dialogs/` ships inside the package.

`dialogs/` stays the one source a couple or a therapist edits; at build time setuptools maps it to the
package `assistant.dialog_files`, so a wheel works with no checkout (see `assistant.paths.dialogs_dir`).
Everything else (metadata, dependencies, entry points) lives in pyproject.toml.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["assistant", "assistant.*"]), "assistant.dialog_files"],
    package_dir={"assistant.dialog_files": "dialogs"},
    package_data={"assistant": ["py.typed"], "assistant.dialog_files": ["**/*.yaml", "**/*.md"]},
)
