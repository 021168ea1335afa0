"""The house style: new figures carry it; images draw grey or colour on a fixed [0, 1] scale."""

from __future__ import annotations

import numpy as np

from interpret.gallery.style import RC, image_grid, new_figure, show_image


def test_new_figures_have_the_size_and_the_house_style():
    fig, ax = new_figure(4, 3)
    assert tuple(fig.get_size_inches()) == (4.0, 3.0)
    assert not ax.spines["top"].get_visible() and ax.title.get_fontsize() == RC["axes.titlesize"]
    fig, axes = new_figure(6, 2, ncols=3)
    assert len(axes) == 3


def test_one_channel_images_are_grey_on_a_fixed_scale():
    fig, ax = new_figure()
    show_image(ax, np.full((4, 4, 1), 0.25), "quarter")
    (im,) = ax.get_images()
    assert im.get_cmap().name == "gray" and im.get_clim() == (0.0, 1.0)
    assert im.get_array().shape == (4, 4) and ax.get_title() == "quarter"
    assert list(ax.get_xticks()) == [] and not any(s.get_visible() for s in ax.spines.values())


def test_colour_floats_are_clipped_and_uint8_kept():
    fig, ax = new_figure()
    show_image(ax, np.full((2, 2, 3), 1.5))
    assert float(ax.get_images()[0].get_array().max()) == 1.0
    fig, ax = new_figure()
    show_image(ax, np.full((2, 2), 200, np.uint8))
    assert (
        ax.get_images()[0].get_clim() == (0.0, 255.0) or ax.get_images()[0].get_array().max() == 200
    )


def test_image_grid_fills_rows_and_hides_the_empty_cells():
    fig, axes = image_grid([np.zeros((3, 3))] * 5, titles=list("abcde"), cols=3, suptitle="five")
    assert axes.shape == (2, 3)
    assert [ax.get_title() for ax in axes.flat[:5]] == list("abcde")
    assert not axes.flat[5].axison and fig._suptitle.get_text() == "five"
    fig, axes = image_grid([np.zeros((3, 3))] * 4)  # square by default
    assert axes.shape == (2, 2)
