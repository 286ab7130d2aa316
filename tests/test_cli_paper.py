"""`revise paper`: printable papers and answer keys in Markdown and HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from revise.bank.loader import load_bank
from revise.bank.papers import draw_paper
from revise.cli import main
from revise.paths import shipped_bank


def test_markdown_paper_and_key(tmp_path: Path, capsys) -> None:
    out = tmp_path / "final.md"
    assert main(["paper", "--paper", "final-standard", "--seed", "7", "--out", str(out)]) == 0
    paper = out.read_text(encoding="utf-8")
    key = (tmp_path / "final.key.md").read_text(encoding="utf-8")
    bank = load_bank([shipped_bank()]).bank
    drawn = draw_paper(bank.papers["final-standard"], bank, 7)
    # every question is on the paper, numbered, and in the key; no answers leak onto the paper
    for question in drawn.questions:
        assert f"\n**{question.number}\\.** " in paper
        assert f"\n**{question.number}\\.** 答案：" in key
    assert "答案：" not in paper and "解析：" in key
    assert paper.count("## ") == 6  # five sections and the answer sheet and "满分：100分" in paper and "考试时间：90分钟" in paper
    assert "（共10题，每题2分，共20分）" in paper
    assert "{" not in paper  # numeric params were filled in
    assert "已写出" in capsys.readouterr().out


def test_same_seed_same_paper(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        assert main(["paper", "--paper", "quick-20", "--seed", "11", "--out", str(tmp_path / name)]) == 0
    assert (tmp_path / "a.md").read_text() == (tmp_path / "b.md").read_text()
    assert main(["paper", "--paper", "quick-20", "--seed", "12", "--out", str(tmp_path / "c.md")]) == 0
    assert (tmp_path / "c.md").read_text() != (tmp_path / "a.md").read_text()


def test_html_is_escaped_and_standalone(tmp_path: Path, fixture_bank_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "papers").mkdir()
    (bank / "ch.yaml").write_text(
        "chapter: 测试\nsource: s.txt\nquestions:\n"
        "  - {id: q1, type: truefalse, prompt: '<script>alert(1)</script> & [b]粗[/b]', answer: true, explanation: '<b>不</b>是标签'}\n",
        encoding="utf-8",
    )
    (bank / "papers" / "p.yaml").write_text(
        "id: p\ntitle: <i>卷</i>\nminutes: 5\nsections:\n  - {title: 一, type: truefalse, count: 1, points: 1}\n", encoding="utf-8"
    )
    out = tmp_path / "p.html"
    assert main(["--bank", str(bank), "paper", "--paper", "p", "--out", str(out)]) == 0
    html_text = out.read_text(encoding="utf-8")
    assert html_text.startswith("<!DOCTYPE html>") and 'charset="utf-8"' in html_text
    assert "<script>" not in html_text and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [b]粗[/b]" in html_text
    assert "<i>" not in html_text
    key = (tmp_path / "p.key.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;不&lt;/b&gt;是标签" in key and re.search(r"答案：对", key)


def test_unknown_paper_and_bad_extension(tmp_path: Path, capsys) -> None:
    assert main(["paper", "--paper", "final-standrd", "--out", str(tmp_path / "x.md")]) == 1
    assert "没有试卷“final-standrd”" in capsys.readouterr().err
    assert main(["paper", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "不支持的格式 .pdf：请用 .md、.html 或 .docx" in capsys.readouterr().err
    assert main(["paper", "--out", str(tmp_path / "missing-dir" / "x.md")]) == 1
    assert "无法写入" in capsys.readouterr().err


FORMATS_BANK = Path(__file__).parent / "fixtures" / "formats" / "bank"


def test_key_uses_printed_letters_ids_and_values(tmp_path: Path) -> None:
    from revise.bank.model import ChoiceQuestion

    out = tmp_path / "mini.md"
    assert main(["--bank", str(FORMATS_BANK), "paper", "--paper", "mini", "--seed", "3", "--out", str(out)]) == 0
    key = (tmp_path / "mini.key.md").read_text(encoding="utf-8")
    paper = out.read_text(encoding="utf-8")
    bank = load_bank([FORMATS_BANK]).bank
    drawn = draw_paper(bank.papers["mini"], bank, 3)
    choice = next(d for d in drawn.questions if isinstance(d.question, ChoiceQuestion))
    assert f"答案：{choice.shown_key()}" in key and f"题目 id：{choice.question.id}" in key
    numeric = next(d for d in drawn.questions if d.params)
    assert "数值：" in key and numeric.question.id in key
    assert key.count("参考答案：") == 1 and "答案：见参考答案" in key  # an essay's answer is printed once
    assert "答题卡" in paper and "<" not in paper.replace("\\<", "")


def test_options_shuffle_per_seed_with_the_key_remapped() -> None:
    from revise.bank.model import ChoiceQuestion

    bank = load_bank([FORMATS_BANK]).bank
    orders = set()
    for seed in range(12):
        drawn = draw_paper(bank.papers["mini"], bank, seed)
        item = next(d for d in drawn.questions if isinstance(d.question, ChoiceQuestion))
        orders.add(item.order)
        printed = item.order.index(item.question.answer)
        assert item.shown_key() == "ABCD"[printed]
    assert len(orders) > 1


def test_versions_and_saved_paper_survive_a_growing_bank(tmp_path: Path) -> None:
    import shutil

    bank_dir = tmp_path / "bank"
    shutil.copytree(FORMATS_BANK, bank_dir)
    saved = tmp_path / "paper.yaml"
    assert (
        main(["--bank", str(bank_dir), "paper", "--paper", "mini", "--seed", "5", "--versions", "2", "--out", str(tmp_path / "p.html"), "--save", str(saved)])
        == 0
    )
    a, b = (tmp_path / "p-A.html").read_text(encoding="utf-8"), (tmp_path / "p-B.html").read_text(encoding="utf-8")
    assert a != b and "mini-5B" in b
    first = (tmp_path / "p-A.key.html").read_text(encoding="utf-8")
    # the bank grows: a new fill question would change a fresh draw, never the saved paper
    extra = "\n".join(f"  - {{id: new-fill-{i}, type: fill, prompt: 新题{i}____。, answer: 新{i}, explanation: 新。}}" for i in range(20))
    (bank_dir / "03-new.yaml").write_text(f"chapter: 新章\nsource: s000\nquestions:\n{extra}\n", encoding="utf-8")
    again = tmp_path / "again.html"
    assert main(["--bank", str(bank_dir), "paper", "--load", str(tmp_path / "paper-A.yaml"), "--out", str(again)]) == 0
    assert (tmp_path / "again.key.html").read_text(encoding="utf-8") == first


def test_docx_paper(tmp_path: Path) -> None:
    import docx

    out = tmp_path / "p.docx"
    assert main(["--bank", str(FORMATS_BANK), "paper", "--paper", "mini", "--out", str(out)]) == 0
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "小测" in text and "答题卡" in text and "1. " in text
    key = "\n".join(p.text for p in docx.Document(str(tmp_path / "p.key.docx")).paragraphs)
    assert "题目 id：" in key


def test_markdown_escapes_bank_text_and_html_key_numbers() -> None:
    from revise.formats.paper_export import Block, md_escape, render_html_blocks

    assert md_escape("<b>x</b> *y* 2. 三") == "\\<b\\>x\\</b\\> \\*y\\* 2. 三"
    assert md_escape("2. 第二点") == "2\\. 第二点"
    page = render_html_blocks([Block("key", "答案：见参考答案", number=3), Block("keytext", items=("参考答案：1. 甲\n2. 乙",))], "t")
    assert '<span class="num">3.</span>' in page and "<ol" not in page


def _match_item(seed: int):
    from revise.bank.model import MatchQuestion

    bank = load_bank([FORMATS_BANK]).bank
    drawn = draw_paper(bank.papers["mini"], bank, seed)
    return next(d for d in drawn.questions if isinstance(d.question, MatchQuestion))


def _printed_pairs(item) -> list[str]:
    """The expected key: left number and the letter its partner is printed under."""
    rights = [item.question.rights[index] for index in item.order]
    return [f"{number}-{'ABCDE'[rights.index(right)]}" for number, (_, right) in enumerate(item.question.pairs, 1)]


def test_match_questions_print_numbered_lettered_and_shuffled_per_seed(tmp_path: Path) -> None:
    orders = {_match_item(seed).order for seed in range(10)}
    assert len(orders) > 1  # right items are shuffled per seed; left items keep their numbers
    item = _match_item(3)
    rights = [item.question.rights[index] for index in item.order]
    assert main(["--bank", str(FORMATS_BANK), "paper", "--paper", "mini", "--seed", "3", "--out", str(tmp_path / "p.md")]) == 0
    paper, key = (tmp_path / "p.md").read_text(encoding="utf-8"), (tmp_path / "p.key.md").read_text(encoding="utf-8")
    assert "左栏：1\\. 产品　　2\\. 价格　　3\\. 渠道　　4\\. 促销\\\n" in paper
    assert "右栏：" + "　　".join(f"{'ABCDE'[i]}. {right}" for i, right in enumerate(rights)) + "\n" in paper
    assert "1\\.（　　）　　2\\.（　　）　　3\\.（　　）　　4\\.（　　）" in paper
    assert f"{item.number}\\. 1\\[　\\] 2\\[　\\] 3\\[　\\] 4\\[　\\]" in paper  # its row on the answer sheet
    assert f"**{item.number}\\.** 答案：{'　'.join(_printed_pairs(item))}" in key
    assert f"> 1\\. 产品 — {_printed_pairs(item)[0][-1]}. 顾客" in key


def test_match_questions_in_html_and_word(tmp_path: Path) -> None:
    import docx

    item = _match_item(4)
    rights = [item.question.rights[index] for index in item.order]
    for suffix in ("html", "docx"):
        assert main(["--bank", str(FORMATS_BANK), "paper", "--paper", "mini", "--seed", "4", "--out", str(tmp_path / f"p.{suffix}")]) == 0
    page = (tmp_path / "p.html").read_text(encoding="utf-8")
    table = page[page.index('<table class="match">') : page.index("</table>")]
    assert table.count("<tr>") == 1 + len(rights) and "<td>1. 产品</td>" in table and f"<td>A. {rights[0]}</td>" in table
    assert f"答案：{'　'.join(_printed_pairs(item))}" in (tmp_path / "p.key.html").read_text(encoding="utf-8")
    document = docx.Document(str(tmp_path / "p.docx"))
    (table_cells,) = [[cell.text for row in t.rows for cell in row.cells] for t in document.tables]
    assert table_cells[:3] == ["左栏", "", "右栏"] and table_cells[3:6] == ["1. 产品", "", f"A. {rights[0]}"]
    assert len(table_cells) == 3 * (1 + len(rights))
    key = "\n".join(p.text for p in docx.Document(str(tmp_path / "p.key.docx")).paragraphs)
    assert f"答案：{'　'.join(_printed_pairs(item))}" in key


def _png_size_and_variety(path: Path) -> tuple[int, int, int]:
    """Width, height, and how many distinct byte values the image data holds (a blank page has two or three)."""
    import struct
    import zlib

    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    chunks, position = [], 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        if kind == b"IDAT":
            chunks.append(data[position + 8 : position + 8 + length])
        position += 12 + length
    return width, height, len(set(zlib.decompress(b"".join(chunks))))


@pytest.mark.slow
def test_html_paper_renders_in_a_browser(tmp_path: Path) -> None:
    import shutil
    import subprocess

    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if chromium is None:
        pytest.skip("chromium is not installed")
    page = tmp_path / "p.html"
    assert main(["--bank", str(FORMATS_BANK), "paper", "--paper", "mini", "--seed", "3", "--out", str(page)]) == 0
    shot = tmp_path / "out.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--screenshot={shot}", "--window-size=1240,1754", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.exists(), "chromium wrote no screenshot"
    width, height, variety = _png_size_and_variety(shot)
    assert (width, height) == (1240, 1754)
    assert shot.stat().st_size > 30_000 and variety > 50  # text, rules and the match table, not a blank page
