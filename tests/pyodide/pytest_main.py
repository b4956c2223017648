"""Run pytest inside Pyodide on the test files given (no cache: the repo is mounted)."""

import sys

import pytest

sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", *sys.argv[1:]]))
