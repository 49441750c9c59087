import * as React from 'react';

/**
 * Props of {@link StatusBadge}.
 */
export interface IStatusBadgeProps {
  /** Run status (`running`, `finished`, `failed`, ...). */
  status: string;
}

const KNOWN = new Set(['running', 'finished', 'failed', 'interrupted', 'killed']);

/**
 * A coloured pill showing a run's status.
 */
export function StatusBadge(props: IStatusBadgeProps): JSX.Element {
  const kind = KNOWN.has(props.status) ? props.status : 'unknown';
  return (
    <span
      className={`jp-mm-StatusBadge jp-mm-StatusBadge-${kind}`}
      title={props.status}
    >
      {props.status}
    </span>
  );
}
