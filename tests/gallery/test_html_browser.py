"""The built index.html in a real headless Chromium, opened from file://.

Needs the system's ``chromium`` and ``chromedriver`` (``.ci/install-browser.sh``
installs them) and ``selenium`` (the ``test`` extra); skipped with the reason when
any is missing. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from interpret.gallery.html import build_index, collect
from tests.gallery.test_html import EVIL_CAPTION, EVIL_FILE, EVIL_LAYER, make_gallery

try:
    import selenium  # noqa: F401

    _SELENIUM = ""
except ImportError:
    _SELENIUM = "selenium is not installed (pip install -e '.[test]')"

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
_MISSING = _SELENIUM or (
    "" if CHROMIUM and CHROMEDRIVER else "chromium/chromedriver not found (.ci/install-browser.sh)"
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(_MISSING), reason=_MISSING)]

# records any attempt to open a JS dialog, before the page's own scripts run
DIALOG_TRAP = """
window.__dialogs = [];
["alert", "confirm", "prompt", "print"].forEach(function (k) {
  window[k] = function (m) { window.__dialogs.push(k + ":" + m); };
});
"""


@pytest.fixture()
def driver(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,860",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(flag)
    drv = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    drv.set_page_load_timeout(20)
    drv.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": DIALOG_TRAP})
    try:
        yield drv
    finally:
        drv.quit()


def _visible_names(drv) -> list[str]:
    return drv.execute_script(
        "return Array.from(document.querySelectorAll('figure.item'))"
        ".filter(f => f.offsetParent !== null)"
        ".map(f => f.querySelector('figcaption').textContent);"
    )


def test_page_in_headless_chromium(driver, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    g = make_gallery(tmp_path / "g")
    index = build_index(g.root)
    names = [i.name for i in collect(g.root)]
    driver.get(index.as_uri())

    # every thumbnail loads (the quoted file name too); they load lazily, so scroll through
    driver.execute_script(
        "document.querySelectorAll('img.thumb').forEach(i => i.scrollIntoView());"
        "window.scrollTo(0, 0);"
    )
    WebDriverWait(driver, 10).until(
        lambda d: d.execute_script(
            "return Array.from(document.querySelectorAll('img.thumb')).every(i => i.complete)"
        )
    )
    widths = driver.execute_script(
        "return Array.from(document.querySelectorAll('img.thumb')).map(i => i.naturalWidth)"
    )
    assert len(widths) == len(names) == 8
    assert all(w > 0 for w in widths), widths
    assert _visible_names(driver) == names

    # hostile strings are text; only our two scripts exist
    layers = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "h4.layer-name")]
    assert EVIL_LAYER in layers
    assert driver.execute_script("return document.scripts.length") == 2
    assert driver.execute_script("return document.querySelectorAll('[onerror]').length") == 0
    driver.save_screenshot(str(_artifact("gallery-page.png")))

    # the filter box hides what does not match, and empty groups with it
    box = driver.find_element(By.ID, "filter")
    box.send_keys("fooling")
    assert _visible_names(driver) == ["fooling class 0", "fooling class 1"]
    assert driver.find_element(By.ID, "count").text == "2 of 8 items"
    assert not driver.find_elements(By.CSS_SELECTOR, "section.model")[0].is_displayed()
    box.clear()
    box.send_keys("conv2d_1")  # a layer name
    assert _visible_names(driver) == [f"conv2d_1 filter {f}" for f in range(3)]
    box.clear()
    box.send_keys("MNIST maximize")  # every term must match, case does not matter
    assert _visible_names(driver) == ["hostile layer"]
    box.clear()
    box.send_keys(" ")  # clear() fires no input event; an edit does
    assert _visible_names(driver) == names

    # opening an item shows the full image, its metadata and its command
    driver.find_elements(By.CSS_SELECTOR, "figure.item")[1].click()
    viewer = driver.find_element(By.ID, "viewer")
    assert viewer.is_displayed()
    assert driver.find_element(By.ID, "v-title").text == "conv2d_1 filter 0"
    rows = _meta_rows(driver)
    assert rows["layer"] == "conv2d_1" and rows["seed"] == "0"
    assert '"steps": 10' in rows["parameters"]
    assert driver.find_element(By.ID, "v-command").text
    assert driver.execute_script("return document.getElementById('v-img').naturalWidth") == 8

    # the hostile item: its layer and caption show as text in the metadata
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT * 3)
    assert driver.find_element(By.ID, "v-title").text == "hostile layer"
    rows = _meta_rows(driver)
    assert rows["layer"] == EVIL_LAYER and rows["caption"] == EVIL_CAPTION
    driver.save_screenshot(str(_artifact("gallery-viewer.png")))
    driver.find_element(By.ID, "v-close").click()
    assert not viewer.is_displayed()

    # the quoted file name opens and shows its command verbatim
    driver.find_elements(By.CSS_SELECTOR, "figure.item")[-1].click()
    assert driver.find_element(By.ID, "v-title").text == EVIL_FILE
    assert driver.find_element(By.ID, "v-command").text == f"interpret x --name '{EVIL_FILE}'"
    assert driver.execute_script("return document.getElementById('v-img').naturalWidth") == 5

    assert driver.execute_script("return window.__dialogs") == []
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018


def _meta_rows(driver) -> dict:
    return driver.execute_script(
        "var o = {}; document.querySelectorAll('#v-meta tr').forEach("
        "function (r) { o[r.cells[0].textContent] = r.cells[1].textContent; }); return o;"
    )


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


def test_animation_plays_in_the_viewer(driver, tmp_path):
    """An animated item shows its poster in the grid and plays its GIF in the viewer."""
    import time

    import numpy as np
    from selenium.webdriver.common.by import By

    from interpret.gallery.store import Gallery

    g = Gallery(tmp_path / "g")
    frames = [np.full((8, 8, 3), float(k % 2)) for k in range(6)]  # black, white, black, ...
    g.save_animation(frames, model="m", technique="maximize", name="blinking", steps=range(6))
    g.save_image(np.full((8, 8, 3), 0.5), model="m", technique="maximize", name="still")
    driver.get(build_index(g.root).as_uri())
    figures = driver.find_elements(By.CSS_SELECTOR, "figure.item")
    assert [f.get_attribute("class") for f in figures] == ["item animated", "item"]
    assert driver.execute_script("return document.querySelector('img.thumb').src").endswith(".png")

    def changes(index: int) -> int:
        """Distinct looks of the viewer's picture over ~1.5 s (an animation shows several)."""
        driver.find_elements(By.CSS_SELECTOR, "figure.item")[index].click()
        img = driver.find_element(By.ID, "v-img")
        driver.execute_script("return arguments[0].decode()", img)
        seen = set()
        for _ in range(8):
            seen.add(img.screenshot_as_png)
            time.sleep(0.2)
        driver.find_element(By.ID, "v-close").click()
        return len(seen)

    assert changes(1) == 1  # the still image looks the same throughout: the check can fail
    assert changes(0) >= 2  # the GIF plays: its frames follow each other in the viewer
    src = driver.execute_script("return document.getElementById('v-img').src")
    assert src.endswith("blinking.gif")
    driver.find_elements(By.CSS_SELECTOR, "figure.item")[0].click()
    assert _meta_rows(driver)["frames"] == "6"
    driver.save_screenshot(str(_artifact("gallery-animation.png")))
