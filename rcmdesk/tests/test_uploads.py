"""The one upload reader: empty and oversized files refused before they are read, in words."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from rcmdesk.uploads import UploadRefused, read_upload, size_shown

MB = 1024 * 1024


class Lying(SimpleUploadedFile):
    """An upload whose declared size is smaller than what it holds."""

    def __init__(self, data: bytes) -> None:
        super().__init__("lies.csv", data)
        self.size = 1
        self.read_sizes: list[int | None] = []

    def read(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        self.read_sizes.append(size)
        data: bytes = super().read(size)
        return data


def refusal(file: SimpleUploadedFile) -> str:
    with pytest.raises(UploadRefused) as refused:
        read_upload(file, what="charge file")
    return str(refused.value)


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=10)
def test_a_file_of_exactly_the_limit_is_read_whole() -> None:
    assert read_upload(SimpleUploadedFile("ok.csv", b"x" * 10), what="charge file") == b"x" * 10


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=10)
def test_a_file_over_the_limit_is_refused_with_its_size_and_the_limit() -> None:
    assert refusal(SimpleUploadedFile("big.csv", b"x" * 11)) == (
        "The charge file is 11 bytes; the largest file accepted is 10 bytes.")


def test_an_empty_file_is_refused() -> None:
    assert refusal(SimpleUploadedFile("empty.csv", b"")) == "The charge file is empty."


@override_settings(RCMDESK_MAX_UPLOAD_BYTES=10)
def test_a_file_that_declares_a_smaller_size_is_read_only_one_byte_past_the_limit() -> None:
    lying = Lying(b"x" * 1000)
    assert refusal(lying) == "The charge file is larger than 10 bytes, the largest file accepted."
    assert lying.read_sizes == [11]


def test_the_default_limit_is_20_mb_and_speaks_in_mb() -> None:
    big = SimpleUploadedFile("big.csv", b"")
    big.size = 31 * MB  # declared; nothing is read
    assert refusal(big) == "The charge file is 31 MB; the largest file accepted is 20 MB."


@pytest.mark.parametrize(("size", "up", "shown"), [
    (1, False, "1 byte"), (900, False, "900 bytes"), (1024, False, "1 KB"),
    (20 * MB, False, "20 MB"), (20 * MB + 1, True, "20.1 MB"), (20 * MB + 1, False, "20 MB"),
    (int(2.5 * MB), False, "2.5 MB"),
])
def test_sizes_read_as_people_say_them_and_a_files_size_rounds_up(size: int, up: bool,
                                                                   shown: str) -> None:
    assert size_shown(size, up=up) == shown
