"""Attribution maps checked against tf-keras-vis 0.8.7 and Xplique 2.0.2, and IG's completeness.

Needs the real test sets (INTERPRET_DATA_DIR with cifar10.npz / mnist.npz) and, for the
peer columns, the ``bench`` extra (tf-keras-vis; Xplique installed ``--no-deps``, see
the README). A peer that is missing or fails is reported with the reason and skipped.

    INTERPRET_DATA_DIR=/path/to/data python benchmarks/explain_agreement.py [--n 32]

Prints:

1. per method, the Pearson correlation of our map and the peer's on each of the first
   N test images of cifar10-cnn (and mnist-cnn), same model, layer, targets (the
   predicted class) and images: min, median and the count below the bar (0.99; 0.97
   for the CAMs, compared at the layer's own resolution because the peers upsample
   differently: tf-keras-vis with scipy ``zoom`` order 1, Xplique bicubic). SmoothGrad
   gets the same noise and RISE the same masks (the peers' random draws are replaced
   by ours); Occlusion runs with non-overlapping patches (Xplique sums over the patches
   hiding a pixel, we average: the same where each pixel is hidden once);
2. Integrated Gradients' completeness (black baseline; 256 steps by each rule -- riemann,
   trapezoid, adaptive: 256 gradients per image each --, 512 and 1024 by the default one,
   and 256 with ``tolerance=0.01``) on every zoo model:
   |sum(map) - (f(x) - f(0))| / |f(x) - f(0)| over the first ``--ig-n`` test images.

tf-keras-vis' ``Gradcam`` gets no gradient (``None``) through a Keras 3 ``Sequential``
such as the zoo's, so every tf-keras-vis method is given a functional twin sharing the
Sequential's layers (weights): our own methods take the Sequential itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import traceback

import numpy as np

BAR, CAM_BAR = 0.99, 0.97


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two maps (1 when both are the same constant, nan when one is)."""
    a, b = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    if a.std() == 0 or b.std() == 0:
        return 1.0 if np.allclose(a, b) else float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def functional_twin(model):
    """A functional copy of a Sequential: new layers of the same names, the same weights.

    (New layers, not the Sequential's own: a peer reading ``layer.output`` must find
    the twin's graph, not the Sequential's.)
    """
    from interpret._tf import keras

    inp = keras.Input(model.inputs[0].shape[1:])
    x = inp
    for layer in model.layers:
        twin = layer.__class__.from_config(layer.get_config())
        x = twin(x)
        twin.set_weights(layer.get_weights())
    return keras.Model(inp, x)


def row(name: str, ours: np.ndarray, theirs: np.ndarray, bar: float) -> str:
    r = np.array([pearson(a, b) for a, b in zip(ours, theirs)])
    ok = r[np.isfinite(r)]
    below = int((ok < bar).sum()) + int((~np.isfinite(r)).sum())
    return (
        f"  {name:<34} min {ok.min():.4f}  median {np.median(ok):.4f}  "
        f"below {bar}: {below}/{len(r)}"
        + (f" (nan {int((~np.isfinite(r)).sum())})" if len(ok) < len(r) else "")
    )


def ours(model, x, method, **options):
    import interpret

    return interpret.explain(model, x, method=method, **options)


def tf_keras_vis_rows(model, x, top, layer):
    from tf_keras_vis.gradcam import Gradcam
    from tf_keras_vis.gradcam_plus_plus import GradcamPlusPlus
    from tf_keras_vis.layercam import Layercam
    from tf_keras_vis.saliency import Saliency
    from tf_keras_vis.scorecam import Scorecam
    from tf_keras_vis.utils.scores import CategoricalScore

    twin = functional_twin(model)
    score = CategoricalScore(top.tolist())
    out = []
    kw = {"penultimate_layer": layer, "seek_penultimate_conv_layer": False}
    kw.update(expand_cam=False, normalize_cam=False)
    sal = Saliency(twin)(score, x, keepdims=False, normalize_map=False)
    out.append(row("saliency", ours(model, x, "saliency").maps, sal, BAR))
    for name, cls in (("gradcam", Gradcam), ("gradcam++", GradcamPlusPlus), ("layercam", Layercam)):
        theirs = cls(twin)(score, x, **kw)
        out.append(row(f"{name} (layer resolution)", ours(model, x, name).raw, theirs, CAM_BAR))
    mine = ours(model, x, "scorecam").raw
    theirs = Scorecam(twin)(score, x, **kw)
    out.append(row("scorecam (layer res., own mask upsampling)", mine, theirs, CAM_BAR))
    with same_mask_upsampling():
        theirs = Scorecam(twin)(score, x, **kw)
    out.append(row("scorecam (layer res., same upsampling)", mine, theirs, CAM_BAR))
    return out


