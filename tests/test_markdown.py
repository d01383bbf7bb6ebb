"""The narrative's Markdown: a safe subset, with what users type as HTML shown as text."""

from reports.markdown import render_markdown


def test_paragraphs_emphasis_lists_and_quotes():
    html = render_markdown("Some **bold** and *italic*.\n\n- one\n- two\n\n1. first\n\n> quoted")
    assert "<p>Some <strong>bold</strong> and <em>italic</em>.</p>" in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n</ol>" in html
    assert "<blockquote>\n<p>quoted</p>\n</blockquote>" in html


def test_headings_start_at_h3():
    html = render_markdown("# Top\n\n## Second\n\n### Third\n\n###### Sixth")
    assert "<h3>Top</h3>" in html
    assert "<h3>Second</h3>" in html
    assert "<h4>Third</h4>" in html
    assert "<h4>Sixth</h4>" in html
    assert "<h1" not in html and "<h2" not in html


def test_tables_with_column_headers():
    html = render_markdown("| Month | Spend |\n|---|---|\n| May | £2.8m |")
    assert '<th scope="col">Month</th>' in html
    assert "<td>£2.8m</td>" in html


def test_html_and_script_typed_by_a_user_appear_as_text():
    html = render_markdown('<script>alert("x")</script>\n\nHi <b onclick="x()">there</b>')
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "<b" not in html
    assert "&lt;b onclick=" in html


def test_links_only_to_web_and_mail_addresses():
    html = render_markdown(
        "[web](https://example.org/a) [mail](mailto:a@example.org) "
        "[bad](javascript:alert(1)) [data](data:text/html,x) [file](file:///etc/passwd)"
    )
    assert '<a href="https://example.org/a">web</a>' in html
    assert '<a href="mailto:a@example.org">mail</a>' in html
    assert 'href="javascript' not in html
    assert 'href="data' not in html
    assert 'href="file' not in html


def test_no_images():
    html = render_markdown("![chart](https://example.org/x.png)")
    assert "<img" not in html


def test_blank_text_is_empty():
    assert render_markdown("") == ""
    assert render_markdown("  \n ") == ""


def test_the_result_is_safe_for_templates():
    from django.template import Context, Template

    html = Template("{{ html }}").render(Context({"html": render_markdown("**a** & b")}))
    assert html == "<p><strong>a</strong> &amp; b</p>"
