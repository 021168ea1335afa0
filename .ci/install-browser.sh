#!/usr/bin/env bash
# Install Chromium and its WebDriver from the system package manager (Debian/Ubuntu),
# for tests/test_gallery_html_browser.py. Idempotent: does nothing when both are present.
# Without them (or without root/apt) the browser test is skipped with the reason.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    echo "install-browser: chromium and chromedriver already installed"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-browser: no apt-get here; install chromium + chromedriver yourself" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "install-browser: not root and no sudo; browser test will be skipped" >&2
        exit 0
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Debian names the driver chromium-driver; Ubuntu ships chromium-chromedriver
if apt-cache show chromium-driver >/dev/null 2>&1; then
    $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver
else
    $SUDO apt-get install -y -qq --no-install-recommends chromium-browser chromium-chromedriver
fi
command -v chromedriver >/dev/null && chromedriver --version
