"""A small SPARQL lexer: enough to look at keywords without being fooled by text.

It splits a query into *code* and *inert* parts (string literals, IRIs in
``<…>``, comments), so that we can

* refuse ``SERVICE``, ``LOAD`` and SPARQL Update keywords without false
  positives from strings, IRIs, comments, variables or prefixed names;
* find the ``{`` that opens the outermost ``WHERE`` group, where a
  ``VALUES`` block binding the parameters is injected for remote endpoints.

>>> forbidden_keywords('SELECT * WHERE { ?s ?p "SERVICE <x> LOAD" } # DROP ALL')
[]
>>> forbidden_keywords('SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }')
['SERVICE']
>>> forbidden_keywords('SELECT ?service WHERE { ?s ex:load ?service }')
[]
>>> q = 'SELECT ?x WHERE { ?s ?p ?x }'
>>> q[outer_where_brace(q)]
'{'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: One SPARQL token per alternative, tried in order; whitespace is skipped.  The shapes
#: compiler (kg/validate/sparql_select.py) reads queries with the same tokens.
_TOKEN = re.compile(
    r"""
 (?P<ws>\s+)
|(?P<comment>\#[^\n]*)
|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
|(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
|(?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
|(?P<bnode>_:[A-Za-z0-9_\u00C0-\uFFFF](?:[A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*[A-Za-z0-9_\-\u00B7\u00C0-\uFFFF])?)
|(?P<pname>(?:[A-Za-z\u00C0-\uFFFF](?:[A-Za-z0-9_.\-\u00B7\u00C0-\uFFFF]*[A-Za-z0-9_\-\u00B7\u00C0-\uFFFF])?)?:
   (?:[A-Za-z0-9_:\u00C0-\uFFFF](?:[A-Za-z0-9_.:\-\u00B7\u00C0-\uFFFF]*[A-Za-z0-9_:\-\u00B7\u00C0-\uFFFF])?)?)
|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
|(?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
|(?P<word>[A-Za-z_][A-Za-z0-9_]*)
|(?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\].,;|/^*+?!=<>\-])
""",
    re.X,
)

#: keywords that make a request more than a read of the local store
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
FORBIDDEN = ("SERVICE",) + UPDATE_KEYWORDS


@dataclass(frozen=True)
class Token:
    kind: str  # word | punct | string | iri | comment | var | pname | bnode | lang | num | other
    text: str
    start: int


def tokens(query: str) -> list[Token]:
    """Split *query* into tokens; strings, IRIs and comments come out whole.

    A character that starts no token (a stray quote of an unterminated string, say)
    becomes an ``other`` token of its own and reading goes on after it, so keywords
    after it are still seen.

    >>> [t.kind for t in tokens('SELECT ?x { <a> ex:p "}" } # c')]
    ['word', 'var', 'punct', 'iri', 'pname', 'string', 'punct', 'comment']
    >>> [t.text for t in tokens('FILTER(?v >= 1.5e2 && LANG(?l) = "zh"@zh) %')]
    ['FILTER', '(', '?v', '>=', '1.5e2', '&&', 'LANG', '(', '?l', ')', '=', '"zh"', '@zh', ')', '%']
    """
    out: list[Token] = []
    pos, n = 0, len(query)
    while pos < n:
        m = _TOKEN.match(query, pos)
        if m is None:
            out.append(Token("other", query[pos], pos))
            pos += 1
            continue
        if m.lastgroup != "ws":
            out.append(Token(m.lastgroup or "other", m.group(), pos))
        pos = m.end()
    return out


def forbidden_keywords(query: str) -> list[str]:
    """Keywords that a read-only endpoint refuses (SERVICE, LOAD, Update), in order found."""
    found: list[str] = []
    for t in tokens(query):
        if t.kind == "word" and t.text.upper() in FORBIDDEN and t.text.upper() not in found:
            found.append(t.text.upper())
    return found


def query_form(query: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK (the first form keyword), else None.

    >>> query_form('PREFIX a: <x:> # ASK\\nconstruct { ?s ?p ?o } WHERE { ?s ?p ?o }')
    'CONSTRUCT'
    """
    for t in tokens(query):
        if t.kind == "word" and t.text.upper() in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            return t.text.upper()
    return None


def outer_where_brace(query: str) -> int:
    """Offset of the ``{`` that opens the outermost WHERE group (raises ValueError if none)."""
    depth = 0
    after_where = False
    first_top_brace = -1
    for t in tokens(query):
        if t.kind == "word" and t.text.upper() == "WHERE" and depth == 0:
            after_where = True
        elif t.kind == "punct" and t.text == "{":
            if depth == 0:
                if after_where:
                    return t.start
                if first_top_brace < 0:
                    first_top_brace = t.start
            depth += 1
        elif t.kind == "punct" and t.text == "}":
            depth -= 1
    form = query_form(query)
    if first_top_brace >= 0 and form in ("SELECT", "ASK", "DESCRIBE"):
        return first_top_brace
    raise ValueError("cannot find the WHERE clause of the query")


def projected_variables(query: str) -> list[str] | None:
    """Variables named in the outer SELECT clause (None for ``SELECT *`` or non-SELECT).

    >>> projected_variables('SELECT ?a (COUNT(?b) AS ?n) WHERE { ?a ?p ?b } GROUP BY ?a')
    ['a', 'n']
    """
    toks = tokens(query)
    for k, t in enumerate(toks):
        if t.kind == "word" and t.text.upper() == "SELECT":
            names: list[str] = []
            depth = 0
            for u in toks[k + 1 :]:
                if u.kind == "word" and u.text.upper() == "WHERE" or (u.kind == "punct" and u.text == "{"):
                    return names
                if u.kind == "punct" and u.text == "*" and depth == 0:
                    return None
                if u.kind == "punct" and u.text == "(":
                    depth += 1
                elif u.kind == "punct" and u.text == ")":
                    depth -= 1
                elif u.kind == "var" and (depth == 0 or _after_as(toks, u)):
                    names.append(u.text[1:])
            return names
        if t.kind == "word" and t.text.upper() in ("CONSTRUCT", "DESCRIBE", "ASK"):
            return None
    return None


def _after_as(toks: list[Token], var: Token) -> bool:
    k = toks.index(var)
    return k > 0 and toks[k - 1].kind == "word" and toks[k - 1].text.upper() == "AS"
