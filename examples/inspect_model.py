"""Open a model up without any optimisation: structure, kernels, feature maps, a convolution.

Run from the repository root (writes into ./gallery):

    python examples/inspect_model.py [MODEL]     # MODEL: a zoo name or a .keras file
"""

import sys

import interpret

model = sys.argv[1] if len(sys.argv) > 1 else "mnist-cnn"
handle = interpret.resolve(model)

# where the parameters are
summary = interpret.plot_summary(handle)
print(f"{handle.name}: {summary.figures['total_params']:,} parameters")
summary.save("gallery")

# the kernels of the first layer that has any, and what test image 0 becomes, layer by layer
from interpret.inspect.kernels import kernel_layers  # noqa: E402

first = kernel_layers(handle.probe)[0]
interpret.plot_filters(handle, first).save("gallery")
for sheet in interpret.iter_featuremaps(handle, index=0):  # one figure open at a time
    print(
        f"{sheet.layer}: {sheet.figures['dead_channels']} of {sheet.figures['map_shape'][-1]} channels silent"
    )
    sheet.save("gallery")

# the classic 8x8 example: left half 60, right half 0, vertical-edge kernel
from interpret.inspect.convolution import example_image  # noqa: E402

print(interpret.convolve(example_image(), "vertical"))
