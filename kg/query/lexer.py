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

# IRIREF from the SPARQL grammar: '<' ([^<>"{}|^`\]-[#x00-#x20])* '>'
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_VARNAME = re.compile(r"[0-9A-Za-z_\u00b7\u00c0-\uffff]*")

#: keywords that make a request more than a read of the local store
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
FORBIDDEN = ("SERVICE",) + UPDATE_KEYWORDS


@dataclass(frozen=True)
class Token:
    kind: str  # word | punct | string | iri | comment | var | pname | other
    text: str
    start: int


def tokens(query: str) -> list[Token]:
    """Split *query* into tokens; strings, IRIs and comments come out whole.

    >>> [t.kind for t in tokens('SELECT ?x { <a> ex:p "}" } # c')]
    ['word', 'var', 'punct', 'iri', 'pname', 'string', 'punct', 'comment']
    """
    out: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        if c == "#":
            j = query.find("\n", i)
            j = n if j < 0 else j
            out.append(Token("comment", query[i:j], i))
            i = j
            continue
        if c in "\"'":
            j = _string_end(query, i)
            out.append(Token("string", query[i:j], i))
            i = j
            continue
        if c == "<":
            m = _IRI.match(query, i)
            if m:
                out.append(Token("iri", m.group(0), i))
                i = m.end()
                continue
            out.append(Token("punct", c, i))
            i += 1
            continue
        if c in "?$":
            m = _VARNAME.match(query, i + 1)
            out.append(Token("var", query[i : m.end()], i))
            i = max(m.end(), i + 1)
            continue
        if c.isalpha() or c == "_" or c == ":" or ord(c) > 127:
            j = i
            while j < n and not query[j].isspace() and query[j] not in "{}()[];,<>\"'=!|&+*/^#" and not (
                query[j] == "." and (j + 1 >= n or query[j + 1].isspace() or query[j + 1] in "{}")
            ):
                j += 1
            text = query[i:j]
            kind = "pname" if ":" in text else "word"
            out.append(Token(kind, text, i))
            i = max(j, i + 1)
            continue
        out.append(Token("punct" if c in "{}()[];,.=!|&+*/^" else "other", c, i))
        i += 1
    return out


def _string_end(query: str, i: int) -> int:
    """Index just after the string literal that starts at *i* (long or short form)."""
    q = query[i]
    if query.startswith(q * 3, i):
        end = query.find(q * 3, i + 3)
        while end > 0 and _escaped(query, end):
            end = query.find(q * 3, end + 1)
        return len(query) if end < 0 else end + 3
    j = i + 1
    while j < len(query):
        if query[j] == "\\":
            j += 2
            continue
        if query[j] == q or query[j] == "\n":
            return j + 1
        j += 1
    return len(query)


def _escaped(text: str, pos: int) -> bool:
    k, back = pos - 1, 0
    while k >= 0 and text[k] == "\\":
        back += 1
        k -= 1
    return back % 2 == 1


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
