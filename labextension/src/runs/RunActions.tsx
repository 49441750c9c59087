import * as React from 'react';

import { IActions } from '../shared/actions';
import { IRegistration, RegisterModel } from './RegisterModel';
import * as MM from './types';

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
}

/** Whether the run logged a model artifact (autologging's `<run>-model`). */
export function hasModelArtifact(detail: MM.IRunDetail): boolean {
  return detail.artifacts.outputs.some(version => version.kind === 'model');
}

/**
 * The line under a run's header: the search run a candidate belongs to (a link
 * back), and Register model for a run with a model artifact. Nothing otherwise.
 */
export function RunActions(props: IRunActionsProps): JSX.Element | null {
  const { detail, actions } = props;
  const { run, parent } = detail;
  const canRegister =
    props.registration !== undefined && hasModelArtifact(detail);
  if (!parent && !canRegister) {
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
          onOpenModel={
            actions
              ? (name, version) => actions.openModel(name, version)
              : undefined
          }
        />
      )}
    </div>
  );
}
