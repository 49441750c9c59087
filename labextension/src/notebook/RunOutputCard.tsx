import * as React from 'react';

import { StatusBadge } from '../shared/Badges';
import { errorMessage } from '../shared/errors';
import { formatDuration } from '../shared/format';
import {
  refusalQuestion,
  registrationWarning
} from '../shared/reproducibility';
import { OutputReproducibility } from './OutputReproducibility';
import {
  confirmationText,
  IArtifactRegistration,
  IRegisteredVersion,
  IOutputModel,
  IRunOutput,
  pairsText,
  registrationBody
} from './runOutput';

/**
 * What the card can do; the renderer supplies it (tests fake it).
 */
export interface IRunOutputActions {
  /** Open the run's view. */
  openRun(id: string, name: string): void;
  /** Open a registered model's view at a version. */
  openModel(name: string, version: number): void;
  /**
   * Open the notebook at the run's cell, or, without `runId`, at the cell with
   * `cellId` (the one that defined a name the run used).
   */
  openCell(path: string, cellId: string | null, runId: string | null): void;
  /** Register a model artifact of the run (`POST models`). */
  register(body: IArtifactRegistration): Promise<IRegisteredVersion>;
}

/**
 * Props of {@link RunOutputCard}.
 */
export interface IRunOutputCardProps {
  /** The decoded output. */
  output: IRunOutput;
  /** What the card can do. */
  actions: IRunOutputActions;
  /**
   * The registry the server reads when it is not the run's (open and Register
   * would find another registry's runs), else null.
   */
  otherRegistry: string | null;
}

type RegisterState =
  | { kind: 'closed' }
  | { kind: 'open' }
  | { kind: 'confirm'; question: string }
  | { kind: 'busy' }
  | { kind: 'done'; version: IRegisteredVersion }
  | { kind: 'failed'; message: string };

/**
 * The run output of a tracked cell: status, name (opens the run), experiment,
 * duration, a few params and metrics, and Register for the model the run stored.
 * Every value is text (React escapes it): run names and params are untrusted.
 */
export function RunOutputCard(props: IRunOutputCardProps): JSX.Element {
  const { output, actions, otherRegistry } = props;
  const { run } = output;
  const duration = formatDuration(run.duration_s);
  const usable = otherRegistry === null;
  return (
    <div className="jp-mm-RunOutput" data-run-id={run.id}>
      <div className="jp-mm-RunOutput-title">
        <StatusBadge status={run.status} compact />
        <button
          className="jp-mm-Link jp-mm-RunOutput-name"
          title={`Open run ${run.name || run.id}`}
          disabled={!usable}
          onClick={() => actions.openRun(run.id, run.name)}
        >
          {run.name || run.id}
        </button>
        <span className="jp-mm-RunOutput-facts">
          {[run.experiment, duration, run.id].filter(Boolean).join(' · ')}
        </span>
        {run.notebook_path && (
          <button
            className="jp-mm-Link jp-mm-RunOutput-cell"
            title="Open the notebook this run was tracked in, at its cell"
            onClick={() =>
              actions.openCell(run.notebook_path ?? '', run.cell_id, run.id)
            }
          >
            Go to cell
          </button>
        )}
      </div>
      <div className="jp-mm-RunOutput-line">
        <span className="jp-mm-RunOutput-label">params</span>{' '}
        {pairsText(output.params, output.n_params)}
      </div>
      <div className="jp-mm-RunOutput-line">
        <span className="jp-mm-RunOutput-label">metrics</span>{' '}
        {pairsText(output.metrics, output.n_metrics)}
      </div>
      <OutputReproducibility
        reproducibility={output.reproducibility}
        onOpenCell={
          run.notebook_path
            ? cellId => actions.openCell(run.notebook_path ?? '', cellId, null)
            : undefined
        }
      />
      {otherRegistry !== null && (
        <div className="jp-mm-RunOutput-note" role="note">
          This run is in another registry than the one the server reads (
          {otherRegistry}): it cannot be opened or registered from here.
        </div>
      )}
      {usable && output.models.length > 0 && (
        <RegisterFromOutput output={output} actions={actions} />
      )}
    </div>
  );
}

/** One choice of the model picker. */
function modelLabel(model: IOutputModel): string {
  return `${model.variable || model.artifact} (${model.class}) · ${model.artifact}`;
}

/**
 * Register one of the run's stored models: pick it (when several), name it
 * (default: its variable), alias it (optional), then `registered NAME:N (alias a)`
 * linking to the model, or the server's refusal as text.
 */
