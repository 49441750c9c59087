import * as React from 'react';

import {
  CellItem,
  diffLines,
  groupCells,
  imageDataUrl,
  outputText
} from './rules';
import { Diff } from './types';
import { stripAnsi } from '../shared/format';

/** A line diff: one element per line with `data-diff-op`. */
export function LineDiffView(props: {
  diff: Diff.LineDiff;
  empty?: string;
}): JSX.Element {
  const rows = diffLines(props.diff);
  if (!rows.length) {
    return <div className="jp-mm-Empty">{props.empty ?? 'Empty.'}</div>;
  }
  return (
    <div className="jp-mm-LineDiff" role="table">
      {rows.map((r, i) => (
        <div
          key={i}
          role="row"
          data-diff-op={r.op}
          className={`jp-mm-diff-line jp-mm-diff-line-${r.op}`}
        >
          <span className="jp-mm-diff-lineno">{r.aLine ?? ''}</span>
          <span className="jp-mm-diff-lineno">{r.bLine ?? ''}</span>
          <span className="jp-mm-diff-sign" aria-hidden="true">
            {r.op === 'insert' ? '+' : r.op === 'delete' ? '−' : ' '}
          </span>
          <span className="jp-mm-diff-text">{r.text}</span>
        </div>
      ))}
    </div>
  );
}

export function NotebookDiffView(props: {
  notebook: Diff.INotebook;
}): JSX.Element {
  const { notebook } = props;
  const [expanded, setExpanded] = React.useState<Set<number>>(new Set());
  const items = groupCells(notebook.cells);
  const summary = Object.entries(notebook.summary).filter(([, n]) => n > 0);
  return (
    <div className="jp-mm-NotebookDiff">
      <div className="jp-mm-NotebookDiff-paths">
        <span title="Notebook of A">{`A: ${notebook.a_path || '—'}`}</span>
        <span title="Notebook of B">{`B: ${notebook.b_path || '—'}`}</span>
      </div>
      {summary.length > 0 && (
        <div className="jp-mm-NotebookDiff-summary">
          {summary.map(([k, n]) => (
            <span
              key={k}
              className={`jp-mm-CellBadge jp-mm-mod-${k}`}
            >{`${n} ${k}`}</span>
          ))}
        </div>
      )}
      {items.map(item =>
        item.kind === 'unchanged' && !expanded.has(item.first) ? (
          <button
            key={`u${item.first}`}
            className="jp-mm-NotebookDiff-expander"
            data-unchanged={item.cells.length}
            onClick={() => setExpanded(new Set(expanded).add(item.first))}
          >
            {`${item.cells.length} unchanged cell${item.cells.length === 1 ? '' : 's'}`}
          </button>
        ) : (
          <CellGroup key={`c${cellKey(item)}`} item={item} />
        )
      )}
    </div>
  );
}

function cellKey(item: CellItem): number {
  return item.kind === 'cell' ? item.index : item.first;
}

function CellGroup(props: { item: CellItem }): JSX.Element {
  const { item } = props;
  const cells =
    item.kind === 'cell'
      ? [{ cell: item.cell, index: item.index }]
      : item.cells.map((cell, i) => ({ cell, index: item.first + i }));
  return (
    <>
      {cells.map(({ cell, index }) => (
        <CellDiff key={index} cell={cell} />
      ))}
    </>
  );
}

function CellDiff(props: { cell: Diff.ICell }): JSX.Element {
  const { cell } = props;
  const outputs =
    cell.outputs?.changed && cell.outputs.a.length + cell.outputs.b.length > 0
      ? cell.outputs
      : null;
  const where =
    cell.a_index !== null &&
    cell.b_index !== null &&
    cell.a_index !== cell.b_index
      ? `[${cell.a_index + 1}] → [${cell.b_index + 1}]`
      : `[${(cell.b_index ?? cell.a_index ?? 0) + 1}]`;
  return (
    <div
      className={`jp-mm-CellDiff jp-mm-mod-${cell.status}`}
      data-cell-status={cell.status}
    >
      <div className="jp-mm-CellDiff-header">
        <span className={`jp-mm-CellBadge jp-mm-mod-${cell.status}`}>
          {cell.status}
        </span>
        <span className="jp-mm-CellDiff-where">{where}</span>
        <span className="jp-mm-CellDiff-type">{cell.cell_type}</span>
        {cell.metadata_changed && (
          <span className="jp-mm-CellDiff-meta">metadata changed</span>
        )}
        {outputs && (
          <span className="jp-mm-CellDiff-meta">outputs changed</span>
        )}
      </div>
      {cell.source.length > 0 && <LineDiffView diff={cell.source} />}
      {outputs && (
        <div className="jp-mm-OutputsDiff">
          <OutputsSide side="A" outputs={outputs.a} />
          <OutputsSide side="B" outputs={outputs.b} />
        </div>
      )}
    </div>
  );
}

function OutputsSide(props: {
  side: string;
  outputs: Diff.IOutput[];
}): JSX.Element {
  return (
    <div className="jp-mm-OutputsDiff-side" data-side={props.side}>
      <div className="jp-mm-OutputsDiff-title">{props.side}</div>
      {props.outputs.length === 0 && (
        <div className="jp-mm-Empty">no outputs</div>
      )}
      {props.outputs.map((o, i) => (
        <DiffOutput key={i} output={o} />
      ))}
    </div>
  );
}

function DiffOutput(props: { output: Diff.IOutput }): JSX.Element {
  const { output } = props;
  for (const mime of ['image/png', 'image/jpeg']) {
    const data = output.data[mime];
    const src = data ? imageDataUrl(mime, data) : null;
    if (src) {
      return <img className="jp-mm-OutputsDiff-image" src={src} alt={mime} />;
    }
  }
  const text = outputText(output);
  if (text !== null) {
    return (
      <pre
        className={
          'jp-mm-OutputsDiff-text' +
          (output.name === 'stderr' || output.output_type === 'error'
            ? ' jp-mm-mod-stderr'
            : '')
        }
      >
        {stripAnsi(text)}
      </pre>
    );
  }
  const mimes = Object.keys(output.data);
  return (
    <div className="jp-mm-Empty">
      {mimes.length ? `(${mimes.join(', ')})` : `(${output.output_type})`}
    </div>
  );
}
