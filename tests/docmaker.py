"""Small documents of the kinds people keep, made in tests: PDFs with fonts and pages."""

from __future__ import annotations

import io

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

_FONTS = {"R": "Helvetica", "B": "Helvetica-Bold", "M": "Courier"}


def make_pdf(pages: list[list[tuple[str, float, str]]]) -> bytes:
    """A PDF whose pages show the given lines, each as (text, font size, "R"/"B"/"M")."""
    writer = PdfWriter()
    for lines in pages:
        page = writer.add_blank_page(612, 792)
        fonts = DictionaryObject()
        for key, base in _FONTS.items():
            font = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject(f"/{base}"),
                }
            )
            fonts[NameObject(f"/{key}")] = writer._add_object(font)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
        ops, y = [], 750.0
        for text, size, font in lines:
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /{font} {size} Tf 72 {y:.1f} Td ({escaped}) Tj ET")
            y -= size * 1.6
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
