import * as React from 'react';

import { IActions } from '../actions';
import {
  formatNumber,
  formatRelative,
  formatTime,
  formatValue
} from '../format';
import { lineageIcon } from '../icons';
import {
  aliasEntries,
  aliasProblem,
  metricColumns,
  sortHistory,
  stageBadges,
  TransitionIntent,
  transitionText,
  trendKeys,
  trendSeries,
  versionActions
} from '../registry';
import { MM } from '../tokens';
import { AliasBadge } from './ArtifactBadges';
import { RunLink, VersionLink } from './Links';
import { MetricChart } from './MetricChart';
import { RemovableAlias, StageBadge } from './ModelBadges';
import { ParamsTable } from './ParamsTable';

/**
 * A message above the versions: the outcome of the last transition.
 */
export interface IModelNotice {
  /** `error` (the server refused) or `success`. */
  kind: 'error' | 'success';
  /** The text. */
  text: string;
}

/**
 * Props of {@link ModelDetail}.
 */
export interface IModelDetailProps {
  /** The model with its versions (newest first), history and metric trend. */
  detail: MM.IModelDetail;
  /** Navigation to runs, artifacts and lineage. */
  actions: IActions;
  /** Ask for a transition of a version (the caller confirms and sends it). */
  onTransition: (version: MM.IModelVersion, intent: TransitionIntent) => void;
  /** Version with a transition in flight, if any: its actions are disabled. */
  pending?: number | null;
  /** Outcome of the last transition, if any. */
  notice?: IModelNotice | null;
  /** Dismiss the notice. */
  onDismissNotice?: () => void;
  /** Version to highlight (opened from a reference to it). */
  focusVersion?: number | null;
  /** "Now", for relative times. */
  now?: Date;
}

/** Metric columns of the versions table (the details list every metric). */
const METRIC_COLUMNS = 2;

/** Versions beyond which the trend chart labels only the ends of its axis. */
const TICK_EACH_MAX = 12;

/**
 * The page of a registered model: header with the metric trend, the versions
 * table (expandable details, stage and alias actions), the transition history.
 */
export function ModelDetail(props: IModelDetailProps): JSX.Element {
  const { detail, actions } = props;
  const { model, versions } = detail;
  const now = props.now ?? new Date();
  const columns = metricColumns(versions, METRIC_COLUMNS);
  const latest = versions.length ? versions[0].version : null;
  const [expanded, setExpanded] = React.useState<ReadonlySet<number>>(
    () => new Set(props.focusVersion ? [props.focusVersion] : [])
  );
  const [aliasFor, setAliasFor] = React.useState<number | null>(null);
  React.useEffect(() => {
    if (props.focusVersion) {
      setExpanded(prev => new Set(prev).add(props.focusVersion as number));
    }
  }, [props.focusVersion]);
  const toggle = (version: number) =>
    setExpanded(prev => {
      const next = new Set(prev);
      if (!next.delete(version)) {
        next.add(version);
      }
      return next;
    });
  // Columns: expander, version (and flavor), stage, aliases, metrics...,
  // registered, source (run and artifact), actions.
  const span = 7 + columns.length;
  return (
    <div className="jp-mm-ModelDetail" data-model-name={model.name}>
      <ModelHeader detail={detail} now={now} />
      <section className="jp-mm-Section jp-mm-Section-versions">
        <h2 className="jp-mm-Section-title">
          <span>{`Versions (${versions.length})`}</span>
        </h2>
        {props.notice && (
          <div
            className={`jp-mm-Notice jp-mm-ModelNotice jp-mm-Notice-${props.notice.kind === 'error' ? 'error' : 'success'}`}
            role={props.notice.kind === 'error' ? 'alert' : 'status'}
            data-notice={props.notice.kind}
          >
            <span className="jp-mm-ModelNotice-text">{props.notice.text}</span>
            {props.onDismissNotice && (
              <button
                className="jp-mm-IconButton jp-mm-ModelNotice-dismiss"
                title="Dismiss"
                aria-label="Dismiss"
                onClick={props.onDismissNotice}
              >
                ×
              </button>
            )}
          </div>
        )}
        {versions.length === 0 ? (
          <p className="jp-mm-Empty">No versions.</p>
        ) : (
          <div className="jp-mm-ModelVersions-scroll">
            <table className="jp-mm-ModelVersions">
              <thead>
                <tr>
                  <th className="jp-mm-ModelVersions-expander">
                    <span className="jp-mm-VisuallyHidden">Details</span>
                  </th>
                  <th>Version</th>
                  <th>Stage</th>
                  <th>Aliases</th>
                  {columns.map(key => (
                    <th
                      key={key}
                      className="jp-mm-mod-numeric jp-mm-ModelVersions-metric"
                      title={`Metric ${key} at registration`}
                    >
                      {key}
                    </th>
                  ))}
                  <th>Registered</th>
                  <th title="The run that produced the version, and its model artifact">
                    Run · artifact
                  </th>
                  <th className="jp-mm-ModelVersions-actionsHead">Actions</th>
                </tr>
              </thead>
              {versions.map(version => (
                <VersionRows
                  key={version.version}
                  version={version}
                  latest={version.version === latest}
                  columns={columns}
                  span={span}
                  history={detail.history.filter(
                    t => t.version === version.version
                  )}
                  expanded={expanded.has(version.version)}
                  onToggle={() => toggle(version.version)}
                  aliasFormOpen={aliasFor === version.version}
                  onAliasForm={open =>
                    setAliasFor(open ? version.version : null)
                  }
                  pending={props.pending === version.version}
                  busy={props.pending !== null && props.pending !== undefined}
                  focused={props.focusVersion === version.version}
                  onTransition={intent => props.onTransition(version, intent)}
                  actions={actions}
                  now={now}
                />
              ))}
            </table>
          </div>
        )}
      </section>
      <section className="jp-mm-Section jp-mm-Section-history">
        <h2 className="jp-mm-Section-title">
          <span>{`History (${detail.history.length})`}</span>
        </h2>
        {detail.history.length === 0 ? (
          <p className="jp-mm-Empty">
            No transitions yet. Promote a version or set an alias above.
          </p>
        ) : (
          <TransitionHistory history={detail.history} now={now} />
        )}
      </section>
    </div>
  );
}

