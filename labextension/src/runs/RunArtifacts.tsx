import * as React from 'react';

import * as MM from './types';
import { VersionLink } from '../shared/Links';

/**
 * Props of {@link RunArtifacts}.
 */
export interface IRunArtifactsProps {
  /** Versions the run used and logged. */
  artifacts: MM.IRunArtifacts;
  /** Open an artifact's view (on the version referenced). */
  onOpenVersion: (version: MM.IVersionRef) => void;
}

function VersionList(props: {
  title: string;
  name: string;
  versions: MM.IVersionRef[];
  empty: string;
  onOpen: (version: MM.IVersionRef) => void;
}): JSX.Element {
  return (
    <div
      className={`jp-mm-RunArtifacts-column jp-mm-RunArtifacts-${props.name}`}
    >
      <h3 className="jp-mm-RunArtifacts-title">
        {`${props.title} (${props.versions.length})`}
      </h3>
      {props.versions.length === 0 ? (
        <p className="jp-mm-Muted">{props.empty}</p>
      ) : (
        <ul className="jp-mm-RunArtifacts-list">
          {props.versions.map(version => (
            <li key={version.ref}>
              <VersionLink version={version} onOpen={props.onOpen} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * The artifact versions a run used (inputs) and logged (outputs), side by side.
 */
export function RunArtifacts(props: IRunArtifactsProps): JSX.Element {
  const { inputs, outputs } = props.artifacts;
  return (
    <div className="jp-mm-RunArtifacts">
      <VersionList
        title="Inputs"
        name="inputs"
        versions={inputs}
        empty="No artifacts used."
        onOpen={props.onOpenVersion}
      />
      <span className="jp-mm-RunArtifacts-arrow" aria-hidden="true">
        →
      </span>
      <VersionList
        title="Outputs"
        name="outputs"
        versions={outputs}
        empty="No artifacts logged."
        onOpen={props.onOpenVersion}
      />
    </div>
  );
}