@contextlib.contextmanager
def same_mask_upsampling():
    """tf-keras-vis' Score-CAM with its masks upsampled as ours (and the original Score-CAM
    code's): bilinear with half-pixel centres, instead of scipy ``zoom`` (order 1), which
    puts the corner samples on the corners; the weights then come from the same masks."""
    import tf_keras_vis.scorecam as tkv

    from interpret._tf import tf

    def bilinear(arr, factor, **_):
        size = [round(n * f) for n, f in zip(arr.shape[1:3], factor[1:3])]
        return tf.image.resize(np.asarray(arr, np.float32), size, method="bilinear").numpy()

    saved, tkv.zoom = tkv.zoom, bilinear
    try:
        yield
    finally:
        tkv.zoom = saved


def xplique_rows(model, x, top, layer, samples=50, steps=64, n_masks=2000):
    import xplique.attributions as xa
    from xplique.attributions.gradient_statistics.gradient_statistic import GradientStatistic
    from xplique.attributions.rise import Rise

    from interpret._tf import tf
    from interpret.attributions.gradients import smoothgrad_noise
    from interpret.attributions.perturbation import rise_grids, rise_masks

    onehot = tf.one_hot(top, 10).numpy()
    h, w = x.shape[1:3]
    out = []
    sal = xa.Saliency(model).explain(x, onehot).numpy()[..., 0]
    out.append(row("saliency", ours(model, x, "saliency").maps, sal, BAR))

    noise = smoothgrad_noise(x.shape[1:], samples, 0.2, 0)
    original = GradientStatistic._perturb_samples

    def same_noise(inputs, nb, _sigma):  # x repeated sample by sample, plus our noise fields
        reps = tf.repeat(inputs, repeats=nb, axis=0)
        return reps + tf.tile(noise[:nb], (inputs.shape[0], 1, 1, 1))

    GradientStatistic._perturb_samples = staticmethod(same_noise)
    try:
        sg = xa.SmoothGrad(model, nb_samples=samples, noise=0.2, batch_size=samples)
        theirs = sg.explain(x, onehot).numpy()[..., 0]
    finally:
        GradientStatistic._perturb_samples = original
    out.append(
        row(
            "smoothgrad (same noise)",
            ours(model, x, "smoothgrad", samples=samples).maps,
            theirs,
            BAR,
        )
    )

    ig = xa.IntegratedGradients(model, steps=steps, baseline_value=0.0, batch_size=steps)
    theirs = ig.explain(x, onehot).numpy()[..., 0]
    mine = ours(model, x, "ig", steps=steps, rule="trapezoid").maps  # Xplique's rule
    out.append(row(f"integrated-gradients ({steps} points, trapezoid)", mine, theirs, BAR))

    gc = xa.GradCAM(model, conv_layer=layer)
    fm, g = gc._gradient(tf.constant(x), tf.constant(onehot))
    theirs = gc._apply_weights(gc._compute_weights(g, fm), fm).numpy()
    mine = ours(model, x, "gradcam")
    out.append(row("gradcam (layer resolution)", mine.raw, theirs, CAM_BAR))
    full = gc.explain(x, onehot).numpy()[..., 0]
    out.append(row("gradcam (input res., bicubic vs bilinear)", mine.maps, full, CAM_BAR))

    patch = max(1, round(min(h, w) / 8))
    occ = xa.Occlusion(model, patch_size=patch, patch_stride=patch, occlusion_value=0.0)
    theirs = occ.explain(x, onehot).numpy()[..., 0]
    mine = ours(model, x, "occlusion", patch=patch, stride=patch).maps
    out.append(row(f"occlusion (patch {patch}, stride {patch})", mine, theirs, BAR))

    cell = int(np.ceil(min(h, w) / 7))
    grids, shifts = rise_grids(n_masks, (h, w), cell, 0.5, 0)
    masks = rise_masks(grids, shifts, (h, w), cell)[..., None]
    saved = Rise._get_masks, Rise._apply_masks
    Rise._get_masks = staticmethod(lambda *args: tf.constant(masks))
    Rise._apply_masks = staticmethod(lambda xi, m, v: (m * xi[None] + (1 - m) * v, m))
    try:
        theirs = Rise(model, nb_samples=n_masks, batch_size=500).explain(x, onehot).numpy()[..., 0]
    finally:
        Rise._get_masks, Rise._apply_masks = saved
    mine = ours(model, x, "rise", masks=n_masks).maps
    out.append(row(f"rise ({n_masks} masks, same masks)", mine, theirs, BAR))
    return out


