"""The query catalogue: ``queries/*.rq`` files and their header comments.

Each file starts with comment lines (see ``queries/README.md``)::

    # zh: 某一资金文件资助的全部项目
    # en: Projects funded by a given funding document
    # @param fundingDoc string default "冀财社〔2022〕150号" -- canonical 文号
    # @example jxkg query funded-projects --param fundingDoc=冀财社〔2022〕150号

>>> q = parse_query_text("x", '# zh: 问\\n# en: Q\\n# @param n integer default 3 -- how many\\nSELECT ?n WHERE {}')
>>> q.title_en, q.params[0].name, q.params[0].kind, q.params[0].default
('Q', 'n', 'integer', '3')
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.paths import QUERIES_DIR
from kg.query.params import TYPES, ParamError, to_term

_PARAM = re.compile(
    r"@param\s+(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<kind>\w+)"
    r'(?:\s+default\s+(?P<default>"(?:[^"\\]|\\.)*"|\S+))?'
    r"(?:\s+--\s*(?P<doc>.*))?\s*$"
)


class CatalogError(ValueError):
    """A query file whose header does not follow the convention."""


@dataclass
class ParamSpec:
    """One declared parameter: ``?name`` of a type, with an optional default (text form)."""

    name: str
    kind: str
    default: str | None = None
    doc: str = ""

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.kind, "default": self.default, "doc": self.doc}


@dataclass
class QueryDef:
    """A named query: its SPARQL text and what its header says."""

    name: str
    text: str
    path: Path | None = None
    title_zh: str = ""
    title_en: str = ""
    params: list[ParamSpec] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "zh": self.title_zh,
            "en": self.title_en,
            "params": [p.as_dict() for p in self.params],
            "examples": self.examples,
            "notes": self.notes,
            "text": self.text,
        }


def parse_query_text(name: str, text: str, path: Path | None = None) -> QueryDef:
    """Read the header comment of one query (lines starting with ``#`` before the first other line)."""
    q = QueryDef(name=name, text=text, path=path)
    where = str(path) if path else name
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s:
            continue
        if not s.startswith("#"):
            break
        body = s.lstrip("#").strip()
        if body.startswith("zh:"):
            q.title_zh = body[3:].strip()
        elif body.startswith("en:"):
            q.title_en = body[3:].strip()
        elif body.startswith("@param"):
            m = _PARAM.match(body)
            if not m:
                raise CatalogError(f"{where}:{lineno}: 参数声明格式错误 (bad @param line): {body}")
            default = m.group("default")
            if default is not None and default.startswith('"'):
                default = json.loads(default)
            spec = ParamSpec(m.group("name"), m.group("kind"), default, (m.group("doc") or "").strip())
            if spec.kind not in TYPES:
                raise CatalogError(f"{where}:{lineno}: 未知参数类型 (unknown type) {spec.kind!r}; use {', '.join(TYPES)}")
            if spec.default is not None:
                try:
                    to_term(spec.kind, spec.default)
                except ParamError as e:
                    raise CatalogError(f"{where}:{lineno}: 默认值无效 (bad default): {e}") from None
            q.params.append(spec)
        elif body.startswith("@example"):
            q.examples.append(body[len("@example") :].strip())
        elif body:
            q.notes.append(body)
    return q


def load_file(path: str | Path) -> QueryDef:
    """One ``.rq`` file as a :class:`QueryDef` named after its stem."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise CatalogError(f"{p}: 无法读取查询文件 (cannot read query file): {e}") from None
    return parse_query_text(p.stem, text, p)


def load_catalog(directory: str | Path = QUERIES_DIR) -> dict[str, QueryDef]:
    """All queries in *directory*, by name, sorted."""
    return {p.stem: load_file(p) for p in sorted(Path(directory).glob("*.rq"))}


def resolve(name_or_file: str, directory: str | Path = QUERIES_DIR) -> QueryDef:
    """A catalogue name (``funded-projects``) or a path to an ``.rq`` file."""
    p = Path(name_or_file)
    if name_or_file.endswith(".rq") or p.is_file():
        if not p.is_file():
            raise CatalogError(f"{p}: 查询文件不存在 (no such query file)")
        return load_file(p)
    cat = Path(directory) / f"{name_or_file}.rq"
    if cat.is_file():
        return load_file(cat)
    names = ", ".join(sorted(load_catalog(directory))) or "(none)"
    raise CatalogError(f"未知查询 (unknown query) {name_or_file!r}; catalogue: {names}")
