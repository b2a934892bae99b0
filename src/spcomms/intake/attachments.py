"""Checking the files a source sends and making the cleaned copy used onwards.

The type is read from the file's own bytes, never from its name or the browser's
word. Images are decoded and written again, turned upright, without EXIF, GPS,
XMP, comments or text notes; PDF files lose their document information, XMP
metadata and scripts; plain text is kept as it is. Each removal is reported by a
code, which the pages turn into words for the source.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

CONTENT_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "text": "text/plain",
}
TYPE_NAMES = {"jpeg": "JPEG", "png": "PNG", "pdf": "PDF", "text": gettext_lazy("plain text")}
REMOVED = {
    "exif": gettext_lazy("camera data (EXIF), such as the device and the time taken"),
    "gps": gettext_lazy("the location where the picture was taken (GPS)"),
    "xmp": gettext_lazy("embedded XMP metadata"),
    "comment": gettext_lazy("comments and text notes stored in the file"),
    "document_info": gettext_lazy(
        "document information, such as the author, the title and the software"
    ),
    "scripts": gettext_lazy("scripts and automatic actions"),
}
# Pictures larger than this many pixels are refused rather than decoded.
MAX_PIXELS = 60_000_000
_PDF_ROOT_SCRIPTS = ("/OpenAction", "/AA")
_PDF_PAGE_KEYS = ("/Metadata", "/PieceInfo", "/AA")


class AttachmentRefused(Exception):
    """The file cannot be accepted; the message tells the source what to do."""


@dataclass
class CleanedFile:
    kind: str
    original: bytes
    cleaned: bytes
    removed: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text"
    return None


def allowed_kinds() -> list[str]:
    return [kind for kind in settings.SPCOMMS_INTAKE_FILE_TYPES if kind in CONTENT_TYPES]


def _clean_image(kind: str, data: bytes) -> tuple[bytes, list[str]]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise AttachmentRefused(_("This picture is too large. Send a smaller picture."))
            removed: list[str] = []
            exif = image.getexif()
            if len(exif):
                removed.append("exif")
            if exif.get_ifd(0x8825):
                removed.append("gps")
            if "xmp" in image.info or "XML:com.adobe.xmp" in image.info:
                removed.append("xmp")
            text_keys = set(image.info) - {"dpi", "gamma", "transparency", "icc_profile", "xmp"}
            text_keys -= {"jfif", "jfif_version", "jfif_unit", "jfif_density", "adobe"}
            text_keys -= {"adobe_transform", "progressive", "progression", "interlace"}
            text_keys -= {"exif", "aspect", "srgb", "chromaticity", "XML:com.adobe.xmp"}
            if text_keys:
                removed.append("comment")
            upright = ImageOps.exif_transpose(image)
            # Pillow writes some of ``info`` back (a JPEG comment, for one): start empty.
            transparency = upright.info.get("transparency") if kind == "png" else None
            upright.info = {} if transparency is None else {"transparency": transparency}
            out = io.BytesIO()
            if kind == "jpeg":
                plain = upright.convert("RGB")
                plain.info = {}
                plain.save(out, "JPEG", quality=92)
            else:
                upright.save(out, "PNG")
    except AttachmentRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise AttachmentRefused(
            _("This picture could not be read. Check that the file is not damaged.")
        ) from None
    return out.getvalue(), removed


def _clean_pdf(data: bytes) -> tuple[bytes, list[str]]:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AttachmentRefused(
                _("This PDF is protected by a password. Send it without the password.")
            )
        removed: list[str] = []
        if reader.metadata:
            removed.append("document_info")
        writer = PdfWriter(clone_from=reader)
        root = writer.root_object
        if "/Metadata" in root:
            removed.append("xmp")
        writer.metadata = None
        writer.xmp_metadata = None
        names = root.get("/Names")
        scripts = any(key in root for key in _PDF_ROOT_SCRIPTS)
        for key in _PDF_ROOT_SCRIPTS:
            if key in root:
                del root[NameObject(key)]
        if names is not None:
            names = names.get_object()
            if "/JavaScript" in names:
                del names[NameObject("/JavaScript")]
                scripts = True
        for page in writer.pages:
            for key in _PDF_PAGE_KEYS:
                if key in page:
                    if key == "/Metadata" and "xmp" not in removed:
                        removed.append("xmp")
                    scripts = scripts or key == "/AA"
                    del page[NameObject(key)]
        if scripts:
            removed.append("scripts")
        writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
    except AttachmentRefused:
        raise
    except (PdfReadError, OSError, ValueError, KeyError, TypeError, AttributeError):
        raise AttachmentRefused(
            _("This PDF could not be read. Check that the file is not damaged.")
        ) from None
    return out.getvalue(), removed


def attachment_check(data: bytes) -> CleanedFile:
    """The file and its cleaned copy, or ``AttachmentRefused`` with the reason."""
    limit = settings.SPCOMMS_INTAKE_MAX_FILE_BYTES
    if len(data) > limit:
        raise AttachmentRefused(
            _("This file is larger than %(limit)s MB. Send a smaller file or several parts.")
            % {"limit": round(limit / 1_000_000, 1)}
        )
    if not data:
        raise AttachmentRefused(_("This file is empty."))
    kind = sniff(data)
    allowed = allowed_kinds()
    if kind is None or kind not in allowed:
        raise AttachmentRefused(
            _("This type of file is not accepted. Send one of: %(types)s.")
            % {"types": ", ".join(str(TYPE_NAMES[k]) for k in allowed)}
        )
    if kind in ("jpeg", "png"):
        cleaned, removed = _clean_image(kind, data)
    elif kind == "pdf":
        cleaned, removed = _clean_pdf(data)
    else:
        cleaned, removed = data, []
    return CleanedFile(kind=kind, original=data, cleaned=cleaned, removed=removed)
