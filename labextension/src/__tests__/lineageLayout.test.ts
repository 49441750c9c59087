import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DEFAULT_LAYOUT,
  ILineageLayout,
  layoutLineage,
  truncateLabel
} from '../artifacts/lineageLayout';
import { countCrossings } from '../artifacts/lineageOrder';
import { parseVersionRef, rootNodeId, rootOfNodeId } from '../shared/refs';

const nodes = (...ids: string[]) => ids.map(id => ({ id }));
const edge = (source: string, target: string, kind = '') => ({
  source,
  target,
  kind
});

function layersOf(layout: ILineageLayout): Record<string, number> {
  return Object.fromEntries(layout.nodes.map(n => [n.id, n.layer]));
}

function node(layout: ILineageLayout, id: string) {
  const found = layout.nodes.find(n => n.id === id);
  assert.ok(found, `node ${id}`);
  return found;
}

function overlaps(layout: ILineageLayout): boolean {
  const ns = layout.nodes;
  for (let i = 0; i < ns.length; i++) {
    for (let j = i + 1; j < ns.length; j++) {
      const a = ns[i];
      const b = ns[j];
      if (
        a.x < b.x + b.width &&
        b.x < a.x + a.width &&
        a.y < b.y + b.height &&
        b.y < a.y + a.height
      ) {
        return true;
      }
    }
  }
  return false;
}

describe('layoutLineage', () => {
  it('lays a chain out left to right in the direction data flows', () => {
    const layout = layoutLineage(
      nodes('version:clean:v1', 'run:b', 'version:raw:v1'),
      [
        edge('version:raw:v1', 'run:b', 'input'),
        edge('run:b', 'version:clean:v1', 'output')
      ]
    );
    assert.deepEqual(layersOf(layout), {
      'version:raw:v1': 0,
      'run:b': 1,
      'version:clean:v1': 2
    });
    assert.equal(layout.layers, 3);
    const raw = node(layout, 'version:raw:v1');
    const run = node(layout, 'run:b');
    const clean = node(layout, 'version:clean:v1');
    assert.ok(raw.x < run.x && run.x < clean.x);
    // A straight line: all three at the same height.
    assert.equal(raw.y, run.y);
    assert.equal(run.y, clean.y);
    const { nodeWidth, layerGap, margin } = DEFAULT_LAYOUT;
    assert.equal(layout.width, 2 * margin + 3 * nodeWidth + 2 * layerGap);
    assert.deepEqual(
      layout.edges.map(e => [e.id, e.kind, e.back]),
      [
        ['version:raw:v1->run:b', 'input', false],
        ['run:b->version:clean:v1', 'output', false]
      ]
    );
  });

  it('starts each edge at the right side of its source and ends it at the left side of its target', () => {
    const layout = layoutLineage(nodes('a', 'b'), [edge('a', 'b')]);
    const a = node(layout, 'a');
    const b = node(layout, 'b');
    const numbers = layout.edges[0].path.match(/-?\d+(\.\d+)?/g)!.map(Number);
    assert.equal(numbers[0], a.x + a.width);
    assert.equal(numbers[1], a.y + a.height / 2);
    assert.equal(numbers[numbers.length - 2], b.x);
    assert.equal(numbers[numbers.length - 1], b.y + b.height / 2);
    assert.match(layout.edges[0].path, /^M [\d.]+ [\d.]+ C /);
  });

  it('puts a node after the longest path into it', () => {
    // a → b → c → d and a → d: d is in layer 3, not 1.
    const layout = layoutLineage(nodes('a', 'b', 'c', 'd'), [
      edge('a', 'b'),
      edge('b', 'c'),
      edge('c', 'd'),
      edge('a', 'd')
    ]);
    assert.deepEqual(layersOf(layout), { a: 0, b: 1, c: 2, d: 3 });
  });

  it('moves a source next to its nearest consumer', () => {
    // raw → prep → clean → train → model, and params → train.
    const layout = layoutLineage(
      nodes('raw', 'prep', 'clean', 'train', 'model', 'params'),
      [
        edge('raw', 'prep'),
        edge('prep', 'clean'),
        edge('clean', 'train'),
        edge('train', 'model'),
        edge('params', 'train')
      ]
    );
    const layers = layersOf(layout);
    assert.equal(layers.params, 2);
    assert.equal(layers.clean, 2);
    assert.equal(layers.train, 3);
    assert.ok(!overlaps(layout));
  });

  it('stacks fan-out without overlaps and spreads the ports', () => {
    const layout = layoutLineage(nodes('run', 'o1', 'o2', 'o3'), [
      edge('run', 'o1'),
      edge('run', 'o2'),
      edge('run', 'o3')
    ]);
    assert.deepEqual(layersOf(layout), { run: 0, o1: 1, o2: 1, o3: 1 });
    assert.ok(!overlaps(layout));
    const starts = layout.edges.map(e =>
      e.path.split(' ').slice(1, 3).join(' ')
    );
    assert.equal(new Set(starts).size, 3);
    // The run is centred on its three outputs.
    const run = node(layout, 'run');
    const o2 = node(layout, 'o2');
    assert.equal(run.y, o2.y);
  });

  it('orders layers to avoid crossings', () => {
    // Input order invites a crossing: a→y, b→x with x listed before y.
    const layout = layoutLineage(nodes('a', 'b', 'x', 'y'), [
      edge('a', 'y'),
      edge('b', 'x')
    ]);
    const a = node(layout, 'a');
    const b = node(layout, 'b');
    const x = node(layout, 'x');
    const y = node(layout, 'y');
    assert.equal(Math.sign(a.y - b.y), Math.sign(y.y - x.y));
  });

  it('draws an edge that closes a cycle as a back edge and still terminates', () => {
    // A run that logged content identical to what it used.
    const layout = layoutLineage(nodes('version:a:v1', 'run:r'), [
      edge('version:a:v1', 'run:r', 'input'),
      edge('run:r', 'version:a:v1', 'output')
    ]);
    assert.deepEqual(layersOf(layout), { 'version:a:v1': 0, 'run:r': 1 });
    assert.deepEqual(
      layout.edges.map(e => e.back),
      [false, true]
    );
    // Room below the nodes for the loop.
    const lowest = Math.max(...layout.nodes.map(n => n.y + n.height));
    assert.ok(layout.height > lowest + DEFAULT_LAYOUT.margin);
  });

  it('drops unknown ends, self-loops and duplicates; keeps isolated nodes', () => {
    const layout = layoutLineage(nodes('a', 'b', 'lonely'), [
      edge('a', 'b'),
      edge('a', 'b'),
      edge('a', 'a'),
      edge('a', 'ghost')
    ]);
    assert.deepEqual(
      layout.edges.map(e => e.id),
      ['a->b']
    );
    assert.equal(node(layout, 'lonely').layer, 0);
    assert.ok(!overlaps(layout));
  });

  it('handles an empty graph and a single node', () => {
    const empty = layoutLineage([], []);
    assert.equal(empty.nodes.length, 0);
    assert.equal(empty.layers, 0);
    assert.ok(empty.width > 0 && empty.height > 0);
    const one = layoutLineage(nodes('run:x'), []);
    assert.equal(one.layers, 1);
    assert.equal(one.nodes[0].x, DEFAULT_LAYOUT.margin);
  });

  it('lays out a long chain without recursion limits', () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `n${i}`);
    const es = ids.slice(1).map((id, i) => edge(ids[i], id));
    const layout = layoutLineage(nodes(...ids), es);
    assert.equal(layout.layers, 5000);
  });

  it('fits every node inside the drawing', () => {
    const layout = layoutLineage(nodes('a', 'b', 'c', 'd', 'e'), [
      edge('a', 'c'),
      edge('b', 'c'),
      edge('c', 'd'),
      edge('c', 'e')
    ]);
    for (const n of layout.nodes) {
      assert.ok(n.x >= 0 && n.y >= 0);
      assert.ok(n.x + n.width <= layout.width);
      assert.ok(n.y + n.height <= layout.height);
    }
  });
});

