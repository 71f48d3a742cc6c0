#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A check-in made from the keyboard alone, with real key presses sent to the
running station (xdotool under the test's X server), counted from Ctrl+F to
checked in."""
import datetime
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

station, ctl = sys.argv[1], sys.argv[2]
data_dir = tempfile.mkdtemp(prefix="frontdesk-keyboard-")
env = dict(os.environ)
tests = []


def check(ok, what):
    tests.append(ok)
    print(("ok" if ok else "not ok"), len(tests), "-", what)
    return ok


def finish():
    subprocess.run(["rm", "-rf", data_dir], check=False)
    print("1..%d" % len(tests))
    sys.exit(0 if tests and all(tests) else 1)


subprocess.run([ctl, "--data-dir", data_dir, "--profile", "desk", "seed-demo",
                "--patients", "1500", "--days", "3"], check=True, env=env, stdout=subprocess.DEVNULL)
db_path = os.path.join(data_dir, "desk", "frontdesk.db")
today = datetime.date.today().isoformat()

# Someone booked later today whose first three letters of surname no other
# patient shares: those three letters find them first
db = sqlite3.connect(db_path)
rows = db.execute("""
  SELECT a.id, substr (p.family_key, 1, 3) FROM appointment a JOIN patient p ON p.id = a.patient_id
  WHERE a.day = ? AND a.status = 'booked'
    AND (SELECT count (*) FROM appointment b WHERE b.patient_id = a.patient_id AND b.day = a.day) = 1
    AND (SELECT count (*) FROM patient q WHERE substr (q.family_key, 1, 3) = substr (p.family_key, 1, 3)) = 1
    AND substr (p.family_key, 1, 3) GLOB '[a-z][a-z][a-z]'
  ORDER BY a.start_unix LIMIT 1""", (today,)).fetchall()
db.close()
if not check(len(rows) == 1, "a scheduled patient to check in"):
    finish()
appointment_id, prefix = rows[0]

proc = subprocess.Popen([station, "--data-dir", data_dir, "--profile", "desk"], env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(4)

keystrokes = 0


def key(*names):
    global keystrokes
    for name in names:
        subprocess.run(["xdotool", "key", "--clearmodifiers", name], check=True)
        keystrokes += 1
        time.sleep(0.4)


key("ctrl+f")
for letter in prefix:
    key(letter)
key("Return")          # the patient expected today is first: straight to check-in
time.sleep(1.5)
key("space")           # name and birth date confirmed
key("ctrl+Return")     # complete
time.sleep(2)
print("# keystrokes from Ctrl+F to checked in: %d (goal: at most 10)" % keystrokes)

proc.terminate()
proc.wait()

db = sqlite3.connect(db_path)
(appointment_json,) = db.execute("SELECT json FROM resource WHERE type = 'Appointment' AND id = ?",
                                 (appointment_id,)).fetchone()
encounters = db.execute("SELECT status FROM encounter WHERE appointment_id = ?", (appointment_id,)).fetchall()
db.close()
check(json.loads(appointment_json)["status"] == "arrived", "the appointment is arrived")
check(encounters == [("arrived",)], "one visit is open, arrived")
check(keystrokes <= 10, "%d keystrokes, at most 10" % keystrokes)
finish()
