import * as React from 'react';

/**
 * Props of {@link StatusBadge}.
 */
export interface IStatusBadgeProps {
  /** Run status (`running`, `finished`, `failed`, ...). */
  status: string;
  /** Show a coloured dot (with the status as tooltip and for screen readers). */
  compact?: boolean;
}

const KNOWN = new Set([
  'running',
  'finished',
  'failed',
  'interrupted',
  'killed'
]);

/**
 * A coloured pill showing a run's status.
 */
export function StatusBadge(props: IStatusBadgeProps): JSX.Element {
  const kind = KNOWN.has(props.status) ? props.status : 'unknown';
  const className =
    `jp-mm-StatusBadge jp-mm-StatusBadge-${kind}` +
    (props.compact ? ' jp-mm-mod-compact' : '');
  return (
    <span className={className} title={props.status} data-status={props.status}>
      <span className="jp-mm-StatusBadge-text">{props.status}</span>
    </span>
  );
}
