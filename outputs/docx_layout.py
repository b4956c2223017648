"""Word documents laid out after GB/T 9704 (党政机关公文格式), with python-docx.

A4; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right (版心 156 × 225 mm); body
仿宋_GB2312 三号 (16 pt) at a fixed 28.95 pt line pitch (22 lines of 28 characters); level-1
headings 黑体, level-2 楷体_GB2312; the title 方正小标宋简体 二号 (22 pt); page numbers
"— 1 —" in 宋体 四号 at the foot. Chinese font names are set as w:rFonts/@w:eastAsia (that
is what Word and WPS read for Chinese text), and the font table names a fallback for each
(w:altName: 仿宋_GB2312 → 仿宋, 方正小标宋简体 → 宋体, 楷体_GB2312 → 楷体), so a machine
without the GB2312 fonts still prints in the right family. python-docx is imported lazily:
only the documents need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["FONTS", "FALLBACKS", "new_document", "paragraph", "run_fonts", "table",
           "page_number_footer", "save_docx", "docx_to_pdf", "ZH_SIZES"]

#: Role → (East Asian font, Latin font), Chinese documents.
FONTS: dict[str, tuple[str, str]] = {
    "title": ("方正小标宋简体", "Times New Roman"),
    "body": ("仿宋_GB2312", "Times New Roman"),
    "h1": ("黑体", "Times New Roman"),
    "h2": ("楷体_GB2312", "Times New Roman"),
    "table": ("仿宋_GB2312", "Times New Roman"),
    "page": ("宋体", "Times New Roman"),
}
#: Role → fonts of English documents.
FONTS_EN: dict[str, tuple[str, str]] = {role: ("宋体", "Times New Roman") for role in FONTS}
#: A font the reader's machine may lack → the family to use instead (font table w:altName).
FALLBACKS: dict[str, str] = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体",
                             "方正小标宋简体": "宋体", "黑体": "SimHei", "宋体": "SimSun"}
#: 字号 in points: 二号 22, 三号 16, 四号 14, 小四 12, 五号 10.5.
ZH_SIZES = {"二号": 22.0, "三号": 16.0, "四号": 14.0, "小四": 12.0, "五号": 10.5}

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    result: str = qn(tag)
    return result


def run_fonts(run: Any, east_asia: str, latin: str = "Times New Roman") -> None:
    """Set a run's fonts: Latin on w:ascii/w:hAnsi, Chinese on w:eastAsia (Word and WPS)."""
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        from docx.oxml import OxmlElement

        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia),
                        ("w:cs", latin), ("w:hint", "eastAsia")):
        fonts.set(_qn(attr), value)


