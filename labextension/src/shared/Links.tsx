import * as React from 'react';

import { formatBytes } from './format';
import * as MM from './types';
import { KindBadge, StatusBadge } from './Badges';

/**
 * A run as a link to its detail view: status dot and name.
 */
export function RunLink(props: {
  run: MM.IRunRef;
  onOpen: (run: MM.IRunRef) => void;
}): JSX.Element {
  const { run } = props;
  return (
    <button
      className="jp-mm-Link jp-mm-RunLink"
      data-run-id={run.id}
      title={`Open run ${run.name || run.id} (${run.id}, ${run.status})`}
      onClick={() => props.onOpen(run)}
    >
      <StatusBadge status={run.status} compact />
      <span className="jp-mm-Link-text">{run.name || run.id}</span>
    </button>
  );
}

/**
 * A version as a link to its artifact: kind, `name:vN` and size.
 */
export function VersionLink(props: {
  version: MM.IVersionRef;
  onOpen: (version: MM.IVersionRef) => void;
  showKind?: boolean;
}): JSX.Element {
  const { version } = props;
  return (
    <span className="jp-mm-VersionLink" data-version-ref={version.ref}>
      {props.showKind !== false && version.kind && (
        <KindBadge kind={version.kind} />
      )}
      <button
        className="jp-mm-Link"
        title={`Open artifact ${version.name}`}
        onClick={() => props.onOpen(version)}
      >
        <span className="jp-mm-Link-text">{version.ref}</span>
      </button>
      <span className="jp-mm-VersionLink-size">
        {formatBytes(version.size)}
      </span>
    </span>
  );
}
