import * as React from 'react';

import { errorMessage } from '../shared/errors';
import {
  refusalQuestion,
  registrationWarning
} from '../shared/reproducibility';
import * as MM from './types';

/**
 * How a run view registers its run's model: ask for the request (the dialog, in
 * RegisterDialog.ts), then send it. The widget supplies both (tests fake them).
 */
export interface IRegistration {
  /** Ask for the name, alias and stage, starting from `initial`; null if cancelled. */
  ask: (
    initial: MM.IRegisterModelRequest,
    runName: string
  ) => Promise<MM.IRegisterModelRequest | null>;
  /** Register (`POST runs/{id}/register-model`). */
  register: (
    request: MM.IRegisterModelRequest
  ) => Promise<MM.IRegisteredVersion>;
  /**
   * Ask whether to register from a run with hidden-state warnings (`question`
   * says why); true to go on.
   */
  confirm: (question: string) => Promise<boolean>;
}

/**
 * Props of {@link RegisterModel}.
 */
export interface IRegisterModelProps {
  /** The run whose model is registered. */
  run: MM.IRunSummary;
  /** How to ask and register. */
  registration: IRegistration;
  /** Open the registered model's view; without it the result is plain text. */
  onOpenModel?: (name: string, version: number) => void;
  /** The run's hidden-state analysis (warnings ask for a confirmation first). */
  reproducibility?: MM.IReproducibility | null;
}

/**
 * What Register model sends, or null when the user cancelled: first, for a run
 * with hidden-state warnings, the confirmation (then the request carries
 * `confirm_reproducibility`), then the dialog.
 *
 * @param registration - How to confirm and ask.
 * @param initial - The dialog's first values.
 * @param runName - The run's name, for the dialog.
 * @param repro - The run's hidden-state analysis.
 */
export async function askToRegister(
  registration: Pick<IRegistration, 'ask' | 'confirm'>,
  initial: MM.IRegisterModelRequest,
  runName: string,
  repro: MM.IReproducibility | null
): Promise<MM.IRegisterModelRequest | null> {
  const warning = registrationWarning(repro);
  if (warning !== null && !(await registration.confirm(warning))) {
    return null;
  }
  const request = await registration.ask(initial, runName);
  if (request === null) {
    return null;
  }
  return warning === null
    ? request
    : { ...request, confirm_reproducibility: true };
}

/**
 * Register; when the server refuses for hidden-state warnings the view did not
 * know of (409), ask and, if confirmed, send again with the confirmation (a
 * declined question rethrows the refusal).
 */
export async function registerOrAsk(
  registration: Pick<IRegistration, 'register' | 'confirm'>,
  request: MM.IRegisterModelRequest
): Promise<MM.IRegisteredVersion> {
  try {
    return await registration.register(request);
  } catch (err) {
    const question = request.confirm_reproducibility
      ? null
      : refusalQuestion(err);
    if (question === null || !(await registration.confirm(question))) {
      throw err;
    }
    return registration.register({ ...request, confirm_reproducibility: true });
  }
}

type State =
  | { kind: 'idle' }
  | { kind: 'busy' }
  | { kind: 'done'; version: MM.IRegisteredVersion }
  | { kind: 'failed'; message: string };

/**
 * The Register model button of a run that has a model artifact: asks first when
 * the run has hidden-state warnings (then sends `confirm_reproducibility`), opens
 * the dialog (name prefilled from the run), registers, then shows `name:N` linking
 * to the model, or what the server refused, as text. A retry starts from the last
 * values.
 */
export function RegisterModel(props: IRegisterModelProps): JSX.Element {
  const { run } = props;
  const [state, setState] = React.useState<State>({ kind: 'idle' });
  const last = React.useRef<MM.IRegisterModelRequest>({
    name: run.name || `run-${run.id}`,
    alias: '',
    stage: ''
  });
  const onClick = async () => {
    const request = await askToRegister(
      props.registration,
      last.current,
      run.name || run.id,
      props.reproducibility ?? run.reproducibility
    );
    if (request === null) {
      return;
    }
    last.current = request;
    setState({ kind: 'busy' });
    try {
      setState({
        kind: 'done',
        version: await registerOrAsk(props.registration, request)
      });
    } catch (err) {
      setState({ kind: 'failed', message: errorMessage(err) });
    }
  };
  return (
    <div className="jp-mm-RegisterModel">
      <button
        className="jp-mm-Button jp-mm-RegisterModel-button"
        title={`Register the model run ${run.name || run.id} logged`}
        disabled={state.kind === 'busy'}
        onClick={() => void onClick()}
      >
        {state.kind === 'busy' ? 'Registering…' : 'Register model'}
      </button>
      {state.kind === 'done' && (
        <span className="jp-mm-RegisterModel-done" role="status">
          Registered{' '}
          {props.onOpenModel ? (
            <button
              className="jp-mm-Link jp-mm-RegisterModel-link"
              title={`Open model ${state.version.name}`}
              onClick={() =>
                props.onOpenModel?.(state.version.name, state.version.version)
              }
            >
              {state.version.ref}
            </button>
          ) : (
            <code>{state.version.ref}</code>
          )}
          {state.version.stage !== 'none' && ` (${state.version.stage})`}
          {state.version.aliases.length > 0 &&
            ` (alias ${state.version.aliases.join(', ')})`}
        </span>
      )}
      {state.kind === 'failed' && (
        <span className="jp-mm-RegisterModel-error" role="alert">
          {state.message}
        </span>
      )}
    </div>
  );
}
