"""Read and write the document formats paratag knows.

- raw text (``.txt``): paragraphs separated by blank lines, unlabelled;
- text with a sidecar (``X.txt`` + ``X.labels.json``): the seed's form;
- JSON Lines (``.jsonl``): ``{"id", "source", "url", "paragraphs": [{"text", "label"}]}``;
- annotation files (``.ann``): one ``>>> LABEL [SCORE]`` line above each paragraph,
  the form ``paratag annotate`` writes for a person to correct.

Every problem raises :class:`DataError` naming the file and line.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from .document import Document
from .fsutil import atomic_write_text
from .segment import iter_paragraphs_with_lines, split_paragraphs_with_lines, take_date_header

SIDECAR_SUFFIX = ".labels.json"
ANNOTATION_SUFFIX = ".ann"
MARKER = ">>>"
_HEADER = re.compile(r"#\s*([a-z_]+)\s*:\s*(.*)$")


class DataError(ValueError):
    """A problem in an input file, located by file and (where known) line."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}:{line}" if line else f"{path}"
        super().__init__(f"{where}: {message}")


def _metadata(fields: dict, path, line: int | None) -> dict:
    """The ``date`` and ``lang`` of a document, each a string when given."""
    meta = {k: fields[k] for k in ("date", "lang") if k in fields and fields[k] is not None}
    for key, value in meta.items():
        if not isinstance(value, str):
            raise DataError(path, line, f"{key!r} must be a string, got {json.dumps(value, ensure_ascii=False)}")
    return meta


def _check_labels(labels, known, path, lines) -> None:
    if known is None:
        return
    for i, label in enumerate(labels):
        if label not in known:
            raise DataError(path, lines[i] if lines else None,
                            f"paragraph {i + 1}: unknown label {label!r} (known: {', '.join(known)})")


