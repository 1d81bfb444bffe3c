"""A received file's kind, told from its bytes, and the sentence a person reads for a file
that is no X12: the name and the browser's content type prove nothing."""

from __future__ import annotations

import pytest

from rcmdesk.intake.sniff import FileKind, foreign, problem, retry_can_help, what_is
from rcmdesk.remits.tests.x12text import header, remit

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
PAID = "CLP*PCN1*1*100*100**12*CCN1~SVC*HC:99213*100*100**1~"


def x12_with(set_id: str, guide: str) -> bytes:
    return remit(header("100.00") + PAID).replace(b"ST*835", f"ST*{set_id}".encode()) \
        .replace(b"005010X221A1", guide.encode())


@pytest.mark.parametrize(("data", "kind"), [
    (PNG, FileKind.PNG),
    (b"\xff\xd8\xff\xe0JFIF", FileKind.JPEG),
    (b"%PDF-1.7\n", FileKind.PDF),
    (b"GIF89a....", FileKind.GIF),
    (b"PK\x03\x04\x14\x00\x06\x00word/document.xml", FileKind.WORD),
    (b"PK\x03\x04\x14\x00\x06\x00xl/workbook.xml", FileKind.EXCEL),
    (b"PK\x03\x04\x14\x00\x00\x00notes.txt", FileKind.ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", FileKind.OFFICE),
    (b"", FileKind.EMPTY),
    (b"  \r\n", FileKind.EMPTY),
    (b"Date,Amount\n2026-01-02,10.00\n", FileKind.TEXT),
    (b"<!DOCTYPE html><html></html>", FileKind.HTML),
    (b"\x00\x01\x02\x03binary", FileKind.BINARY),
])
def test_the_first_bytes_tell_what_a_file_that_is_no_x12_is(data: bytes, kind: FileKind) -> None:
    assert what_is(data) is kind


def test_an_835_is_a_remittance_by_its_st_segment() -> None:
    assert what_is(remit(header("100.00") + PAID)).label == "835 remittance"


@pytest.mark.parametrize(("set_id", "guide", "label"), [
    ("837", "005010X222A1", "837P claims"),
    ("837", "005010X223A2", "837I claims"),
    ("277", "005010X214", "277CA acknowledgment"),
    ("277", "005010X212", "277 claim status"),
    ("999", "005010X231A1", "999 acknowledgment"),
    ("271", "005010X279A1", "271 eligibility response"),
])
def test_the_set_and_its_guide_name_the_x12_transaction(set_id: str, guide: str,
                                                        label: str) -> None:
    assert what_is(x12_with(set_id, guide)).label == label


def test_an_x12_file_without_its_closing_iea_is_cut_short() -> None:
    whole = remit(header("100.00") + PAID)
    assert what_is(whole[: whole.index(b"IEA")]) is FileKind.X12_CUT
    assert what_is(whole[:50]) is FileKind.X12_CUT


def test_a_picture_gets_a_sentence_naming_it_and_asking_for_the_clearinghouse_file() -> None:
    assert problem(what_is(PNG)) == ("This file is a PNG image, not an X12 file. Upload the "
                                     "835/837/277CA/999 file your clearinghouse sent.")
    assert problem(FileKind.PDF).startswith("This file is a PDF document, not an X12 file.")
    assert problem(FileKind.R835) == ""


def test_a_retry_can_help_only_a_whole_x12_file() -> None:
    assert retry_can_help("835")
    assert retry_can_help("")
    assert not any(retry_can_help(k) for k in ("png", "pdf", "empty", "text", "x12_cut"))


def test_a_text_import_is_told_only_about_files_that_are_plainly_not_text() -> None:
    assert foreign(PNG) is FileKind.PNG
    assert foreign(b"Date,Amount\n") is None
    assert foreign(b"Date,Amount\n2026-01-02,1\x00\n") is None  # the import says where


def test_an_isa_header_of_another_length_and_a_bare_set_are_still_x12() -> None:
    whole = remit(header("100.00") + PAID).decode()
    padded = whole.replace("*00*", "*00 *", 1).encode()  # not 106 characters any more
    assert what_is(padded) is FileKind.R835
    bare = whole[whole.index("ST*"):whole.index("GE*")].encode()
    assert what_is(bare) is FileKind.R835


def test_a_second_interchange_without_its_iea_is_cut_short() -> None:
    whole = remit(header("100.00") + PAID)
    assert what_is(whole + whole[: whole.index(b"IEA")]) is FileKind.X12_CUT
