import * as React from 'react';

/** Where the docs of tracking live (the project's README on the package index). */
export const DOCS_URL = 'https://pypi.org/project/mm-jupyter/';

/**
 * What an empty run list says: how to record a first run, or, when filters hide
 * every run, how to see them again.
 */
export function RunsEmptyState(props: {
  /** Whether filters (rather than an empty registry) hide every run. */
  filtered: boolean;
  /** Clear the filters; without it no button is shown. */
  onClear?: () => void;
}): JSX.Element {
  if (props.filtered) {
    return (
      <div className="jp-mm-EmptyState">
        <p className="jp-mm-EmptyState-title">No runs match these filters.</p>
        {props.onClear && (
          <button className="jp-mm-Button" onClick={props.onClear}>
            Clear filters
          </button>
        )}
      </div>
    );
  }
  return (
    <div className="jp-mm-EmptyState">
      <p className="jp-mm-EmptyState-title">No runs yet.</p>
      <p>Track a notebook cell to record its first run:</p>
      <pre className="jp-mm-EmptyState-code">
        {
          '%load_ext mm_jupyter\n\n%%mm_track --name baseline\nlr = 0.1\nmm.log_metric("acc", 0.93)'
        }
      </pre>
      <p>
        Params, metrics, outputs and figures are recorded; the run shows here at
        once.{' '}
        <a href={DOCS_URL} target="_blank" rel="noopener noreferrer">
          Read the docs
        </a>
      </p>
    </div>
  );
}
