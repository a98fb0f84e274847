#!/usr/bin/env bash
# Shared setup for scripts/start and scripts/test: system packages, a virtualenv in .venv, the package.
# Safe to run again: it only installs what is missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APT_PACKAGES=(espeak-ng libespeak-ng1 libportaudio2 sox alsa-utils libspeexdsp1)
# The report test renders the page in a real headless browser (and `report --pdf` prints with it).
if [[ "${1:-}" == *test* ]]; then APT_PACKAGES+=(chromium); fi
EXTRAS="${1:-}"
PYTHON="${PYTHON:-python3}"
# The test rig's private sound server (a virtual room; tests/conftest.py `room`): only with the test extra.
[ "$EXTRAS" = "test" ] && APT_PACKAGES+=(pulseaudio pulseaudio-utils libasound2-plugins)
# Debian's python3 needs python3-venv for virtualenvs; other Pythons (pyenv, python.org) bring it.
"$PYTHON" -c "import ensurepip, venv" 2>/dev/null || APT_PACKAGES+=(python3-venv)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"
  else SUDO="none"; fi
  if [ "$SUDO" = "none" ]; then
    echo "Missing system packages. Please run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$ROOT/.venv/bin/python" ]; then
  echo "Creating virtualenv in .venv"
  "$PYTHON" -m venv "$ROOT/.venv"
fi
stamp="$ROOT/.venv/.installed${EXTRAS:+-$EXTRAS}"
if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
  echo "Installing the assistant${EXTRAS:+ with [$EXTRAS]} into .venv"
  log="$ROOT/.venv/install.log"  # pip's and the build backend's chatter stay here unless the install fails
  "$ROOT/.venv/bin/python" -m pip install -q --upgrade pip >"$log" 2>&1 || true  # an old pip still installs
  if ! "$ROOT/.venv/bin/python" -m pip install -q -e "$ROOT${EXTRAS:+[$EXTRAS]}" >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "Installing failed (the whole log: $log). Check the network or the package index, then run this again." >&2
    exit 1
  fi
  touch "$stamp"
fi
