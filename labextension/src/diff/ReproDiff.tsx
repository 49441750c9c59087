import * as React from 'react';

import { ReproIssues } from '../shared/ReproBadge';
import { Diff } from './types';

/** How a verdict reads on one side. */
function statusText(status: string | null): string {
  return status ?? 'not analysed';
}

/**
 * The hidden-state verdicts of the two runs (a → b), the issues only one has,
 * and, when one run re-ran the other, whether it reproduced it.
 */
export function ReproDiff(props: {
  repro: Diff.IReproDiff;
  /** Open a run (the original or the re-run). */
  onOpenRun?: (id: string) => void;
}): JSX.Element {
  const { repro, onOpenRun } = props;
  const run = (id: string) =>
    onOpenRun ? (
      <button
        className="jp-mm-Link"
        title={`Open run ${id}`}
        onClick={() => onOpenRun(id)}
      >
        {id}
      </button>
    ) : (
      <code>{id}</code>
    );
  return (
    <div className="jp-mm-ReproDiff">
      <p
        className={
          'jp-mm-ReproDiff-status' + (repro.changed ? ' jp-mm-mod-changed' : '')
        }
      >
        {`A ${statusText(repro.a)} → B ${statusText(repro.b)}`}
        {!repro.changed && ' (unchanged)'}
      </p>
      {repro.added.length > 0 && (
        <>
          <p className="jp-mm-ReproDiff-heading">Only in B</p>
          <ReproIssues issues={repro.added} />
        </>
      )}
      {repro.removed.length > 0 && (
        <>
          <p className="jp-mm-ReproDiff-heading">Only in A</p>
          <ReproIssues issues={repro.removed} />
        </>
      )}
      {repro.rerun && (
        <p className="jp-mm-ReproDiff-rerun">
          {run(repro.rerun.rerun)} re-ran {run(repro.rerun.original)}:{' '}
          <strong>
            {repro.rerun.reproduced ? 'reproduced ✓' : 'not reproduced'}
          </strong>
        </p>
      )}
    </div>
  );
}
