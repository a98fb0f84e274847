"""The wheel works with no checkout: built from the repo, installed into a fresh venv in a temporary
directory, run from there: `assistant dialogs check` and a typed time out (dialogs from inside the package).

Offline: the wheel is built without build isolation (setuptools comes with the test extra) and installed
with --no-deps --no-index; the fresh venv borrows the dependencies of the project's venv through a .pth
line (a plain path entry: the checkout's editable-install hook there is not run).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from assistant.store import Store
from assistant.store.records import TimeOut

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None, stdin: str = "",
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin/` of a fresh venv (outside the checkout) with only the wheel built from this repo."""
    base = tmp_path_factory.mktemp("wheel")
    built = run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                 "-w", str(base / "dist"), str(ROOT)], cwd=base)
    assert built.returncode == 0, built.stderr
    wheel, = (base / "dist").glob("couples_companion-*.whl")
    venv = base / "venv"
    made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=base)
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site.stdout.strip(), "project-deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    done = run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
                str(wheel)], cwd=base)
    assert done.returncode == 0, done.stderr
    return venv / "bin"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("ASSISTANT_", "PYTHON"))}
    (tmp_path / "named.toml").write_text('partners = ["Alex", "Sam"]\n', encoding="utf-8")  # set up already
    return {**keep, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_CONFIG": str(tmp_path / "named.toml")}


def test_the_package_comes_from_the_wheel_with_its_dialogs_and_py_typed(installed: Path, tmp_path: Path,
                                                                        env: dict[str, str]) -> None:
    where = run([str(installed / "python"), "-c", "import assistant, assistant.paths as p; "
                 "print(assistant.__file__); print(p.dialogs_dir()); print(p.checkout_root())"], tmp_path, env)
    module, dialogs, checkout = where.stdout.splitlines()
    package = Path(module).parent
    assert package.is_relative_to(installed.parent) and not package.is_relative_to(ROOT)
    assert Path(dialogs) == package / "dialog_files" and checkout == "None"
    assert (package / "py.typed").is_file()
    shipped = {p.relative_to(package / "dialog_files") for p in (package / "dialog_files").rglob("*.yaml")}
    assert shipped == {p.relative_to(ROOT / "dialogs") for p in (ROOT / "dialogs").rglob("*.yaml")}


def test_dialogs_check_runs_from_the_wheel(installed: Path, tmp_path: Path, env: dict[str, str]) -> None:
    checked = run([str(installed / "assistant"), "dialogs", "check"], tmp_path, env)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.splitlines() == [f"{installed.parent}/lib/python{sys.version_info.major}."
                                           f"{sys.version_info.minor}/site-packages/assistant/dialog_files: OK"]
    mine = tmp_path / "mine"  # a user's own dialog folder overrides the packaged one
    mine.mkdir()
    (mine / "broken.yaml").write_text("id: x\nsteps: [\n", encoding="utf-8")
    overridden = run([str(installed / "assistant"), "dialogs", "check"], tmp_path,
                     {**env, "ASSISTANT_DIALOGS": str(mine)})
    assert overridden.returncode == 1 and "broken.yaml" in overridden.stderr


def test_a_typed_time_out_runs_from_the_wheel(installed: Path, tmp_path: Path, env: dict[str, str]) -> None:
    # both partners consent (a fresh data folder); yes to breathing; a silent cool-off turn; then both are
    # ready (20 minutes pass at once)
    done = run([str(installed / "assistant"), "timeout", "--io", "text", "--virtual-clock"], tmp_path, env,
               stdin="yes\nyes\nyes\n\nready\nready\n")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "Time out ended: resume."
    assert done.stderr == ""
    with Store.open(tmp_path / "data") as store:
        [record] = [r for r in store.query(TimeOut) if isinstance(r, TimeOut)]
    assert record.outcome == "resume" and record.breathing_cycles == 6
