#!/usr/bin/env bash
# The Kaelix WAL against the machine's floor and a peer, measured in one window on this machine:
# the WAL's benchmarks, the same work done in straight C (floor.*, Sources/CKaelixSupport/floor.c,
# run by the suite in the same rounds), RocksDB from Debian (scripts/peers/rocksdb_wal.c) and the
# disk's own read rate (dd with O_DIRECT). Prints a Markdown table of figures, ratios to the floor
# and the goals of issue 18, and keeps the raw results in .perfgate/floor/.
#
#   scripts/wal_floor.sh [ROUNDS]    # ROUNDS (default 10) rounds of each benchmark
#
# Release build; about 6 minutes with the default rounds on a 2-core VM. Nothing else should run.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-10}"
out=.perfgate/floor
mkdir -p "$out"
PERFGATE_EXTRA_PACKAGES="librocksdb-dev python3" scripts/install_deps.sh
swift build -c release --product perfgate 2>&1 | tail -1
bin="$PWD/.build/release/perfgate"

echo "== the WAL and its C floor, ci scenario, $rounds rounds (perfgate run)"
"$bin" run --scenario ci --rounds "$rounds" --output "$out/ci.json" \
    --filter 'floor.*' --filter 'wal.append.batch/64B/batch=10000*' --filter 'wal.append.single/64B/sync=none' \
    --filter 'wal.append.single/64B/sync=every' --filter 'wal.read.random/64B/mmap' --filter 'wal.replay/*' \
    --filter 'wal.streams.inactive' > "$out/ci.log"
echo "== recovery of a 1 GiB log and group commit with 1 and 32 writers, comprehensive scenario, 3 rounds"
"$bin" run --scenario comprehensive --rounds 3 --output "$out/comprehensive.json" \
    --filter 'wal.recovery/*' --filter 'wal.append.concurrent/writers=1/*' --filter 'wal.append.concurrent/writers=32/*' \
    --filter 'floor.sync.single/64B' --filter 'floor.sync.group/writers=1/*' --filter 'floor.sync.group/writers=32/*' \
    > "$out/comprehensive.log"

echo "== the disk's read rate (1 GiB, O_DIRECT, dd)"
scratch="$out/scratch"
rm -rf "$scratch" && mkdir -p "$scratch"
dd if=/dev/urandom of="$scratch/read.dat" bs=1M count=1024 status=none
sync
dd if="$scratch/read.dat" of=/dev/null bs=4M iflag=direct 2> "$out/dd.log"
rm -f "$scratch/read.dat"

echo "== RocksDB (Debian's librocksdb-dev), 3 runs"
cc -O2 -o "$out/rocksdb_wal" scripts/peers/rocksdb_wal.c -lrocksdb
: > "$out/rocksdb.txt"
for run in 1 2 3; do
    rm -rf "$scratch/rocksdb" && mkdir -p "$scratch/rocksdb"
    "$out/rocksdb_wal" "$scratch/rocksdb" | sed "s/^/$run /" >> "$out/rocksdb.txt"
done
rm -rf "$scratch"

python3 - "$out" <<'PY'
import json, re, statistics, sys
out = sys.argv[1]
runs = [json.load(open(f"{out}/{name}.json")) for name in ("ci", "comprehensive")]
def median(benchmark, metric):
    for run in runs:
        for b in run["benchmarks"]:
            if b["id"] == benchmark:
                for m in b["metrics"]:
                    if m["name"] == metric and m.get("samples"):
                        return statistics.median(m["samples"])
    return None
rocks = {}
for line in open(f"{out}/rocksdb.txt"):
    _, name, value, _unit = line.split()
    rocks.setdefault(name, []).append(float(value))
rocks = {k: statistics.median(v) for k, v in rocks.items()}
dd = open(f"{out}/dd.log").read()
match = re.search(r"([\d.]+) ([GM])B/s", dd)
disk = (float(match.group(1)) * (1000 if match.group(2) == "G" else 1)) if match else None  # MB/s

def fmt(value, unit):
    if value is None: return "—"
    if unit == "msg/s": return f"{value / 1e6:.1f} M msg/s" if value >= 1e6 else f"{value / 1e3:.1f} k msg/s"
    if unit == "ns": return f"{value / 1e3:.2f} µs" if value >= 1000 else f"{value:.0f} ns"
    if unit == "ms/GB": return f"{value:.0f} ms/GB"
    if unit == "B": return f"{value:.0f} B"
    return f"{value:.3g} {unit}"

