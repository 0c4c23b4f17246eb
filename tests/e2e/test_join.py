"""With accounts, a student joins a class on the page with its code and a name, and stays signed in."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.classroom import new_class, new_instructor


def test_a_student_joins_on_the_page(page: Page, accounts_server):
    code = new_class(new_instructor(accounts_server), "Period 5")["join_code"]
    page.goto(accounts_server.base_url)
    dialog = page.get_by_test_id("sign-in")
    expect(dialog).to_be_visible()
    page.get_by_test_id("join-code").fill("ZZZZZZ")
    page.get_by_test_id("join-name").fill("Lin")
    page.get_by_test_id("join-submit").click()
    expect(dialog.get_by_role("alert")).to_contain_text("no class has this code")
    page.get_by_test_id("join-code").fill(code.lower())
    page.get_by_test_id("join-submit").click()
    expect(dialog).to_be_hidden()
    me = page.request.get(accounts_server.base_url + "/api/v1/me").json()  # the page's cookie
    assert me["name"] == "Lin" and me["role"] == "student" and me["classes"][0]["name"] == "Period 5"
    with page.expect_response(lambda r: r.url.endswith("/api/v1/me")) as answer:
        page.reload()
    assert answer.value.status == 200  # still signed in: the page asks nothing more
    expect(page.get_by_test_id("sign-in")).to_be_hidden()
