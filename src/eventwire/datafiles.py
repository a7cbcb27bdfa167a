"""Loading the YAML data files people edit, with file:line in every error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eventwire.errors import DataFileError

# libyaml's parser when PyYAML has it (10x faster on the people dictionary), else pure Python.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Located:
    """A scalar value from a YAML file with the line it came from (1-based)."""

    value: Any
    line: int
    raw: str = ""  # the scalar as written: YAML reads a bare `on` or `off` as a boolean


def data_path(name: str) -> Path:
    """Path of a file shipped in `eventwire/data/`."""
    return Path(str(resources.files("eventwire") / "data" / name))


def load_yaml(path: Path) -> Any:
    """Load YAML, turning syntax errors into `DataFileError` with file and line."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=_LOADER)
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise DataFileError(f"{where}: invalid YAML ({getattr(exc, 'problem', exc)})") from None
    return _located(root) if root is not None else {}


def _located(node: yaml.Node) -> Any:
    """Plain dicts and lists whose scalars are `Located` so validators can cite lines."""
    if isinstance(node, yaml.MappingNode):
        return {k.value: _located(v) for k, v in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_located(v) for v in node.value]
    return Located(_SCALARS.get(node.tag, str)(node.value), node.start_mark.line + 1, node.value)


_SCALARS = {
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:bool": lambda v: v.lower() in ("true", "yes", "on"),
    "tag:yaml.org,2002:null": lambda v: None,
}


def compile_regex(item: Located, path: Path, substitutions: dict[str, str] | None = None) -> re.Pattern[str]:
    """Compile a pattern from a data file (case-insensitive), citing file:line when it is invalid."""
    pattern = str(item.value)
    for key, value in (substitutions or {}).items():
        pattern = pattern.replace("{" + key + "}", value)
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise DataFileError(f"{path}:{item.line}: bad regular expression ({exc}): {item.value}") from None
