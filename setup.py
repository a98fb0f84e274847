"""Build configuration pyproject.toml cannot express: the top-level `dialogs/` ships inside the package.

`dialogs/` stays the one source a couple or a therapist edits; at build time setuptools maps it (and its
subfolders, e.g. `scenarios/`) to the package `assistant.dialog_files`, so a wheel works with no checkout
(see `assistant.paths.dialogs_dir`). Everything else (metadata, dependencies, entry points) is in pyproject.toml.
"""

from setuptools import find_namespace_packages, find_packages, setup

DIALOGS = ["assistant.dialog_files", *(f"assistant.dialog_files.{name}" for name in find_namespace_packages("dialogs"))]

setup(
    packages=[*find_packages(include=["assistant", "assistant.*"]), *DIALOGS],
    package_dir={"assistant.dialog_files": "dialogs"},
    package_data={"assistant": ["py.typed", "*.json"], "assistant.stt": ["*.arpa"],  # the free-text model
                  **{name: ["*.yaml", "*.md"] for name in DIALOGS}},
)
