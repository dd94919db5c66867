"""A respondent in a real browser: reads what each step needs from the definition (valid_form)
and fills it in with the pointer or with the keyboard alone."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from pwe.flow import Step
from pwe.i18n import CATALOGS, DOMAIN
from surveys.definition import Consultation, PointsPage, PortfolioPage
from surveys.feasibility import check_portfolio, portfolio_use
from surveys.language import load
from tests.e2e.conftest import LiveServer, RespondentView
from tests.pwe.visitor import expected_answer, number_text, valid_form

Form = list[tuple[str, str]]


def action_button(action: str) -> str:
    """The step form's submit buttons: "next", "previous" and, without JavaScript, "recalculate"
    (not the hidden one that Enter presses)."""
    return f'button[name="action"][value="{action}"]:not([hidden])'


# Every named control of the step form, in document (and so tab) order.
CONTROLS_JS = """() => Array.from(document.querySelectorAll('form [name]'))
  .filter(e => e.type !== 'hidden' && e.type !== 'submit')
  .map(e => ({id: e.id, name: e.name, value: e.value, tag: e.tagName.toLowerCase(), type: e.type,
              checked: !!e.checked,
              choices: e.tagName === 'SELECT' ? Array.from(e.options, o => o.value) : []}))"""

ACTIVE_JS = """() => { const e = document.activeElement;
  return {id: e.id, name: e.name || '', value: e.value || '', tag: e.tagName.toLowerCase(),
          type: e.type || '', text: (e.textContent || '').trim(), href: e.getAttribute('href') || '',
          checked: !!e.checked}; }"""

FOCUS_INDICATOR_JS = """() => { const s = getComputedStyle(document.activeElement);
  return {outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow}; }"""

# Elements that stick out to the right of the screen (WCAG 1.4.10 reflow: no sideways scrolling).
OVERFLOW_JS = """width => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width + 0.5)
  .slice(0, 10)
  .map(e => e.outerHTML.slice(0, 160) + ' right=' + Math.round(e.getBoundingClientRect().right))"""

MAX_TABS = 150


def platform_text(msgid: str, **params) -> str:
    """A platform text as the Dutch catalog has it, with its placeholders filled in."""
    text = load(CATALOGS, DOMAIN, "nl").gettext(msgid)
    return text % params if params else text


@dataclass(frozen=True)
class Action:
    """One change to a control: tick or untick a checkbox, select a radio, type a text, pick from a list."""

    kind: str  # toggle | radio | text | select
    id: str
    name: str
    value: str
    moves: int = 0  # radio groups and lists: arrow presses from where focus lands (negative: up)


def plan(controls: list[dict], form: Form) -> list[Action]:
    """The changes that turn what the page shows into `form`, in document order."""
    wanted = defaultdict(list)
    for name, value in form:
        wanted[name].append(value)
    on_page = {(c["name"], c["value"]) for c in controls if c["type"] in ("radio", "checkbox")}
    names = {c["name"] for c in controls}
    for name, values in wanted.items():
        assert name in names, f"the page has no field named {name!r}"
        kinds = {c["type"] for c in controls if c["name"] == name}
        if kinds & {"radio", "checkbox"}:
            missing = [v for v in values if (name, v) not in on_page]
            assert not missing, f"field {name!r} has no choice with value {missing}"
    radios = defaultdict(list)
    for c in controls:
        if c["type"] == "radio":
            radios[c["name"]].append(c)
    actions = []
    for c in controls:
        name, value = c["name"], c["value"]
        if c["type"] == "checkbox":
            if c["checked"] != (value in wanted.get(name, [])):
                actions.append(Action("toggle", c["id"], name, value))
        elif c["type"] == "radio":
            if value in wanted.get(name, []) and not c["checked"]:
                group = radios[name]
                # Tab lands on the checked radio of a group, or on its first when none is checked
                landing = next((i for i, r in enumerate(group) if r["checked"]), 0)
                actions.append(Action("radio", c["id"], name, value, group.index(c) - landing))
        elif c["tag"] == "select":
            if name in wanted and c["value"] != wanted[name][0]:
                moves = c["choices"].index(wanted[name][0]) - c["choices"].index(c["value"])
                actions.append(Action("select", c["id"], name, wanted[name][0], moves))
        elif name in wanted:
            actions.append(Action("text", c["id"], name, wanted[name][0]))
    return actions


class BrowserRespondent:
    """Walks a consultation from the home page to the thank-you page in one browser page."""

    def __init__(self, page: Page, live: LiveServer, slug: str, keyboard: bool = False):
        self.page, self.live, self.slug, self.keyboard = page, live, slug, keyboard
        self.view: RespondentView | None = None
        self.expected: dict[str, dict] = {}
        self.focus_checks = 0

    # -- the landing page -------------------------------------------------------------------
    def open_landing(self) -> None:
        """From the home page, follow the link to this consultation."""
        self.page.goto("/")
        link = f'a[href="/c/{self.slug}"]'
        if self.keyboard:
            self.tab_to(lambda a: a["tag"] == "a" and a["href"] == f"/c/{self.slug}", link)
            self.page.keyboard.press("Enter")
        else:
            self.page.locator(link).click()
        self.page.wait_for_url(self.url(f"/c/{self.slug}"))

    def start(self, consent: bool = True, age_ok: bool = True) -> None:
        """Tick the consent and age boxes (by their labels) and press Start. By keyboard the age box
        comes first and Shift+Tab goes back to the consent box, as someone who skipped it would."""
        self.open_landing()
        page = self.page
        min_age = self.live.definition(self.slug).min_age
        boxes = [
            (
                "f-consent",
                platform_text("I have read the privacy statement and take part voluntarily."),
                consent,
            )
        ]
        if min_age:
            boxes.append(
                ("f-age_ok", platform_text("I am %(age)s years of age or older.", age=min_age), age_ok)
            )
        if self.keyboard:
            boxes.reverse()
        for index, (field_id, label, tick) in enumerate(boxes):
            if not tick:
                continue
            if self.keyboard:
                self.tab_to(lambda a, field_id=field_id: a["id"] == field_id, field_id, backwards=index > 0)
                page.keyboard.press("Space")
            else:
                page.get_by_label(label, exact=True).check()
            expect(page.get_by_label(label, exact=True)).to_be_checked()
        if self.keyboard:
            self.tab_to(lambda a: a["tag"] == "button" and a["text"] == platform_text("Start"), "Start")
            page.keyboard.press("Enter")
        else:
            page.get_by_role("button", name=platform_text("Start"), exact=True).click()
        if consent and age_ok:
            page.wait_for_url(lambda url: url != self.url(f"/c/{self.slug}"))
            self.view = self.live.respondent_of(self.slug, page.context.cookies())
            expect(page).to_have_url(self.step_url(self.view.steps[0]))

    # -- steps ------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.live.url + path

    def step_url(self, step: Step | None) -> str:
        return self.url(f"/c/{self.slug}/{step.id if step else 'thanks'}")

    def complete(self, before_answer: Callable[[Step], None] | None = None) -> None:
        """Answer every step validly; `before_answer(step)` may first visit error states or run checks."""
        for step in self.view.steps:
            if before_answer:
                before_answer(step)
            self.answer(step)
        expect(
            self.page.get_by_role("heading", name=platform_text("Your advice"), exact=True)
        ).to_be_visible()

    def go_to(self, wanted: Callable[[Step], bool]) -> Step:
        """Answer every step validly up to the first one `wanted` accepts, and stay there."""
        for step in self.view.steps:
            if wanted(step):
                expect(self.page).to_have_url(self.step_url(step))
                return step
            self.answer(step)
        raise AssertionError("no step of this consultation is the one wanted")

    def answer(self, step: Step) -> None:
        """Fill in `step` validly and go on to the next one."""
        all_steps = self.view.steps
        # Recalculate without JavaScript comes back to the summary's anchor on the same step
        expect(self.page).to_have_url(re.compile(re.escape(self.step_url(step)) + "(#summary)?$"))
        form = valid_form(self.view.consultation, step)
        self.expected[step.id] = expected_answer(self.view.consultation, step, form)
        self.fill(form)
        self.submit("next")
        index = all_steps.index(step)
        following = all_steps[index + 1] if index + 1 < len(all_steps) else None
        self.page.wait_for_url(self.step_url(following))

    def assert_stored_answers_equal_input(self) -> None:
        stored = self.live.responses_of(self.view.handle)
        assert len(stored) == 1, f"expected exactly one response, found {len(stored)}"
        assert stored[0] == self.expected

    def fill(self, form: Form) -> None:
        controls = self.page.evaluate(CONTROLS_JS)
        actions = plan(controls, form)
        if self.keyboard:
            for action in actions:
                self.key_in(action)
        else:
            for action in actions:
                self.point_at(action)
        self.assert_form_shows(form)

    def assert_form_shows(self, form: Form) -> None:
        controls = self.page.evaluate(CONTROLS_JS)
        shown = [
            (c["name"], c["value"])
            for c in controls
            if (c["type"] in ("radio", "checkbox") and c["checked"])
            or (c["type"] not in ("radio", "checkbox") and c["value"])
        ]
        assert sorted(shown) == sorted(form)

    def submit(self, action: str) -> None:
        if self.keyboard:
            self.tab_to(
                lambda a: a["tag"] == "button" and a["name"] == "action" and a["value"] == action, action
            )
            self.page.keyboard.press("Enter")
        else:
            self.page.locator(action_button(action)).click()

    # -- the pointer ------------------------------------------------------------------------
    def point_at(self, action: Action) -> None:
        page = self.page
        if action.kind == "toggle":
            box = page.locator(f'input[name="{action.name}"][value="{action.value}"]')
            box.set_checked(not box.is_checked())
        elif action.kind == "radio":
            page.locator(f'input[name="{action.name}"][value="{action.value}"]').check()
        elif action.kind == "select":
            page.locator(f'select[name="{action.name}"]').select_option(action.value)
        else:
            page.locator(f'[name="{action.name}"]').fill(action.value)

    # -- the keyboard -----------------------------------------------------------------------
    def active(self) -> dict:
        return self.page.evaluate(ACTIVE_JS)

    def tab_to(self, wanted: Callable[[dict], bool], what: str, backwards: bool = False) -> dict:
        """Press Tab (Shift+Tab) until the focused element is the wanted one; check that its focus shows."""
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            active = self.active()
            if wanted(active):
                self.assert_focus_is_visible(active)
                return active
        raise AssertionError(f"{MAX_TABS} presses of Tab never reached {what}; focus is on {active}")

    def key_in(self, action: Action) -> None:
        keys = self.page.keyboard
        if action.kind == "toggle":
            self.tab_to(lambda a: a["id"] == action.id, action.id)
            keys.press("Space")
        elif action.kind in ("radio", "select"):
            # a radio group is one tab stop: the arrow keys move through it and select as they go
            self.tab_to(lambda a: a["name"] == action.name, action.name)
            for _ in range(abs(action.moves)):
                keys.press("ArrowDown" if action.moves > 0 else "ArrowUp")
            active = self.active()
            assert (active["id"], active["value"]) == (action.id, action.value), (
                f"arrows missed {action}: {active}"
            )
            if action.kind == "radio" and not active["checked"]:
                keys.press("Space")
        else:
            self.tab_to(lambda a: a["id"] == action.id, action.id)
            keys.press("ControlOrMeta+A")
            keys.type(action.value)

    def assert_focus_is_visible(self, active: dict) -> None:
        style = self.page.evaluate(FOCUS_INDICATOR_JS)
        outline = style["outline"] != "none" and style["width"] not in ("0px", "")
        assert outline or style["shadow"] not in ("none", ""), f"no visible focus on {active}: {style}"
        self.focus_checks += 1


def assert_fits_the_screen(page: Page) -> None:
    """Nothing wider than the screen: a phone user never scrolls sideways."""
    width = page.viewport_size["width"]
    too_wide = page.evaluate(OVERFLOW_JS, width)
    assert not too_wide, f"{page.url}: wider than the {width}px screen:\n" + "\n".join(too_wide)


# -- answers that break the rules -----------------------------------------------------------


def over_budget_form(consultation: Consultation, page: PortfolioPage) -> Form:
    """The most expensive options at their most expensive level, added until a maximum is exceeded."""
    cid = next(c for c in page.constraints if consultation.constraint(c).max is not None)
    limit = consultation.constraint(cid).max
    levels = {o.id: o.default for o in page.options}
    groups_used = set()

    def dearest(option):
        return max(option.levels, key=lambda level: level * option.use.get(cid, 0))

    for option in sorted(page.options, key=lambda o: -dearest(o) * o.use.get(cid, 0)):
        if portfolio_use(consultation, page, levels)[cid] > limit:
            break
        if option.group in groups_used:
            continue
        levels[option.id] = dearest(option)
        if option.group:
            groups_used.add(option.group)
    assert any(v.subject == cid for v in check_portfolio(consultation, page, levels)), (
        "could not exceed the limit"
    )
    return [
        (o.id, number_text(levels[o.id])) for o in page.options if not (o.is_toggle and levels[o.id] == 0)
    ]


def wrong_total_form(page: PointsPage) -> Form:
    """Half the points on the first goal, none on the others: not the total."""
    return [(g.id, str(page.total // 2 if i == 0 else 0)) for i, g in enumerate(page.goals)]


def submit_broken_answer(respondent: BrowserRespondent, step: Step) -> bool:
    """On a portfolio step, a choice over the limit; on a points step, a wrong total. False elsewhere."""
    page = step.page
    if step.kind == "page" and isinstance(page, PortfolioPage):
        form = over_budget_form(respondent.view.consultation, page)
    elif isinstance(page, PointsPage):
        form = wrong_total_form(page)
    else:
        return False
    respondent.fill(form)
    respondent.submit("next")
    expect(respondent.page.locator("#error-summary")).to_be_visible()
    respondent.assert_form_shows(form)  # what they entered is kept
    return True


def assert_error_summary(page: Page, focused: bool = True) -> None:
    """The summary is there (and focused when scripts run), the title says so, every link has a target."""
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    if focused:
        expect(summary).to_be_focused()
    assert page.title().startswith(platform_text("Error: ").strip()), page.title()
    hrefs = [link.get_attribute("href") for link in summary.get_by_role("link").all()]
    assert hrefs, "the error summary links to no field"
    for href in hrefs:
        assert href.startswith("#f-"), href
        assert page.locator(f'[id="{href[1:]}"]').count() == 1, f"{href} points to no element on the page"
