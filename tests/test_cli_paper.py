"""`revise paper`: printable papers and answer keys in Markdown and HTML."""

from __future__ import annotations

import re
from pathlib import Path

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
        assert f"\n{question.number}. " in paper
        assert f"\n{question.number}. 答案：" in key
    assert "答案：" not in paper and "解析：" in key
    assert paper.count("## ") == 5 and "满分：100分" in paper and "考试时间：90分钟" in paper
    assert "（共10题，每题2分，共20分）" in paper
    assert "{" not in paper  # numeric params were filled in
    assert "wrote" in capsys.readouterr().out


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
    (bank / "papers" / "p.yaml").write_text("id: p\ntitle: <i>卷</i>\nminutes: 5\nsections:\n  - {title: 一, type: truefalse, count: 1, points: 1}\n", encoding="utf-8")
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
    assert 'unknown paper "final-standrd" (did you mean "final-standard"?)' in capsys.readouterr().err
    assert main(["paper", "--out", str(tmp_path / "x.pdf")]) == 1
    assert "unknown format .pdf: use .md or .html" in capsys.readouterr().err
    assert main(["paper", "--out", str(tmp_path / "missing-dir" / "x.md")]) == 1
    assert "cannot write" in capsys.readouterr().err
