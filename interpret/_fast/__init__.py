"""Speed machinery behind plain interfaces; each piece has an equivalence test as its contract.

bfloat16 ``precision``, a ``fixed_matmul`` with one-sided gradients, the one-channel
``conv_grad``, the fused ``adam`` kernel, a four-op ``leaky_relu``, and ``resample``:
a render's moves drawn ahead, shared by the batch and folded into the Fourier
synthesis. Callers use the plain idea; these are how it runs fast.

May import: ``interpret._tf``, ``interpret.core.errors``. Nothing else of the package.
"""
