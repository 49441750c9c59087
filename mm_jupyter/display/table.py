"""A displayable table: HTML in notebooks, aligned text in terminals (the %mm verbs, the CLI)."""

from __future__ import annotations

import html


class Table:
    """A displayable table: HTML in notebooks, aligned text in terminals."""

    def __init__(self, header: list[str], rows: list[list[str]], empty: str) -> None:
        self.header, self.rows, self.empty = header, rows, empty

    def __repr__(self) -> str:
        if not self.rows:
            return self.empty
        widths = [max(len(r[i]) for r in [self.header, *self.rows]) for i in range(len(self.header))]
        return "\n".join(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in [self.header, *self.rows]
        )

    def _repr_html_(self) -> str:
        if not self.rows:
            return f"<i>{html.escape(self.empty)}</i>"
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.rows
        )
        return f'<table class="mm-table"><tr>{head}</tr>{body}</table>'
