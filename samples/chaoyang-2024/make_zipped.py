"""Builds zipped/区数据局报送.zip: three of the submitted tables as a department sends them, zipped by
Windows' 发送到→压缩(zipped)文件夹 on Chinese Windows (names in GBK, without the UTF-8 flag).

Run from the repository root: ``python samples/chaoyang-2024/make_zipped.py``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUBMITTED = HERE / "submitted"
UNITS = {"单位A_数据中心": "05_朝阳区“城市管理大脑”（一期）.xlsx", "单位B_信用办": "12_朝阳区公共信用信息服务平台.xlsx",
         "单位C_网站中心": "26_朝阳区政府网站功能和监测服务项目.xlsx"}


class _WindowsName(zipfile.ZipInfo):
    """A member whose name is written in GBK without the UTF-8 flag, as Windows writes it."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def main() -> None:
    with zipfile.ZipFile(HERE / "zipped" / "区数据局报送.zip", "w", zipfile.ZIP_DEFLATED) as book:
        for unit, name in UNITS.items():
            info = _WindowsName(f"区数据局/{unit}/{name}", date_time=(2025, 3, 10, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            book.writestr(info, (SUBMITTED / name).read_bytes())


if __name__ == "__main__":
    main()
