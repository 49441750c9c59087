import * as React from 'react';

import { IActions } from '../shared/actions';
import { formatNumber, formatRelative, formatTime } from '../shared/format';
import { lineageIcon } from '../shared/icons';
import { aliasProblem, TransitionIntent, versionActions } from './transitions';
import * as MM from './types';
import { RunLink } from '../shared/Links';
import { RemovableAlias } from './ModelBadges';
import { VersionDetails } from './VersionDetails';
import type { IModelServices } from './services';
import { StageBadge } from '../shared/Badges';

/**
 * One version: its row, its alias form and its details (when expanded).
 */
export function VersionRows(props: {
  version: MM.IModelVersion;
  latest: boolean;
  columns: string[];
  span: number;
  history: MM.IModelTransition[];
  expanded: boolean;
  onToggle: () => void;
  aliasFormOpen: boolean;
  onAliasForm: (open: boolean) => void;
  pending: boolean;
  busy: boolean;
  focused: boolean;
  onTransition: (intent: TransitionIntent) => void;
  actions: IActions;
  now: Date;
  services?: IModelServices | null;
}): JSX.Element {
  const { version, actions } = props;
  const ref = React.useRef<HTMLTableSectionElement>(null);
  React.useEffect(() => {
    if (props.focused) {
      ref.current?.scrollIntoView({ block: 'nearest' });
    }
  }, [props.focused]);
  const detailsId = `jp-mm-model-${encodeURIComponent(version.ref)}-details`;
  const artifact = version.artifact;
  return (
    <tbody
      ref={ref}
      className={
        'jp-mm-ModelVersion' +
        (props.expanded ? ' jp-mm-mod-expanded' : '') +
        (props.focused ? ' jp-mm-mod-focused' : '') +
        (props.pending ? ' jp-mm-mod-pending' : '')
      }
      data-version={version.version}
      data-version-ref={version.ref}
      data-stage={version.stage}
    >
      <tr className="jp-mm-ModelVersion-row">
        <td className="jp-mm-ModelVersions-expander">
          <button
            className="jp-mm-IconButton jp-mm-Expander"
            aria-expanded={props.expanded}
            aria-controls={detailsId}
            title={`${props.expanded ? 'Hide' : 'Show'} the details of ${version.ref}`}
            aria-label={`Details of ${version.ref}`}
            onClick={props.onToggle}
          >
            <span className="jp-mm-Expander-chevron" aria-hidden="true" />
          </button>
        </td>
        <td className="jp-mm-ModelVersion-number">
          <span className="jp-mm-ModelVersion-line">
            <span>{`:${version.version}`}</span>
            {props.latest && (
              <span className="jp-mm-VersionCard-latest" title="Newest version">
                latest
              </span>
            )}
          </span>
          <span
            className="jp-mm-ModelVersion-flavor"
            title={`Flavor: how ${version.ref} is serialized`}
          >
            {version.flavor || '—'}
          </span>
        </td>
        <td className="jp-mm-ModelVersion-stage">
          <StageBadge stage={version.stage} />
        </td>
        <td className="jp-mm-ModelVersion-aliases">
          {version.aliases.length === 0 ? (
            <span className="jp-mm-Muted">—</span>
          ) : (
            version.aliases.map(alias => (
              <RemovableAlias
                key={alias}
                alias={alias}
                versionRef={version.ref}
                disabled={props.busy}
                onRemove={() =>
                  props.onTransition({ kind: 'remove-alias', alias })
                }
              />
            ))
          )}
        </td>
        {props.columns.map(key => (
          <td
            key={key}
            className="jp-mm-mod-numeric jp-mm-ModelVersion-metric"
            data-metric={key}
          >
            {key in version.metrics ? (
              formatNumber(version.metrics[key])
            ) : (
              <span className="jp-mm-Muted">—</span>
            )}
          </td>
        ))}
        <td
          className="jp-mm-ModelVersion-created"
          title={formatTime(version.created_at)}
        >
          <span className="jp-mm-ModelVersion-when">
            {formatRelative(version.created_at, props.now)}
          </span>
          {version.created_by && (
            <span className="jp-mm-ModelVersion-by">{version.created_by}</span>
          )}
        </td>
        <td className="jp-mm-ModelVersion-source">
          <span className="jp-mm-ModelVersion-line jp-mm-ModelVersion-run">
            {version.run ? (
              <RunLink
                run={version.run}
                onOpen={run => actions.openRun({ id: run.id, name: run.name })}
              />
            ) : (
              <span className="jp-mm-Muted">no run</span>
            )}
          </span>
          {artifact && (
            <span className="jp-mm-ModelVersion-line jp-mm-ModelVersion-artifact">
              <button
                className="jp-mm-Link jp-mm-ArtifactLink"
                title={`Open artifact ${artifact.name} at ${artifact.ref}`}
                data-version-ref={artifact.ref}
                onClick={() =>
                  actions.openArtifact(artifact.name, artifact.version)
                }
              >
                <span className="jp-mm-Link-text">{artifact.ref}</span>
              </button>
              <button
                className="jp-mm-IconButton jp-mm-LineageLink"
                title={`Show the lineage of ${artifact.ref}`}
                aria-label={`Lineage of ${artifact.ref}`}
                onClick={() =>
                  actions.openLineage({ kind: 'version', ref: artifact.ref })
                }
              >
                <lineageIcon.react
                  tag="span"
                  className="jp-mm-IconButton-icon"
                />
              </button>
            </span>
          )}
        </td>
        <td className="jp-mm-ModelVersion-actions">
          <span className="jp-mm-ModelVersion-actionGroup">
            {versionActions(version).map(action => (
              <button
                key={action.id}
                className={
                  'jp-mm-Button jp-mm-ActionButton' +
                  ` jp-mm-ActionButton-${action.id}` +
                  (action.id === 'alias' && props.aliasFormOpen
                    ? ' jp-mm-mod-pressed'
                    : '')
                }
                title={action.title}
                aria-label={action.title}
                data-action={action.id}
                disabled={props.busy}
                onClick={() =>
                  action.id === 'alias'
                    ? props.onAliasForm(!props.aliasFormOpen)
                    : props.onTransition({ kind: 'stage', stage: action.id })
                }
              >
                {action.label}
              </button>
            ))}
          </span>
        </td>
      </tr>
      {props.aliasFormOpen && (
        <tr className="jp-mm-ModelVersion-formRow">
          <td />
          <td colSpan={props.span - 1}>
            <AliasForm
              versionRef={version.ref}
              disabled={props.busy}
              onSubmit={alias => {
                props.onAliasForm(false);
                props.onTransition({ kind: 'alias', alias });
              }}
              onCancel={() => props.onAliasForm(false)}
            />
          </td>
        </tr>
      )}
      {props.expanded && (
        <tr className="jp-mm-ModelVersion-detailsRow" id={detailsId}>
          <td />
          <td colSpan={props.span - 1}>
            <VersionDetails
              version={version}
              history={props.history}
              actions={actions}
              now={props.now}
              services={props.services}
            />
          </td>
        </tr>
      )}
    </tbody>
  );
}

