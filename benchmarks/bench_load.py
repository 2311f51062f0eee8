"""Loader benchmark: imdb.arff.bz2 against decompression alone and against liac-arff.

Each measurement runs in a fresh child process so that peak memory (max RSS above the
process's footprint after imports) is its own. Run with ``inv bench`` or
``python -m benchmarks.bench_load [PATH]``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

PANEL = Path(__file__).resolve().parents[2] / "shared" / "datasets"
DEFAULT = PANEL / "imdb.arff.bz2"

CHILD = r"""
import json, resource, sys, time, bz2
from pathlib import Path
path = Path(sys.argv[1]); what = sys.argv[2]
if what == "feasibility":
    from feasibility import load
elif what == "liac-arff":
    import arff
def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
base = rss_mb()
start = time.perf_counter()
if what == "decompress":
    text = bz2.decompress(path.read_bytes())
elif what == "feasibility":
    dataset = load(path)
elif what == "liac-arff":
    data = arff.load(bz2.decompress(path.read_bytes()).decode("utf-8"))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_mb": rss_mb() - base}))
"""


def measure(path: Path, what: str) -> dict:
    """Run one measurement in a child process and return seconds and peak MB."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), what], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    """Print and return the three ratios of the loader targets."""
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT
    if not path.is_file():
        print(f"bench_load: skipped, {path} not found (the panel lives in ../shared/datasets)")
        return {}
    # Best of three for the fast measurements, to damp a noisy machine.
    decompress = min((measure(path, "decompress") for _ in range(3)), key=lambda m: m["seconds"])
    ours = min((measure(path, "feasibility") for _ in range(3)), key=lambda m: m["seconds"])
    ratios = {"load_over_decompress": ours["seconds"] / decompress["seconds"]}
    print(f"loader benchmark on {path.name}")
    print(f"  decompress only   {decompress['seconds']:7.2f} s")
    print(f"  feasibility.load  {ours['seconds']:7.2f} s  peak {ours['peak_mb']:7.0f} MB")
    print(f"  load / decompress       {ratios['load_over_decompress']:6.2f}x  (target <= 1.8x)")
    if importlib.util.find_spec("arff") is None:
        print("  liac-arff baseline skipped: not installed (pip install -e '.[dev]')")
        return ratios
    liac = measure(path, "liac-arff")
    ratios["liac_over_load_time"] = liac["seconds"] / ours["seconds"]
    ratios["liac_over_load_memory"] = liac["peak_mb"] / max(ours["peak_mb"], 1.0)
    print(f"  liac-arff         {liac['seconds']:7.2f} s  peak {liac['peak_mb']:7.0f} MB")
    print(f"  liac-arff / load time   {ratios['liac_over_load_time']:6.1f}x  (target >= 30x)")
    print(f"  liac-arff / load memory {ratios['liac_over_load_memory']:6.1f}x  (target >= 10x)")
    return ratios


if __name__ == "__main__":
    main()
