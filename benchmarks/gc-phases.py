#!/usr/bin/env python3
"""Where G1's young pauses go, per window of a benchmark run.

usage: benchmarks/gc-phases.py GC_LOG NAME FROM TO [NAME FROM TO ...]

GC_LOG is a G1 log written with CX_JAVA_OPTS="-Xmx3g -Xlog:gc*=info,gc+phases=debug:file=GC_LOG:uptime,tags"
(the JVM's uptime decorates each line). Each window (NAME, FROM and TO in seconds of uptime; the harness's
log prints the same clock, within a second) gets: young pauses per minute and their mean length, pause
seconds per minute, how many were mixed; then the mean and median per pause of the time each worker spent
scanning old-generation cards that point into the young generation (Scan Heap Roots) and copying
survivors (Object Copy), the cards scanned and the bytes copied (both workers together).
"""
import re
import statistics
import sys

PHASES = ["Scan Heap Roots (ms)", "Optional Scan Heap Roots (ms)", "Object Copy (ms)", "Ext Root Scanning (ms)"]
COUNTS = ["Scanned Cards:", "Copied Bytes"]


def read(path):
    pauses, values = {}, {}
    for line in open(path):
        m = re.match(r"\[(\d+\.\d+)s\]\[[^\]]+\] GC\((\d+)\)\s+(.*)", line)
        if not m:
            continue
        time, gc, msg = float(m.group(1)), int(m.group(2)), m.group(3)
        pause = re.match(r"Pause Young \((\w+)\).* ([\d.]+)ms$", msg)
        if pause:
            pauses[gc] = (time, pause.group(1), float(pause.group(2)))
        v = values.setdefault(gc, {})
        for name in PHASES:
            if msg.startswith(name + ":"):
                v[name] = float(re.search(r"Avg:\s*([\d.]+)", msg).group(1))
        for name in COUNTS:
            if msg.startswith(name) and name not in v:  # the first: the evacuation's, not an optional one
                v[name] = float(re.search(r"Sum:\s*([\d.]+)", msg).group(1))
    return pauses, values


def main(argv):
    if len(argv) < 5 or (len(argv) - 2) % 3:
        sys.exit(__doc__)
    pauses, values = read(argv[1])
    for i in range(2, len(argv), 3):
        name, start, end = argv[i], float(argv[i + 1]), float(argv[i + 2])
        young = [gc for gc, (t, _, _) in pauses.items() if start <= t < end]
        if not young:
            print(f"{name}: no young pause")
            continue
        minutes = (end - start) / 60
        total_ms = sum(pauses[gc][2] for gc in young)
        mixed = sum(1 for gc in young if pauses[gc][1] == "Mixed")
        print(f"{name}: {len(young) / minutes:.0f} young pauses/min, {total_ms / len(young):.0f} ms mean, "
              f"{total_ms / 1000 / minutes:.1f} s/min, {mixed} of {len(young)} mixed")
        for key in PHASES + COUNTS:
            xs = [values.get(gc, {}).get(key, 0) for gc in young]
            print(f"    {key:32s} mean {statistics.mean(xs):14,.1f}   median {statistics.median(xs):14,.1f}")


if __name__ == "__main__":
    main(sys.argv)