# ---------------------------------------------------------------- raw text
def decode_text(data: bytes, name: str | Path) -> str:
    """Bytes of a text file or of standard input as text: UTF-8 (a leading byte-order mark
    dropped, line ends made ``\\n``), anything else one clear error; the same policy for both."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(name, None, "UTF-16 text, not UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DataError(name, line, f"not UTF-8 text ({error.reason} at byte {error.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_utf8(path: Path) -> str:
    try:
        return decode_text(path.read_bytes(), path)
    except OSError as error:
        raise DataError(path, None, error.strerror or str(error)) from None


def _parse_text(text: str, path) -> tuple[list[str], list[int], dict]:
    """Paragraphs, their first line numbers and the metadata of a raw document."""
    numbered = split_paragraphs_with_lines(text)
    paragraphs, meta = take_date_header([paragraph for _, paragraph in numbered])
    lines = [number for number, _ in numbered][len(numbered) - len(paragraphs):]
    if not paragraphs:
        raise DataError(path, None, "the document is empty: no paragraphs")
    return paragraphs, lines, meta


def read_text(path: str | Path) -> Document:
    """A raw text file (or ``-`` for standard input) as an unlabelled document."""
    if str(path) == "-":
        stream = getattr(sys.stdin, "buffer", None)  # bytes, decoded as files are
        text, name = (decode_text(stream.read(), "<stdin>") if stream else sys.stdin.read()), "stdin"
    else:
        path = Path(path)
        text, name = _read_utf8(path), path.stem
    paragraphs, _, meta = _parse_text(text, path)
    return Document(id=name, paragraphs=paragraphs, source=name, meta=meta)


def iter_text_paragraphs(path: str | Path) -> Iterator[str]:
    """The paragraphs of a raw text file (or ``-`` for standard input) read lazily, so a file
    of any size is tagged in bounded memory (one paragraph at a time is held). The same
    decoding policy and errors as :func:`read_text`; a leading ``date`` header is dropped."""
    name = "<stdin>" if str(path) == "-" else path
    if str(path) == "-":
        raw = getattr(sys.stdin, "buffer", None)
        if raw is None:  # a text stream (tests, notebooks): already decoded
            yield from read_text(path).paragraphs
            return
        context = contextlib.nullcontext(raw)
    else:
        try:
            context = raw = open(path, "rb")
        except OSError as error:
            raise DataError(path, None, error.strerror or str(error)) from None

    def lines():
        for number, data in enumerate(raw, start=1):
            if number == 1:
                if data.startswith((b"\xff\xfe", b"\xfe\xff")):
                    raise DataError(name, None, "UTF-16 text, not UTF-8: convert it first (iconv -f UTF-16 -t UTF-8)")
                data = data.removeprefix(b"\xef\xbb\xbf")
            try:
                content = data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise DataError(name, number, f"not UTF-8 text ({error.reason})") from None
            yield from content.replace("\r\n", "\n").rstrip("\n").split("\r") if "\r" in content else [content]

    count = 0
    with context:
        for _, paragraph in iter_paragraphs_with_lines(lines()):
            if count == 0:
                paragraph = (take_date_header([paragraph])[0] or [""])[0]
                if not paragraph:
                    continue
            count += 1
            yield paragraph
    if not count:
        raise DataError(name, None, "the document is empty: no paragraphs")


# ---------------------------------------------------------------- sidecar
def sidecar_path(text_path: str | Path) -> Path:
    text_path = Path(text_path)
    return text_path.with_name(text_path.name.removesuffix(".txt") + SIDECAR_SUFFIX)


def read_sidecar(text_path: str | Path, known_labels: Sequence[str] | None = None) -> Document:
    """``X.txt`` with its labels in ``X.labels.json``."""
    text_path = Path(text_path)
    label_path = sidecar_path(text_path)
    paragraphs, lines, text_meta = _parse_text(_read_utf8(text_path), text_path)
    try:
        side = json.loads(label_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(text_path, None, f"no labels: expected {label_path.name} beside it") from None
    except json.JSONDecodeError as error:
        raise DataError(label_path, error.lineno, f"not valid JSON: {error.msg}") from None
    labels = side.get("labels") if isinstance(side, dict) else None
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise DataError(label_path, None, "expected an object with a 'labels' list of strings")
    if len(labels) != len(paragraphs):
        raise DataError(label_path, None, f"{len(labels)} labels for {len(paragraphs)} "
                        f"paragraphs of {text_path.name}")
    _check_labels(labels, known_labels, text_path, lines)
    meta = {**text_meta, **_metadata(side, label_path, None)}
    return Document(id=side.get("id", text_path.stem), paragraphs=paragraphs, labels=labels,
                    source=side.get("source", text_path.stem), url=side.get("url", ""), meta=meta)


def write_sidecar(document: Document, text_path: str | Path) -> None:
    """Write ``document`` as ``X.txt`` + ``X.labels.json``."""
    text_path = Path(text_path)
    side = {"id": document.id, "source": document.source, "url": document.url, **document.meta,
            "labels": document.labels}
    atomic_write_text(text_path, "\n\n".join(document.paragraphs) + "\n")
    atomic_write_text(sidecar_path(text_path), json.dumps(side, ensure_ascii=False, indent=1) + "\n")


# ---------------------------------------------------------------- JSON Lines
def _parse_jsonl_record(record, path, number, known_labels) -> Document:
    if not isinstance(record, dict):
        raise DataError(path, number, "expected a JSON object per line")
    paragraphs = record.get("paragraphs")
    if not isinstance(paragraphs, list):
        raise DataError(path, number, "missing 'paragraphs' list")
    if not paragraphs:
        raise DataError(path, number, "the document is empty: no paragraphs")
    texts, labels = [], []
    for i, paragraph in enumerate(paragraphs, start=1):
        if not isinstance(paragraph, dict) or not isinstance(paragraph.get("text"), str):
            raise DataError(path, number, f"paragraph {i}: expected {{\"text\": ..., \"label\": ...}}")
        if not paragraph["text"].strip():
            raise DataError(path, number, f"paragraph {i}: empty text")
        texts.append(paragraph["text"])
        labels.append(paragraph.get("label"))
    has = [label is not None for label in labels]
    if any(has) and not all(has):
        raise DataError(path, number, f"paragraph {has.index(False) + 1}: missing label")
    if all(has):
        for i, label in enumerate(labels, start=1):
            if known_labels is not None and label not in known_labels:
                raise DataError(path, number, f"paragraph {i}: unknown label {label!r} "
                                f"(known: {', '.join(known_labels)})")
    doc_id = str(record.get("id", f"{Path(path).stem}-{number}"))
    meta = _metadata(record, path, number)
    return Document(id=doc_id, paragraphs=texts, labels=labels if all(has) else None,
                    source=str(record.get("source", "")), url=str(record.get("url", "")), meta=meta)


def read_jsonl(path: str | Path, known_labels: Sequence[str] | None = None) -> list[Document]:
    path = Path(path)
    documents = []
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise DataError(path, None, error.strerror or str(error)) from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise DataError(path, number, f"not valid JSON: {error.msg} (column {error.colno})") from None
            documents.append(_parse_jsonl_record(record, path, number, known_labels))
    return documents


def document_record(document: Document, scores: Sequence[float] | None = None) -> dict:
    """The JSON Lines record of a document."""
    paragraphs = []
    for i, text in enumerate(document.paragraphs):
        item = {"text": text}
        if document.labels is not None:
            item["label"] = document.labels[i]
        if scores is not None:
            item["score"] = round(float(scores[i]), 4)
        paragraphs.append(item)
    return {"id": document.id, "source": document.source, "url": document.url, **document.meta,
            "paragraphs": paragraphs}


def write_jsonl(documents: Iterable[Document], path: str | Path) -> None:
    lines = [json.dumps(document_record(d), ensure_ascii=False) for d in documents]
    atomic_write_text(path, "".join(line + "\n" for line in lines))


# ---------------------------------------------------------------- annotation files
def read_annotation(path: str | Path, known_labels: Sequence[str] | None = None) -> Document:
    """An annotation file: ``# key: value`` header lines, then ``>>> LABEL`` above each paragraph."""
    path = Path(path)
    raw = _read_utf8(path)
    header: dict = {}
    texts, labels, lines = [], [], []
    for number, block in split_paragraphs_with_lines(raw):
        block_lines = block.split("\n")
        if not texts and all(line.startswith("#") for line in block_lines):
            for line in block_lines:
                match = _HEADER.match(line)
                if match:
                    header[match.group(1)] = match.group(2).strip()
            continue
        first = block_lines[0]
        if not first.startswith(MARKER):
            raise DataError(path, number, f"expected a '{MARKER} LABEL' line above the paragraph, got {first[:40]!r}")
        words = first[len(MARKER):].split()
        if not words:
            raise DataError(path, number, f"'{MARKER}' without a label")
        body = "\n".join(block_lines[1:]).strip()
        if not body:
            raise DataError(path, number, "empty paragraph under the label line")
        if any(line.startswith(MARKER) for line in block_lines[1:]):
            raise DataError(path, number, f"two '{MARKER}' lines without a blank line between paragraphs")
        texts.append(body)
        labels.append(words[0])
        lines.append(number)
    if not texts:
        raise DataError(path, None, "the document is empty: no paragraphs")
    _check_labels(labels, known_labels, path, lines)
    meta = {k: header[k] for k in ("date", "lang") if k in header}
    return Document(id=header.get("id", path.stem), paragraphs=texts, labels=labels,
                    source=header.get("source", path.stem), url=header.get("url", ""), meta=meta)


