"""Screenshots of the dashboard over the demo corpus, for the README (docs/dashboard.png).

    .venv/bin/python scripts/dashboard_screenshot.py                 # ingests the demo corpus into a temporary store
    .venv/bin/python scripts/dashboard_screenshot.py --db demo.duckdb --out docs

Needs Debian's chromium at /usr/bin/chromium and the playwright package (the dev extra).
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="a store (default: the demo corpus, ingested now)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNG files")
    parser.add_argument("--dyad", default="RUS,PRK", help="the timeline's two actors")
    parser.add_argument("--since", default="2023-01-01", help="first day of the period shown")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="eventwire-shot-") as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "demo.duckdb"
            from eventwire.cli import demo_path

            subprocess.run([str(BIN / "eventwire"), "ingest", "--quiet", "--db", str(db), demo_path()], check=True)
        port = free_port()
        server = subprocess.Popen([str(BIN / "eventwire"), "serve", "--db", str(db), "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{base}/api/health", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            a, b = args.dyad.split(",")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                page = browser.new_page(viewport={"width": 1360, "height": 1180})
                page.goto(f"{base}/#a={a}&b={b}&since={args.since}")
                page.wait_for_selector("body[data-ready='1']", timeout=60_000)
                page.wait_for_timeout(500)
                page.screenshot(path=str(args.out / "dashboard.png"))
                page.locator("#events tbody tr").nth(1).click()
                page.wait_for_selector("#article-text mark.hl-trigger")
                page.wait_for_timeout(300)
                page.screenshot(path=str(args.out / "dashboard-evidence.png"))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"wrote {args.out / 'dashboard.png'} and {args.out / 'dashboard-evidence.png'}")


if __name__ == "__main__":
    main()