def completeness(name: str, n: int, rule: str, steps: int = 256, tolerance=None) -> str:
    from interpret.data import datasets
    from interpret.zoo import card

    ds = card(name)["dataset"]
    x, _ = datasets.load_test_images(ds).split("test")
    e = ours(name, x[:n], "ig", steps=steps, rule=rule, tolerance=tolerance)
    c = e.figures["completeness"]
    used = np.asarray(c["steps"])
    refined = (
        f" (tolerance {tolerance}: steps per image median {np.median(used):.0f}, "
        f"max {used.max()}, {(used > steps).sum()} refined, {e.seconds:.1f} s)"
        if tolerance
        else f" ({e.seconds:.1f} s)"
    )
    err = np.asarray(c["relative_error"])
    delta = np.abs(np.asarray(c["score_difference"]))
    gap = np.abs(np.asarray(c["map_sum"]) - np.asarray(c["score_difference"]))
    out = err >= 0.01
    worst = (
        f"; outside: |f(x) - f(0)| {', '.join(f'{d:.3g}' for d in delta[out])}, "
        f"|sum - (f(x) - f(0))| {', '.join(f'{g:.3g}' for g in gap[out])}"
        if out.any()
        else ""
    )
    return (
        f"  {name:<12} {rule:<9} {steps} steps{refined}, {n} images: relative error max {err.max():.4%}, "
        f"median {np.median(err):.4%}, within 1%: {n - out.sum()}/{n}; "
        f"|f(x) - f(0)| median {np.median(delta):.3g}{worst}"
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=32, help="test images per model")
    p.add_argument("--models", default="cifar10-cnn,mnist-cnn")
    p.add_argument("--ig-n", type=int, default=100, help="test images for IG's completeness")
    p.add_argument("--ig-models", default=None, help="models for IG's completeness [all]")
    p.add_argument("--skip-peers", action="store_true")
    args = p.parse_args()
    if not os.environ.get("INTERPRET_DATA_DIR"):
        print("note: INTERPRET_DATA_DIR is not set; using the bundled 500-image samples")
    from interpret import zoo
    from interpret.core.models import resolve
    from interpret.data import datasets

    for name in [] if args.skip_peers else args.models.split(","):
        handle = resolve(name)
        x, _ = datasets.load_test_images(handle.dataset).split("test")
        x = x[: args.n].astype("float32") / 255.0
        top = np.asarray(handle.probe.logits(x)).argmax(1)
        layer = [i.name for i in handle.probe.layers if i.kind == "spatial"][-1]
        print(f"{name}: {args.n} test images, predicted classes, CAM layer {layer}")
        for peer, fn in (
            ("tf-keras-vis 0.8.7", tf_keras_vis_rows),
            ("Xplique 2.0.2", xplique_rows),
        ):
            print(f" against {peer}:")
            try:
                for line in fn(handle.model, x, top, layer):
                    print(line, flush=True)
            except Exception as e:  # a peer that fails is reported, not fatal
                print(f"  skipped: {type(e).__name__}: {e}")
                traceback.print_exc()
    print("Integrated Gradients completeness, black baseline:")
    for name in args.ig_models.split(",") if args.ig_models else zoo.names():
        for rule, steps in (
            ("riemann", 256),
            ("trapezoid", 256),
            ("adaptive", 256),
            ("riemann", 512),
            ("riemann", 1024),
        ):
            print(completeness(name, args.ig_n, rule, steps), flush=True)
        for rule in ("riemann", "adaptive"):
            print(completeness(name, args.ig_n, rule, 256, tolerance=0.01), flush=True)


if __name__ == "__main__":
    main()
