"""Sign-in in a real browser: an OpenID provider on 127.0.0.1, the app with an ``[auth]`` secrets file, two people.

The provider is ``oidc-provider-mock`` (a small Flask app that authorises whatever subject is chosen on its
form). Each person signs in in their own browser context, chats, sees only their own sessions; one cannot open
the other's session by its link; signing out returns to the sign-in button.
"""

from __future__ import annotations

import os
import secrets
import sys
import threading
import uuid
import warnings
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.e2e import PROJECT_ROOT, TIMEOUT_MS, query_param, send_chat, server_env, wait_idle
from tests.servers import free_port, running

pytestmark = pytest.mark.browser

ALICE = ("00u-alice", {"name": "Dr. Alice Okafor", "email": "alice@example.org"})
BOB = ("00u-bob", {"name": "Dr. Bob Lin", "email": "bob@example.org"})


@pytest.fixture(scope="module")
def provider() -> str:
    """The OpenID provider, in this process, on a free loopback port; yields its base URL."""
    with warnings.catch_warnings(record=True):  # the mock imports authlib.jose, which Authlib itself deprecates
        oidc = pytest.importorskip("oidc_provider_mock", reason="pip install oidc-provider-mock for the sign-in test")
    from werkzeug.serving import make_server

    before = os.environ.get("AUTHLIB_INSECURE_TRANSPORT")
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on loopback; a real provider is https
    users = [oidc.User(sub=sub, claims=claims) for sub, claims in (ALICE, BOB)]
    server = make_server("127.0.0.1", 0, oidc.app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        if before is None:
            os.environ.pop("AUTHLIB_INSECURE_TRANSPORT", None)
        else:
            os.environ["AUTHLIB_INSECURE_TRANSPORT"] = before


@pytest.fixture(scope="module")
def signed_app(chromium, provider, tmp_path_factory):
    """``streamlit run app.py`` with a temporary secrets file turning sign-in on; yields (URL, store)."""
    pytest.importorskip("authlib", reason="sign-in needs Authlib (pip install -e '.[auth]')")
    from agent.core import Store

    data = tmp_path_factory.mktemp("signin-data")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secrets_file = data / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{base}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "mentorprep-test"\n'
        'client_secret = "mentorprep-test-client"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    cmd = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py"),
           "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--secrets.files", str(secrets_file)]
    with running(cmd, f"{base}/_stcore/health", timeout=120, env=server_env(data)):
        yield base, Store(f"sqlite:///{data / 'e2e.db'}")


def _sign_in(page, base: str, sub: str) -> None:
    page.goto(base)
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)
    expect(page.get_by_test_id("stChatInput")).to_have_count(0)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=sub).click()  # the provider's form: authorise this subject
    page.wait_for_url(lambda url: url.startswith(base) and "oauth2callback" not in url)
    page.get_by_test_id("stSidebar").wait_for()
    wait_idle(page)


def _chat(page, text: str) -> str:
    send_chat(page, text)
    messages = page.get_by_test_id("stChatMessage")
    expect(messages).to_have_count(2)
    expect(messages.first).to_contain_text(text)
    wait_idle(page)
    return query_param(page.url, "session")


def test_two_people_sign_in_chat_privately_and_sign_out(browser, signed_app):
    base, store = signed_app
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        alice, bob = (c.new_page() for c in contexts)
        for page in (alice, bob):
            page.set_default_timeout(TIMEOUT_MS)

        _sign_in(alice, base, ALICE[0])
        expect(alice.get_by_test_id("stSidebar")).to_contain_text("Signed in as Dr. Alice Okafor")
        alice_text = f"How do I ask about echo research? {uuid.uuid4().hex[:6]}"
        alice_sid = _chat(alice, alice_text)

        _sign_in(bob, base, BOB[0])
        expect(bob.get_by_test_id("stSidebar")).to_contain_text("Signed in as Dr. Bob Lin")
        bob_text = f"What should I ask a sponsor? {uuid.uuid4().hex[:6]}"
        bob_sid = _chat(bob, bob_text)
        expect(bob.get_by_test_id("stSidebar")).to_contain_text(bob_text[:40])
        expect(bob.get_by_test_id("stSidebar")).not_to_contain_text(alice_text[:40])
        alice.reload()
        alice.get_by_test_id("stSidebar").wait_for()
        wait_idle(alice)
        expect(alice.get_by_test_id("stSidebar")).not_to_contain_text(bob_text[:40])
        expect(alice.get_by_test_id("stChatMessage").first).to_contain_text(alice_text)

        # The sessions are stored under each person's OpenID subject, and nothing under the local user.
        assert [s["id"] for s in store.list_sessions(ALICE[0])] == [alice_sid]
        assert [s["id"] for s in store.list_sessions(BOB[0])] == [bob_sid]
        assert store.list_sessions("local") == []

        # Bob opens Alice's link: "not found", and neither her title nor her message shows.
        bob.goto(f"{base}/?{urlencode({'session': alice_sid})}")
        bob.get_by_test_id("stSidebar").wait_for()
        wait_idle(bob)
        expect(bob.get_by_text("That session was not found")).to_be_visible()
        expect(bob.locator("body")).not_to_contain_text(alice_text[:40])
        assert query_param(bob.url, "session") != alice_sid

        # Signing out (through the provider's end-session page) returns to the sign-in button.
        bob.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
        end_session, sign_in = (bob.get_by_role("button", name=n) for n in ("End session", "Sign in"))
        expect(end_session.or_(sign_in)).to_be_visible()
        if end_session.is_visible():
            end_session.click()
        expect(sign_in).to_be_visible()
        expect(bob.get_by_test_id("stSidebar")).to_have_count(0)
        bob.goto(f"{base}/?{urlencode({'session': bob_sid})}")  # the link alone does not get back in
        expect(bob.get_by_role("button", name="Sign in")).to_be_visible()
        expect(bob.locator("body")).not_to_contain_text(bob_text[:40])
    finally:
        for context in contexts:
            context.close()