function RegisterFromOutput(props: {
  output: IRunOutput;
  actions: IRunOutputActions;
}): JSX.Element {
  const { output, actions } = props;
  const { models } = output;
  const [state, setState] = React.useState<RegisterState>({ kind: 'closed' });
  const [picked, setPicked] = React.useState(0);
  const [name, setName] = React.useState(models[0].variable);
  const [alias, setAlias] = React.useState('');
  const ids = `jp-mm-RunOutput-${output.run.id}`;
  const warning = registrationWarning(output.reproducibility);
  const submit = async (confirmed: boolean) => {
    if (warning !== null && !confirmed) {
      setState({ kind: 'confirm', question: warning });
      return;
    }
    setState({ kind: 'busy' });
    try {
      const body = registrationBody(
        output.run.id,
        models[picked],
        name,
        alias,
        confirmed
      );
      setState({ kind: 'done', version: await actions.register(body) });
    } catch (err) {
      // A run analysed since this output was saved: ask, then send again.
      const question = confirmed ? null : refusalQuestion(err);
      setState(
        question
          ? { kind: 'confirm', question }
          : { kind: 'failed', message: errorMessage(err) }
      );
    }
  };
  if (state.kind === 'closed') {
    return (
      <div className="jp-mm-RunOutput-register">
        <button
          className="jp-mm-Button jp-mm-RunOutput-registerOpen"
          title="Register the model this run stored as a new model version"
          onClick={() => setState({ kind: 'open' })}
        >
          Register model…
        </button>
      </div>
    );
  }
  if (state.kind === 'done') {
    // confirmationText(version), with the reference as a link to the model
    const { version } = state;
    return (
      <div
        className="jp-mm-RunOutput-register"
        role="status"
        aria-label={confirmationText(version)}
      >
        <span className="jp-mm-RunOutput-done">registered </span>
        <button
          className="jp-mm-Link jp-mm-RunOutput-modelLink"
          title={`Open model ${version.name}`}
          onClick={() => actions.openModel(version.name, version.version)}
        >
          {version.ref}
        </button>
        {version.aliases.length > 0 && ` (alias ${version.aliases.join(', ')})`}
      </div>
    );
  }
  return (
    <form
      className="jp-mm-RunOutput-register jp-mm-RunOutput-form"
      onSubmit={event => {
        event.preventDefault();
        void submit(false);
      }}
    >
      {models.length > 1 && (
        <label htmlFor={`${ids}-model`}>
          Model
          <select
            id={`${ids}-model`}
            className="jp-mod-styled jp-mm-RunOutput-model"
            value={picked}
            onChange={event => {
              const index = Number(event.target.value);
              setPicked(index);
              setName(models[index].variable);
            }}
          >
            {models.map((model, index) => (
              <option key={model.artifact} value={index}>
                {modelLabel(model)}
              </option>
            ))}
          </select>
        </label>
      )}
      {models.length === 1 && (
        <span className="jp-mm-RunOutput-picked" title={models[0].artifact}>
          {modelLabel(models[0])}
        </span>
      )}
      <label htmlFor={`${ids}-name`}>
        Model name
        <input
          id={`${ids}-name`}
          className="jp-mod-styled jp-mm-RunOutput-modelName"
          value={name}
          required
          onChange={event => setName(event.target.value)}
        />
      </label>
      <label htmlFor={`${ids}-alias`}>
        Alias
        <input
          id={`${ids}-alias`}
          className="jp-mod-styled jp-mm-RunOutput-alias"
          placeholder="optional, e.g. champion"
          value={alias}
          onChange={event => setAlias(event.target.value)}
        />
      </label>
      <button
        type="submit"
        className="jp-mm-Button jp-mm-RunOutput-registerSubmit"
        disabled={
          state.kind === 'busy' || state.kind === 'confirm' || !name.trim()
        }
      >
        {state.kind === 'busy' ? 'Registering…' : 'Register'}
      </button>
      <button
        type="button"
        className="jp-mm-Button jp-mm-RunOutput-registerCancel"
        onClick={() => setState({ kind: 'closed' })}
      >
        Cancel
      </button>
      {state.kind === 'confirm' && (
        <span className="jp-mm-RunOutput-confirm" role="alert">
          <span className="jp-mm-RunOutput-confirmText">{state.question}</span>
          <button
            type="button"
            className="jp-mm-Button jp-mm-RunOutput-confirmYes"
            onClick={() => void submit(true)}
          >
            Register anyway
          </button>
          <button
            type="button"
            className="jp-mm-Button jp-mm-RunOutput-confirmNo"
            onClick={() => setState({ kind: 'open' })}
          >
            Back
          </button>
        </span>
      )}
      {state.kind === 'failed' && (
        <span className="jp-mm-RunOutput-error" role="alert">
          {state.message}
        </span>
      )}
    </form>
  );
}
