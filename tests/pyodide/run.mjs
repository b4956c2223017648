// Run Python inside Pyodide (WebAssembly) under node, with the repository mounted at /repo.
//
// usage: node run.mjs PYODIDE_DIR WHEELS_DIR REPO SCRIPT.py [ARGS...]
// The wheels (Pyodide-platform and pure-Python, from PyPI) are installed from WHEELS_DIR with
// no network; $KAOHE_PYODIDE_DATA (a host folder), when set, is mounted at /data, where xlwings
// Lite keeps its files too. SCRIPT runs as __main__ with sys.argv = [SCRIPT, ...ARGS] and its exit code
// becomes node's. Pyodide's own package CDN is never contacted.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheelsDir, repo, script, ...args] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(resolve(pyodideDir), "pyodide.mjs")));
const pyodide = await loadPyodide({ indexURL: resolve(pyodideDir) + "/", stdout: (s) => console.log(s),
                                    stderr: (s) => console.error(s) });
const wheels = readdirSync(wheelsDir).filter((f) => f.endsWith(".whl"))
  .map((f) => resolve(wheelsDir, f));
await pyodide.loadPackage(wheels, { messageCallback: () => {} });
pyodide.FS.mkdirTree("/repo");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: resolve(repo) }, "/repo");
if (process.env.KAOHE_PYODIDE_DATA) {
  pyodide.FS.mkdirTree("/data");
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: resolve(process.env.KAOHE_PYODIDE_DATA) },
                   "/data");
}
pyodide.globals.set("_argv", pyodide.toPy([script, ...args]));
let code = 0;
try {
  await pyodide.runPythonAsync(`
import os, runpy, sys
sys.argv = list(_argv)
os.chdir("/repo")
sys.path[:0] = ["/repo", "/repo/tests/pyodide/shim"]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
    _exit = 0
except SystemExit as exc:
    _exit = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
`);
  code = pyodide.globals.get("_exit");
} catch (err) {
  console.error(String(err));
  code = 1;
}
process.exit(code);
