"""The report in the real browser: it renders every chart without a console error, passes
axe-core (WCAG 2.1 AA) on a phone and a desktop, keeps an XSS payload from the definition, from a
background answer and from a motivation inert, and prints to PDF with headless Chromium."""

from __future__ import annotations

import pytest

from analysis.arguments import read_codebook
from analysis.report.pdf import print_pdf
from tests.analysis.report.conftest import make, simulated
from tests.conftest import EXAMPLES
from tests.e2e.test_accessibility import AXE, WCAG_22_AA

pytestmark = pytest.mark.e2e

PAYLOAD = '<img src=x onerror=alert(1)><script>alert("xss")</script>'


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    """One report with payloads in the definition's texts, a background answer and a motivation,
    its motivations coded by the example codebook."""
    text = (
        (EXAMPLES / "lelylijn.yaml")
        .read_text(encoding="utf-8")
        .replace('nl: "Snelle Lelylijn via Drachten"', f"nl: '{PAYLOAD}'")
        .replace('nl: "Welke doelen vindt u het belangrijkst?"', f"nl: '{PAYLOAD}'")
    )
    data, _ = simulated("lelylijn", n=800, text=text)
    data.respondents["lives_north"] = [PAYLOAD if i % 2 else "no" for i in range(len(data.respondents))]
    data.respondents.loc[data.respondents.index[:40], "why.roads"] = PAYLOAD
    out = tmp_path_factory.mktemp("report")
    codebook = read_codebook(EXAMPLES / "codebooks" / "lelylijn.yaml")
    make(data, out, by=("lives_north",), classes=2, codebook=codebook, command="pwe report lelylijn")
    return out / "report.html"


@pytest.mark.parametrize("viewport", ["mobile", "desktop"])
def test_report_renders_accessibly_without_errors_and_payloads_stay_inert(browser, report_file, viewport):
    from tests.e2e.conftest import VIEWPORTS

    context = browser.new_context(**VIEWPORTS[viewport])
    page = context.new_page()
    errors, dialogs = [], []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(report_file.as_uri())
    charts = page.locator(".pwe-chart")
    assert charts.count() >= 6
    page.wait_for_function(f"document.querySelectorAll('.pwe-chart .main-svg').length >= {charts.count()}")
    assert not errors and not dialogs
    assert page.get_by_text(PAYLOAD).first.is_visible()
    assert page.locator("#arguments q.pwe-quote", has_text=PAYLOAD).count() >= 1
    violations = AXE.run(page, options=WCAG_22_AA).response["violations"]
    assert not violations, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["viewport"]["width"]
    context.close()


def test_report_prints_to_pdf(browser, report_file, tmp_path):
    pdf = print_pdf(report_file, tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000
