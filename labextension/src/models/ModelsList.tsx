import * as React from 'react';

import {
  aliasEntries,
  formatNumber,
  formatRelative,
  formatTime
} from '../shared/format';
import { keyMetric, stageBadges } from './rules';
import * as MM from './types';
import { StageBadges } from './ModelBadges';
import {
  IItemRow,
  itemList,
  LatestName,
  openTitle,
  VersionCount
} from '../shared/PagedList';
import { AliasBadges } from '../shared/Badges';

/**
 * The registered models: one row `<li data-model-name>` per model with its
 * latest version's key metric, versions in production and staging, aliases,
 * number of versions and last update.
 */
export const ModelsList = itemList<MM.IModelSummary>({
  label: 'Models',
  className: 'jp-mm-ModelsList',
  row: modelRow
});

function modelRow(model: MM.IModelSummary, now: Date): IItemRow {
  const { latest } = model;
  const metric = latest ? keyMetric(latest.metrics) : null;
  const stages = stageBadges(model.stages);
  const aliases = aliasEntries(model.aliases);
  const updated = model.updated_at ?? latest?.created_at ?? null;
  return {
    key: model.name,
    className: 'jp-mm-ModelsList-row',
    data: { 'data-model-name': model.name },
    title: openTitle('model', model),
    content: (
      <>
        <LatestName item={model} spelling="model">
          {metric && (
            <span
              className="jp-mm-ModelsList-metric"
              title={`${metric[0]} of ${latest?.ref ?? 'the latest version'}`}
              data-metric={metric[0]}
            >
              <span className="jp-mm-ModelsList-metricKey">{metric[0]}</span>
              <span className="jp-mm-ModelsList-metricValue">
                {formatNumber(metric[1])}
              </span>
            </span>
          )}
        </LatestName>
        {(stages.length > 0 || aliases.length > 0) && (
          <div className="jp-mm-ArtifactsList-line jp-mm-ModelsList-badges">
            <StageBadges badges={stages} />
            <AliasBadges aliases={aliases} showVersion />
          </div>
        )}
        <div className="jp-mm-ArtifactsList-line jp-mm-ArtifactsList-meta">
          <VersionCount count={model.n_versions} />
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
      </>
    )
  };
}