/**
 * The small inline form of "Set alias…".
 */
function AliasForm(props: {
  versionRef: string;
  disabled: boolean;
  onSubmit: (alias: string) => void;
  onCancel: () => void;
}): JSX.Element {
  const [text, setText] = React.useState('');
  const [touched, setTouched] = React.useState(false);
  const alias = text.trim();
  const problem = aliasProblem(alias);
  return (
    <form
      className="jp-mm-AliasForm"
      aria-label={`Set an alias on ${props.versionRef}`}
      onSubmit={e => {
        e.preventDefault();
        setTouched(true);
        if (!problem) {
          props.onSubmit(alias);
        }
      }}
      onKeyDown={e => {
        if (e.key === 'Escape') {
          e.preventDefault();
          props.onCancel();
        }
      }}
    >
      <label className="jp-mm-AliasForm-label">
        <span>{`Alias for ${props.versionRef}`}</span>
        <input
          className="jp-mod-styled jp-mm-AliasForm-input"
          type="text"
          autoFocus
          placeholder="e.g. champion"
          aria-label="Alias"
          aria-invalid={touched && problem !== null}
          value={text}
          onChange={e => setText(e.target.value)}
        />
      </label>
      <button
        type="submit"
        className="jp-mm-Button jp-mm-Button-primary"
        disabled={props.disabled || (touched && problem !== null)}
      >
        Set alias
      </button>
      <button type="button" className="jp-mm-Button" onClick={props.onCancel}>
        Cancel
      </button>
      {touched && problem && (
        <span className="jp-mm-AliasForm-problem" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
