"""The Unicode fonts, parsed once per process and embedded from caches.

fpdf2's `add_font` parses the whole TTF (cmap, metrics: ~35 ms for DejaVu Sans) for every
document, and at output subsets it with fontTools (~15 ms per font) and builds the font's
PDF objects (a 128 KiB CIDToGIDMap among them) anew. Here:

- the parse is done once per process (`_template`); each document gets a light copy of the
  parsed font with its OWN subset map (`add_cached_font`), so what a document embeds is
  exactly what its own subset map says;
- every document's subset map starts with a fixed base set (ASCII, Turkish letters, ₺,
  common punctuation) picked in a fixed order, so nearly every document has the same
  glyphs under the same codes; other characters are added after them as fpdf2 meets them;
- at output (`CachedFontsOutput`, used by `Document.output`) the font objects of such a
  font are built from caches keyed by the whole subset map (glyph, code, width): the
  fontTools subset, the compressed font file, the CIDToGIDMap, the widths and the
  ToUnicode map are made once per distinct map. Other fonts go through fpdf2 unchanged.

Written against fpdf2 2.8.9 (pinned): `CachedFontsOutput._add_cached_font_objects`
mirrors the TrueType branch of fpdf/output.py `OutputProducer._add_fonts`.
"""

from __future__ import annotations

import copy
import io
import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf import output as fpdf_output
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.syntax import Name, PDFArray, PDFContentStream

BASE_TEXT = "".join(chr(c) for c in range(0x20, 0x7F)) + "çÇğĞıİöÖşŞüÜâÂîÎûÛ₺€–—·•…“”‘’«»×°§±"

# The tables fpdf2 2.8 drops when it subsets (fpdf/output.py), so the output is the same.
_DROP_TABLES = (
    "FFTM",
    "GDEF",
    "GPOS",
    "GSUB",
    "MATH",
    "hdmx",
    "meta",
    "sbix",
    "CBDT",
    "CBLC",
    "EBDT",
    "EBLC",
    "EBSC",
    "SVG ",
    "CPAL",
    "COLR",
)


@dataclass(frozen=True)
class _Template:
    font: TTFFont  # parsed once; never embedded itself
    data: bytes  # the TTF file
    base: frozenset[str]  # glyph names of BASE_TEXT in this font
    base_map: SubsetMap  # a subset map with BASE_TEXT picked, in order (copied per document)


_lock = threading.Lock()
_templates: dict[str, _Template] = {}


def _template(path: Path) -> _Template:
    key = str(path)
    found = _templates.get(key)
    if found is not None:
        return found
    with _lock:
        found = _templates.get(key)
        if found is None:
            parser = FPDF()
            parser.add_font("template", "", key)
            font = parser.fonts["template"]
            base = frozenset(font.cmap[ord(c)] for c in BASE_TEXT if ord(c) in font.cmap)
            base_map = SubsetMap(font)
            for ch in BASE_TEXT:
                base_map.pick(ord(ch))
            found = _Template(font, path.read_bytes(), base, base_map)
            _templates[key] = found
    return found


class _Face:
    """What a document's copy of a cached font holds where fpdf2 keeps the fontTools font:
    the TTF's path. It marks the font as ours for `CachedFontsOutput`; nothing parses it."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __contains__(self, tag: str) -> bool:  # fpdf asks for "CFF "; ours are TrueType
        return False

    def close(self) -> None:
        pass


@lru_cache(maxsize=128)
def _subset(path: str, names: frozenset[str]) -> tuple[bytes, dict[str, int]]:
    """The TTF of `path` cut down to `names`, and each kept glyph's new id."""
    template = _template(Path(path))
    font = ttLib.TTFont(io.BytesIO(template.data), lazy=True, recalcTimestamp=False)
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += list(_DROP_TABLES)
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(glyphs=sorted(names))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    ids = {name: i for i, name in enumerate(font.getGlyphOrder())}
    font.close()
    return out.getvalue(), ids


def add_cached_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """What `pdf.add_font(family, style, path)` does, without parsing the TTF again."""
    template = _template(path)
    style = "".join(sorted(style.upper()))
    fontkey = f"{family.lower()}{style}"
    if fontkey in pdf.fonts:
        return
    base = template.font
    font = TTFFont.__new__(TTFFont)
    for name in TTFFont.__slots__:
        if hasattr(base, name):
            setattr(font, name, getattr(base, name))
    # Per document: its number in the PDF, its key, what it embeds and what it lacked.
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.emphasis = type(base.emphasis).coerce(style)
    font.desc = copy.copy(base.desc)  # output sets the file and object id on it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None
    font.ttfont = _Face(str(path))
    font.subset = _copy_map(template.base_map, font)
    pdf.fonts[fontkey] = font


def _copy_map(base: SubsetMap, font: TTFFont) -> SubsetMap:
    """A document's own subset map, starting as the base map: the same codes for the same
    glyphs in every document (what the output caches are keyed on)."""
    found = SubsetMap.__new__(SubsetMap)
    found.font = font
    found._next = base._next
    found._reserved = list(base._reserved)
    found._char_id_per_glyph = dict(base._char_id_per_glyph)
    return found


# ------------------------------------------------------------------ output


