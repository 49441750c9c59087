/**
 * Pure layout of a lineage graph: layers from left to right in the direction data
 * flows (input version → run → output version), an order within each layer that
 * keeps edges from crossing, coordinates, and SVG paths for the edges.
 *
 * No DOM and no React: `LineageGraph.tsx` draws what this computes, and the unit
 * tests check it directly.
 */
import { assignLayers, findBackEdges, orderLayers, push } from './lineageOrder';

/**
 * Sizes of the layout, in SVG user units (pixels).
 */
export interface ILayoutOptions {
  /** Width of every node box. */
  nodeWidth: number;
  /** Height of every node box. */
  nodeHeight: number;
  /** Horizontal space between two layers. */
  layerGap: number;
  /** Vertical space between two nodes of a layer. */
  nodeGap: number;
  /** Space around the drawing. */
  margin: number;
}

/** The sizes {@link layoutLineage} uses by default. */
export const DEFAULT_LAYOUT: ILayoutOptions = {
  nodeWidth: 164,
  nodeHeight: 46,
  layerGap: 52,
  nodeGap: 18,
  margin: 16
};

/**
 * A node placed by the layout.
 */
export interface IPlacedNode {
  /** Node id. */
  id: string;
  /** Layer (column), from 0 on the left. */
  layer: number;
  /** Position within the layer, from 0 at the top. */
  order: number;
  /** Left edge. */
  x: number;
  /** Top edge. */
  y: number;
  /** Box width. */
  width: number;
  /** Box height. */
  height: number;
}

/**
 * An edge routed by the layout.
 */
export interface IPlacedEdge {
  /** `source->target`. */
  id: string;
  /** Node id the data comes from. */
  source: string;
  /** Node id the data goes to. */
  target: string;
  /** `input`, `output` or whatever the server said. */
  kind: string;
  /** SVG path data, from the source to the target (the arrow goes at the end). */
  path: string;
  /** Whether the edge goes against the layers (it closes a cycle). */
  back: boolean;
}

/**
 * The result of {@link layoutLineage}.
 */
export interface ILineageLayout {
  /** Placed nodes, in the order they were given. */
  nodes: IPlacedNode[];
  /** Routed edges, in the order they were given (invalid ones dropped). */
  edges: IPlacedEdge[];
  /** Width of the drawing. */
  width: number;
  /** Height of the drawing. */
  height: number;
  /** Number of layers. */
  layers: number;
}

interface IEdgeIn {
  source: string;
  target: string;
  kind?: string;
}

/**
 * Lay a lineage graph out from left to right.
 *
 * - Layers: the longest path from a source (a node nothing flows into) decides a
 *   node's layer, so every edge points right. A source sits just left of its
 *   nearest consumer rather than always in the first column. Edges closing a
 *   cycle (a run that logged content identical to what it used) are drawn as
 *   back edges below the nodes and do not take part in layering.
 * - Order within a layer: barycenter sweeps, keeping the order with the fewest
 *   crossings between neighbouring layers.
 * - Edges enter a node's left side and leave its right side, spread over the
 *   side when several meet there.
 *
 * Edges whose ends are unknown and self-loops are dropped; duplicates are kept
 * once. The result is deterministic for a given input order.
 */
