"""The dashboard in a real browser: `eventwire serve` over the demo corpus, driven by Playwright.

Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it) and the playwright package;
skipped with the reason when either is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import demo_path, main
from test_api import HOSTILE

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no browser: /usr/bin/chromium is missing "
                                                     "(apt-get install chromium; .ci/run does it)"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
DYAD = ("RUS", "PRK")  # a pair with events in the demo corpus


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventwire_command() -> list[str]:
    script = Path(sys.executable).parent / "eventwire"
    if script.exists():
        return [str(script)]
    found = shutil.which("eventwire")
    return [found] if found else [sys.executable, "-c", "from eventwire.cli import main; main()"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("dashboard")
    hostile = folder / "hostile-story.txt"
    hostile.write_text(HOSTILE, encoding="utf-8")
    db = folder / "demo.duckdb"
    result = CliRunner().invoke(main, ["ingest", "--db", str(db), "--quiet", demo_path(), str(hostile)])
    assert result.exit_code == 0, result.output
    port = free_port()
    log = (folder / "serve.log").open("w")
    proc = subprocess.Popen([*eventwire_command(), "serve", "--db", str(db), "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_COLOR": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"eventwire serve exited with {proc.returncode}: {(folder / 'serve.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=2) as r:
                    health = json.load(r)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("eventwire serve did not answer within 60 s")
                time.sleep(0.2)
        assert health["articles"] > 20
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def page(server):  # type: ignore[no-untyped-def]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1200})
            page = context.new_page()
            page.errors = []  # type: ignore[attr-defined]
            page.outside = []  # type: ignore[attr-defined]
            page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
            page.on("request", lambda r: None if r.url.startswith((server, "data:"))
                    else page.outside.append(r.url))  # type: ignore[attr-defined]
            yield page
        finally:
            browser.close()


def test_dashboard_timeline_evidence_and_escaping(server, page, tmp_path):
    a, b = DYAD
    page.goto(f"{server}/#a={a}&b={b}")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)

    # the dyad timeline has data points
    timeline = page.locator("#timeline")
    assert int(timeline.get_attribute("data-events") or 0) > 0
    assert page.locator("#timeline .bars .point").count() > 0
    assert a in page.locator("#timeline-status").inner_text()
    # the network, the map (on the bundled basemap) and the event table are drawn
    assert page.locator("#network .scatterlayer .point").count() > 0
    assert page.locator("#map .geo .countries path, #map .geo .land path").count() > 0
    assert page.locator("#map .scattergeo .point").count() > 0
    assert page.locator("#events tbody tr").count() > 0

    # a demo event opens its article with the evidence highlighted and the rule shown
    page.locator("#events tbody tr").first.click()
    page.wait_for_selector("#article-overlay:not([hidden]) #article-text mark.hl-trigger")
    assert page.locator("#article-text mark.hl-trigger").inner_text().strip()
    assert page.locator("#article-event dd[data-field='rule']").inner_text().strip() not in ("", "—")
    page.locator("#article-close").click()

    # the hostile story: found by its evidence text, opened, and shown as text
    page.fill("#filters input[name='q']", "onerror")
    page.locator("#filters button[type='submit']").click()
    page.wait_for_selector("#events[data-total='1']")
    page.locator("#events tbody tr").first.click()
    page.wait_for_selector("#article-overlay:not([hidden]) #article-text mark.hl-trigger")
    text = page.locator("#article-text").inner_text()
    assert "<script>window.__pwned=1</script>" in text
    assert '<img src=x onerror="window.__pwned=1">' in text
    assert "Yoon Suk Yeol" in page.locator("#article-text mark.hl-source").inner_text()
    assert page.locator("#article-text mark.hl-trigger").inner_text() == "criticized"
    assert page.locator("#article-text mark.hl-target").inner_text() == "Pyongyang"
    assert page.locator("#article-text script, #article-text img, #article img").count() == 0
    assert page.locator("#article-event dd[data-field='rule']").inner_text().strip() not in ("", "—")
    page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert page.evaluate("typeof window.__pwned") == "undefined"

    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.errors == []  # type: ignore[attr-defined]
    assert page.outside == []  # type: ignore[attr-defined]  # nothing fetched from another host