@dataclass(frozen=True)
class _FontObjects:
    """The parts of one embedded font that depend only on its subset map."""

    font_file: bytes  # zlib-compressed TTF subset
    font_file_length: int  # its uncompressed length (/Length1)
    cid_to_gid: bytes  # zlib-compressed CIDToGIDMap
    widths: str  # the /W array
    to_unicode: bytes  # the ToUnicode CMap


@lru_cache(maxsize=256)
def _font_objects(
    path: str, items: tuple[tuple[str, tuple[int, ...], int, int], ...]
) -> _FontObjects:
    """`items`: (glyph name, unicode, width, code) of every glyph the document used."""
    data, glyph_ids = _subset(path, frozenset(name for name, _, _, _ in items))
    cid_to_gid = bytearray(256 * 256 * 2)
    for name, _, _, code in items:
        gid = glyph_ids[name]
        cid_to_gid[code * 2] = gid >> 8
        cid_to_gid[code * 2 + 1] = gid & 0xFF
    widths = fpdf_output._cid_font_widths({code: width for _, _, width, code in items})
    bf_char = [
        f"<{code:04X}> <{''.join(_utf16(u) for u in unicode)}>\n"
        for _, unicode, _, code in items
        if unicode
    ]
    to_unicode = (
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo\n"
        "<</Registry (Adobe)\n"
        "/Ordering (UCS)\n"
        "/Supplement 0\n"
        ">> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n"
        "<0000> <FFFF>\n"
        "endcodespacerange\n"
        f"{fpdf_output._build_cmap_blocks(bf_char, 'bfchar')}"
        "endcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end"
    ).encode("latin-1")
    return _FontObjects(
        font_file=zlib.compress(data),
        font_file_length=len(data),
        cid_to_gid=zlib.compress(bytes(cid_to_gid)),
        widths=widths,
        to_unicode=to_unicode,
    )


def _utf16(unicode: int) -> str:
    if unicode > 0xFFFF:
        high = 0xD800 | (unicode - 0x10000) >> 10
        low = 0xDC00 | (unicode & 0x3FF)
        return f"{high:04X}{low:04X}"
    return f"{unicode:04X}"


def _stream(content: bytes, compressed: bool) -> PDFContentStream:
    stream = PDFContentStream(contents=b"", compress=False)
    stream._contents = content
    stream.length = len(content)
    if compressed:
        stream.filter = Name("FlateDecode")
    return stream


class CachedFontsOutput(fpdf_output.OutputProducer):
    """fpdf2's output, with our cached fonts' objects made from `_font_objects`."""

    def _add_fonts(self, image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name):  # noqa: ANN001, ANN202
        fonts = self.fpdf.fonts
        ours = {key: f for key, f in fonts.items() if isinstance(getattr(f, "ttfont", None), _Face)}
        if not ours or self.fpdf._compliance:
            return super()._add_fonts(
                image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name
            )
        everything = list(fonts.items())
        for key in ours:  # fpdf2 makes the other fonts' objects; ours are made below
            del fonts[key]
        try:
            objects = super()._add_fonts(
                image_objects_per_index, gfxstate_objs_per_name, pattern_objs_per_name
            )
        finally:
            fonts.clear()
            fonts.update(everything)
        for font in sorted(ours.values(), key=lambda f: f.i):
            objects[font.i] = self._add_cached_font_objects(font)
        return objects

    def _add_cached_font_objects(self, font: TTFFont) -> Any:
        items = tuple(
            (glyph.glyph_name, tuple(glyph.unicode), glyph.glyph_width, code)
            for glyph, code in font.subset.items()
            if glyph is not None and isinstance(glyph.unicode, tuple)
        )
        parts = _font_objects(font.ttfont.path, items)
        fontname = f"MPDFAA+{font.name}"
        composite = fpdf_output.PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
        self._add_pdf_obj(composite, "fonts")
        cid_font = fpdf_output.PDFFont(
            subtype="CIDFontType2",
            base_font=fontname,
            d_w=font.desc.missing_width,
            w=parts.widths,
        )
        self._add_pdf_obj(cid_font, "fonts")
        composite.descendant_fonts = PDFArray([cid_font])
        to_unicode = _stream(parts.to_unicode, compressed=False)
        self._add_pdf_obj(to_unicode, "fonts")
        composite.to_unicode = to_unicode
        system_info = fpdf_output.CIDSystemInfo()
        self._add_pdf_obj(system_info, "fonts")
        cid_font.c_i_d_system_info = system_info
        descriptor = font.desc
        descriptor.font_name = Name(fontname)
        self._add_pdf_obj(descriptor, "fonts")
        cid_font.font_descriptor = descriptor
        cid_to_gid = _stream(parts.cid_to_gid, compressed=True)
        self._add_pdf_obj(cid_to_gid, "fonts")
        cid_font.c_i_d_to_g_i_d_map = cid_to_gid
        font_file = fpdf_output.PDFFontStream(contents=b"")
        font_file._contents = parts.font_file
        font_file.length = len(parts.font_file)
        font_file.length1 = parts.font_file_length
        font_file.filter = Name("FlateDecode")
        self._add_pdf_obj(font_file, "fonts")
        descriptor.font_file2 = font_file
        font.subset.pick.cache_clear()
        font.subset.get_glyph.cache_clear()
        return composite