describe('countCrossings', () => {
  it('counts crossing edges between neighbouring layers', () => {
    const layer = [0, 0, 1, 1];
    const edges = [
      { s: 0, t: 3 },
      { s: 1, t: 2 }
    ];
    assert.equal(
      countCrossings(
        [
          [0, 1],
          [2, 3]
        ],
        layer,
        edges
      ),
      1
    );
    assert.equal(
      countCrossings(
        [
          [0, 1],
          [3, 2]
        ],
        layer,
        edges
      ),
      0
    );
  });
});

describe('lineage helpers', () => {
  it('truncates labels with an ellipsis', () => {
    assert.equal(truncateLabel('short', 10), 'short');
    assert.equal(truncateLabel('a-very-long-name', 8), 'a-very-…');
    assert.equal(Array.from(truncateLabel('😀😀😀😀', 3)).length, 3);
  });

  it('parses version refs, names with colons included', () => {
    assert.deepEqual(parseVersionRef('churn-clean:v2'), {
      name: 'churn-clean',
      version: 2
    });
    assert.deepEqual(parseVersionRef('a:b:v10'), { name: 'a:b', version: 10 });
    assert.equal(parseVersionRef('churn'), null);
    assert.equal(parseVersionRef(':v1'), null);
  });

  it('maps roots to node ids and back', () => {
    assert.equal(rootNodeId({ kind: 'run', id: 'abc' }), 'run:abc');
    assert.equal(rootNodeId({ kind: 'version', ref: 'x:v1' }), 'version:x:v1');
    assert.deepEqual(rootOfNodeId('run:abc'), { kind: 'run', id: 'abc' });
    assert.deepEqual(rootOfNodeId('version:x:y:v3'), {
      kind: 'version',
      ref: 'x:y:v3'
    });
    assert.equal(rootOfNodeId('version:nope'), null);
    assert.equal(rootOfNodeId('other:1'), null);
  });
});
