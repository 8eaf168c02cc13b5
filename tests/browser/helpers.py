"""Steps shared by the journeys, done as a person would: by label and role; and the colour sums of
the accessibility checks."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.factories import PASSWORD


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").wait_for()


# JavaScript functions for the pages: contrast(a, b) of two CSS colours (WCAG formula), behind(e)
# the first opaque background colour around an element (what an outline drawn outside it, or its
# border, is seen against)
CONTRAST_JS = """
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => {
    const [r, g, b] = rgb(c).slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const behind = e => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      const c = getComputedStyle(p).backgroundColor;
      const v = rgb(c);
      if (v.length === 3 || v[3] > 0.5) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const ringProblem = e => {
    const s = getComputedStyle(e);
    const ratio = contrast(s.outlineColor, behind(e));
    return s.outlineStyle === 'none' || parseFloat(s.outlineWidth) < 2 || ratio < 3
      ? `focus ring ${s.outlineStyle} ${s.outlineWidth} ${ratio.toFixed(2)}:1` : ''; };
"""


def _sideways(page) -> int:
    """How many CSS pixels the page is wider than the screen, once its stylesheets are in (a
    measure taken while one still loads, on a busy machine, sees the page unstyled)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _widest(page) -> list:
    """The elements that stick out of the screen, to say what to fix."""
    return page.evaluate("""[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5)
        .map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))""")


def _log_in(page, email: str) -> None:
    """Logged in whatever the user's language (the menu is collapsed on a phone)."""
    page.goto("/auth/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#password").press("Enter")
    page.wait_for_url(lambda url: "/auth/login" not in url)
