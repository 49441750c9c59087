import * as React from 'react';

import { formatNumber } from '../shared/format';
import { StatusBadge } from '../shared/Badges';
import * as MM from './types';

/**
 * Props of {@link RunCandidates}.
 */
export interface IRunCandidatesProps {
  /** The search run's candidates, best first. */
  candidates: MM.ICandidates;
  /** Open a candidate's run view. */
  onOpen: (run: { id: string; name: string }) => void;
}

/** A param value as a cell's text (strings as they are, the rest as JSON). */
function paramText(value: MM.JSONValue | undefined): string {
  if (value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A search run's candidates as a table: rank, the params that vary between them,
 * and their score, best first; each row opens the candidate. Names and values are
 * rendered as text.
 */
export function RunCandidates(props: IRunCandidatesProps): JSX.Element {
  const { candidates } = props;
  const { score } = candidates;
  const shown = candidates.runs.length;
  return (
    <div className="jp-mm-Candidates">
      <table className="jp-mm-Candidates-table">
        <thead>
          <tr>
            {score.rank && <th title={score.rank}>Rank</th>}
            {candidates.params.map(key => (
              <th key={key} title={`Param ${key}`}>
                {key}
              </th>
            ))}
            <th
              className="jp-mm-mod-numeric"
              title={score.mean ?? 'No score recorded'}
            >
              {score.mean ?? 'Score'}
            </th>
            <th />
          </tr>
        </thead>
        <tbody>
          {candidates.runs.map(run => (
            <tr
              key={run.id}
              data-run-id={run.id}
              className="jp-mm-Candidates-row"
              tabIndex={0}
              title={`Open run ${run.name}`}
              onClick={() => props.onOpen(run)}
              onKeyDown={e => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  props.onOpen(run);
                }
              }}
            >
              {score.rank && (
                <td className="jp-mm-mod-numeric">
                  {run.rank === null ? '' : formatNumber(run.rank)}
                </td>
              )}
              {candidates.params.map(key => (
                <td key={key}>{paramText(run.params[key])}</td>
              ))}
              <td
                className="jp-mm-mod-numeric"
                title={
                  run.std === null
                    ? undefined
                    : `standard deviation ${formatNumber(run.std)}`
                }
              >
                {run.score === null ? '' : formatNumber(run.score)}
                {run.std !== null && (
                  <span className="jp-mm-Candidates-std">
                    {' ± '}
                    {formatNumber(run.std)}
                  </span>
                )}
              </td>
              <td>
                <StatusBadge status={run.status} compact />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {candidates.total > shown && (
        <p className="jp-mm-Empty">
          The best {shown} of {candidates.total} candidates; list them all with
          “Show candidates” in the runs list.
        </p>
      )}
    </div>
  );
}