/**
 * Name, description, owner, tags, stages and aliases; the metric trend beside.
 */
function ModelHeader(props: {
  detail: MM.IModelDetail;
  now: Date;
}): JSX.Element {
  const { model, versions, metric_trend } = props.detail;
  const tags = Object.entries(model.tags);
  const stages = stageBadges(model.stages);
  const aliases = aliasEntries(model.aliases);
  const stageOf = new Map(versions.map(v => [v.version, v.stage]));
  return (
    <header className="jp-mm-RunHeader jp-mm-ModelHeader">
      <div className="jp-mm-ModelHeader-main">
        <div className="jp-mm-RunHeader-title">
          <h1 className="jp-mm-RunHeader-name">{model.name}</h1>
          <span className="jp-mm-ModelHeader-kind">registered model</span>
        </div>
        {model.description && (
          <p className="jp-mm-ArtifactDetail-description">
            {model.description}
          </p>
        )}
        <dl className="jp-mm-Facts">
          {model.owner && (
            <>
              <dt>Owner</dt>
              <dd className="jp-mm-ModelHeader-owner">{model.owner}</dd>
            </>
          )}
          <dt>Versions</dt>
          <dd>{String(model.n_versions || versions.length)}</dd>
          {stages.length > 0 && (
            <>
              <dt>Stages</dt>
              <dd className="jp-mm-ModelHeader-badges">
                {stages.map(({ stage, version }) => (
                  <StageBadge
                    key={`${stage}:${version}`}
                    stage={stage}
                    version={version}
                  />
                ))}
              </dd>
            </>
          )}
          {aliases.length > 0 && (
            <>
              <dt>Aliases</dt>
              <dd className="jp-mm-ModelHeader-badges">
                {aliases.map(([alias, version]) => (
                  <AliasBadge
                    key={alias}
                    alias={alias}
                    version={version}
                    showVersion
                  />
                ))}
              </dd>
            </>
          )}
          {tags.length > 0 && (
            <>
              <dt>Tags</dt>
              <dd className="jp-mm-RunHeader-tags">
                {tags.map(([key, value]) => (
                  <span key={key} className="jp-mm-Tag">
                    <span className="jp-mm-Tag-key">{key}</span>
                    <span className="jp-mm-Tag-value">
                      {formatValue(value)}
                    </span>
                  </span>
                ))}
              </dd>
            </>
          )}
          {model.updated_at && (
            <>
              <dt>Updated</dt>
              <dd title={formatTime(model.updated_at)}>
                {formatRelative(model.updated_at, props.now)}
              </dd>
            </>
          )}
          {model.created_at && (
            <>
              <dt>Created</dt>
              <dd>{formatTime(model.created_at)}</dd>
            </>
          )}
        </dl>
      </div>
      <MetricTrend
        trend={metric_trend}
        stageOf={version => stageOf.get(version)}
      />
    </header>
  );
}

/**
 * The metric trend across versions, with a metric picker.
 */
