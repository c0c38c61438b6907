"""The staff and review path on a phone (390×844, Debian's chromium): no page scrolls
sideways, 我的任务's 填报 button is on screen, the number box is wide enough to read what is
typed, with the decimal keypad and the live cumulative figure beside it."""

import pytest
from playwright.sync_api import expect

from .test_browser_reporting import demo, log_in, log_out  # noqa: F401 - demo is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def assert_fits_the_phone(page) -> None:
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways: {scroll_width} > {inner_width}"


def on_screen(locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_staff_fill_and_a_reviewer_approves_on_a_phone(live_server, demo, browser):  # noqa: F811
    base = live_server.url
    # Not is_mobile: a mobile page zooms out to fit what overflows, and innerWidth grows with it.
    page = browser.new_page(viewport=PHONE)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    log_in(page, base, "zs_staff")
    assert_fits_the_phone(page)
    page.goto(f"{base}/reports/?month=2024-02&plan={demo['plan']}")
    row = page.locator(f"tr.task-row[data-measure='{demo['measure']}']")
    expect(row).to_contain_text("2024年第1季度")
    assert_fits_the_phone(page)
    fill = row.locator("a.fill")
    fill.scroll_into_view_if_needed()
    expect(fill).to_be_visible()
    assert on_screen(fill)

    fill.click()
    expect(page.locator("h1")).to_contain_text("2024年第1季度")
    page.wait_for_load_state("load")
    assert_fits_the_phone(page)
    value = page.locator("#targets input.typed-number")
    assert value.get_attribute("inputmode") == "decimal"
    assert value.bounding_box()["width"] >= 150
    value.fill("6500")
    expect(value).to_have_value("6500")
    # the live figure sits beside the box it follows
    beside = page.locator("#targets tr.target-row .live-figure").first
    expect(beside).to_contain_text("6500个")
    assert on_screen(beside)
    page.fill("#id_narrative", "一季度募集青年见习岗位6500个。")
    page.click("#submit-report")
    if page.locator("#doubts").count():  # 6500 against 60 a year asks to confirm
        page.check("#id_confirm_doubts")
        page.click("#submit-report")
    expect(page.locator("#report-state")).to_have_text("已提交")
    assert_fits_the_phone(page)
    page.click(".navbar-toggler")
    log_out(page)

    log_in(page, base, "zs_reviewer")
    page.goto(f"{base}/reports/review/")
    assert_fits_the_phone(page)
    review = page.locator("tr.review-row", has_text="4.1").locator("a.review")
    review.scroll_into_view_if_needed()
    assert on_screen(review)
    review.click()
    assert_fits_the_phone(page)
    comment = page.locator("#id_comment")
    assert comment.bounding_box()["width"] >= 150
    approve = page.locator("#approve")
    approve.scroll_into_view_if_needed()
    assert on_screen(approve)
    approve.click()
    expect(page.locator(".alert-success")).to_contain_text("已通过")
    assert_fits_the_phone(page)
    assert errors == []
