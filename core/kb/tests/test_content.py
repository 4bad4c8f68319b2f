"""Article bodies are sanitized, snippets escaped, typed queries cannot inject tsquery syntax."""

from kb.content import html_to_text, render_body, snippet_to_html
from kb.files import safe_filename, sniff_content_type
from kb.search import suggest_queries


def test_markdown_is_rendered_and_raw_html_in_it_is_not_passed_through():
    html = render_body("# Reset\n\nClick **Save**.\n\n<script>alert(1)</script>", "markdown")
    assert "<h1>Reset</h1>" in html
    assert "<strong>Save</strong>" in html
    assert "<script>" not in html  # shown as text, escaped
    assert "&lt;script&gt;" in html


def test_html_bodies_lose_scripts_handlers_and_dangerous_urls():
    html = render_body(
        '<p onclick="x()">Hi</p><img src="x" onerror="alert(1)"><a href="javascript:alert(1)">a</a>'
        '<script>bad()</script><iframe src="https://evil"></iframe><a href="https://ok.test/">ok</a>',
        "html",
    )
    assert "onclick" not in html and "onerror" not in html
    assert "javascript:" not in html
    assert "bad()" not in html and "<iframe" not in html
    assert 'href="https://ok.test/"' in html and "nofollow" in html


def test_markdown_links_with_javascript_scheme_are_dropped():
    html = render_body("[x](javascript:alert(1)) [y](https://ok.test)", "markdown")
    assert 'href="javascript' not in html
    assert '<a href="https://ok.test"' in html


def test_text_extraction_decodes_entities():
    assert html_to_text("<p>Tom &amp; Jerry</p><p>two</p>") == "Tom & Jerry\ntwo"
    assert html_to_text("<p>a\x02b\x03c</p>") == "abc"  # cannot forge snippet marks


def test_snippet_escapes_text_and_marks_matches():
    assert snippet_to_html("use <b>\x02reset\x03</b>") == "use &lt;b&gt;<mark>reset</mark>&lt;/b&gt;"


def test_suggest_queries_quote_words_and_prefix_the_last():
    assert suggest_queries("Can't reset pass") == (
        "'can' | 't' | 'reset' | 'pass':*",
        "'can' & 't' & 'reset' & 'pass':*",
    )
    assert suggest_queries("a & b | !c:*")[0] == "'a' | 'b' | 'c'"
    assert "&" not in suggest_queries("x & y")[0] and "!" not in suggest_queries("!!x")[0]
    assert suggest_queries("  ... ") == ("", "")


def test_sniffing_reads_bytes_not_names():
    assert sniff_content_type(b"\x89PNG\r\n\x1a\n" + b"0" * 10) == "image/png"
    assert sniff_content_type(b"%PDF-1.7 ...") == "application/pdf"
    assert sniff_content_type(b"<svg onload=alert(1)>") is None
    assert sniff_content_type(b"<html><script>") is None
    assert sniff_content_type(b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"0" * 10) == "image/webp"
    assert sniff_content_type(b"GIF89a" + b"0" * 10) == "image/gif"
    assert sniff_content_type(b"MZ\x90\x00" + b"0" * 64) is None  # a Windows program named .png
    assert safe_filename('../../etc/pa"ss wd.png') == "pa_ss wd.png"
