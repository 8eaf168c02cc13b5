"""One WeasyPrint font configuration per thread, shared by the documents it renders.

WeasyPrint makes a new FontConfiguration (a Pango font map) for each document unless it is given
one, and the memory of those font maps is not given back: a worker rendering thousands of PDFs grew
by about half a megabyte per document. Our print templates load no web fonts (@font-face), so one
configuration serves them all; one per thread, since a Pango font map is not for sharing across
threads.
"""

from __future__ import annotations

import threading

from weasyprint.text.fonts import FontConfiguration

_local = threading.local()


def font_config() -> FontConfiguration:
    """This thread's font configuration, made on first use."""
    config = getattr(_local, "config", None)
    if config is None:
        config = _local.config = FontConfiguration()
    return config
