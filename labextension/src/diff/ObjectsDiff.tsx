import * as React from 'react';

import { LineDiffView } from './NotebookDiff';
import { Diff } from './types';

/**
 * Props of {@link ObjectsDiff}.
 */
export interface IObjectsDiffProps {
  /** The custom objects' diff; null against a notebook on disk. */
  objects: Diff.IObjects | null;
}

type Status = 'changed' | 'added' | 'removed';

function Heading(props: {
  status: Status;
  name: string;
  kind: string;
  module: string;
}): JSX.Element {
  const note = {
    changed: 'changed',
    added: 'only in B',
    removed: 'only in A'
  }[props.status];
  return (
    <summary className="jp-mm-DiffObject-summary">
      <span className="jp-mm-Object-name">{props.name}</span>
      <span className={`jp-mm-Object-kind jp-mm-mod-${props.kind}`}>
        {props.kind}
      </span>
      <span className="jp-mm-Object-module">{props.module}</span>
      <span className="jp-mm-DiffTable-status">{note}</span>
    </summary>
  );
}

/**
 * Which custom functions and classes changed between the runs: each changed one
 * with a line diff of its source, added and removed ones with their source
 * (collapsed), and how many are the same. All plain text.
 */
export function ObjectsDiff(props: IObjectsDiffProps): JSX.Element {
  const { objects } = props;
  if (objects === null) {
    return (
      <div className="jp-mm-Empty">
        Custom objects are compared between two runs.
      </div>
    );
  }
  const same = objects.unchanged.length;
  const changes =
    objects.changed.length + objects.added.length + objects.removed.length;
  return (
    <div className="jp-mm-ObjectsDiff">
      {changes === 0 && (
        <div className="jp-mm-Empty">No custom object differences.</div>
      )}
      {objects.changed.map(o => (
        <details
          key={`changed:${o.module}.${o.name}`}
          className="jp-mm-DiffObject jp-mm-DiffRow jp-mm-mod-changed"
          data-object={o.name}
          data-status="changed"
          open
        >
          <Heading status="changed" {...o} />
          <LineDiffView diff={o.source} />
        </details>
      ))}
      {(['added', 'removed'] as const).map(status =>
        objects[status].map(o => (
          <details
            key={`${status}:${o.module}.${o.name}:${o.digest}`}
            className={`jp-mm-DiffObject jp-mm-DiffRow jp-mm-mod-${status}`}
            data-object={o.name}
            data-status={status}
          >
            <Heading status={status} {...o} />
            <pre className="jp-mm-Code jp-mm-Object-source">{o.source}</pre>
          </details>
        ))
      )}
      {same > 0 && (
        <div className="jp-mm-DiffNote">{`${same} custom object${same === 1 ? '' : 's'} the same in both`}</div>
      )}
    </div>
  );
}
