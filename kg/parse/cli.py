"""Commands of the parse stage (extract) (registered by kg.cli)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this stage's commands to *app* (filled in as the stage lands)."""
