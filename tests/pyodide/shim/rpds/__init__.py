"""TEST-ONLY stand-in for rpds-py inside Pyodide (tests/pyodide): rpds-py has no Pyodide wheel
on PyPI and Pyodide's own build of it is on Pyodide's CDN, which the test target does not use.

referencing (under jsonschema) needs only HashTrieMap, HashTrieSet and List; the pure-Python
implementation of those from PyPI's `pyrsistent-as-rpds-py` (over `pyrsistent`) is enough, as
that package's authors show with jsonschema's own test suite. Never shipped: xlwings Lite
installs Pyodide's real rpds-py with jsonschema.
"""

from pyrsistent_as_rpds.pure import *  # noqa: F403

is_pure_pyrsistent_as_rpds = True
