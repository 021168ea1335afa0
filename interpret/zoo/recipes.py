"""How each zoo model is trained by default: the one place the recipe lives.

A robust model names its standard ``twin``: the same architecture, trained
adversarially (``adversarial``, see :mod:`interpret.zoo.adversarial`) with a custom
loop (:mod:`interpret.zoo.fit`), and scored at the end by ``robust_eval``
(PGD steps and step size on the whole test set).

Example:
    >>> RECIPES["mnist-cnn"].dataset
    'mnist'
    >>> RECIPES["mnist-cnn-robust"].twin, RECIPES["mnist-cnn-robust"].adversarial.method
    ('mnist-cnn', 'pgd')
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from interpret.zoo.adversarial import Adversarial


@dataclass(frozen=True)
class Recipe:
    """Training settings for one zoo model."""

    dataset: str
    epochs: int
    batch_size: int = 64
    learning_rate: float = 1e-3
    augment: bool = False  # random horizontal flip + shift by up to 4 px (CIFAR-10 only)
    target_accuracy: float = 0.0
    description: str = ""
    twin: str | None = None  # a robust model: the standard model whose architecture it shares
    adversarial: Adversarial | None = None
    warmup: float = 0.0  # fraction of the steps over which the learning rate rises from 0
    precision: str = "float32"  # arithmetic of the training steps (interpret._fast.precision)
    eval_images: int = 1000  # test images of the per-epoch PGD accuracy
    eval_steps: int = 10  # its PGD steps (of eps / 4)
    robust_eval: tuple[int, float] | None = None  # final PGD on the whole test set: steps, step

    def to_dict(self) -> dict:
        """Plain dict for JSON cards.

        Example:
            >>> RECIPES["mnist-mlp"].to_dict()["epochs"]
            10
            >>> RECIPES["mnist-cnn-robust"].to_dict()["adversarial"]["attack_steps"]
            10
        """
        d = asdict(self)
        if self.adversarial is None:  # a standard recipe's card keeps its standard fields only
            return {k: v for k, v in d.items() if k not in ADVERSARIAL_FIELDS}
        d["adversarial"] = self.adversarial.checked().to_dict()
        d["robust_eval"] = list(self.robust_eval) if self.robust_eval else None
        return d


ADVERSARIAL_FIELDS = (
    "twin", "adversarial", "warmup", "precision", "eval_images", "eval_steps", "robust_eval",
)  # fmt: skip

RECIPES: dict[str, Recipe] = {
    "cifar10-cnn": Recipe(
        dataset="cifar10",
        epochs=20,
        batch_size=64,
        learning_rate=1e-3,
        augment=True,
        target_accuracy=0.66,
        description="TensorFlow tutorial CNN for CIFAR-10 (Conv32-Pool-Conv64-Pool-Conv64-Dense64-Dense10)",
    ),
    "mnist-mlp": Recipe(
        dataset="mnist",
        epochs=10,
        batch_size=128,
        learning_rate=1e-3,
        target_accuracy=0.978,
        description="dense baseline 784-256-256-256-10, ReLU",
    ),
    "mnist-cnn": Recipe(
        dataset="mnist",
        epochs=10,
        batch_size=128,
        learning_rate=1e-3,
        target_accuracy=0.992,
        description="LeNet-style CNN: Conv32(5x5)-Pool-Conv64(5x5)-Pool-Dense256-Dense10",
    ),
    "mnist-cnn-robust": Recipe(
        dataset="mnist",
        epochs=10,
        batch_size=100,
        learning_rate=5e-3,
        warmup=0.4,
        target_accuracy=0.98,
        description="mnist-cnn trained with PGD-10 at eps 0.3 (Madry et al. 2018), bfloat16 steps",
        twin="mnist-cnn",
        adversarial=Adversarial("pgd", eps=0.3, step_size=0.075, attack_steps=10, eps_warmup=2),
        precision="bfloat16",
        robust_eval=(40, 0.01),
    ),
    "mnist-cnn-robust-l2": Recipe(
        dataset="mnist",
        epochs=8,
        batch_size=100,
        learning_rate=5e-3,
        warmup=0.4,
        target_accuracy=0.98,
        description="mnist-cnn trained with L2 PGD-5 at eps 2 (Madry et al. 2018 in the L2 ball)",
        twin="mnist-cnn",
        adversarial=Adversarial("pgd", eps=2.0, attack_steps=5, eps_warmup=1, norm="l2"),
        robust_eval=(40, 0.1),
    ),
    "cifar10-cnn-robust": Recipe(
        dataset="cifar10",
        epochs=30,
        batch_size=128,
        learning_rate=2e-3,
        augment=True,
        warmup=0.3,
        target_accuracy=0.5,
        description="cifar10-cnn trained with FGSM + random start at eps 8/255 (Wong et al. 2020)",
        twin="cifar10-cnn",
        adversarial=Adversarial("fgsm-rs", eps=8 / 255, step_size=10 / 255),
        robust_eval=(20, 2 / 255),
    ),
}
