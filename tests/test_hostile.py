"""Hostile and broken input: each bad file gives one clear line naming it (and the line), the run goes on,
and memory stays bounded.

The whole hostile folder is extracted in one child process that reports its own
peak resident memory, so the bound checked is that of a real ``jxkg extract``.
"""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from kg.parse import parse
from kg.pipeline import process_paths
from kg.read import ReadError, read_any, read_bytes

TABLE = "1.测试项目绩效目标表\n\t绩效目标\n\t完成工作\n\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\n\t产出指标\n\t数量指标\n\t培训人次\n\t≥50人次\n"
GIB = 1 << 30


def _office_zip(parts: dict[str, bytes], level: int = 9) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """A .docx-looking container whose document part inflates 60 MB of zeros from about 60 KB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        with zf.open("word/document.xml", "w") as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(60):
                part.write(chunk)
    return buf.getvalue()


def lying_zip() -> bytes:
    """A container whose central directory claims its document part is 100 bytes long; it is 2 MB."""
    data = bytearray(_office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>" * 500_000}))
    at = data.rfind(b"PK\x01\x02word/document.xml"[:4])
    while at >= 0:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + name_len] == b"word/document.xml":
            struct.pack_into("<I", data, at + 24, 100)
            break
        at = data.rfind(b"PK\x01\x02", 0, at)
    return bytes(data)


def hostile_files(folder: Path) -> dict[str, str]:
    """Write the hostile inputs; return file name → text its one-line problem must contain ('' = readable)."""
    expect = {}

    def put(name: str, data: bytes, message: str) -> None:
        (folder / name).write_bytes(data)
        expect[name] = message

    put("a_empty.txt", b"", "empty file")
    put("b_binary.txt", TABLE.encode() + b"\x00\x01\x02\x03" * 100, "binary file")
    put("c_bomb.docx", zip_bomb(), "zip bomb")
    put("d_lying.docx", lying_zip(), "broken part")
    put("e_gbk_named_docx.docx", TABLE.encode("gbk"), "")
    put("f_long_lines.txt", (TABLE + "\t" + "测" * 1_000_000 + "\n" + "说明" * 500_000 + "\n" + TABLE).encode(), "行过长")
    put("g_cut_mid_row.txt", (TABLE + "\n\t效益指标\n\t社会效益指标\n").encode(), "截断")
    put("h_brackets.txt", ("1.冀财社【2022〕150号关于（2022]下达资金的通知绩效目标表\n\t绩效目标\n\t依据冀财社〔2022150号和【【】文件\n\n"
                           + TABLE.split("\n", 3)[3]).encode(), "")
    put("i_controls.txt", TABLE.replace("培训人次", "培训\x07人\x1b次").replace("≥50", "≥\x0850").encode(), "")
    put("j_old_word.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096, "old binary Word/Excel")
    put("k_not_office.xlsx", _office_zip({"hello.txt": b"hi"}), "not an Office document")
    whole = _office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(range(256)) * 400})
    put("l_truncated.docx", whole[: len(whole) // 2], "broken zip")
    put("m_utf16.txt", TABLE.encode("utf-16"), "")
    put("z_good.txt", TABLE.encode(), "")
    return expect


@pytest.mark.slow
def test_hostile_folder_is_extracted_with_one_clear_line_per_bad_file_and_bounded_memory(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    expect = hostile_files(folder)
    if shutil.disk_usage(tmp_path).free > 2 * GIB:
        # 200 MB: 1 MB of real text, the rest a hole (sparse on most file systems).
        with open(folder / "n_200mb.txt", "wb") as f:
            f.write((TABLE * 8000)[: 1 << 20].encode())
            f.truncate(200 * 1024 * 1024)
        expect["n_200mb.txt"] = "file too large"
    out = tmp_path / "out.json"
    code = (
        "import resource, sys\n"
        "from kg.cli import main\n"
        f"sys.argv = ['jxkg', 'extract', {str(folder)!r}, '-o', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    status = e.code\nelse:\n    status = 0\n"
        "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    started = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    elapsed = time.perf_counter() - started
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.returncode == 1, run.stderr[-2000:]  # some input had problems, the rest was extracted
    rss_kb = int(run.stderr.split("MAXRSS_KB")[1].split()[0])
    assert rss_kb * 1024 < GIB, f"peak memory {rss_kb // 1024} MiB"
    messages = [l for l in run.stderr.splitlines() if not l.startswith("MAXRSS_KB")]
    docs = {d["file"]: d for d in json.loads(out.read_text(encoding="utf-8"))["documents"]}
    for name, message in expect.items():
        mine = [m for m in messages if m.startswith(name + ":") or m.startswith(name + " ")]
        if message and name not in docs:
            assert len(mine) == 1 and message in mine[0], (name, mine)
        elif message:
            assert any(message in p["message"] for p in docs[name]["problems"]), (name, docs[name]["problems"])
            assert any(m.startswith(f"{name}:") and message in m for m in mine), (name, mine)
        else:
            assert name in docs and docs[name]["projects"], (name, mine)
    print(f"hostile folder: {elapsed:.1f} s, peak RSS {rss_kb // 1024} MiB")


def test_problem_lines_name_the_line():
    doc = parse(read_bytes((TABLE + "\n\t效益指标\n\t社会效益指标\n").encode(), "cut.txt"))
    (problem,) = doc.problems
    assert str(problem).startswith("cut.txt:15: ")


def test_a_megabyte_line_parses_quickly():
    for filler in ("1." + "绩效目标表 TC " * 120_000, "[bookmark: " * 100_000, "\t一 \t" * 300_000, " TC \\f C \\l 1" * 80_000):
        for sep in ("\n", "\t"):
            source = read_bytes((TABLE + sep + filler + "\n" + TABLE).encode(), "long.txt")
            started = time.perf_counter()
            doc = parse(source)
            assert time.perf_counter() - started < 1.0, filler[:20]
            assert len(doc.projects) >= 1
            assert any("行过长" in p.message for p in doc.problems)


def test_control_characters_stay_visible_and_lines_are_kept():
    src = read_bytes(TABLE.replace("培训人次", "培训\x07人次").encode(), "c.txt")
    doc = parse(src)
    assert doc.projects[0].indicators[0].name == "培训\ufffd人次"


def test_mostly_control_bytes_is_binary():
    with pytest.raises(ReadError, match="binary file"):
        read_bytes(bytes(range(1, 32)) * 100, "ctl.txt")


def test_zip_bomb_is_refused_before_it_is_inflated():
    data = zip_bomb()
    assert len(data) < 1_000_000
    with pytest.raises(ReadError, match="zip bomb") as err:
        read_any(data, "bomb.docx")
    assert str(err.value).startswith("bomb.docx: ")


def test_cut_off_row_layout_keeps_every_line(tmp_path):
    head = "项目名称\t项目单位\t项目类别\t预算数\t年度绩效目标\t一级指标\t二级指标\t三级指标\t指标性质\t指标方向\t目标值\t计量单位\t分值\n"
    row = "某项目\t415001-某局\t部门预算项目\t12.00\t做好工作\t产出指标\t数量指标\t检查户数\t正向\t大于等于\t150\t户\t15\n"
    (tmp_path / "cut.txt").write_text(head + row + "\t\t\t\t\t产出指标\t质量", encoding="utf-8")
    problems: list = []
    (doc,) = list(process_paths([tmp_path / "cut.txt"], problems))
    assert not problems
    assert [i.name for i in doc.projects[0].indicators] == ["检查户数"]
    (problem,) = doc.problems
    assert problem.line == 3 and "截断" in problem.message
    assert doc.covered_lines >= {1, 2} and [(s.line, s.reason) for s in doc.skipped] == [(3, "incomplete table row")]
