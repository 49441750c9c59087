/**
 * The graph steps of the lineage layout: back edges that close a cycle, layers by
 * longest path, and the order within layers (barycenter sweeps that keep the order
 * with the fewest crossings). Nodes are indices, edges `{s, t}` pairs.
 */

/** Number of barycenter sweeps (down then up) when ordering layers. */
const SWEEPS = 6;

/** Append `value` to the list of `key`. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * Indices of the edges that close a cycle: a depth-first walk from the sources
 * first (then from whatever is left) marks edges back into the walk's own path.
 */
export function findBackEdges(
  n: number,
  edges: ReadonlyArray<{ s: number; t: number }>
): Set<number> {
  const out: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Array<number>(n).fill(0);
  edges.forEach((e, i) => {
    out[e.s].push(i);
    indegree[e.t] += 1;
  });
  const state = new Uint8Array(n); // 0 new, 1 on the path, 2 done
  const back = new Set<number>();
  const visit = (root: number) => {
    // Iterative DFS: deep lineages must not overflow the call stack.
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, next] = top;
      if (next < out[v].length) {
        top[1] += 1;
        const i = out[v][next];
        const t = edges[i].t;
        if (state[t] === 1) {
          back.add(i);
        } else if (state[t] === 0) {
          state[t] = 1;
          stack.push([t, 0]);
        }
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  };
  for (let v = 0; v < n; v++) {
    if (indegree[v] === 0 && state[v] === 0) {
      visit(v);
    }
  }
  for (let v = 0; v < n; v++) {
    if (state[v] === 0) {
      visit(v);
    }
  }
  return back;
}

/**
 * Longest-path layers of an acyclic graph; sources then move right to sit just
 * before their nearest consumer.
 */
export function assignLayers(
  n: number,
  edges: ReadonlyArray<{ s: number; t: number }>
): number[] {
  const out: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Array<number>(n).fill(0);
  for (const e of edges) {
    out[e.s].push(e.t);
    indegree[e.t] += 1;
  }
  const layer = new Array<number>(n).fill(0);
  const remaining = [...indegree];
  const queue: number[] = [];
  for (let v = 0; v < n; v++) {
    if (remaining[v] === 0) {
      queue.push(v);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head];
    for (const t of out[v]) {
      layer[t] = Math.max(layer[t], layer[v] + 1);
      remaining[t] -= 1;
      if (remaining[t] === 0) {
        queue.push(t);
      }
    }
  }
  for (let v = 0; v < n; v++) {
    if (indegree[v] === 0 && out[v].length > 0) {
      layer[v] = Math.min(...out[v].map(t => layer[t])) - 1;
    }
  }
  return layer;
}

/**
 * Order the nodes of each layer: start from the input order, then barycenter
 * sweeps down and up; keep the order with the fewest crossings.
 */
export function orderLayers(
  n: number,
  layer: ReadonlyArray<number>,
  layerCount: number,
  edges: ReadonlyArray<{ s: number; t: number }>
): number[][] {
  let columns: number[][] = Array.from({ length: layerCount }, () => []);
  for (let v = 0; v < n; v++) {
    columns[layer[v]].push(v);
  }
  const preds: number[][] = Array.from({ length: n }, () => []);
  const succs: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    preds[e.t].push(e.s);
    succs[e.s].push(e.t);
  }
  const position = new Array<number>(n).fill(0);
  const index = (cols: number[][]) =>
    cols.forEach(col => col.forEach((v, i) => (position[v] = i)));

  let best = columns.map(c => [...c]);
  let bestCrossings = countCrossings(best, layer, edges);
  for (let sweep = 0; sweep < SWEEPS && bestCrossings > 0; sweep++) {
    const down = sweep % 2 === 0;
    const range = down
      ? Array.from({ length: layerCount }, (_, i) => i).slice(1)
      : Array.from({ length: layerCount }, (_, i) => layerCount - 1 - i).slice(
          1
        );
    index(columns);
    for (const l of range) {
      const neighbours = down ? preds : succs;
      const keyed = columns[l].map((v, i) => {
        const ns = neighbours[v];
        const key = ns.length
          ? ns.reduce((sum, u) => sum + position[u], 0) / ns.length
          : i;
        return { v, key, i };
      });
      keyed.sort((a, b) => a.key - b.key || a.i - b.i);
      columns[l] = keyed.map(k => k.v);
      columns[l].forEach((v, i) => (position[v] = i));
    }
    const crossings = countCrossings(columns, layer, edges);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = columns.map(c => [...c]);
    }
  }
  columns = best;
  return columns;
}

/**
 * Crossings between edges that join neighbouring layers (longer edges are not
 * counted: an approximation good enough to choose between orders).
 */
export function countCrossings(
  columns: ReadonlyArray<ReadonlyArray<number>>,
  layer: ReadonlyArray<number>,
  edges: ReadonlyArray<{ s: number; t: number }>
): number {
  const position = new Map<number, number>();
  columns.forEach(col => col.forEach((v, i) => position.set(v, i)));
  const byLayer = new Map<number, [number, number][]>();
  for (const e of edges) {
    if (layer[e.t] === layer[e.s] + 1) {
      push(byLayer, layer[e.s], [position.get(e.s)!, position.get(e.t)!]);
    }
  }
  let crossings = 0;
  for (const list of byLayer.values()) {
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a1, b1] = list[i];
        const [a2, b2] = list[j];
        if ((a1 - a2) * (b1 - b2) < 0) {
          crossings += 1;
        }
      }
    }
  }
  return crossings;
}
