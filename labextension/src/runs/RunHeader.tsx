import * as React from 'react';

import { formatDuration, formatTime, runDuration } from '../shared/format';
import * as MM from './types';
import { TagsFact } from '../shared/Facts';
import { StatusBadge } from '../shared/Badges';
import { ReproBadge } from '../shared/ReproBadge';
import { IActions } from '../shared/actions';

/**
 * Props of {@link RunHeader}.
 */
export interface IRunHeaderProps {
  /** The run. */
  run: MM.IRunSummary;
  /** Navigation; without it there is no "Open notebook at this cell". */
  actions?: IActions;
  /** The run's hidden-state analysis, when not the summary's. */
  reproducibility?: MM.IReproducibility | null;
}

/**
 * Name, status and the facts of a run, as a definition list.
 */
export function RunHeader(props: IRunHeaderProps): JSX.Element {
  const { run } = props;
  const who = [run.user, run.host].filter(Boolean).join('@');
  const facts: [string, string][] = [
    ['Run id', run.id],
    ['Experiment', run.experiment],
    ['Started', formatTime(run.started_at)],
    ['Finished', formatTime(run.finished_at)],
    ['Duration', formatDuration(runDuration(run))],
    ['User', who],
    ['Notebook', run.notebook_path ?? '']
  ];
  return (
    <header className="jp-mm-RunHeader">
      <div className="jp-mm-RunHeader-title">
        <h1 className="jp-mm-RunHeader-name">{run.name || run.id}</h1>
        <StatusBadge status={run.status} />
        <ReproBadge
          reproducibility={props.reproducibility ?? run.reproducibility}
        />
      </div>
      <dl className="jp-mm-Facts">
        {facts
          .filter(([, value]) => value !== '')
          .map(([label, value]) => (
            <React.Fragment key={label}>
              <dt>{label}</dt>
              <dd title={value}>{value}</dd>
            </React.Fragment>
          ))}
        <TagsFact tags={run.tags} />
      </dl>
      {run.notebook_path && props.actions && (
        <OpenCellButton run={run} open={props.actions.openNotebookCell} />
      )}
    </header>
  );
}

/**
 * "Open notebook at this cell": the notebook the run was tracked in, opened at that
 * cell (its id, else its recorded source).
 */
function OpenCellButton(props: {
  run: MM.IRunSummary;
  open: IActions['openNotebookCell'];
}): JSX.Element {
  const { run } = props;
  return (
    <button
      className="jp-mm-Button jp-mm-RunHeader-openCell"
      title={`Open ${run.notebook_path ?? ''} at the cell this run was tracked in`}
      onClick={() =>
        props.open({
          id: run.id,
          notebook_path: run.notebook_path ?? '',
          cell_id: run.cell_id
        })
      }
    >
      Open notebook at this cell
    </button>
  );
}
