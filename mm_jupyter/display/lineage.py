"""Draw a lineage graph in the notebook: layered left-to-right SVG, escaped labels."""

from __future__ import annotations

import html
from collections import defaultdict
from typing import Any

from mm_jupyter.display.runs import STATUS_COLOURS

BOX_W, BOX_H, GAP_X, GAP_Y = 170, 38, 60, 16


def layers(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Return each node's column: the longest path from a source (graph is a DAG)."""
    incoming: dict[str, list[str]] = defaultdict(list)
    for source, target in edges:
        incoming[target].append(source)
    column: dict[str, int] = {}

    def depth(node: str, seen: frozenset[str]) -> int:
        if node in column:
            return column[node]
        if node in seen:  # a cycle cannot come from lineage, but never loop forever
            return 0
        parents = incoming.get(node, [])
        value = 1 + max((depth(p, seen | {node}) for p in parents), default=-1)
        column[node] = value
        return value

    for node in nodes:
        depth(node, frozenset())
    return column


class Lineage:
    """The lineage graph of a run or version; displays itself as an SVG diagram."""

    def __init__(self, graph: dict[str, Any]) -> None:
        self.graph = graph
        self.root: str = graph["root"]
        self.nodes: list[dict[str, Any]] = graph["nodes"]
        self.edges: list[dict[str, Any]] = graph["edges"]

    def label(self, node: dict[str, Any]) -> str:
        """Return a node's label: ``name:vN`` or the run's name."""
        return node["version"]["ref"] if node["type"] == "version" else node["run"]["name"]

    def __repr__(self) -> str:
        labels = {n["id"]: self.label(n) for n in self.nodes}
        lines = [f"lineage of {self.root.split(':', 1)[1]} ({len(self.nodes)} nodes)"]
        lines += [f"  {labels[e['source']]} -> {labels[e['target']]}" for e in self.edges]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        ids = [n["id"] for n in self.nodes]
        column = layers(ids, [(e["source"], e["target"]) for e in self.edges])
        rows: dict[int, int] = defaultdict(int)
        pos: dict[str, tuple[int, int]] = {}
        for node in sorted(self.nodes, key=lambda n: (column[n["id"]], self.label(n))):
            c = column[node["id"]]
            pos[node["id"]] = (10 + c * (BOX_W + GAP_X), 10 + rows[c] * (BOX_H + GAP_Y))
            rows[c] += 1
        width = 20 + (max(column.values(), default=0) + 1) * (BOX_W + GAP_X)
        height = 20 + max(rows.values(), default=1) * (BOX_H + GAP_Y)
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
            ' font-family="sans-serif" font-size="12">',
            '<defs><marker id="mm-arrow" viewBox="0 0 10 10" refX="10" refY="5"'
            ' markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            '<path d="M 0 0 L 10 5 L 0 10 z" fill="#777"/></marker></defs>',
        ]
        for edge in self.edges:
            (x1, y1), (x2, y2) = pos[edge["source"]], pos[edge["target"]]
            x1, y1, y2 = x1 + BOX_W, y1 + BOX_H // 2, y2 + BOX_H // 2
            mid = (x1 + x2) // 2
            parts.append(
                f'<path d="M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}" fill="none"'
                ' stroke="#777" marker-end="url(#mm-arrow)"/>'
            )
        for node in self.nodes:
            x, y = pos[node["id"]]
            is_run = node["type"] == "run"
            colour = STATUS_COLOURS.get(node["run"]["status"], "#555") if is_run else "#6a1b9a"
            stroke = 3 if node["id"] == self.root else 1
            label = html.escape(self.label(node)[:26])
            sub = html.escape(
                f"run · {node['run']['status']}" if is_run
                else f"{node['version']['kind']} · {node['version']['size']:,} B"
            )
            parts.append(
                f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="{12 if is_run else 3}"'
                f' fill="#fff" stroke="{colour}" stroke-width="{stroke}"/>'
                f'<text x="{x + 8}" y="{y + 16}" font-weight="bold">{label}</text>'
                f'<text x="{x + 8}" y="{y + 31}" fill="#666" font-size="10">{sub}</text>'
            )
        parts.append("</svg>")
        note = "<div><i>truncated</i></div>" if self.graph.get("truncated") else ""
        return "".join(parts) + note