def format_annotation(document: Document, labels: Sequence[str], scores: Sequence[float] | None = None,
                      note: str = "") -> str:
    """An annotation file for ``document`` with ``labels`` (and model scores) to correct."""
    head = ["# paratag annotation: check the label after each '>>>' (core, fundraising, newsletter,",
            "# related, other); keep one blank line between paragraphs. The number is the model's score."]
    if note:
        head.append(f"# {note}")
    fields = {"id": document.id, "source": document.source, "url": document.url, **document.meta}
    head += [f"# {key}: {value}" for key, value in fields.items() if value]
    blocks = ["\n".join(head)]
    for i, text in enumerate(document.paragraphs):
        marker = f"{MARKER} {labels[i]}" + (f" {scores[i]:.2f}" if scores is not None else "")
        blocks.append(f"{marker}\n{text}")
    return "\n\n".join(blocks) + "\n"


# ---------------------------------------------------------------- any path
def document_files(paths: Iterable[str | Path], require_labels: bool = True) -> list[Path]:
    """The document files under ``paths`` (folders are searched recursively, sorted):
    ``.jsonl``, ``.ann`` and ``.txt`` files (with ``require_labels``, only those with a sidecar)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file())
            found += [p for p in candidates
                      if p.suffix in (".jsonl", ANNOTATION_SUFFIX)
                      or (p.suffix == ".txt" and (sidecar_path(p).exists() or not require_labels))]
        elif path.exists() or str(path) == "-":
            found.append(path)
        else:
            raise DataError(path, None, "no such file or folder")
    return found


def read_file(path: Path, known_labels: Sequence[str] | None = None,
              require_labels: bool = True) -> list[Document]:
    """The documents of one file, by its format."""
    if path.suffix == ".jsonl":
        documents = read_jsonl(path, known_labels)
        unlabelled = [d.id for d in documents if d.labels is None]
        if require_labels and unlabelled:
            raise DataError(path, None, f"document {unlabelled[0]!r} has no labels")
        return documents
    if path.suffix == ANNOTATION_SUFFIX:
        return [read_annotation(path, known_labels)]
    if path.suffix == ".txt" and (require_labels or sidecar_path(path).exists()):
        return [read_sidecar(path, known_labels)]
    if not require_labels:
        return [read_text(path)]
    raise DataError(path, None, "unknown format: expected .jsonl, .ann, or .txt with a .labels.json")


def read_documents(paths: str | Path | Iterable[str | Path], known_labels: Sequence[str] | None = None,
                   require_labels: bool = True) -> list[Document]:
    """All documents in ``paths``: files of any format, or folders of them.

    Each document's ``corpus`` is the name of the file or folder in ``paths`` it
    came from (``fundus-dev``, ``authored``). With ``require_labels`` every document must be labelled (raw ``.txt`` files
    without a sidecar are skipped in folders and refused when named).
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    documents: list[Document] = []
    for root in map(Path, paths):
        files = document_files([root], require_labels)
        if root.is_dir() and not files:
            raise DataError(root, None, "no document files in this folder (.jsonl, .ann, or .txt with labels)")
        for path in files:
            found = read_file(path, known_labels, require_labels)
            if not found:
                raise DataError(path, None, "no documents: the file is empty")
            for document in found:  # the corpus: the file or folder named in ``paths``
                document.corpus = root.stem if root.is_file() else root.name
            documents += found
    return documents


def read_labelled(paths, known_labels: Sequence[str] | None = None) -> list[Document]:
    """All labelled documents in ``paths`` (see :func:`read_documents`)."""
    return read_documents(paths, known_labels, require_labels=True)
