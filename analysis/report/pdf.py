"""The report as PDF: Debian's Chromium prints the HTML headless, with a virtual-time budget so
the charts are drawn first. No browser is ever downloaded."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIRTUAL_TIME_MS = 15000
TIMEOUT_S = 180


class PdfError(RuntimeError):
    """No PDF could be printed; the message says why and what to install."""


def find_chromium() -> str | None:
    return shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None)


def print_pdf(html: Path, pdf: Path, chromium: str | None = None) -> Path:
    """Print `html` to `pdf` with headless Chromium."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise PdfError(
            "Chromium is not installed, so no PDF was made (the HTML report is "
            "complete); install Debian's chromium (apt-get install chromium) or "
            "print report.html from a browser"
        )
    with tempfile.TemporaryDirectory(prefix="pwe-pdf-") as profile:
        command = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={VIRTUAL_TIME_MS}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf.resolve()}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise PdfError(f"Chromium could not print the PDF ({error})") from error
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise PdfError(
            f"Chromium could not print the PDF (exit status {done.returncode}): {done.stderr.strip()[-500:]}"
        )
    return pdf
