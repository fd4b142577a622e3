#!/usr/bin/env python3
"""CPU per event beside the rates of an ab-bench output directory.

usage: benchmarks/ab-cpu.py DIR [DELIVERY]

DIR is what ../shared/tools/ab-bench --out wrote (A-1 ... B-3, each with one cx-bench-*.json). For each
side, the median [runs] of the drain's rate and of the CPU per event the drain reports
(throughput[].drain.cpu: the journey, outreach-decision and voc-aggregate task threads, the process), and the outreach
records sent (to check that both sides decided the same). DELIVERY (exactly-once or at-least-once)
picks one drain when a run has two (warm runs); default: at-least-once.
"""
import glob
import json
import statistics
import sys


def drains(directory, side, delivery):
    for run in sorted(glob.glob(f"{directory}/{side}-[0-9]*")):
        if not run[-1].isdigit():
            continue
        result = json.load(open(sorted(glob.glob(run + "/*.json"))[0]))
        for t in result["throughput"]:
            if t.get("delivery_guarantee", delivery).replace("_", "-").lower() == delivery and "cpu" in t["drain"]:
                yield t["drain"]


def thread(cpu, prefix):
    return next((v["cpu_us_per_event"] for k, v in cpu["threads"].items() if k.startswith(prefix)), -1)


def main():
    directory = sys.argv[1]
    delivery = sys.argv[2] if len(sys.argv) > 2 else "at-least-once"
    figures = {
        "drain events/s": lambda d: d["events_per_s"],
        "journey thread µs/event": lambda d: thread(d["cpu"], "journey"),
        "outreach-decision thread µs/event": lambda d: thread(d["cpu"], "outreach-decision"),
        "voc-aggregate thread µs/event (-1: VoC off)": lambda d: thread(d["cpu"], "voc-aggregate"),
        "process µs/event": lambda d: d["cpu"]["process_cpu_us_per_event"],
        "outreach records": lambda d: sum(v for k, v in d["outputs"].items() if ".outreach." in k),
    }
    sides = {s: list(drains(directory, s, delivery)) for s in ("A", "B")}
    print(f"| {delivery} drain | A median [runs] | B median [runs] | B / A |")
    print("|---|---|---|---|")
    for name, get in figures.items():
        a = [get(d) for d in sides["A"]]
        b = [get(d) for d in sides["B"]]
        if a and b:
            ma, mb = statistics.median(a), statistics.median(b)
            print(f"| {name} | {ma:,} {a} | {mb:,} {b} | {mb / ma:.2f} |")


if __name__ == "__main__":
    main()
