"""Vosk model discovery and the one network call of the program: the checked model download."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

from assistant import paths

_LOGGER = logging.getLogger(__name__)

DEFAULT_MODEL = "vosk-model-small-en-us-0.15"
BASE_URL = "https://alphacephei.com/vosk/models"
KNOWN_MODELS: dict[str, tuple[int, str]] = {
    DEFAULT_MODEL: (41205931, "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"),
}
"""name -> (zip size in bytes, sha256) of models whose archives we can verify."""
FIX_HINT = "get one with: assistant models download"


class ModelError(RuntimeError):
    """A speech model is missing, broken or cannot be downloaded; the message says how to fix it."""


def is_model_dir(path: Path) -> bool:
    """True when `path` looks like a vosk model: `am/final.mdl` (or `am/`) and `conf/`."""
    return path.is_dir() and (path / "am").is_dir() and (path / "conf").is_dir()


def check_model_dir(path: Path) -> Path:
    """`path` if it looks like a vosk model, else ModelError naming it and the fix."""
    if not path.exists():
        raise ModelError(f"vosk model not found: {path} does not exist; {FIX_HINT}")
    if not is_model_dir(path):
        raise ModelError(f"{path} is not a vosk model directory (needs am/ and conf/); {FIX_HINT}")
    return path


def _models_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(child for child in folder.iterdir() if is_model_dir(child))


def find_model(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The vosk model to use: explicit path, $ASSISTANT_MODEL, models/ in the checkout, the user's models.

    An explicit or environment path that is not a model raises ModelError (the user asked for it);
    otherwise None means no model is installed.
    """
    for chosen in (explicit, os.environ.get(paths.ENV_MODEL)):
        if chosen:
            return check_model_dir(Path(chosen).expanduser())
    for folder in (paths.project_models_dir(), paths.user_models_dir()):
        found = _models_in(folder)
        if found:
            return found[0]
    return None


def download(name: str = DEFAULT_MODEL, dest: Path | None = None, sha256: str | None = None,
             base_url: str = BASE_URL, timeout: float = 30.0, progress: bool = True) -> Path:
    """Download model `name` into `dest` (default: the user's models dir), verify, unpack atomically.

    Known models are checked for size and sha256; others only when `sha256` is given.
    """
    from tqdm import tqdm

    dest = paths.ensure_private_dir(Path(dest) if dest else paths.user_models_dir())
    target = dest / name
    if is_model_dir(target):
        _LOGGER.info("model already installed at %s", target)
        return target
    size, expected = KNOWN_MODELS.get(name, (None, None))
    expected = (sha256 or expected or "").lower() or None
    url = f"{base_url.rstrip('/')}/{name}.zip"
    host = urllib.parse.urlparse(url).hostname
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=dest, prefix=f".{name}.", suffix=".zip", delete=False) as tmp:
        tmp_zip = Path(tmp.name)
        try:
            try:
                response = urllib.request.urlopen(url, timeout=timeout)  # noqa: S310 (https/http only)
            except urllib.error.HTTPError as exc:
                raise ModelError(f"cannot download {url}: HTTP {exc.code} (wrong model name?)") from exc
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise ModelError(f"cannot reach {host}: {reason} (you are offline?)") from exc
            with response, tqdm(total=int(response.headers.get("Content-Length") or 0) or size, unit="B",
                                unit_scale=True, desc=name, disable=not progress) as bar:
                while chunk := response.read(1 << 16):
                    tmp.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
        except BaseException:
            tmp.close()
            tmp_zip.unlink(missing_ok=True)
            raise
    try:
        got_size = tmp_zip.stat().st_size
        if size is not None and got_size != size:
            raise ModelError(f"{url}: got {got_size} bytes, expected {size}; try again")
        if expected and digest.hexdigest() != expected:
            raise ModelError(f"{url}: sha256 {digest.hexdigest()} does not match {expected}; not installed")
        return _unpack(tmp_zip, dest, target)
    finally:
        tmp_zip.unlink(missing_ok=True)


def _unpack(archive: Path, dest: Path, target: Path) -> Path:
    """Unzip into a temp dir next to `target`, find the model inside, os.replace it into place."""
    work = Path(tempfile.mkdtemp(dir=dest, prefix=".unpack-"))
    try:
        try:
            with zipfile.ZipFile(archive) as zipped:
                for member in zipped.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise ModelError(f"{archive.name}: unsafe path in archive: {member}")
                zipped.extractall(work)
        except zipfile.BadZipFile as exc:
            raise ModelError(f"downloaded file is not a zip archive: {exc}") from exc
        candidates = [work] + [child for child in work.iterdir() if child.is_dir()]
        model = next((c for c in candidates if is_model_dir(c)), None)
        if model is None:
            raise ModelError("the archive does not contain a vosk model (am/ and conf/)")
        os.replace(model, target)
        _LOGGER.info("installed model at %s", target)
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)
