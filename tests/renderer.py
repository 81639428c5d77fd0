"""Open a document in LibreOffice, convert it to PDF and render its pages to images, as a reader would see it.

    from renderer import render
    shown = render(docx_bytes, ".docx", tmp_path)   # LibreOffice headless → PDF → pdftoppm pages
    assert "关于…的通报" in shown.lines[0]

Needs Debian's LibreOffice (``soffice``, packages libreoffice-writer-nogui and libreoffice-calc-nogui)
and poppler-utils (``pdftotext``, ``pdftoppm``).  When they are missing the tests skip with a loud
reason; under ``CI=true`` they fail instead (``.ci/run`` installs them).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

KEPT = Path(__file__).resolve().parent.parent / "test-output" / "rendered"
IN_CI = os.environ.get("CI", "").lower() == "true"
TOOLS = {"soffice": "libreoffice-writer-nogui / libreoffice-calc-nogui", "pdftotext": "poppler-utils",
         "pdftoppm": "poppler-utils"}
# what LibreOffice prints on a machine without Java; it says nothing about the document
BENIGN = re.compile(r"failed to launch javaldx|java may not function correctly|^convert .* using filter")


@dataclass(frozen=True)
class PageImage:
    width: int
    height: int
    inked: float  # the share of pixels darker than mid-grey: text, rules, table lines


@dataclass(frozen=True)
class Rendered:
    pdf: Path
    text: str  # pdftotext -layout: a table row stays on one line
    pages: list[PageImage]
    messages: list[str]  # anything LibreOffice said beyond the benign lines

    @property
    def lines(self) -> list[str]:
        """Non-empty lines with every space removed: pdftotext spaces out Latin text beside Chinese
        (1 号) and table cells alike, so a table row is the concatenation of its cells."""
        return [re.sub(r"\s+", "", line) for line in self.text.splitlines() if line.strip()]

    @property
    def words(self) -> str:
        """The text with every space and line break removed: for phrases a line may break."""
        return re.sub(r"\s+", "", self.text)


def require_renderer() -> None:
    missing = [f"{tool} ({package})" for tool, package in TOOLS.items() if shutil.which(tool) is None]
    if missing:
        problem = "LibreOffice / poppler not installed: " + ", ".join(missing)
        if IN_CI:
            pytest.fail(f"CI=true requires the document rendering tests to run: {problem}", pytrace=False)
        pytest.skip(f"SKIPPING DOCUMENT RENDERING TESTS — {problem}. Install them with apt to run these tests.")


def _pgm(path: Path) -> PageImage:
    """A binary greyscale PGM (P5, 8 bit) as pdftoppm -gray writes it."""
    data = path.read_bytes()
    fields, offset = [], 0
    while len(fields) < 4:
        match = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, offset)
        fields.append(match.group(2))
        offset = match.end()
    assert fields[0] == b"P5" and fields[3] == b"255", f"unexpected image header {fields}"
    width, height = int(fields[1]), int(fields[2])
    pixels = data[offset + 1: offset + 1 + width * height]
    return PageImage(width, height, sum(1 for p in pixels if p < 128) / len(pixels))


def render(content: bytes, suffix: str, folder: Path, *, resolution: int = 40, keep_as: str = "") -> Rendered:
    """Convert ``content`` (a .docx or .xlsx) as LibreOffice opens it; with ``keep_as`` the pages are also
    written as PNG to test-output/rendered/ for a person to look at."""
    require_renderer()
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"document{suffix}"
    source.write_bytes(content)
    profile = (folder / "lo-profile").as_uri()  # a profile of its own: parallel runs never share a lock
    done = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                          capture_output=True, text=True, timeout=180)
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip() and not BENIGN.search(line)]
    pdf = folder / "document.pdf"
    assert done.returncode == 0 and pdf.exists(), f"LibreOffice could not convert the document: {said}"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    subprocess.run(["pdftoppm", "-gray", "-r", str(resolution), str(pdf), str(folder / "page")], check=True)
    pages = [_pgm(p) for p in sorted(folder.glob("page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))]
    if keep_as:
        KEPT.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(KEPT / keep_as)], check=True)
    return Rendered(pdf, text, pages, said)