rows = []
def row(label, wal, floor, unit, higher, goal, peer=None, note=""):
    ratio = None if wal is None or floor is None or floor == 0 else wal / floor
    share = "—" if ratio is None else (f"{ratio * 100:.0f} % of the floor" if higher else f"{ratio:.2f}× the floor")
    met = ""
    if goal is not None and ratio is not None:
        ok = ratio >= goal if higher else ratio <= goal
        met = ("≥ " if higher else "≤ ") + (f"{goal * 100:.0f} %" if higher else f"{goal}×") + (": met" if ok else ": **not met**")
    rows.append((label, fmt(wal, unit), fmt(floor, unit), share, met or note, fmt(peer, unit) if peer else "—"))

row("batched 64 B × 10,000, no sync", median("wal.append.batch/64B/batch=10000", "throughput"),
    median("floor.write.batch/64B/batch=10000", "throughput"), "msg/s", True, 0.5, rocks.get("batch_64B_10000_throughput"))
row("batched 64 B × 10,000, fdatasync each", median("wal.append.batch/64B/batch=10000/sync=every", "throughput"),
    median("floor.sync.batch/64B/batch=10000", "throughput"), "msg/s", True, 0.5)
row("single append 64 B, no sync, p99", median("wal.append.single/64B/sync=none", "p99"),
    median("floor.write.single/64B", "p99"), "ns", False, 1.3, rocks.get("single_64B_nosync_p99"))
row("single append 64 B + fdatasync, p99", median("wal.append.single/64B/sync=every", "p99"),
    median("floor.sync.single/64B", "p99"), "ns", False, None, rocks.get("single_64B_sync_p99"))
row("random 64 B read (mapping), p99", median("wal.read.random/64B/mmap", "p99"),
    median("floor.read.random/64B", "p99"), "ns", False, 1.5)
scan = median("floor.scan/64B", "bandwidth")
row("recovery of 1 GiB, warm cache", median("wal.recovery/warm", "recovery"), 1e6 / scan if scan else None, "ms/GB", False, None,
    note="goal ≤ 100 ms/GB (floor: scan + CRC of a resident mapping)")
row("recovery of 1 GiB, cold cache", median("wal.recovery/cold", "recovery"), 1e6 / disk if disk else None, "ms/GB", False, None,
    note="goal ≤ 150 ms/GB (floor: reading every byte from the disk)")
row("replay 64 B", median("wal.replay/64B", "throughput"), median("floor.walk/64B", "throughput"), "msg/s", True, None,
    note="goal ≥ 60 M msg/s")
row("replay 1 KB", median("wal.replay/1KB", "throughput"), median("floor.walk/1KB", "throughput"), "msg/s", True, None)
one = median("wal.append.concurrent/writers=1/64B/sync=group", "throughput")
many = median("wal.append.concurrent/writers=32/64B/sync=group", "throughput")
floor_one = median("floor.sync.group/writers=1/64B", "throughput")
floor_many = median("floor.sync.group/writers=32/64B", "throughput")
scaling = lambda a, b: f"{a / b:.1f}×" if a and b else "—"
rows.append(("group commit, 32 writers vs 1 (sync=group)", f"{scaling(many, one)} ({fmt(many, 'msg/s')} vs {fmt(one, 'msg/s')})",
             f"{scaling(floor_many, floor_one)} ({fmt(floor_many, 'msg/s')} vs {fmt(floor_one, 'msg/s')})",
             "—", "goal ≥ 10×: " + ("met" if one and many and many / one >= 10 else "**not met**"), "—"))
row("group commit, 32 writers", many, floor_many, "msg/s", True, None, note="floor: group commit in C, 32 threads")
p99_32 = median("wal.append.concurrent/writers=32/64B/sync=group", "p99")
row("group commit, 32 writers, p99", p99_32, median("floor.sync.single/64B", "p99"), "ns", False, 3.0)
row("group commit, 32 writers, p99 (C group commit)", p99_32, median("floor.sync.group/writers=32/64B", "p99"), "ns", False, None)
memory = median("wal.streams.inactive", "memory_per_stream")
rows.append(("memory per inactive stream", fmt(memory, "B"), "—", "—", "goal ≤ 256 B: " + ("met" if memory and memory <= 256 else "**not met**"), "—"))

print("| figure | Kaelix WAL | C floor (same run) | WAL / floor | goal | RocksDB |")
print("|---|---|---|---|---|---|")
for r in rows: print("| " + " | ".join(r) + " |")
print(f"\ndisk read rate (dd, O_DIRECT, 1 GiB): {disk:.0f} MB/s" if disk else "\ndisk read rate: not measured")
PY
