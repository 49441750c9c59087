import * as React from 'react';

import { formatNumber, formatRelative, formatTime } from '../format';
import { aliasEntries, keyMetric, stageBadges } from '../registry';
import { MM } from '../tokens';
import { AliasBadge } from './ArtifactBadges';
import { StageBadge } from './ModelBadges';

/**
 * Props of {@link ModelsList}.
 */
export interface IModelsListProps {
  /** Models of the current page. */
  models: MM.IModelSummary[];
  /** Called when a model is clicked or Enter is pressed on it. */
  onOpen: (model: MM.IModelSummary) => void;
  /** Name of the model to highlight, if any. */
  activeName?: string | null;
  /** "Now", for relative times. */
  now?: Date;
}

/**
 * The registered models: one row `<li data-model-name>` per model with its
 * latest version's key metric, versions in production and staging, aliases,
 * number of versions and last update.
 */
export function ModelsList(props: IModelsListProps): JSX.Element {
  const now = props.now ?? new Date();
  return (
    <ul className="jp-mm-ArtifactsList jp-mm-ModelsList" aria-label="Models">
      {props.models.map(model => {
        const { latest } = model;
        const metric = latest ? keyMetric(latest.metrics) : null;
        const stages = stageBadges(model.stages);
        const aliases = aliasEntries(model.aliases);
        const updated = model.updated_at ?? latest?.created_at ?? null;
        const open = () => props.onOpen(model);
        return (
          <li
            key={model.name}
            className={
              'jp-mm-ArtifactsList-row jp-mm-ModelsList-row' +
              (props.activeName === model.name ? ' jp-mm-mod-active' : '')
            }
            data-model-name={model.name}
            tabIndex={0}
            title={
              `Open model ${model.name}` +
              (model.description ? `\n${model.description}` : '')
            }
            onClick={open}
            onKeyDown={e => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                open();
              }
            }}
          >
            <div className="jp-mm-ArtifactsList-line">
              <span className="jp-mm-ArtifactsList-name">{model.name}</span>
              {latest && (
                <span
                  className="jp-mm-ArtifactsList-version"
                  title={`Latest version: ${latest.ref}`}
                >
                  {`v${latest.version}`}
                </span>
              )}
              {metric && (
                <span
                  className="jp-mm-ModelsList-metric"
                  title={`${metric[0]} of ${latest?.ref ?? 'the latest version'}`}
                  data-metric={metric[0]}
                >
                  <span className="jp-mm-ModelsList-metricKey">
                    {metric[0]}
                  </span>
                  <span className="jp-mm-ModelsList-metricValue">
                    {formatNumber(metric[1])}
                  </span>
                </span>
              )}
            </div>
            {(stages.length > 0 || aliases.length > 0) && (
              <div className="jp-mm-ArtifactsList-line jp-mm-ModelsList-badges">
                {stages.map(({ stage, version }) => (
                  <StageBadge
                    key={`${stage}:${version}`}
                    stage={stage}
                    version={version}
                  />
                ))}
                {aliases.map(([alias, version]) => (
                  <AliasBadge
                    key={alias}
                    alias={alias}
                    version={version}
                    showVersion
                  />
                ))}
              </div>
            )}
            <div className="jp-mm-ArtifactsList-line jp-mm-ArtifactsList-meta">
              <span className="jp-mm-ArtifactsList-count">
                {model.n_versions === 1
                  ? '1 version'
                  : `${model.n_versions} versions`}
              </span>
              {model.owner && (
                <span className="jp-mm-ModelsList-owner" title="Owner">
                  {model.owner}
                </span>
              )}
              {updated && (
                <span
                  className="jp-mm-ArtifactsList-time"
                  title={`Updated ${formatTime(updated)}`}
                >
                  {`updated ${formatRelative(updated, now)}`}
                </span>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
