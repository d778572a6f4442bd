"""The ``paratag`` command line.

    paratag tag FILE... [--model DIR] [--format text|jsonl]     (FILE may be - for stdin)
    paratag clean FILE... [--model DIR]
    paratag evaluate --model DIR DATA...
    paratag annotate FILE --model DIR [-o OUT.ann]
    paratag data check PATH...
    paratag data stats PATH... [--by lang|source|split]
    paratag data convert ANN... -o OUT (.jsonl, or a folder for .txt + .labels.json)
    paratag data uncertain PATH... --model DIR [-n 20]
    paratag data sheet FOLDER [--compare REAL...] [-o README.md]
    paratag report RUN_OR_SWEEP_DIR... -o OUT_DIR [--include GLOB...]

Training runs through Hydra: ``python -m paratag.train experiment=NAME``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .formats import DataError


def _load(model):
    from .tagger import load

    return load(model)


def _known_labels():
    from .labels import default_taxonomy

    return default_taxonomy().known


def _show(text: str) -> str:
    return text.replace("\n", " ⏎ ")


def _each_document(paths, failed: list):
    """``(n, path, document)`` for every file that reads; a file that does not is one error
    line on standard error, goes into ``failed``, and the others still come."""
    from .formats import read_text

    for n, path in enumerate(paths):
        try:
            document = read_text(path)
        except (DataError, OSError) as error:
            print(f"paratag: error: {error}", file=sys.stderr)
            failed.append(path)
            continue
        yield n, path, document


def _finish(paths, failed: list) -> int:
    if failed:
        print(f"paratag: {len(failed)} of {len(paths)} files failed", file=sys.stderr)
    return 1 if failed else 0


def _tagged(tagger, path, failed: list):
    """The tagged paragraphs of one file, tagged as they are read (bounded memory for a file of
    any size). A file that fails is one error line and goes into ``failed`` (paragraphs
    already given before an error in the middle of a file stay given)."""
    from .formats import iter_text_paragraphs

    try:
        yield from tagger.tag_stream(iter_text_paragraphs(path))
    except (DataError, OSError) as error:
        print(f"paratag: error: {error}", file=sys.stderr)
        failed.append(path)


def cmd_tag(args) -> int:
    from .formats import document_record

    tagger, failed = _load(args.model), []
    if args.format == "jsonl":  # one record per document: the document is held whole
        for n, path, document in _each_document(args.files, failed):
            proba = tagger.predict_proba(document.paragraphs)
            document.labels = [tagger.labels[k] for k in proba.argmax(axis=1)]
            print(json.dumps(document_record(document, proba.max(axis=1)), ensure_ascii=False))
        return _finish(args.files, failed)
    shown = 0
    for path in args.files:
        for i, t in enumerate(_tagged(tagger, path, failed)):
            if i == 0 and len(args.files) > 1:
                print(f"{chr(10) if shown else ''}==> {path} <==")
                shown += 1
            print(f"{t.label:<11} {t.score:.2f}  {_show(t.text)}")
    return _finish(args.files, failed)


def cmd_clean(args) -> int:
    tagger, failed = _load(args.model), []
    shown = False
    for path in args.files:
        kept = 0
        for t in _tagged(tagger, path, failed):  # core paragraphs, blank lines between, across files too
            if t.label == "core":
                print(f"\n{t.text}" if shown else t.text)
                shown, kept = True, kept + 1
        if not kept and path not in failed:
            print(f"paratag: warning: {path}: no paragraph tagged core, nothing to print", file=sys.stderr)
    return _finish(args.files, failed)


def cmd_evaluate(args) -> int:
    from .evaluate import evaluate_tagger, format_scores
    from .formats import read_labelled

    tagger = _load(args.model)
    documents = read_labelled(args.data, tagger.taxonomy.known)
    scores = evaluate_tagger(tagger, documents)
    print(f"{len(documents)} documents, {scores['n_paragraphs']} paragraphs, model {args.model}\n")
    print(format_scores(scores, sites=args.sites))
    if args.json:
        Path(args.json).write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return 0


def cmd_annotate(args) -> int:
    from .data_tools import annotation_for
    from .formats import read_text
    from .fsutil import atomic_write_text

    text = annotation_for(read_text(args.file), _load(args.model))
    if args.output:
        atomic_write_text(args.output, text)
        print(f"wrote {args.output}: correct the labels, then `paratag data check {args.output}`", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_data_check(args) -> int:
    from .data_tools import check, shared_paragraphs

    documents, problems = check(args.paths, _known_labels())
    if args.unique:
        problems += [f"document {a!r} repeats a paragraph of document {b!r}: {_show(t)[:80]!r}"
                     for a, b, t in shared_paragraphs(documents)]
    for problem in problems[:args.max_problems]:
        print(problem, file=sys.stderr)
    if len(problems) > args.max_problems:
        print(f"... and {len(problems) - args.max_problems} more problems", file=sys.stderr)
    paragraphs = sum(len(d) for d in documents)
    print(f"{len(documents)} documents, {paragraphs} paragraphs: "
          + ("ok" if not problems else f"{len(problems)} problem(s)"))
    return 1 if problems else 0


def cmd_data_stats(args) -> int:
    from .data_tools import stats, stats_table
    from .formats import read_labelled

    documents = []
    for path in args.paths:
        for document in read_labelled([path], _known_labels()):
            document.meta.setdefault("split", Path(path).name)
            documents.append(document)
    print(stats_table(stats(documents, by=args.by), by=args.by))
    return 0


def cmd_data_convert(args) -> int:
    from .formats import read_labelled, write_jsonl, write_sidecar

    documents = read_labelled(args.files, _known_labels())
    output = Path(args.output)
    if output.suffix == ".jsonl":
        write_jsonl(documents, output)
    else:
        targets = {}
        for document in documents:  # check every target before writing any
            target = output / str(document.meta.get("lang", "")) / f"{document.id}.txt"
            if output.resolve() not in target.resolve().parents:
                raise ValueError(f"document id {document.id!r} would be written outside {output}")
            if target.resolve() in targets:
                raise ValueError(f"documents {targets[target.resolve()]!r} and {document.id!r} would both be written "
                                 f"to {target}: ids must be unique")
            targets[target.resolve()] = document.id
        for document, target in zip(documents, targets):
            write_sidecar(document, target)
    print(f"wrote {len(documents)} documents to {output}", file=sys.stderr)
    return 0


def cmd_data_sheet(args) -> int:
    from .datasheet import render_datasheet
    from .fsutil import atomic_write_text

    text = render_datasheet(Path(args.folder), [Path(p) for p in args.compare])
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_data_uncertain(args) -> int:
    from .data_tools import most_uncertain
    from .formats import read_documents

    documents = read_documents(args.paths, require_labels=False)
    print("| rank | document | paragraphs | uncertainty | least sure paragraph |\n|---|---|---|---|---|")
    for rank, (document, score, position) in enumerate(most_uncertain(documents, _load(args.model), args.n), 1):
        print(f"| {rank} | {document.id} | {len(document)} | {score:.3f} | "
              f"{position + 1}: {_show(document.paragraphs[position])[:60]} |")
    return 0


def cmd_report(args) -> int:
    from .collect import write_collection

    path = write_collection(args.runs, args.output, title=args.title, include=args.include)
    print(f"wrote {path}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="paratag", description=__doc__.split("\n\n")[0],
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True)
    model_help = "a saved model folder (default: the shipped model)"

    p = sub.add_parser("tag", help="label every paragraph of raw text files")
    p.add_argument("files", nargs="+", help="text files, or - for standard input")
    p.add_argument("--model", help=model_help)
    p.add_argument("--format", choices=["text", "jsonl"], default="text")
    p.set_defaults(run=cmd_tag)

    p = sub.add_parser("clean", help="print only the core (article) text of raw text files")
    p.add_argument("files", nargs="+")
    p.add_argument("--model", help=model_help)
    p.set_defaults(run=cmd_clean)

    p = sub.add_parser("evaluate", help="score a saved model on labelled data")
    p.add_argument("data", nargs="+", help="labelled files or folders")
    p.add_argument("--model", required=True, help="a saved model folder")
    p.add_argument("--sites", type=int, default=10, help="show the N sites with the lowest token F1")
    p.add_argument("--json", help="also write all scores to this JSON file")
    p.set_defaults(run=cmd_evaluate)

    p = sub.add_parser("annotate", help="pre-label a raw text file into an annotation file to correct")
    p.add_argument("file")
    p.add_argument("--model", help=model_help)
    p.add_argument("-o", "--output", help="the .ann file to write (default: standard output)")
    p.set_defaults(run=cmd_annotate)

    data = sub.add_parser("data", help="check, summarise, convert and grow labelled data")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    p = data_sub.add_parser("check", help="validate labelled files; exit 1 on problems")
    p.add_argument("paths", nargs="+")
    p.add_argument("--unique", action="store_true",
                   help="also refuse paragraphs of more than 12 words repeated across documents")
    p.add_argument("--max-problems", type=int, default=20)
    p.set_defaults(run=cmd_data_check)
    p = data_sub.add_parser("stats", help="document, paragraph and label counts")
    p.add_argument("paths", nargs="+")
    p.add_argument("--by", choices=["lang", "source", "split"], default="lang")
    p.set_defaults(run=cmd_data_stats)
    p = data_sub.add_parser("convert", help="annotation (or any labelled) files to JSON Lines or sidecar form")
    p.add_argument("files", nargs="+")
    p.add_argument("-o", "--output", required=True, help="OUT.jsonl, or a folder for .txt + .labels.json pairs")
    p.set_defaults(run=cmd_data_convert)
    p = data_sub.add_parser("sheet", help="generate a corpus datasheet (data/README.md)")
    p.add_argument("folder", help="a folder of labelled corpora, one subfolder per split")
    p.add_argument("--compare", nargs="*", default=[], help="real labelled files to compare label shares with")
    p.add_argument("-o", "--output", help="where to write it (default: standard output)")
    p.set_defaults(run=cmd_data_sheet)
    p = data_sub.add_parser("uncertain", help="the documents a model is least sure about")
    p.add_argument("paths", nargs="+")
    p.add_argument("--model", help=model_help)
    p.add_argument("-n", type=int, default=20)
    p.set_defaults(run=cmd_data_uncertain)

    p = sub.add_parser("report", help="collect runs or sweeps into a results table and plots")
    p.add_argument("runs", nargs="+", help="run folders, sweep folders, or folders holding them")
    p.add_argument("-o", "--output", required=True, help="folder for results.md and the plots")
    p.add_argument("--title", default="Results")
    p.add_argument("--include", nargs="+", action="extend", default=[],
                   help="only runs whose name matches one of these glob patterns")
    p.set_defaults(run=cmd_report)
    return top


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (DataError, FileNotFoundError, ValueError) as error:
        print(f"paratag: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
