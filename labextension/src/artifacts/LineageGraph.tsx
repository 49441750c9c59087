import * as React from 'react';

import { formatBytes } from '../shared/format';
import { IPlacedNode, layoutLineage, truncateLabel } from './lineageLayout';
import * as MM from './types';

/**
 * Props of {@link LineageGraph}.
 */
export interface ILineageGraphProps {
  /** The graph, as `GET lineage` returned it. */
  lineage: MM.ILineage;
  /** A run node was clicked (or Enter pressed on it). */
  onOpenRun: (run: MM.IRunRef) => void;
  /** A version node was clicked (or Enter pressed on it). */
  onSelectVersion: (version: MM.IVersionRef) => void;
  /**
   * Scale the drawing down to the width available: always, never, or `auto`
   * (when that keeps labels readable).
   */
  fit?: boolean | 'auto';
}

/** Widest drawing `fit: 'auto'` scales down (about half size on a laptop). */
export const AUTO_FIT_MAX_WIDTH = 2000;

/** Characters that fit on a node's first (bold) and second line. */
const RUN_TITLE_CHARS = 18;
const VERSION_TITLE_CHARS = 19; // monospace
const SUBTITLE_CHARS = 23;

const KNOWN_STATUSES = new Set<string>(MM.RUN_STATUSES);
const KNOWN_KINDS = new Set<string>(MM.ARTIFACT_KINDS);

let nextGraphId = 0;

/**
 * A lineage graph, left to right: versions as boxes, runs as rounded boxes
 * coloured by status, edges with arrows in the direction data flows.
 *
 * Nodes carry `data-node-id`, edges `data-edge="source->target"`. Every label is
 * React text.
 */
