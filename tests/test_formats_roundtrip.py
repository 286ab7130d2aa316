"""Round trips: export -> import -> validate gives equivalent questions, for every format.

Each format keeps what it can hold; what it cannot is listed per format here
and warned about by the exporter, so the comparison is exact on the rest.
The Anki deck is read back by the official `anki` package (a test-only
dependency: those tests skip when it is absent).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from revise.bank.loader import load_bank
from revise.bank.model import Bank, Question
from revise.cli import main

BANK = Path(__file__).parent / "fixtures" / "formats" / "bank"
FIXED_NUMBERS = {"f-num-params"}  # drawn numbers: only Moodle XML and Anki's own fields keep them

# format, file suffix, extra export options, what the format cannot hold
CASES = {
    "gift": ("gift", (), {"chapter_split": False, "lossy": FIXED_NUMBERS, "ids": True, "keypoints": "full"}),
    "moodle-xml": ("xml", (), {"chapter_split": True, "lossy": set(), "ids": True, "keypoints": "full"}),
    "xlsx-考试宝": ("xlsx", ("--layout", "考试宝"), {"chapter_split": True, "lossy": FIXED_NUMBERS, "ids": False, "keypoints": "labels"}),
    "xlsx-磨题帮": ("xlsx", ("--layout", "磨题帮"), {"chapter_split": False, "lossy": FIXED_NUMBERS, "ids": False, "keypoints": None}),
    "xlsx-学习通": ("xlsx", ("--layout", "学习通"), {"chapter_split": True, "lossy": FIXED_NUMBERS, "ids": False, "keypoints": None}),
    "csv-考试宝": ("csv", ("--layout", "考试宝"), {"chapter_split": True, "lossy": FIXED_NUMBERS, "ids": False, "keypoints": "labels"}),
    "csv-磨题帮": ("csv", ("--layout", "motibang"), {"chapter_split": False, "lossy": FIXED_NUMBERS, "ids": False, "keypoints": None}),
    "csv-学习通": ("csv", ("--layout", "学习通"), {"chapter_split": True, "lossy": FIXED_NUMBERS, "ids": False, "keypoints": None}),
    "txt": ("txt", (), {"chapter_split": True, "lossy": FIXED_NUMBERS, "ids": False, "keypoints": "labels"}),
    "docx": ("docx", (), {"chapter_split": True, "lossy": FIXED_NUMBERS, "ids": False, "keypoints": "labels"}),
}
COMPARED = ("options", "answer", "blanks", "corrections", "pairs", "distractors", "explanation", "kind", "formula")


def _export(tmp_path: Path, suffix: str, *options: str) -> Path:
    out = tmp_path / f"bank.{suffix}"
    assert main(["--bank", str(BANK), "export", *options, "--out", str(out)]) == 0
    return out


def _import(tmp_path: Path, source: Path) -> Bank:
    out = tmp_path / "imported" / "chapter.yaml"
    assert main(["import", str(source), "--out", str(out)]) == 0
    files = sorted(out.parent.glob("chapter*.yaml"))
    result = load_bank(files)
    assert result.errors == [], [str(e) for e in result.errors]
    return result.bank


def _twin(question: Question, back: Bank) -> Question:
    matches = [q for q in back.questions.values() if q.prompt == question.prompt]
    assert len(matches) == 1, (question.id, [q.prompt for q in back.questions.values()])
    return matches[0]


@pytest.mark.parametrize("case", list(CASES))
def test_round_trip_gives_equivalent_questions(tmp_path: Path, case: str) -> None:
    suffix, options, holds = CASES[case]
    exported = _export(tmp_path, suffix, *options)
    back = _import(tmp_path, exported)
    original = load_bank([BANK]).bank
    assert len(back.questions) == len(original.questions)
    compared = 0
    for question in original.questions.values():
        if question.id in holds["lossy"]:
            continue
        twin = _twin(question, back)
        assert twin.type == question.type, question.id
        for attr in COMPARED:
            ours, theirs = getattr(question, attr, None), getattr(twin, attr, None)
            if attr == "formula":
                ours, theirs = ours and ours.text, theirs and theirs.text
            assert ours == theirs, (question.id, attr, ours, theirs)
        if holds["ids"]:
            assert twin.id == question.id
        if holds["chapter_split"]:
            assert twin.chapter == question.chapter, question.id
        if holds["keypoints"] == "full":
            assert getattr(twin, "keypoints", None) == getattr(question, "keypoints", None), question.id
        elif holds["keypoints"] == "labels" and hasattr(question, "keypoints"):
            assert [p.label for p in twin.keypoints] == [p.label for p in question.keypoints], question.id
        compared += 1
    assert compared == len(original.questions) - len(holds["lossy"])


def test_lossy_formats_warn_about_what_they_lose(tmp_path: Path, capsys) -> None:
    _export(tmp_path, "csv", "--layout", "磨题帮")
    err = capsys.readouterr().err
    assert "f-judge: 刷题软件没有判断改错题" in err and "f-num-params: 刷题软件不能随机出数" in err
    assert "f-essay: 磨题帮模板没有得分要点列" in err and "f-fill-one: 不接受的写法" in err


def test_csv_is_utf8_with_a_bom_and_cells_are_safe(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "ch.yaml").write_text(
        "chapter: 测试\nsource: s\nquestions:\n  - {id: q1, type: truefalse, prompt: '=HYPERLINK(\"http://x\")', answer: true, explanation: '@SUM(1)'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "q.csv"
    assert main(["--bank", str(bank), "export", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(1)" in text and ",=" not in text
    back = _import(tmp_path, out)
    assert back.questions["q-truefalse-001"].prompt == '=HYPERLINK("http://x")'  # the apostrophe is taken off again


def test_text_export_guards_numbered_lines_inside_answers(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "ch.yaml").write_text(
        "chapter: 测试\nsource: s\nquestions:\n"
        "  - id: e1\n    type: essay\n    prompt: 论述客户关系管理的作用。\n    answer: |\n      1. 提高满意度。\n      2. 降低成本。\n    keypoints: [提高满意度, 降低成本]\n"
        "  - {id: t2, type: truefalse, prompt: 满意一定忠诚。, answer: false}\n",
        encoding="utf-8",
    )
    out = tmp_path / "q.txt"
    assert main(["--bank", str(bank), "export", "--out", str(out)]) == 0
    assert "答案：1) 提高满意度。\n2) 降低成本。" in out.read_text(encoding="utf-8-sig")
    back = _import(tmp_path, out)
    assert [q.type for q in back.questions.values()] == ["essay", "truefalse"]


# -- Anki -----------------------------------------------------------------------------------------

NOTE_TYPES = {"revise 问答": 8, "revise 填空（输入答案）": 1, "revise 填空（挖空）": 1, "revise 判断并改错": 2}


def _anki_collection(tmp_path: Path):
    anki_collection = pytest.importorskip("anki.collection")
    folder = tmp_path / "anki"
    folder.mkdir(exist_ok=True)
    return anki_collection, anki_collection.Collection(str(folder / "collection.anki2"))


def _notes(collection) -> dict[str, object]:
    return {collection.get_note(nid)["QuestionId"]: collection.get_note(nid) for nid in collection.find_notes("")}


def test_official_anki_imports_every_note_type(tmp_path: Path) -> None:
    anki_collection, collection = _anki_collection(tmp_path)
    out = _export(tmp_path, "apkg")
    try:
        collection.import_anki_package(anki_collection.ImportAnkiPackageRequest(package_path=str(out)))
        notes = _notes(collection)
        assert len(notes) == 12
        per_type: dict[str, int] = {}
        for note in notes.values():
            name = note.note_type()["name"]  # type: ignore[attr-defined]
            per_type[name] = per_type.get(name, 0) + 1
        assert per_type == NOTE_TYPES
        typed, cloze, judge, choice = notes["f-fill-one"], notes["f-fill-two"], notes["f-judge"], notes["f-choice"]
        assert (typed["Prompt"], typed["Answer"]) == ("客户保持是使客户不断＿＿＿产品或服务的过程。", "重复购买")  # type: ignore[index]
        assert "其他写法：重复采购" in typed["Extra"] and "出处：《客户关系管理复习重点》第一章" in typed["Extra"]  # type: ignore[index]
        assert cloze["Text"] == "4P中的前两项是{{c1::产品}}和{{c2::价格}}。"  # type: ignore[index]
        assert "解析：4P是产品、价格、地点、促销。" in cloze["Extra"]  # type: ignore[index]
        assert (judge["Prompt"], judge["Judgment"], judge["Correction"]) == ("第三代呼叫中心中的MCC是指多媒体呼叫中心。", "错", "第四代、第四代呼叫中心")  # type: ignore[index]
        assert len(collection.find_cards(f"nid:{judge.id}")) == 2  # type: ignore[attr-defined]  # judge, then correct
        assert notes["f-judge-true"]["Correction"] == "" and len(collection.find_cards(f"nid:{notes['f-judge-true'].id}")) == 1  # type: ignore[index,attr-defined]
        assert "<div>D. 沟通</div>" in choice["Prompt"] and choice["Answer"] == "D. 沟通"  # type: ignore[index]
        assert "得分要点" in notes["f-essay"]["Answer"]  # type: ignore[index]
        assert notes["f-match"]["Answer"] == "产品 → 顾客<br>价格 → 成本<br>渠道 → 便利<br>促销 → 沟通"  # type: ignore[index]
        tags = set(choice.tags)  # type: ignore[attr-defined]
        assert {"章节::营销理论", "题型::单项选择题"} <= tags
        decks = {collection.decks.name(card.did) for card in (collection.get_card(cid) for cid in collection.find_cards(""))}
        assert decks == {"客户关系管理::营销理论", "客户关系管理::客户满意"}
    finally:
        collection.close()


def test_anki_reimport_updates_instead_of_duplicating(tmp_path: Path) -> None:
    import shutil

    from revise.formats.anki import export_apkg

    anki_collection, collection = _anki_collection(tmp_path)
    bank_dir = tmp_path / "bank"
    shutil.copytree(BANK, bank_dir)
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    bank = load_bank([bank_dir]).bank
    export_apkg(bank, list(bank.questions.values()), first, timestamp=1_700_000_000)
    chapter = bank_dir / "01-types.yaml"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("促销对应沟通。", "促销对应沟通（已修订）。"), encoding="utf-8")
    bank = load_bank([bank_dir]).bank
    export_apkg(bank, list(bank.questions.values()), second, timestamp=1_700_000_100)
    try:
        counts = []
        for package in (first, second):
            collection.import_anki_package(anki_collection.ImportAnkiPackageRequest(package_path=str(package)))
            counts.append((collection.note_count(), collection.card_count()))
        assert counts == [(12, 14), (12, 14)]  # two cloze cards, two judge steps, one for a judge that needs no correction
        notes = _notes(collection)
        assert "促销对应沟通（已修订）。" in notes["f-choice"]["Extra"]  # type: ignore[index]
        assert len(collection.models.all_names_and_ids()) == len(NOTE_TYPES) + len(collection_default_types(anki_collection))
    finally:
        collection.close()


def collection_default_types(anki_collection) -> list[object]:
    """The note types a fresh collection already has (Basic, Cloze …)."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        fresh = anki_collection.Collection(str(Path(folder) / "c.anki2"))
        try:
            return list(fresh.models.all_names_and_ids())
        finally:
            fresh.close()
