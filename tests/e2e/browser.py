"""A real headless Chromium (Debian's chromium and chromium-driver) driven by selenium, for the
dashboard's tests: its console, every request it made (DevTools network log), screenshots,
PDF printing and axe-core (the copy the axe-core-python package ships: axe 4.4)."""
import base64
import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--lang=en-US",
         "--hide-scrollbars")
# Kept after the run (ignored by git): screenshots and what a failed run saw.
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR") or Path(__file__).resolve().parents[1] / "artifacts")


def missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        return "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)"
    return None


def start_chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def console_errors(driver) -> list[dict]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def requested_urls(driver) -> list[str]:
    """Every URL the page asked for since the last call (the DevTools network log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def foreign(urls: list[str], base: str) -> list[str]:
    """The URLs that are not on `base`'s host (data: URLs stay in the page)."""
    home = urlparse(base).netloc
    return [u for u in urls if not u.startswith("data:") and urlparse(u).netloc != home]


def screenshot(driver, name: str, width: int) -> Path:
    """The whole page at `width` CSS pixels wide, saved under ARTIFACTS."""
    driver.set_window_size(width, 900)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{width}.png"
    driver.save_screenshot(str(path))
    return path


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


def print_pdf(driver) -> bytes:
    result = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    return base64.b64decode(result["data"])


def axe_violations(driver, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list[dict]:
    import axe_core_python
    source = (Path(axe_core_python.__file__).parent / "axe.min.js").read_text()
    driver.execute_script(source)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(done, e => done({error: String(e)}));",
        list(tags))
    assert "error" not in result, result
    return result["violations"]
