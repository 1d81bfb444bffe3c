from __future__ import annotations

from rcmdesk.playbooks.models import SopVersion
from rcmdesk.playbooks.rendering import diff_versions, render_markdown


def test_markdown_becomes_html() -> None:
    html = render_markdown("# Denials\n\nRead the **CARC**.\n\n- one\n- two")
    assert "<h1>Denials</h1>" in html
    assert "<strong>CARC</strong>" in html
    assert "<li>one</li>" in html


def test_raw_html_in_an_sop_never_reaches_the_page() -> None:
    html = render_markdown('<script>alert(1)</script>\n\n<a href="x" onclick="y">z</a>')
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "<a href" not in html


def test_javascript_and_data_links_are_not_rendered_as_links() -> None:
    for target in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
                   "vbscript:x"):
        html = render_markdown(f"[click]({target})")
        assert "href" not in html, target


def test_ordinary_links_open_without_passing_on_the_page() -> None:
    html = render_markdown("[payer portal](https://payer.example/appeals)")
    assert 'href="https://payer.example/appeals"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_images_are_not_fetched() -> None:
    assert "<img" not in render_markdown("![x](https://tracker.example/p.gif)")


def test_a_diff_shows_added_and_removed_lines_and_checklist_changes() -> None:
    old = SopVersion(number=1, body="Call the payer.\nNote the reference.", checklist=["A"])
    new = SopVersion(number=2, body="Check the portal.\nNote the reference.",
                     checklist=["A", "B"])
    lines = [(d.kind, d.text) for d in diff_versions(old, new)]
    assert ("remove", "Call the payer.") in lines
    assert ("add", "Check the portal.") in lines
    assert ("context", "Note the reference.") in lines
    assert ("add", "[checklist] B") in lines
