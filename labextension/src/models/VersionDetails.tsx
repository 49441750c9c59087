import * as React from 'react';

import * as MM from './types';
import { IActions } from '../shared/actions';
import { formatNumber } from '../shared/format';
import { VersionLink } from '../shared/Links';
import { ParamsTable } from '../shared/ParamsTable';
import { warningsText } from '../shared/reproducibility';
import { TransitionHistory } from './ModelHistory';
import { VersionCard } from './ModelCardView';
import type { IModelServices } from './services';
import { VersionApprovals } from './VersionApprovals';

/**
 * The producing run's hidden-state verdict when the version was registered.
 */
function VersionReproducibility(props: {
  repro: MM.IVersionReproducibility;
}): JSX.Element {
  const { status, warnings, confirmed_by } = props.repro;
  const text =
    status === 'clean'
      ? 'Registered from a run without hidden state (reproducible).'
      : status === 'warnings'
        ? `Registered from a run with ${warningsText(warnings || 1)}` +
          (confirmed_by ? `, confirmed by ${confirmed_by}.` : '.')
        : 'The run’s reproducibility was unknown when this version was registered.';
  return (
    <p
      className={`jp-mm-VersionDetails-repro jp-mm-VersionDetails-repro-${status}`}
      data-repro={status}
    >
      {text}
    </p>
  );
}

/**
 * The details pane of a version: config, metrics, signature, requirements, input
 * datasets and its transitions; with the gate's services, also its approvals,
 * its model card and the "Package" action.
 */
export function VersionDetails(props: {
  version: MM.IModelVersion;
  history: MM.IModelTransition[];
  actions: IActions;
  now: Date;
  services?: IModelServices | null;
}): JSX.Element {
  const services = props.services ?? null;
  const { version, actions } = props;
  const metrics = Object.keys(version.metrics).sort();
  const packages = Object.entries(version.requirements.packages).sort(
    ([a], [b]) => a.localeCompare(b)
  );
  const signature = version.signature;
  return (
    <div className="jp-mm-VersionDetails" data-details-of={version.ref}>
      {version.description && (
        <p className="jp-mm-VersionDetails-description">
          {version.description}
        </p>
      )}
      {version.reproducibility && (
        <VersionReproducibility repro={version.reproducibility} />
      )}
      {services && <VersionCard services={services} version={version} />}
      <div className="jp-mm-VersionDetails-grid">
        <Pane title="Config" name="config">
          <ParamsTable
            params={version.config}
            keyLabel="Parameter"
            empty="No configuration recorded."
          />
        </Pane>
        <Pane title="Metrics" name="metrics">
          {metrics.length === 0 ? (
            <p className="jp-mm-Muted">No metrics recorded.</p>
          ) : (
            <table className="jp-mm-KeyValueTable">
              <tbody>
                {metrics.map(key => (
                  <tr key={key} data-metric={key}>
                    <td className="jp-mm-KeyValueTable-key">{key}</td>
                    <td className="jp-mm-KeyValueTable-value jp-mm-mod-numeric">
                      {formatNumber(version.metrics[key])}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Pane>
        <Pane
          title={
            signature
              ? `Signature (${signature.inputs.length} input${signature.inputs.length === 1 ? '' : 's'})`
              : 'Signature'
          }
          name="signature"
        >
          {!signature || signature.inputs.length === 0 ? (
            <p className="jp-mm-Muted">No signature recorded.</p>
          ) : (
            <SignatureTable signature={signature} />
          )}
        </Pane>
        <Pane title="Requirements" name="requirements">
          {!version.requirements.python && packages.length === 0 ? (
            <p className="jp-mm-Muted">No requirements recorded.</p>
          ) : (
            <table className="jp-mm-KeyValueTable">
              <tbody>
                {version.requirements.python && (
                  <tr data-package="python">
                    <td className="jp-mm-KeyValueTable-key">python</td>
                    <td className="jp-mm-KeyValueTable-value">
                      {version.requirements.python}
                    </td>
                  </tr>
                )}
                {packages.map(([name, v]) => (
                  <tr key={name} data-package={name}>
                    <td className="jp-mm-KeyValueTable-key">{name}</td>
                    <td className="jp-mm-KeyValueTable-value">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Pane>
        <Pane title={`Input datasets (${version.inputs.length})`} name="inputs">
          {version.inputs.length === 0 ? (
            <p className="jp-mm-Muted">
              {version.run
                ? 'The run used no logged datasets.'
                : 'Registered outside a tracked run.'}
            </p>
          ) : (
            <ul className="jp-mm-RunArtifacts-list">
              {version.inputs.map(input => (
                <li key={input.ref}>
                  <VersionLink
                    version={input}
                    onOpen={v => actions.openArtifact(v.name, v.version)}
                  />
                </li>
              ))}
            </ul>
          )}
          {version.has_reference_profile && (
            <p className="jp-mm-VersionDetails-note">
              A reference data profile was recorded with this version.
            </p>
          )}
        </Pane>
        <Pane
          title={`Transitions of version ${version.version} (${props.history.length})`}
          name="transitions"
        >
          {props.history.length === 0 ? (
            <p className="jp-mm-Muted">None yet.</p>
          ) : (
            <TransitionHistory
              history={props.history}
              now={props.now}
              compact
            />
          )}
        </Pane>
        {services && (
          <Pane title="Approvals" name="approvals">
            <VersionApprovals
              api={services.api}
              version={version}
              now={props.now}
            />
          </Pane>
        )}
      </div>
    </div>
  );
}

function Pane(props: {
  title: string;
  name: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <div className={`jp-mm-Pane jp-mm-Pane-${props.name}`}>
      <h3 className="jp-mm-Pane-title">{props.title}</h3>
      {props.children}
    </div>
  );
}

function SignatureTable(props: { signature: MM.IModelSignature }): JSX.Element {
  const { inputs } = props.signature;
  return (
    <table className="jp-mm-KeyValueTable jp-mm-SignatureTable">
      <thead>
        <tr>
          <th>Feature</th>
          <th>Type</th>
        </tr>
      </thead>
      <tbody>
        {inputs.map((f, i) => (
          <tr key={`input:${i}`} data-feature={f.name} data-io="input">
            <td className="jp-mm-KeyValueTable-key">{f.name}</td>
            <td className="jp-mm-KeyValueTable-source">{f.dtype || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