export function LineageGraph(props: ILineageGraphProps): JSX.Element {
  const { lineage } = props;
  const layout = React.useMemo(
    () => layoutLineage(lineage.nodes, lineage.edges),
    [lineage]
  );
  const [graphId] = React.useState(() => `jp-mm-lineage-${++nextGraphId}`);
  const byId = React.useMemo(
    () => new Map(lineage.nodes.map(n => [n.id, n])),
    [lineage]
  );
  const [hover, setHover] = React.useState<string | null>(null);
  const viaOf = React.useMemo(
    () => new Map(lineage.edges.map(e => [`${e.source}->${e.target}`, e.via])),
    [lineage]
  );
  const touching = (edge: { source: string; target: string }) =>
    hover !== null && (edge.source === hover || edge.target === hover);
  const fit =
    props.fit === 'auto' || props.fit === undefined
      ? layout.width <= AUTO_FIT_MAX_WIDTH
      : props.fit;

  // Bring the root into view when the graph is wider than the view.
  const svg = React.useRef<SVGSVGElement>(null);
  React.useEffect(() => {
    const root = svg.current?.querySelector('.jp-mm-mod-root');
    if (root && typeof root.scrollIntoView === 'function') {
      root.scrollIntoView({ block: 'nearest', inline: 'center' });
    }
  }, [lineage.root, fit]);

  return (
    <svg
      ref={svg}
      className={'jp-mm-LineageGraph' + (fit ? ' jp-mm-mod-fit' : '')}
      width={layout.width}
      height={layout.height}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="group"
      aria-label="Lineage graph"
    >
      <defs>
        {['input', 'output', 'hover'].map(kind => (
          <marker
            key={kind}
            id={`${graphId}-arrow-${kind}`}
            className={`jp-mm-LineageArrow jp-mm-LineageArrow-${kind}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" />
          </marker>
        ))}
      </defs>
      <g className="jp-mm-LineageEdges">
        {layout.edges.map(edge => {
          const kind = edge.kind === 'input' ? 'input' : 'output';
          const hot = touching(edge);
          // Data passed to fit() (found by fingerprint) is drawn dashed.
          const via = viaOf.get(edge.id) ?? null;
          return (
            <path
              key={edge.id}
              data-edge={edge.id}
              data-edge-kind={edge.kind}
              data-edge-via={via ?? undefined}
              className={
                `jp-mm-LineageEdge jp-mm-LineageEdge-${kind}` +
                (edge.back ? ' jp-mm-mod-back' : '') +
                (hot ? ' jp-mm-mod-hover' : '')
              }
              strokeDasharray={via === 'fit' ? '5 3' : undefined}
              d={edge.path}
              markerEnd={`url(#${graphId}-arrow-${hot ? 'hover' : kind})`}
            >
              {via === 'fit' && <title>passed to fit()</title>}
            </path>
          );
        })}
      </g>
      <g className="jp-mm-LineageNodes">
        {layout.nodes.map(placed => {
          const node = byId.get(placed.id);
          if (!node) {
            return null;
          }
          return (
            <LineageNodeView
              key={placed.id}
              node={node}
              placed={placed}
              root={placed.id === lineage.root}
              onHover={setHover}
              onActivate={() =>
                node.type === 'run'
                  ? props.onOpenRun(node.run)
                  : props.onSelectVersion(node.version)
              }
            />
          );
        })}
      </g>
    </svg>
  );
}

function LineageNodeView(props: {
  node: MM.LineageNode;
  placed: IPlacedNode;
  root: boolean;
  onHover: (id: string | null) => void;
  onActivate: () => void;
}): JSX.Element {
  const { node, placed } = props;
  const { width: w, height: h } = placed;
  let title: string;
  let subtitle: string;
  let tooltip: string;
  let className: string;
  let label: string;
  if (node.type === 'run') {
    const { run } = node;
    const status = KNOWN_STATUSES.has(run.status) ? run.status : 'unknown';
    title = truncateLabel(run.name || run.id, RUN_TITLE_CHARS);
    subtitle = truncateLabel(
      [run.experiment, run.id.slice(0, 8)].filter(Boolean).join(' · '),
      SUBTITLE_CHARS
    );
    tooltip = `Run ${run.name || run.id} (${run.id}, ${run.status})\nClick to open the run`;
    label = `Open run ${run.name || run.id}`;
    className = `jp-mm-LineageNode-run jp-mm-status-${status}`;
  } else {
    const { version } = node;
    const kind = KNOWN_KINDS.has(version.kind) ? version.kind : 'other';
    const suffix = `:v${version.version}`;
    title =
      truncateLabel(
        version.name,
        Math.max(4, VERSION_TITLE_CHARS - suffix.length)
      ) + suffix;
    subtitle = truncateLabel(
      [version.kind, formatBytes(version.size)].filter(Boolean).join(' · '),
      SUBTITLE_CHARS
    );
    tooltip = `${version.ref} (${version.kind}, ${formatBytes(version.size)})\nClick to show its lineage`;
    label = `Show the lineage of ${version.ref}`;
    className = `jp-mm-LineageNode-version jp-mm-kind-${kind}`;
  }
  const isRun = node.type === 'run';
  const textX = isRun ? 28 : 16;
  return (
    <g
      className={
        `jp-mm-LineageNode ${className}` + (props.root ? ' jp-mm-mod-root' : '')
      }
      data-node-id={node.id}
      data-node-type={node.type}
      transform={`translate(${placed.x} ${placed.y})`}
      role="button"
      tabIndex={0}
      aria-label={label}
      onClick={props.onActivate}
      onKeyDown={e => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          props.onActivate();
        }
      }}
      onMouseEnter={() => props.onHover(node.id)}
      onMouseLeave={() => props.onHover(null)}
    >
      <title>{tooltip}</title>
      <rect
        className="jp-mm-LineageNode-box"
        width={w}
        height={h}
        rx={isRun ? h / 2 : 5}
        ry={isRun ? h / 2 : 5}
      />
      {isRun ? (
        <circle className="jp-mm-LineageNode-dot" cx={16} cy={h / 2} r={5} />
      ) : (
        <path
          className="jp-mm-LineageNode-stripe"
          d={`M 6 0 V ${h} H 5 A 5 5 0 0 1 0 ${h - 5} V 5 A 5 5 0 0 1 5 0 Z`}
        />
      )}
      <text className="jp-mm-LineageNode-title" x={textX} y={h / 2 - 3}>
        {title}
      </text>
      <text className="jp-mm-LineageNode-subtitle" x={textX} y={h / 2 + 12}>
        {subtitle}
      </text>
    </g>
  );
}