def new_document(lang: str = "zh", *, landscape: bool = False,
                 margins_mm: tuple[float, float, float, float] = (37, 35, 28, 26)) -> Any:
    """An empty A4 document with GB/T 9704 margins (top, bottom, left, right in mm), the
    Normal style in the body font and the font table's fallbacks."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    width, height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        width, height = height, width
    section.page_width, section.page_height = width, height
    top, bottom, left, right = margins_mm
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.footer_distance = Mm(max(7.0, bottom - 28))
    normal = doc.styles["Normal"]
    normal.font.size = Pt(ZH_SIZES["三号"])
    east, latin = _fonts(lang)["body"]
    normal.font.name = latin
    normal.element.get_or_add_rPr()
    fonts = normal.element.rPr.find(_qn("w:rFonts"))
    if fonts is None:
        from docx.oxml import OxmlElement

        fonts = OxmlElement("w:rFonts")
        normal.element.rPr.insert(0, fonts)
    fonts.set(_qn("w:eastAsia"), east)
    _add_fallbacks(doc)
    doc.core_properties.author = "kaohe"
    return doc


def _fonts(lang: str) -> dict[str, tuple[str, str]]:
    return FONTS_EN if lang == "en" else FONTS


def _add_fallbacks(doc: Any) -> None:
    """Name each Chinese font in the font table with its fallback (w:altName) and charset."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import OxmlElement, parse_xml

    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    present = {f.get(_qn("w:name")) for f in root.findall(_qn("w:font"))}
    for name, alt in FALLBACKS.items():
        if name in present:
            continue
        font = OxmlElement("w:font")
        font.set(_qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", "modern"),
                           ("w:pitch", "fixed")):
            child = OxmlElement(tag)
            child.set(_qn("w:val"), value)
            font.append(child)
        root.append(font)
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def paragraph(doc_or_cell: Any, text: str = "", *, role: str = "body", size: float = 16.0,
              lang: str = "zh", bold: bool = False, align: str = "justify",
              indent_chars: float = 0.0, line_pt: float | None = 28.95,
              space_after_pt: float = 0.0, color: str | None = None) -> Any:
    """A paragraph of one run in a role's fonts (title, body, h1, h2, table, page); headings
    are kept with what follows them (no heading alone at the foot of a page)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt, RGBColor

    para = doc_or_cell.add_paragraph()
    fmt = para.paragraph_format
    fmt.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                     "right": WD_ALIGN_PARAGRAPH.RIGHT,
                     "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    if line_pt:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line_pt)
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after_pt)
    if role in ("h1", "h2", "title"):
        fmt.keep_with_next = True
    if indent_chars:
        fmt.first_line_indent = Pt(size * indent_chars)
    if text:
        run = para.add_run(text)
        run.font.size, run.font.bold = Pt(size), bold
        if color:
            run.font.color.rgb = RGBColor.from_string(color)
        run_fonts(run, *_fonts(lang)[role])
    return para


def table(doc: Any, head: Sequence[str], rows: Sequence[Sequence[str]], *, lang: str = "zh",
          widths_mm: Sequence[float], size: float = 14.0, center: Sequence[bool] = (),
          line: float = 1.45) -> Any:
    """A bordered table: a bold header row repeated on every page, then the rows."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.shared import Mm

    tbl = doc.add_table(rows=0, cols=len(head))
    tbl.style = doc.styles["Table Grid"]
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False
    for r, values in enumerate([list(head)] + [list(v) for v in rows]):
        cells = tbl.add_row().cells
        for c, value in enumerate(values):
            cell = cells[c]
            cell.width = Mm(widths_mm[c])
            cell._element.remove(cell.paragraphs[0]._element)
            middle = r == 0 or (c < len(center) and center[c])
            paragraph(cell, str(value), role="h1" if r == 0 else "table", size=size, lang=lang,
                      align="center" if middle else "left", line_pt=size * line)
        if r == 0:  # repeat the header row on every page
            trpr = tbl.rows[0]._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(_qn("w:val"), "true")
            trpr.append(header)
    for c, width in enumerate(widths_mm):
        tbl.columns[c].width = Mm(width)
    return tbl


def page_number_footer(doc: Any, lang: str = "zh") -> None:
    """GB/T 9704 page numbers: "— 1 —" in 宋体 四号, centred at the foot of every page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    footer = doc.sections[0].footer
    para = footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def add(text: str = "", field: str | None = None) -> None:
        run = para.add_run(text)
        run.font.size = Pt(ZH_SIZES["四号"])
        run_fonts(run, *_fonts(lang)["page"])
        if field:
            for kind, instr in (("begin", None), (None, field), ("end", None)):
                if kind:
                    el = OxmlElement("w:fldChar")
                    el.set(_qn("w:fldCharType"), kind)
                else:
                    el = OxmlElement("w:instrText")
                    el.set(_qn("xml:space"), "preserve")
                    el.text = instr
                run._element.append(el)

    add("— ")
    add(field=" PAGE ")
    add(" —")


def save_docx(doc: Any, path: Path) -> Path:
    """Save atomically (a half-written .docx never replaces a good one); returns `path`."""
    from kaohe.pipeline.io import write_atomic

    return write_atomic(Path(path), lambda tmp: doc.save(str(tmp)))


def docx_to_pdf(path: Path, dest_dir: Path | None = None) -> Path | None:
    """The document printed to PDF by LibreOffice (beside it unless `dest_dir`), or None
    when LibreOffice is not installed."""
    from workbook_templates.recalc import find_soffice, render_pdf

    if find_soffice() is None:
        return None
    source = Path(path)
    return render_pdf(source, dest_dir or source.parent)
