import * as React from 'react';

/**
 * Props of {@link EmptyState}.
 */
export interface IEmptyStateProps {
  /** What is missing: `No artifacts yet`. */
  title: string;
  /** What the list would hold, and how to get the first item. */
  children?: React.ReactNode;
  /** Code to run for the first item (a notebook cell), shown as a block. */
  code?: string;
  /** The command-line way, if there is one. */
  command?: string;
}

/**
 * What an empty sidebar list says before its first item: what it would hold and
 * the code (or command) that makes the first one, as text to copy.
 */
export function EmptyState(props: IEmptyStateProps): JSX.Element {
  return (
    <div className="jp-mm-EmptyState">
      <p className="jp-mm-EmptyState-title">{props.title}</p>
      <p className="jp-mm-EmptyState-text">{props.children}</p>
      {props.code && (
        <pre className="jp-mm-EmptyState-code" aria-label="Code to try">
          <code>{props.code}</code>
        </pre>
      )}
      {props.command && (
        <p className="jp-mm-EmptyState-text">
          From a terminal: <code>{props.command}</code>
        </p>
      )}
    </div>
  );
}
