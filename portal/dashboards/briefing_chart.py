"""The status chart of a briefing as a picture, for the Word 通报: the dashboard's 红黄绿灯 counts
as horizontal bars in the dashboard's colours, drawn server-side with Pillow (no browser, no
plotting stack). Chinese labels need a CJK font: Debian's fonts-noto-cjk (or fonts-wqy), which
scripts/ensure-browser.sh installs; without one the bars are drawn with Pillow's own font."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .charts import COLORS, LABELS

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
WIDTH, BAR, GAP, SCALE = 900, 44, 18, 2  # drawn at twice the size it is shown, for print


@lru_cache(maxsize=4)
def cjk_font(size: int) -> ImageFont.ImageFont:
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size * SCALE)
    return ImageFont.load_default(size * SCALE)


def status_chart_png(counts: list[tuple[str, int]], *, title: str) -> bytes:
    """counts: (status, how many) in the dashboard's order. One bar a status, its count beside it."""
    font, title_font = cjk_font(15), cjk_font(18)
    s = SCALE
    label_width = max(int(font.getlength(str(LABELS[status]))) for status, _n in counts) + 24 * s
    top = 56 * s
    height = top + len(counts) * (BAR + GAP) * s + GAP * s
    image = Image.new("RGB", (WIDTH * s, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((16 * s, 14 * s), title, font=title_font, fill="#212529")
    most = max((n for _status, n in counts), default=0) or 1
    room = WIDTH * s - label_width - 90 * s
    for index, (status, n) in enumerate(counts):
        y = top + index * (BAR + GAP) * s
        label = str(LABELS[status])
        draw.text((label_width - 12 * s, y + BAR * s // 2), label, font=font, fill="#212529", anchor="rm")
        length = int(room * n / most)
        if length:
            draw.rectangle((label_width, y, label_width + length, y + BAR * s), fill=COLORS[status])
        draw.text((label_width + length + 10 * s, y + BAR * s // 2), str(n), font=font, fill="#212529", anchor="lm")
    draw.line((label_width, top - 8 * s, label_width, height - GAP * s), fill="#6c757d", width=s)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
