"""Uploads of the source's pages stay in memory: never a clear temporary file on disk.

Django writes an upload larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a
temporary file; a source's original file must never touch the disk unsealed.
The source's views therefore replace the upload handlers with this one, which
keeps every file in memory and skips (and notes) any file over the size limit
without reading the rest of it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class MemoryOnlyUpload(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.too_large: set[str] = set()
        self.buffer = io.BytesIO()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer = io.BytesIO()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > settings.SPCOMMS_INTAKE_MAX_FILE_BYTES:
            self.too_large.add(str(self.field_name))
            self.buffer = io.BytesIO()
            raise SkipFile
        self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def memory_uploads(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Parse the request's files with ``MemoryOnlyUpload``; CSRF is still checked.

    The CSRF check reads the form, which parses the files: it must run after the
    handler is in place, so it is applied here rather than by the middleware.
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        handler = MemoryOnlyUpload(request)
        request.upload_handlers = [handler]
        request.intake_uploads = handler  # type: ignore[attr-defined]  # read by the views
        return protected(request, *args, **kwargs)

    return wrapper


def too_large(request: HttpRequest) -> set[str]:
    handler = getattr(request, "intake_uploads", None)
    return handler.too_large if isinstance(handler, MemoryOnlyUpload) else set()
