#!/usr/bin/env bash
# Set-up and the two everyday commands:
#   bash run.sh reports   build the demo data (when missing) and every demo report
#   bash run.sh test      run the test suite
# Both create .venv with Python 3.11 when missing and install the project into it.
set -euo pipefail
cd "$(dirname "$0")"

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3 python; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "Python 3.11 is needed; install it or point PYTHON at it (PYTHON=/path/to/python3.11 bash run.sh ...)" >&2
  return 1
}

setup() {
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
    local python
    python=$(find_python) || exit 1
    rm -rf .venv
    if ! "$python" -m venv .venv; then
      rm -rf .venv
      echo "could not create .venv; on Debian or Ubuntu install the package python3.11-venv first" >&2
      exit 1
    fi
    rm -f .venv/.installed-pyproject
  fi
  local stamp=.venv/.installed-pyproject
  if [ ! -f "$stamp" ] || ! cmp -s pyproject.toml "$stamp"; then
    echo "installing evaluatie and its dependencies into .venv; the first time this takes a few minutes" >&2
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    # The notebooks' kernel: this environment's Python, for JupyterLab and for papermill.
    .venv/bin/python -m ipykernel install --sys-prefix --name evaluatie --display-name "Python (evaluatie)" >/dev/null
    cp pyproject.toml "$stamp"
  fi
}

install_browser() {
  # The report test opens every report in headless Chromium (Debian packages chromium, chromium-driver).
  if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null || \
      echo "could not install Chromium; the browser test will say why it skips" >&2
  fi
}

case "${1:-}" in
  reports)
    setup
    .venv/bin/evaluatie demo-data --if-missing
    .venv/bin/evaluatie run "${@:2}"
    ;;
  test)
    setup
    install_browser
    .venv/bin/python -m pytest "${@:2}"
    ;;
  *)
    echo "usage: bash run.sh reports [--region R] [--initiative I] | bash run.sh test [pytest options]" >&2
    exit 2
    ;;
esac
