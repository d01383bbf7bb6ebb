"""WeasyPrint and the system libraries it needs (Pango, HarfBuzz, fonts) are installed."""

from weasyprint import HTML


def test_weasyprint_renders_a_pdf_with_text():
    pdf = HTML(string="<h1>Improvement Tracker</h1><p>Stock-take report</p>").write_pdf()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 1000