function MetricTrend(props: {
  trend: Record<string, MM.ITrendPoint[]>;
  stageOf: (version: number) => string | undefined;
}): JSX.Element {
  const keys = trendKeys(props.trend);
  const [picked, setPicked] = React.useState<string | null>(null);
  const key = picked !== null && keys.includes(picked) ? picked : keys[0];
  return (
    <div className="jp-mm-ModelTrend" aria-label="Metric trend">
      <div className="jp-mm-ModelTrend-header">
        <span className="jp-mm-ModelTrend-title">Metric trend</span>
        {keys.length > 1 && (
          <select
            className="jp-mm-Select jp-mod-styled jp-mm-ModelTrend-picker"
            aria-label="Trend metric"
            title="Metric to plot across versions"
            value={key}
            onChange={e => setPicked(e.target.value)}
          >
            {keys.map(k => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        )}
      </div>
      {key === undefined ? (
        <p className="jp-mm-Muted jp-mm-ModelTrend-empty">
          No metrics were recorded with these versions.
        </p>
      ) : (
        <>
          <MetricChart
            name={key}
            points={trendSeries(props.trend[key])}
            width={360}
            height={130}
            xLabel={v => `v${formatNumber(v)}`}
            tickEach={props.trend[key].length <= TICK_EACH_MAX}
            dotClass={v => {
              const stage = props.stageOf(v);
              return stage ? `jp-mm-stage-${stage}` : undefined;
            }}
          />
          <div className="jp-mm-ModelTrend-legend" aria-hidden="true">
            <span className="jp-mm-ModelTrend-swatch jp-mm-stage-production" />
            production
            <span className="jp-mm-ModelTrend-swatch jp-mm-stage-staging" />
            staging
            <span className="jp-mm-ModelTrend-swatch" />
            other
          </div>
        </>
      )}
    </div>
  );
}

/**
 * One version: its row, its alias form and its details (when expanded).
 */
function VersionRows(props: {
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
            <span>{`v${version.version}`}</span>
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

/**
 * The details pane of a version: config, metrics, signature, requirements, input
 * datasets and its transitions.
 */
function VersionDetails(props: {
  version: MM.IModelVersion;
  history: MM.IModelTransition[];
  actions: IActions;
  now: Date;
}): JSX.Element {
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
          title={`Transitions of v${version.version} (${props.history.length})`}
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
  const { inputs, outputs } = props.signature;
  const rows = (fields: MM.ISignatureField[], kind: string) =>
    fields.map((f, i) => (
      <tr key={`${kind}:${i}`} data-feature={f.name} data-io={kind}>
        <td className="jp-mm-KeyValueTable-key">{f.name}</td>
        <td className="jp-mm-KeyValueTable-source">{f.dtype || '—'}</td>
      </tr>
    ));
  return (
    <table className="jp-mm-KeyValueTable jp-mm-SignatureTable">
      <thead>
        <tr>
          <th>Feature</th>
          <th>Type</th>
        </tr>
      </thead>
      <tbody>
        {rows(inputs, 'input')}
        {outputs.length > 0 && (
          <tr className="jp-mm-SignatureTable-divider">
            <th colSpan={2}>Outputs</th>
          </tr>
        )}
        {rows(outputs, 'output')}
      </tbody>
    </table>
  );
}

/**
 * What one transition changed: `v2 none → production`, `champion v1 → v2`.
 */
function TransitionChange(props: {
  transition: MM.IModelTransition;
}): JSX.Element {
  const t = props.transition;
  const text = transitionText(t);
  return (
    <span className="jp-mm-ModelHistory-change">
      {t.kind === 'alias' ? (
        <AliasBadge alias={text.subject} />
      ) : (
        <span className="jp-mm-ModelHistory-subject">{text.subject}</span>
      )}
      <span className="jp-mm-ModelHistory-from">{text.from}</span>
      <span className="jp-mm-ModelHistory-arrow" aria-label="to">
        →
      </span>
      {t.kind === 'alias' ? (
        <span className="jp-mm-ModelHistory-to">{text.to}</span>
      ) : (
        <StageBadge stage={text.to} />
      )}
    </span>
  );
}

/**
 * Transitions, newest first: when, who, what changed, comment. Compact (in a
 * version's details) is a list of two-line entries.
 */
function TransitionHistory(props: {
  history: MM.IModelTransition[];
  now: Date;
  compact?: boolean;
}): JSX.Element {
  const entries = sortHistory(props.history);
  const attrs = (t: MM.IModelTransition) => ({
    className: 'jp-mm-ModelHistory-entry',
    'data-version': t.version,
    'data-kind': t.kind,
    'data-to': t.to ?? ''
  });
  if (props.compact) {
    return (
      <ul className="jp-mm-ModelHistory jp-mm-mod-compact">
        {entries.map((t, i) => (
          <li key={i} {...attrs(t)}>
            <TransitionChange transition={t} />
            <span className="jp-mm-ModelHistory-meta">
              <span title={formatTime(t.at)}>
                {formatRelative(t.at, props.now)}
              </span>
              {t.user && (
                <span className="jp-mm-ModelHistory-user" title={t.user}>
                  {t.user}
                </span>
              )}
              {t.comment && (
                <span className="jp-mm-ModelHistory-comment">{t.comment}</span>
              )}
            </span>
          </li>
        ))}
      </ul>
    );
  }
  return (
    <table className="jp-mm-KeyValueTable jp-mm-ModelHistory">
      <thead>
        <tr>
          <th>When</th>
          <th>Change</th>
          <th>By</th>
          <th>Comment</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((t, i) => (
          <tr key={i} {...attrs(t)}>
            <td className="jp-mm-ModelHistory-when" title={formatTime(t.at)}>
              {formatRelative(t.at, props.now)}
            </td>
            <td>
              <TransitionChange transition={t} />
            </td>
            <td
              className="jp-mm-KeyValueTable-source jp-mm-ModelHistory-user"
              title={t.user ?? ''}
            >
              {t.user ?? ''}
            </td>
            <td className="jp-mm-ModelHistory-comment">
              {t.comment || <span className="jp-mm-Muted">—</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
