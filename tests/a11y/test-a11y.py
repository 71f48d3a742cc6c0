#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The station as a screen reader sees it: the controls a person needs have names."""
import subprocess
import sys
import tempfile
import time

import pyatspi

# A profile of its own: an empty database is enough to name every control
data_dir = tempfile.mkdtemp(prefix="frontdesk-a11y-")
proc = subprocess.Popen(sys.argv[1:] + ["--data-dir", data_dir])
deadline = time.time() + 20
app = None
while time.time() < deadline and app is None:
    time.sleep(0.5)
    desktop = pyatspi.Registry.getDesktop(0)
    for a in desktop:
        if a is not None and a.name in ('frontdesk', 'Frontdesk'):
            app = a
names = {}
def walk(node, depth=0):
    try:
        n = node.name; r = node.getRoleName()
    except Exception:
        return
    names.setdefault(n, set()).add(r)
    for c in node:
        if c is not None: walk(c, depth+1)
if app: walk(app)
proc.terminate()
proc.wait()
subprocess.run(["rm", "-rf", data_dir], check=False)
want = [("Search patients", None), ("Sync status", None), ("Check-in", "page tab"), ("Calendar", "page tab"), ("Chart Prep", "page tab"), ("Payments", "page tab")]
fails = 0
for i, (n, role) in enumerate(want, 1):
    ok = n in names and (role is None or role in names[n])
    print(("ok" if ok else "not ok"), i, "-", n, sorted(names.get(n, [])))
    fails += not ok
print("1..%d" % len(want))
sys.exit(1 if fails or app is None else 0)