export function layoutLineage(
  nodesIn: ReadonlyArray<{ id: string }>,
  edgesIn: ReadonlyArray<IEdgeIn>,
  options: Partial<ILayoutOptions> = {}
): ILineageLayout {
  const opts = { ...DEFAULT_LAYOUT, ...options };
  const ids: string[] = [];
  const index = new Map<string, number>();
  for (const node of nodesIn) {
    if (!index.has(node.id)) {
      index.set(node.id, ids.length);
      ids.push(node.id);
    }
  }
  const n = ids.length;
  const edges: { s: number; t: number; kind: string }[] = [];
  const seen = new Set<string>();
  for (const e of edgesIn) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    const key = `${e.source}->${e.target}`;
    if (s === undefined || t === undefined || s === t || seen.has(key)) {
      continue;
    }
    seen.add(key);
    edges.push({ s, t, kind: e.kind ?? '' });
  }

  const back = findBackEdges(n, edges);
  const forward = edges.filter((_, i) => !back.has(i));
  const layer = assignLayers(n, forward);
  const layerCount = n === 0 ? 0 : Math.max(...layer) + 1;
  const columns = orderLayers(n, layer, layerCount, forward);

  // Coordinates: columns left to right, each column centred on the tallest.
  const { nodeWidth: w, nodeHeight: h, layerGap, nodeGap, margin } = opts;
  const tallest = Math.max(0, ...columns.map(c => c.length));
  const order = new Array<number>(n).fill(0);
  const x = new Array<number>(n).fill(0);
  const y = new Array<number>(n).fill(0);
  columns.forEach((column, l) => {
    const offset = ((tallest - column.length) * (h + nodeGap)) / 2;
    column.forEach((v, i) => {
      order[v] = i;
      x[v] = margin + l * (w + layerGap);
      y[v] = margin + offset + i * (h + nodeGap);
    });
  });
  const contentHeight = tallest > 0 ? tallest * (h + nodeGap) - nodeGap : 0;
  const bottom = margin + contentHeight;

  // Ports: where edges meet a node's side, ordered by the other end's height so
  // that edges fanning in or out do not cross at the node.
  const outPorts = new Map<number, number>();
  const inPorts = new Map<number, number>();
  const spread = (side: Map<number, number>, groups: Map<number, number[]>) => {
    for (const [v, list] of groups) {
      list.forEach((e, i) => {
        side.set(e, y[v] + (h * (i + 1)) / (list.length + 1));
      });
    }
  };
  const outgoing = new Map<number, number[]>();
  const incoming = new Map<number, number[]>();
  edges.forEach((e, i) => {
    if (back.has(i)) {
      return;
    }
    push(outgoing, e.s, i);
    push(incoming, e.t, i);
  });
  for (const list of outgoing.values()) {
    list.sort((a, b) => y[edges[a].t] - y[edges[b].t] || a - b);
  }
  for (const list of incoming.values()) {
    list.sort((a, b) => y[edges[a].s] - y[edges[b].s] || a - b);
  }
  spread(outPorts, outgoing);
  spread(inPorts, incoming);

  let loops = 0;
  const placedEdges: IPlacedEdge[] = edges.map((e, i) => {
    const source = ids[e.s];
    const target = ids[e.t];
    let path: string;
    if (back.has(i)) {
      // Below everything: down from the source, along, up into the target.
      loops += 1;
      const depth = bottom + 14 + 12 * loops;
      const x1 = x[e.s] + w / 2;
      const x2 = x[e.t] + w / 2 + 10;
      path =
        `M ${fmt(x1)} ${fmt(y[e.s] + h)} ` +
        `C ${fmt(x1)} ${fmt(depth)}, ${fmt(x2)} ${fmt(depth)}, ${fmt(x2)} ${fmt(y[e.t] + h)}`;
    } else {
      const x1 = x[e.s] + w;
      const y1 = outPorts.get(i) ?? y[e.s] + h / 2;
      const x2 = x[e.t];
      const y2 = inPorts.get(i) ?? y[e.t] + h / 2;
      const dx = Math.max(24, (x2 - x1) / 2);
      path =
        `M ${fmt(x1)} ${fmt(y1)} ` +
        `C ${fmt(x1 + dx)} ${fmt(y1)}, ${fmt(x2 - dx)} ${fmt(y2)}, ${fmt(x2)} ${fmt(y2)}`;
    }
    return {
      id: `${source}->${target}`,
      source,
      target,
      kind: e.kind,
      path,
      back: back.has(i)
    };
  });

  return {
    nodes: ids.map((id, v) => ({
      id,
      layer: layer[v],
      order: order[v],
      x: x[v],
      y: y[v],
      width: w,
      height: h
    })),
    edges: placedEdges,
    width:
      layerCount > 0
        ? 2 * margin + layerCount * w + (layerCount - 1) * layerGap
        : 2 * margin,
    height: bottom + margin + (loops > 0 ? 14 + 12 * loops : 0),
    layers: layerCount
  };
}

function fmt(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/**
 * Cut a label to at most `max` characters, with an ellipsis (SVG text does not
 * ellipsize by itself).
 */
export function truncateLabel(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) {
    return text;
  }
  return chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}
