"""Inputs: whatever a scraper produced gives a correct result or one error line naming
the file (and line); nothing is silently lost or altered."""

import subprocess
import sys

import pytest

from paratag.cli import main
from paratag.formats import read_text

from conftest import SEED


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def tagger(saved_model):
    import paratag

    return paratag.load(saved_model)


def test_tag_goes_on_after_files_that_fail_and_exits_nonzero(capsys, saved_model, tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\u00e9 au lait.\n\nZweiter Absatz.".encode("latin-1"))
    code, out, err = run(capsys, "tag", tmp_path / "missing.txt", latin1, SEED, "--model", saved_model)
    assert code == 1
    assert "missing.txt: No such file" in err and "latin1.txt:1: not UTF-8" in err and "2 of 3 files failed" in err
    assert len([line for line in out.splitlines() if line and not line.startswith("==>")]) == 31  # the seed, all of it


@pytest.mark.parametrize("data, message", [
    ("Caf\u00e9\n\nok".encode("latin-1"), "<stdin>:1: not UTF-8"),
    ("Hello\n\nworld".encode("utf-16"), "<stdin>: UTF-16 text, not UTF-8"),
])
def test_stdin_is_decoded_with_the_same_policy_as_files(data, message, saved_model):
    result = subprocess.run([sys.executable, "-m", "paratag.cli", "tag", "-", "--model", str(saved_model)],
                            input=data, capture_output=True)
    assert result.returncode == 1 and result.stdout == b""
    assert message in result.stderr.decode() and b"Traceback" not in result.stderr


def test_a_byte_order_mark_does_not_hide_the_date_header(tmp_path):
    page = tmp_path / "page.txt"
    page.write_bytes(b"\xef\xbb\xbfdate 2024-01-02\r\n\r\nHello world.\r\n")
    document = read_text(page)
    assert document.meta == {"date": "2024-01-02"} and document.paragraphs == ["Hello world."]


@pytest.mark.parametrize("text", [
    "Headline\n\nBody one.\n\nBody two.",                      # blank lines
    "Headline\r\n\r\nBody one.\r\nstill body\r\n",            # Windows line ends
    "Line one\nLine two\nLine three",                          # single line breaks only
    "\t Indented\t\n\n\n\n   spaced   out  ",                  # tabs and runs of blank lines
    "Ünïcödé — “quotes” «guillemets» 日本語のテキスト 😀",        # non-ASCII
    "a@" * 5000 + "\n\n" + "x" * 100_000,                      # long runs without spaces
    "Control\x07chars\x00inside\x1b[0m text",                 # control characters
    "Updated: date 2024-01-02, not at the start",              # a date line that is no header
])
def test_every_non_whitespace_character_comes_out_in_order(tagger, text):
    tagged = tagger.tag(text)
    assert "".join("".join(t.text.split()) for t in tagged) == "".join(text.split())
