import * as React from 'react';

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
import { Fact, TagsFact } from '../shared/Facts';
import {
  aliasEntries,
  formatNumber,
  formatRelative,
  formatTime
} from '../shared/format';
import { MetricChart } from '../shared/MetricChart';
import { StageBadges } from './ModelBadges';
import { stageBadges, trendKeys, trendSeries } from './rules';
import * as MM from './types';

/** Versions beyond which the trend chart labels only the ends of its axis. */
const TICK_EACH_MAX = 12;

/**
 * Name, description, owner, tags, stages and aliases; the metric trend beside.
 */
export function ModelHeader(props: {
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
