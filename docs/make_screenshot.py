"""Take the README screenshot (docs/screenshot.png) of a running `qagraph serve`.

Usage: start the app (`make run`, or `qagraph serve --port 7860`), then
`.venv/bin/python docs/make_screenshot.py [URL]`. Needs /usr/bin/chromium and Playwright.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"]
QUESTION = "Compare bagging and boosting"
OUT = Path(__file__).with_name("screenshot.png")


def main(url: str = "http://127.0.0.1:7860") -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 860})
        page.goto(url)
        page.fill("#question textarea", QUESTION)
        page.keyboard.press("Enter")
        expect(page.locator("#chat .bot").first).to_contain_text("— ", timeout=60_000)
        page.locator("#sources summary").first.click()  # the original lines, one click away
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT))
        browser.close()
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main(*sys.argv[1:2])
