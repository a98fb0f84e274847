"""Where things live: user config, user data, speech models and dialog files."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "couples-companion"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout (the package is installed editable by the setup scripts)."""

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


def project_models_dir() -> Path:
    """`models/` in the checkout."""
    return PROJECT_ROOT / "models"


def user_models_dir() -> Path:
    """Models downloaded for this user."""
    return user_data_path(APP_NAME) / "models"


def dialogs_dir() -> Path:
    """Dialog scripts: $ASSISTANT_DIALOGS or `dialogs/` in the checkout."""
    if env := os.environ.get(ENV_DIALOGS):
        return Path(env).expanduser()
    return PROJECT_ROOT / "dialogs"


def ensure_private_dir(path: Path) -> Path:
    """Create `path` 0700 and verify it is ours, private and not a link (see `assistant.store.private`)."""
    from assistant.store.private import ensure_private_dir as ensure

    return ensure(path)
