"""DeepDream figures: activation gain per zoo CNN, time and peak RSS by photo size, step overhead.

Usage (from the repository root, with the package importable):

    python benchmarks/dream.py [--part activation|memory|overhead|all] [--gallery DIR]
                               [--sizes 1024x768,4000x3000] [--memory-model cifar10-cnn]

* activation: each zoo CNN dreams matplotlib's sample photo (grace_hopper.jpg) at the
  defaults; prints the weighted activation of the chosen layers on the original and
  on the dream, and their ratio (acceptance: >= 3x). ``--gallery`` also saves the
  dreamed images and before/after sheets.
* memory: one fresh subprocess per photo size dreams the sample photo resized to that
  size at the defaults and reports wall time and peak RSS (``resource.getrusage``
  ru_maxrss of the child; acceptance: < 3 GB at 4000x3000).
* overhead: on one 512x512 tile, the per-step cost of the dream loop (``_run``: random
  roll, tiled gradient, normalisation, ascent, clip, progress callback) against the
  bare compiled gradient step (``tf.function`` of the loss gradient w.r.t. the
  image, nothing else), interleaved rounds, medians (acceptance: ratio <= 1.3).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ZOO_CNNS = ("cifar10-cnn", "mnist-cnn")


def _photo(size: tuple[int, int] | None = None) -> np.ndarray:
    """The sample photo as uint8 H x W x 3, optionally resized (PIL, bicubic) to (w, h)."""
    from PIL import Image

    from interpret.data.images import sample_photo

    with Image.open(sample_photo()) as im:
        im = im.convert("RGB")
        if size is not None:
            im = im.resize(size, Image.BICUBIC)
        return np.asarray(im)


def activation(gallery: str | None, models: list[str]) -> bool:
    from interpret.visualize.dream import dream

    ok = True
    print("== activation: weighted activation of the chosen layers, dream vs original photo")
    for name in models:
        res = dream(name, None, gallery=gallery)
        f = res.figures
        passed = f["activation_ratio"] >= 3.0
        ok &= passed
        print(
            f"{name:<12} layers {','.join(t.label for t in res.targets):<24} "
            f"before {f['activation_before']:.4f}  after {f['activation_after']:.4f}  "
            f"ratio {f['activation_ratio']:.2f}x  {'PASS' if passed else 'MISS'} (>= 3x)  "
            f"size {res.image.shape[1]}x{res.image.shape[0]} (input {res.original.shape[1]}x"
            f"{res.original.shape[0]})  {f['seconds']:.1f}s",
            flush=True,
        )
        for art in res.artifacts:
            print(f"  wrote {art.png}")
    return ok


def _one_size(model: str, w: int, h: int) -> None:
    """Child process: dream the sample photo at w x h, print a JSON line with time and RSS."""
    from interpret.visualize.dream import dream

    photo = _photo((w, h))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    res = dream(model, photo)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "size": f"{w}x{h}",
                "out": f"{res.image.shape[1]}x{res.image.shape[0]}",
                "seconds": wall,
                "peak_rss_mb": peak_kb / 1024,
                "rss_before_mb": rss_before / 1024,
                "ratio": res.figures["activation_ratio"],
            }
        )
    )


def memory(model: str, sizes: list[tuple[int, int]]) -> bool:
    ok = True
    print(f"== memory: {model} at the defaults, one subprocess per size")
    for w, h in sizes:
        cmd = [sys.executable, __file__, "--one-size", f"{w}x{h}", "--memory-model", model]
        out = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy())
        if out.returncode != 0:
            print(f"{w}x{h}: child failed ({out.returncode}): {out.stderr.strip()[-500:]}")
            ok = False
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        limit = (
            ""
            if w * h < 4000 * 3000
            else f"  {'PASS' if r['peak_rss_mb'] < 3072 else 'MISS'} (< 3 GB)"
        )
        ok &= not limit or "PASS" in limit
        print(
            f"{r['size']:>9} -> {r['out']:>9}  {r['seconds']:7.1f}s  peak RSS {r['peak_rss_mb']:7.0f} MB "
            f"(photo loaded, before TF: {r['rss_before_mb']:.0f} MB)  "
            f"activation x{r['ratio']:.2f}{limit}",
            flush=True,
        )
    return ok


def _bare_gradient(extractor, targets, channels):
    """The floor: the compiled gradient of the same loss w.r.t. the image, nothing else
    (the keras-io tutorial's step, written out by hand)."""
    from interpret._tf import tf

    @tf.function(input_signature=[tf.TensorSpec([None, None, channels], tf.float32)])
    def bare(img):
        with tf.GradientTape() as tape:
            tape.watch(img)
            acts = extractor(img[None], training=False)
            loss = 0.0
            for act, t in zip(acts, targets):
                act = act if t.channel is None else act[..., t.channel]
                loss += t.weight * tf.reduce_mean(act)
        return tape.gradient(loss, img)

    return bare


def overhead(models: list[str], rounds: int = 5, steps: int = 8, tile: int = 512) -> bool:
    from interpret._tf import tf
    from interpret.core.models import resolve
    from interpret.visualize.dream import DreamStep, _run, default_targets

    ok = True
    print(
        f"== overhead: per-step cost on one {tile}x{tile} tile, dream loop vs bare compiled gradient"
    )
    for name in models:
        probe = resolve(name).probe
        targets = default_targets(probe)
        names = [t.layer for t in targets]
        extractor = probe.extractor(names, size=(None, None))
        channels = probe.input_shape[-1]
        step = DreamStep(probe, targets, 0.01)

        bare = _bare_gradient(extractor, targets, channels)

        from interpret.data.images import to_channels

        img = to_channels(_photo((tile, tile)).astype(np.float32) / 255.0, channels)[0]
        x = tf.constant(img)
        bare(x)  # trace both once
        _run(step, img, [(tile, tile)], steps=1, tile=tile, seed=0, tick=lambda n: None)
        t_bare, t_loop = [], []
        for r in range(rounds):
            start = time.perf_counter()
            for _ in range(steps):
                g = bare(x)
            g.numpy()
            t_bare.append((time.perf_counter() - start) / steps)
            _, seconds = _run(
                step, img, [(tile, tile)], steps=steps, tile=tile, seed=r, tick=lambda n: None
            )
            t_loop.append(seconds / steps)
        ratio = statistics.median(t_loop) / statistics.median(t_bare)
        passed = ratio <= 1.3
        ok &= passed
        print(
            f"{name:<12} bare gradient {statistics.median(t_bare) * 1e3:7.1f} ms/step  "
            f"dream loop {statistics.median(t_loop) * 1e3:7.1f} ms/step  ratio {ratio:.3f}  "
            f"{'PASS' if passed else 'MISS'} (<= 1.3)  [{rounds} rounds x {steps} steps, medians]",
            flush=True,
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="all", choices=["activation", "memory", "overhead", "all"])
    ap.add_argument("--gallery", default=None)
    ap.add_argument("--sizes", default="1024x768,4000x3000")
    ap.add_argument("--memory-model", default="cifar10-cnn")
    ap.add_argument("--models", default=",".join(ZOO_CNNS), help="zoo CNNs for activation/overhead")
    ap.add_argument("--one-size", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one_size:
        w, h = (int(v) for v in args.one_size.split("x"))
        _one_size(args.memory_model, w, h)
        return 0
    ok = True
    if args.part in ("activation", "all"):
        ok &= activation(args.gallery, args.models.split(","))
    if args.part in ("overhead", "all"):
        ok &= overhead(args.models.split(","))
    if args.part in ("memory", "all"):
        sizes = [tuple(int(v) for v in s.split("x")) for s in args.sizes.split(",")]
        ok &= memory(args.memory_model, sizes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main())
