"""The read stage: encodings, normalisation and clear errors on bad input."""

from __future__ import annotations

import pytest

from kg.pipeline import process_paths
from kg.read import ReadError, read_bytes

TABLE = "1.测试项目绩效目标表\n\t绩效目标\n\t完成工作\n\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\n\t产出指标\n\t数量指标\n\t培训人次\n\t≥50人次\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_encodings_decode_to_the_same_lines(encoding):
    src = read_bytes(TABLE.encode(encoding), "t.txt")
    assert [l.raw for l in src.lines] == TABLE.rstrip("\n").split("\n")


def test_normalised_text_keeps_raw():
    src = read_bytes("指标值：≥９５％\n".encode(), "t.txt")
    assert src.lines[0].raw == "指标值：≥９５％"
    assert src.lines[0].text == "指标值:≥95%"


@pytest.mark.parametrize(
    "data, message, line",
    [
        (b"", "empty file", None),
        (b"   \n\n", "empty file", None),
        (b"\xe4\xb8\x80\n\x00\x01\x02binary", "binary file", 2),
        (b"ok line\n\xff\xfe\xfd\xfc\xfb bad", "unknown text encoding", 2),
    ],
)
def test_bad_input_names_file_and_line(data, message, line):
    with pytest.raises(ReadError) as err:
        read_bytes(data, "bad.txt")
    assert message in str(err.value)
    assert str(err.value).startswith("bad.txt")
    assert err.value.line == line


def test_a_bad_file_does_not_stop_the_run(tmp_path):
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_good.txt").write_text(TABLE, encoding="utf-8")
    problems = []
    docs = list(process_paths([tmp_path], problems))
    assert [d.file for d in docs] == ["b_good.txt"]
    assert [str(p) for p in problems] == ["a_empty.txt: empty file"]


def test_table_cut_off_mid_row_is_reported_with_its_line(tmp_path):
    cut = TABLE + "\n\t效益指标\n\t社会效益指标\n"
    (tmp_path / "cut.txt").write_text(cut, encoding="utf-8")
    doc = next(process_paths([tmp_path / "cut.txt"]))
    assert len(doc.projects[0].indicators) == 1
    (problem,) = doc.problems
    assert problem.line == 15 and "截断" in problem.message
    assert {s.line for s in doc.skipped if s.reason == "incomplete table row"} == {15, 16}
