#!/usr/bin/env bash
# Installs the Debian packages kaohe's tests need: headless LibreOffice (formula recalculation,
# Writer for the .docx notice and summary, and python3-uno to edit templates through it as a
# clerk would),
# poppler-utils (pdftoppm, for pictures), CJK fonts, and PostgreSQL (the history store's tests
# start a throwaway server of their own with initdb/pg_ctl: tests/pg_server.py), and node with
# npm where there is none (tests/test_pyodide.py runs kaohe inside Pyodide under node).
# Idempotent; skips what is already there.
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
# Writer prints the notice and the summary (.docx) to PDF
compgen -G "/usr/lib/libreoffice/program/libswlo.so" >/dev/null || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
# the Python-UNO bridge: the tests type into templates through LibreOffice (tests/lo_edit.py)
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need+=(python3-uno)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
# Debian keeps initdb off PATH, in /usr/lib/postgresql/<version>/bin
if ! command -v initdb >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
then
    need+=(postgresql)
fi
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${need[@]}" >/dev/null
