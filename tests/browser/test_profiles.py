"""The browser profiles the tests run in: a page shares its profile with other tests (and so the HTTP cache) but
starts with empty storage, and a test that changes its profile beyond storage gets one of its own."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_page_leaves_something_in_storage(page, server):
    page.goto(server + "checklist/")
    page.evaluate("() => { localStorage.setItem('left-behind', '1'); document.cookie = 'left=1; path=/'; }")
    assert page.evaluate("() => localStorage.getItem('left-behind')") == "1"


def test_the_next_page_finds_its_storage_empty(page, server):
    page.goto(server + "checklist/")
    assert page.evaluate("() => [localStorage.getItem('left-behind'), document.cookie]") == [None, ""]


def test_a_test_that_fakes_the_clock_has_a_profile_of_its_own(page, shared_profile):
    page.clock.set_fixed_time("2020-01-01T00:00:00")
    assert page.context is not shared_profile


def test_other_tests_share_one_profile_with_the_real_clock(page, shared_profile, server):
    assert page.context is shared_profile
    page.goto(server + "404.html")
    assert page.evaluate("() => new Date().getFullYear()") > 2020
