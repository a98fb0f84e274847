"""Where things live: user config, user data, speech models and dialog files."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "couples-companion"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout when running from one (editable install, setup scripts); site-packages for an installed wheel."""
PACKAGED_DIALOGS = Path(__file__).resolve().parent / "dialog_files"
"""The copy of `dialogs/` that setup.py ships inside the wheel."""

ENV_CONFIG = "ASSISTANT_CONFIG"
ENV_DATA_DIR = "ASSISTANT_DATA_DIR"
ENV_MODEL = "ASSISTANT_MODEL"
ENV_DIALOGS = "ASSISTANT_DIALOGS"


def config_file() -> Path:
    """The user's TOML settings file (may not exist: defaults then apply)."""
    if env := os.environ.get(ENV_CONFIG):
        return Path(env).expanduser()
    return user_config_path(APP_NAME) / "config.toml"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The private data directory: --data-dir, then $ASSISTANT_DATA_DIR, then the platform's user data dir."""
    if override:
        return Path(override).expanduser()
    if env := os.environ.get(ENV_DATA_DIR):
        return Path(env).expanduser()
    return user_data_path(APP_NAME)


def checkout_root() -> Path | None:
    """The source checkout this code runs from, or None for an installed wheel (no pyproject.toml beside it)."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "dialogs").is_dir():
        return PROJECT_ROOT
    return None


def project_models_dir() -> Path:
    """`models/` in the checkout; outside a checkout, the user's models dir (nothing lives beside site-packages)."""
    root = checkout_root()
    return root / "models" if root else user_models_dir()


def user_models_dir() -> Path:
    """Models downloaded for this user."""
    return user_data_path(APP_NAME) / "models"


def dialogs_dir() -> Path:
    """Dialog scripts: $ASSISTANT_DIALOGS, else `dialogs/` in the checkout, else the copy inside the package."""
    if env := os.environ.get(ENV_DIALOGS):
        return Path(env).expanduser()
    root = checkout_root()
    return root / "dialogs" if root else PACKAGED_DIALOGS


def ensure_private_dir(path: Path) -> Path:
    """Create `path` 0700 and verify it is ours, private and not a link (see `assistant.store.private`)."""
    from assistant.store.private import ensure_private_dir as ensure

    return ensure(path)
