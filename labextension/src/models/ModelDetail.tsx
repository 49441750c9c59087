import * as React from 'react';

import { IActions } from '../shared/actions';
import {
  aliasEntries,
  formatNumber,
  formatRelative,
  formatTime
} from '../shared/format';
import { metricColumns, stageBadges, trendKeys, trendSeries } from './rules';
import { TransitionIntent } from './transitions';
import * as MM from './types';
import { Fact, TagsFact } from '../shared/Facts';
import { MetricChart } from '../shared/MetricChart';
import { StageBadges } from './ModelBadges';
import { TransitionHistory } from './ModelHistory';
import { VersionRows } from './ModelVersions';
import { AliasBadges } from '../shared/Badges';
import {
  changeQuality,
  Direction,
  directionOf,
  formatDelta,
  formatRelative as relativeChange,
  lastChange,
  qualityClass,
  qualityText
} from '../shared/deltas';

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
  /** Per metric key: lower or higher is better (colours the trend's last change). */
  directions?: Record<string, Direction>;
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
      <ModelHeader
        detail={detail}
        now={now}
        directions={props.directions ?? {}}
      />
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
  directions: Record<string, Direction>;
}): JSX.Element {
  const { model, versions, metric_trend } = props.detail;
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
            <Fact label="Stages" className="jp-mm-ModelHeader-badges">
              <StageBadges badges={stages} />
            </Fact>
          )}
          {aliases.length > 0 && (
            <Fact label="Aliases" className="jp-mm-ModelHeader-badges">
              <AliasBadges aliases={aliases} showVersion />
            </Fact>
          )}
          <TagsFact tags={model.tags} />
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
        directions={props.directions}
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
  directions: Record<string, Direction>;
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
            xLabel={v => `:${formatNumber(v)}`}
            tickEach={props.trend[key].length <= TICK_EACH_MAX}
            dotClass={v => {
              const stage = props.stageOf(v);
              return stage ? `jp-mm-stage-${stage}` : undefined;
            }}
          />
          <TrendChange
            series={trendSeries(props.trend[key])}
            direction={directionOf(props.directions, key)}
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
 * "v2 → v3: +0.012 (+1.5 %)", green for an improvement and red for a regression
 * by the metric's direction (a lower log_loss is green).
 */
function TrendChange(props: {
  series: MM.IMetricPoint[];
  direction: Direction;
}): JSX.Element | null {
  const change = lastChange(props.series);
  if (!change) {
    return null;
  }
  const quality = changeQuality(change.delta, props.direction);
  const relative = relativeChange(change.before, change.after);
  return (
    <div
      className={'jp-mm-ModelTrend-change' + qualityClass(quality)}
      data-quality={quality ?? ''}
      title={qualityText(quality, props.direction)}
    >
      {`:${change.from} → :${change.to}: ${formatDelta(change.delta)}` +
        (relative ? ` (${relative})` : '')}
    </div>
  );
}
