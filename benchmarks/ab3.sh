#!/usr/bin/env bash
# Three commits in one sitting: ../shared/tools/ab-bench with a third side. Each ref is built once in its
# own git worktree, then the runs alternate A B C A B C ...; every log and result JSON goes to OUT.
# Run from the repository root:
#   benchmarks/ab3.sh RUNS OUT REF_A REF_B REF_C -- <./cx bench arguments>
set -euo pipefail
runs=$1; out=$2; refs=("$3" "$4" "$5"); shift 6
root="$(git rev-parse --show-toplevel)"; mkdir -p "$out"; out="$(cd "$out" && pwd)"  # the runs cd into worktrees
work="$(mktemp -d /tmp/cx-ab3.XXXXXX)"
trap 'for s in A B C; do git -C "$root" worktree remove --force "$work/$s" >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
sides=(A B C)
for i in 0 1 2; do
  s=${sides[$i]}; git -C "$root" worktree add --detach "$work/$s" "${refs[$i]}" >/dev/null
  echo "building $s = ${refs[$i]}" >&2
  (cd "$work/$s" && mvn -B -q -DskipTests package -pl benchmarks -am >&2)
done
for r in $(seq 1 "$runs"); do
  for s in A B C; do
    echo "$(date +%T) run $r of $s" >&2
    (cd "$work/$s" && CX_BENCH_NO_BUILD=1 ./cx bench "$@" --out "$out/$s-$r" >"$out/$s-$r.log" 2>&1) || echo "run $r of $s failed" >&2
  done
done
echo done >&2
