"""The action server runs on rasa-sdk alone: importing every module it serves loads no Rasa
core (the tracker store's key ring comes from a Rasa-free module), so the action server
starts fast and does not depend on Rasa's internals."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A fresh interpreter: this test session has imported Rasa for other tests.
PROBE = """
import importlib, pkgutil, sys
import actions, actions.server
for module in pkgutil.walk_packages(actions.__path__, "actions."):
    importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name == "rasa" or name.startswith("rasa."))
print(len([m for m in sys.modules if m.startswith("actions.")]), *loaded)
"""


def test_importing_the_action_server_loads_no_rasa():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True,
                            text=True, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
                            timeout=120)
    assert result.returncode == 0, result.stderr
    modules, *rasa = result.stdout.split()
    assert int(modules) >= 10  # the walk really imported the action modules
    assert rasa == []
