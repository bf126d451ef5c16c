"""Headless Chromium for the tests: Debian's chromium and chromedriver, driven by Selenium, with axe-core inside."""

import base64
from pathlib import Path

from django.conf import settings
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

from newsroom.management.commands.audit_pages import CHROMIUM_FLAGS

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = (1280, 900)
# The viewport of the commonest phones (iPhone 12 to 15), with touch and a phone's user agent; a pixel ratio of 2
# rather than their 3 keeps the screenshots small and quick, and changes no layout.
PHONE = {"width": 390, "height": 844, "pixelRatio": 2.0, "mobile": True}
PHONE_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def start_chromium(*, phone: bool = False) -> WebDriver:
    """A new headless Chromium at desktop size, or emulating a phone."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    if phone:
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": PHONE, "userAgent": PHONE_AGENT})
    else:
        options.add_argument("--window-size={},{}".format(*DESKTOP))
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def forget_visitor(driver: WebDriver) -> None:
    """Sign out every account by dropping all cookies, for every site the browser has seen."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})


def axe_violations(driver: WebDriver, impacts: frozenset[str] | None = None) -> list[str]:
    """Run axe-core on the open page; one readable line per violation (of the given impacts, or all of them)."""
    driver.execute_script(AXE_SCRIPT.read_text())
    result = driver.execute_async_script(
        "const done = arguments[0];axe.run(document).then(done).catch((error) => done({error: String(error)}));"
    )
    assert "error" not in result, result
    return [
        f"{item['id']} ({item['impact']}) {item['help']}: {[node['target'] for node in item['nodes'][:3]]}"
        for item in result["violations"]
        if impacts is None or item["impact"] in impacts
    ]


def save_full_page(driver: WebDriver, path: Path) -> None:
    """A PNG of the whole page, not only the part in the viewport."""
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    options = {"format": "png", "captureBeyondViewport": True, "clip": clip}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", options)
    path.write_bytes(base64.b64decode(shot["data"]))
