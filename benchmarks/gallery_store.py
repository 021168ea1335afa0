"""The gallery store under stress, repeated: what concurrent writers and SIGKILL leave behind.

Three measurements, each printed as counts (and the index build as a ratio):

1. concurrency: ROUNDS x 4 processes save 30 own names and the same 20 shared names
   at once; how many
   PNG/sidecar pairs end up from different saves, with the directory lock (the
   shipped code) and with it switched off (the code before the lock);
2. kill: KILLS writers SIGKILLed at spread-out moments inside a save; how many
   temp files and PNGs without sidecar they leave, and whether anything visible
   is unreadable;
3. index: time to rebuild index.html for N artifacts, as a ratio to the time it
   takes just to read their sidecars (Gallery.artifacts()).

Run:
    PYTHONPATH=$PWD nice python benchmarks/gallery_store.py [--rounds 10] [--kills 20] [--n 2000]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interpret.gallery.html import build_index  # noqa: E402
from interpret.gallery.store import Gallery  # noqa: E402

WRITER = r"""
import sys, time, contextlib, numpy as np
from pathlib import Path
import interpret.gallery.store as gm
root, wid, shared, go, lock = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
if lock == "off":
    gm._directory_lock = lambda d: contextlib.nullcontext()
g = gm.Gallery(root)
while not Path(go).exists():
    time.sleep(0.002)
for k in range(30):  # as in tests/test_gallery.py: own names and shared names interleaved
    g.save_image(np.full((24, 24, 3), wid * 40, np.uint8), model="m", technique="own",
                 name="w%d-%d" % (wid, k), meta={"writer": wid})
    if k < shared:
        g.save_image(np.full((24, 24, 3), wid * 40, np.uint8), model="m", technique="shared",
                     name="s-%d" % k, meta={"writer": wid})
"""

KILLED = r"""
import sys, numpy as np
from interpret.gallery.store import Gallery
g = Gallery(sys.argv[1])
image = np.random.default_rng(0).random((256, 256, 3))
for k in range(100000):
    g.save_image(np.roll(image, k, axis=0), model="m", technique=sys.argv[2], name="a%05d" % k)
    print(k, flush=True)
"""


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def concurrency(rounds: int, lock: str, shared: int = 20, writers: int = 4) -> dict:
    mismatched = total = shared_pairs = 0
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            root, go = Path(tmp) / "g", Path(tmp) / "go"
            procs = [
                subprocess.Popen(
                    [sys.executable, "-c", WRITER, str(root), str(w), str(shared), str(go), lock],
                    env=_env(),
                )
                for w in range(writers)
            ]
            time.sleep(0.4)
            go.touch()
            assert all(p.wait(timeout=300) == 0 for p in procs)
            for a in Gallery(root).artifacts():
                total += 1
                shared_pairs += a["technique"] == "shared"
                pixel = int(np.asarray(Image.open(root / a["png"]))[0, 0, 0])
                mismatched += pixel != a["writer"] * 40
    return {
        "lock": lock,
        "rounds": rounds,
        "pairs": total,
        "shared_name_pairs": shared_pairs,
        "mismatched_pairs": mismatched,
    }


def kills(n_kills: int) -> dict:
    out = {"kills": n_kills, "saves_reported": 0, "artifacts": 0, "temp_files": 0}
    out.update({"png_without_sidecar": 0, "unreadable_visible_files": 0, "index_builds": 0})
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "g"
        for r in range(n_kills):
            proc = subprocess.Popen(
                [sys.executable, "-c", KILLED, str(root), f"r{r}"],
                env=_env(),
                stdout=subprocess.PIPE,
                text=True,
            )
            start = None
            for line in proc.stdout:
                k = int(line)
                start = start or time.perf_counter()
                if k >= 5:
                    per_save = (time.perf_counter() - start) / k
                    time.sleep(per_save * (r + 0.5) / n_kills)  # spread over one save
                    break
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            out["saves_reported"] += k + 1
        visible = [p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")]
        for p in visible:
            try:
                if p.suffix == ".png":
                    with Image.open(p) as im:
                        im.load()
                elif p.suffix == ".json":
                    import json

                    json.loads(p.read_text())
                else:
                    out["unreadable_visible_files"] += 1
            except Exception:
                out["unreadable_visible_files"] += 1
        out["png_without_sidecar"] = sum(
            p.suffix == ".png" and not p.with_suffix(".json").exists() for p in visible
        )
        out["temp_files"] = len(list(root.rglob(".*.tmp")))
        out["artifacts"] = len(Gallery(root).artifacts())
        build_index(root, sweep_after=None)
        out["index_builds"] = 1
    return out


def index_speed(n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        g = Gallery(tmp)
        rng = np.random.default_rng(0)
        t0 = time.perf_counter()
        for i in range(n):
            g.save_image(
                rng.random((32, 32, 3)),
                model=f"model{i % 3}",
                technique=f"tech{i % 5}",
                name=f"item {i}",
                meta={"layer": f"conv{i % 4}", "seed": i, "parameters": {"steps": 64}},
            )
        save_s = time.perf_counter() - t0
        best_read = best_build = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            Gallery(tmp).artifacts()
            best_read = min(best_read, time.perf_counter() - t0)
            t0 = time.perf_counter()
            path = build_index(tmp)
            best_build = min(best_build, time.perf_counter() - t0)
        return {
            "artifacts": n,
            "saves_per_s": round(n / save_s, 1),
            "read_sidecars_s": round(best_read, 3),
            "build_index_s": round(best_build, 3),
            "build_over_read": round(best_build / best_read, 2),
            "index_kb": round(path.stat().st_size / 1024, 1),
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--only", choices=["concurrency", "kill", "index"], default=None)
    args = ap.parse_args()
    if args.only in (None, "concurrency"):
        print("concurrency", concurrency(args.rounds, "on"), flush=True)
        print("concurrency", concurrency(args.rounds, "off"), flush=True)
    if args.only in (None, "kill"):
        print("kill", kills(args.kills), flush=True)
    if args.only in (None, "index"):
        print("index", index_speed(args.n), flush=True)


if __name__ == "__main__":
    main()
