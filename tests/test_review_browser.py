"""The whole loop in a real browser: a report arrives, two analysts sign in to the review page
in headless Chromium (Debian's, driven by Selenium; no browser download) and confirm it, the
operator publishes, and a client refreshing from the served tree blocks the URL.

A screenshot of the queue is saved as build/artifacts/review-queue.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from linkscreen import Updater
from linkscreen.results import Action
from linkscreen_server.compiler import ListSpec
from linkscreen_server.publish import Repository
from linkscreen_server.review import accounts
from linkscreen_server.review.storage import Database
from linkscreen_server.signing import generate_keypair, load_private_key

from review_support import install, post_json, report, review_server
from server_process import linkscreen_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).parent.parent / "build" / "artifacts"
PASSWORD = "a long enough password"
TARGET = "http://reported.example/abuse/page"

pytestmark = pytest.mark.skipif(
    not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)),
    reason="Chromium and chromedriver are not installed (Debian: apt-get install chromium "
    "chromium-driver); .ci/run installs them",
)


@pytest.fixture
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--disable-gpu", "--no-first-run"):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _wait_for(driver: object, by: str, value: str) -> Any:
    """The element once the page that has it has loaded: a click that submits a form returns
    before the next page is there (slowly, under load: Argon2 at sign-in)."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 30)  # type: ignore[arg-type]
    return wait.until(expected_conditions.presence_of_element_located((by, value)))


def _sign_in(driver: object, base: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(base + "/review/login")  # type: ignore[attr-defined]
    driver.find_element(By.ID, "name").send_keys(name)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "password").send_keys(PASSWORD)  # type: ignore[attr-defined]
    driver.find_element(By.ID, "sign-in").click()  # type: ignore[attr-defined]
    assert "Open reports" in _wait_for(driver, By.TAG_NAME, "h2").text


def _confirm(driver: object, reason: str) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    find = driver.find_element  # type: ignore[attr-defined]
    row = next(
        r
        for r in driver.find_elements(By.CSS_SELECTOR, "#queue tbody tr")  # type: ignore[attr-defined]
        if "reported[.]example" in r.text
    )
    row.find_element(By.CLASS_NAME, "open").click()
    assert _wait_for(driver, By.ID, "url").text == "hxxp[://]reported[.]example/abuse/page"
    Select(find(By.ID, "category")).select_by_value("csam")
    find(By.ID, "reason").send_keys(reason)
    find(By.ID, "confirm").click()
    message: str = _wait_for(driver, By.ID, "message").text
    find(By.CSS_SELECTOR, "form.signout button").click()
    _wait_for(driver, By.ID, "name")  # the sign-in page
    return message


def test_two_analysts_confirm_in_chromium_and_the_next_version_blocks_it(
    tmp_path: Path, browser: object
) -> None:
    from selenium.webdriver.common.by import By

    root = load_private_key(generate_keypair(tmp_path / "keys" / "root").private_path)
    signing = generate_keypair(tmp_path / "keys" / "signing")
    repo = Repository(tmp_path / "tree")
    repo.write_root(
        [root], [root.public_key()], [load_private_key(signing.private_path).public_key()]
    )
    (tmp_path / "hotline.txt").write_text("http://hotline.example/\n")
    repo.publish([ListSpec("hotline", tmp_path / "hotline.txt", Action.BLOCK)],
                 load_private_key(signing.private_path))  # fmt: skip
    db_url = f"sqlite:///{tmp_path / 'review.db'}"
    db = Database(db_url)
    for name in ("alice", "bob"):
        accounts.add_user(db, name, "analyst", PASSWORD)
    db.close()

    with linkscreen_server("serve", "--dir", "tree", cwd=tmp_path) as tree_base, \
            review_server(db_url, cwd=tmp_path) as base:  # fmt: skip
        client = Updater(tmp_path / "client", tree_base, [tmp_path / "keys/root/signing.pub"])
        assert client.refresh().error is None
        matcher = client.matcher()
        assert matcher is not None
        assert matcher.check_url(TARGET).action is Action.ALLOW

        assert post_json(base, report(TARGET, install(1), note="seen in a group chat"))[0] == 202
        for number, url in enumerate(["http://other.example/a", 'http://x.example/"><script>'], 2):
            assert post_json(base, report(url, install(number)))[0] == 202

        _sign_in(browser, base, "alice")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "review-queue.png"))  # type: ignore[attr-defined]
        page = browser.page_source  # type: ignore[attr-defined]
        assert "<script>" not in page.split("<body", 1)[1]  # the hostile URL is text, escaped
        links = [a.get_attribute("href") for a in browser.find_elements(By.TAG_NAME, "a")]  # type: ignore[attr-defined]
        assert not any("example" in (href or "") for href in links)  # no reported URL is a link
        assert _confirm(browser, "first look") == "Recorded: now reported."
        _sign_in(browser, base, "bob")
        assert _confirm(browser, "agree") == "Recorded: now confirmed."

        done = subprocess.run(
            [sys.executable, "-m", "linkscreen_server.cli", "publish", "--dir", "tree", "--key",
             "keys/signing", "--list", "hotline=hotline.txt", "--review-db", db_url],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "published version 2" in done.stdout

        result = client.refresh()
        assert result.error is None
        matcher = client.matcher()
        assert matcher is not None
        assert matcher.check_url(TARGET).action is Action.BLOCK
        assert matcher.check_url("http://other.example/a").action is Action.ALLOW
        assert matcher.check_url("http://hotline.example/x").action is Action.BLOCK
    assert (ARTIFACTS / "review-queue.png").stat().st_size > 1000
