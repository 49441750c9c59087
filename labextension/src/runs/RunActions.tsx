import * as React from 'react';

import { IActions } from '../shared/actions';
import { errorMessage } from '../shared/errors';
import { formatTime } from '../shared/format';
import type { IEditDialogs } from './editDialogs';
import { describeEvent, tagLines, tagPatch } from './runEdits';
import type { IRunHousekeepingApi } from './api';
import { IRegistration, RegisterModel } from './RegisterModel';
import * as MM from './types';

/**
 * What a run view needs to edit its run: the endpoints, the experiments to move
 * to, and what to do after a change (catch up with the registry).
 */
export interface IHousekeeping {
  /** The housekeeping endpoints. */
  api: IRunHousekeepingApi;
  /** Known experiment names (for Move). */
  experiments: () => Promise<ReadonlyArray<string>>;
  /** Called after each change the server accepted. */
  changed: () => void;
  /** How to ask for names, notes, tags, experiments and confirmations. */
  dialogs: IEditDialogs;
}

/**
 * Props of {@link RunActions}.
 */
export interface IRunActionsProps {
  /** Everything about the run. */
  detail: MM.IRunDetail;
  /** How to register its model; without it the button is hidden. */
  registration?: IRegistration;
  /** Navigation to the parent run and the registered model. */
  actions?: IActions;
  /** How to edit the run; without it the housekeeping buttons are hidden. */
  housekeeping?: IHousekeeping;
}

/** Whether the run logged a model artifact (autologging's `<run>-model`). */
export function hasModelArtifact(detail: MM.IRunDetail): boolean {
  return detail.artifacts.outputs.some(version => version.kind === 'model');
}

/**
 * The lines under a run's header: the search run a candidate belongs to (a link
 * back), Register model for a run with a model artifact, and the housekeeping
 * toolbar (star, rename, note, tags, move, archive or restore, delete).
 */
export function RunActions(props: IRunActionsProps): JSX.Element | null {
  const { detail, actions } = props;
  const { run, parent } = detail;
  const canRegister =
    props.registration !== undefined && hasModelArtifact(detail);
  if (!parent && !canRegister && !props.housekeeping) {
    return null;
  }
  return (
    <div className="jp-mm-RunActions">
      {parent && (
        <span className="jp-mm-RunParent">
          Candidate of{' '}
          {actions ? (
            <button
              className="jp-mm-Link jp-mm-RunParent-link"
              data-run-id={parent.id}
              title={`Open the search run ${parent.name ?? parent.id}`}
              onClick={() =>
                actions.openRun({
                  id: parent.id,
                  name: parent.name ?? undefined
                })
              }
            >
              {parent.name ?? parent.id}
            </button>
          ) : (
            <code>{parent.name ?? parent.id}</code>
          )}
        </span>
      )}
      {canRegister && props.registration && (
        <RegisterModel
          run={run}
          registration={props.registration}
          reproducibility={detail.reproducibility}
          onOpenModel={
            actions
              ? (name, version) => actions.openModel(name, version)
              : undefined
          }
        />
      )}
      {props.housekeeping && (
        <Housekeeping detail={detail} housekeeping={props.housekeeping} />
      )}
    </div>
  );
}

/**
 * The run's housekeeping toolbar, and the state it is in (archived, deleted).
 */
