/**
 * How a run's hidden-state analysis shows: a badge (the run view's header, the
 * runs table, the run output of a tracked cell) and the list of its issues.
 * Names and messages are untrusted: rendered as text through React.
 */
import * as React from 'react';

import {
  cellLabel,
  IReproducibility,
  IReproIssue,
  issueCellId,
  reproBadge
} from './reproducibility';

/**
 * The badge of a run's analysis: a quiet check when clean, a warning-coloured
 * pill with the count, a grey `?` when unknown, nothing for older runs.
 */
export function ReproBadge(props: {
  /** The analysis, or null (no badge). */
  reproducibility: IReproducibility | null;
  /** The table's form: a symbol and the count. */
  compact?: boolean;
}): JSX.Element | null {
  const badge = reproBadge(props.reproducibility, props.compact);
  if (badge.kind === 'none') {
    return null;
  }
  return (
    <span
      className={
        `jp-mm-ReproBadge jp-mm-ReproBadge-${badge.kind}` +
        (props.compact ? ' jp-mm-mod-compact' : '')
      }
      title={badge.title}
      aria-label={badge.title}
      data-repro={badge.kind}
    >
      {badge.text}
    </span>
  );
}

/**
 * Props of {@link ReproIssues}.
 */
export interface IReproIssuesProps {
  /** The issues, in the server's order. */
  issues: ReadonlyArray<IReproIssue>;
  /**
   * Open the notebook at a defining cell (by its cell id); without it, issues
   * have no button.
   */
  onOpenCell?: (cellId: string, issue: IReproIssue) => void;
  /** The text of the button (default "Open notebook at this cell"). */
  openLabel?: string;
}

/**
 * The issues of an analysis, one per line: the explanation, the executed cell
 * that defined the name, and a button to that cell when it is still in the
 * notebook.
 */
export function ReproIssues(props: IReproIssuesProps): JSX.Element {
  const { onOpenCell } = props;
  const label = props.openLabel ?? 'Open notebook at this cell';
  return (
    <ul className="jp-mm-ReproIssues">
      {props.issues.map((issue, i) => {
        const cellId = issueCellId(issue);
        return (
          <li
            key={i}
            className="jp-mm-ReproIssue"
            data-kind={issue.kind}
            data-name={issue.name}
          >
            <span className="jp-mm-ReproIssue-message">{issue.message}</span>
            {issue.read_by && (
              <span className="jp-mm-ReproIssue-readBy">
                {` read by ${cellLabel(issue.read_by)}`}
              </span>
            )}
            {cellId && onOpenCell && issue.defined_in && (
              <button
                className="jp-mm-Link jp-mm-ReproIssue-open"
                title={`Open the notebook at the cell that defined ${issue.name} (${cellLabel(issue.defined_in)})`}
                onClick={() => onOpenCell(cellId, issue)}
              >
                {label}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