function Housekeeping(props: {
  detail: MM.IRunDetail;
  housekeeping: IHousekeeping;
}): JSX.Element {
  const { detail, housekeeping } = props;
  const { run } = detail;
  const { api } = housekeeping;
  const { askExperiment, askLine, askTextArea, confirmDelete } =
    housekeeping.dialogs;
  const name = run.name || run.id;
  const [busy, setBusy] = React.useState(false);
  const [error, setError] = React.useState('');
  const write = async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError('');
    try {
      await call();
      housekeeping.changed();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const rename = async () => {
    const value = await askLine({
      title: 'Rename run',
      label: 'Name',
      value: run.name,
      accept: 'Rename'
    });
    if (value !== null && value.trim() && value !== run.name) {
      await write(() => api.updateRun(run.id, { name: value.trim() }));
    }
  };
  const editNote = async () => {
    const value = await askTextArea({
      title: `Note of ${name}`,
      label: 'Note (markdown)',
      value: detail.note,
      placeholder: 'Why this run? What did it show?'
    });
    if (value !== null && value !== detail.note) {
      await write(() => api.updateRun(run.id, { note: value }));
    }
  };
  const editTags = async () => {
    const value = await askTextArea({
      title: `Tags of ${name}`,
      label: 'One key=value per line (remove a line to remove the tag)',
      value: tagLines(run.tags),
      placeholder: 'team=risk'
    });
    if (value === null) {
      return;
    }
    const patch = tagPatch(value, run.tags);
    if ('error' in patch) {
      setError(patch.error);
    } else if (Object.keys(patch.tags).length > 0) {
      await write(() => api.updateRun(run.id, { tags: patch.tags }));
    }
  };
  const move = async () => {
    let experiments: ReadonlyArray<string> = [];
    try {
      experiments = await housekeeping.experiments();
    } catch {
      // A new name can still be typed.
    }
    const experiment = await askExperiment(
      experiments,
      run.experiment,
      `run ${name}`
    );
    if (experiment && experiment !== run.experiment) {
      await write(() => api.moveRun(run.id, experiment));
    }
  };
  const remove = async () => {
    if (await confirmDelete([name])) {
      await write(() => api.deleteRun(run.id));
    }
  };
  const deleted = detail.deleted_at !== null;
  const archived = run.archived_at !== null;
  return (
    <div className="jp-mm-RunHousekeeping">
      <div
        className="jp-mm-RunHousekeeping-tools"
        role="toolbar"
        aria-label="Edit this run"
      >
        <button
          className={
            'jp-mm-Button jp-mm-RunHousekeeping-star' +
            (run.starred ? ' jp-mm-mod-starred' : '')
          }
          aria-pressed={run.starred}
          disabled={busy}
          title={run.starred ? 'Unstar this run' : 'Star this run'}
          onClick={() =>
            void write(() => api.updateRun(run.id, { starred: !run.starred }))
          }
        >
          {run.starred ? '★ Starred' : '☆ Star'}
        </button>
        <button
          className="jp-mm-Button jp-mm-RunHousekeeping-rename"
          disabled={busy}
          onClick={() => void rename()}
        >
          Rename…
        </button>
        <button
          className="jp-mm-Button jp-mm-RunHousekeeping-note"
          disabled={busy}
          onClick={() => void editNote()}
        >
          {detail.note ? 'Edit note…' : 'Add note…'}
        </button>
        <button
          className="jp-mm-Button jp-mm-RunHousekeeping-tags"
          disabled={busy}
          onClick={() => void editTags()}
        >
          Tags…
        </button>
        <button
          className="jp-mm-Button jp-mm-RunHousekeeping-move"
          disabled={busy}
          onClick={() => void move()}
        >
          Move…
        </button>
        {archived || deleted ? (
          <button
            className="jp-mm-Button jp-mm-RunHousekeeping-restore"
            disabled={busy}
            title="Bring the run back into the lists"
            onClick={() => void write(() => api.restoreRun(run.id))}
          >
            Restore
          </button>
        ) : (
          <button
            className="jp-mm-Button jp-mm-RunHousekeeping-archive"
            disabled={busy}
            title="Hide the run from lists (restorable)"
            onClick={() => void write(() => api.archiveRun(run.id))}
          >
            Archive
          </button>
        )}
        {!deleted && (
          <button
            className="jp-mm-Button jp-mm-RunHousekeeping-delete"
            disabled={busy}
            title="Delete the run (restorable until mm-jupyter gc)"
            onClick={() => void remove()}
          >
            Delete…
          </button>
        )}
      </div>
      {(archived || deleted) && (
        <p className="jp-mm-RunHousekeeping-state" role="status">
          {deleted
            ? `Deleted ${formatTime(detail.deleted_at)}: restorable until mm-jupyter gc purges it.`
            : `Archived ${formatTime(run.archived_at)}: hidden from lists unless they show archived runs.`}
        </p>
      )}
      {error && (
        <p className="jp-mm-RunHousekeeping-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * A run's change history, newest first: when, who, and what (as text).
 */
export function RunHistory(props: {
  events: ReadonlyArray<MM.IRunEvent>;
}): JSX.Element {
  const events = [...props.events].reverse();
  return (
    <ol className="jp-mm-RunHistory">
      {events.map((event, i) => (
        <li
          key={i}
          className="jp-mm-RunHistory-event"
          data-action={event.action}
        >
          <time className="jp-mm-RunHistory-time" dateTime={event.at}>
            {formatTime(event.at)}
          </time>
          <span className="jp-mm-RunHistory-user">
            {event.user ?? 'someone'}
          </span>
          <span className="jp-mm-RunHistory-what">{describeEvent(event)}</span>
        </li>
      ))}
    </ol>
  );
}
