import * as React from 'react';

import {
  aliasEntries,
  formatBytes,
  formatRelative,
  formatTime
} from '../shared/format';
import * as MM from './types';
import {
  IItemRow,
  itemList,
  LatestName,
  openTitle,
  VersionCount
} from '../shared/PagedList';
import { AliasBadges, KindBadge } from '../shared/Badges';

/**
 * The artifacts list: one row `<li data-artifact-name>` per artifact with its
 * kind, latest version, size, number of versions and aliases.
 */
export const ArtifactsList = itemList<MM.IArtifactSummary>({
  label: 'Artifacts',
  row: artifactRow
});

function artifactRow(artifact: MM.IArtifactSummary, now: Date): IItemRow {
  const { latest } = artifact;
  const aliases = aliasEntries(artifact.aliases);
  const created = latest?.created_at ?? artifact.created_at;
  return {
    key: artifact.name,
    data: { 'data-artifact-name': artifact.name },
    title: openTitle('artifact', artifact),
    content: (
      <>
        <LatestName item={artifact}>
          {latest && (
            <span
              className="jp-mm-ArtifactsList-size"
              title={
                latest.stored
                  ? undefined
                  : 'Fingerprint only: its bytes were not stored'
              }
            >
              {latest.stored ? formatBytes(latest.size) : 'fingerprint'}
            </span>
          )}
        </LatestName>
        <div className="jp-mm-ArtifactsList-line jp-mm-ArtifactsList-meta">
          <KindBadge kind={artifact.kind} />
          <VersionCount count={artifact.n_versions} />
          {created && (
            <span
              className="jp-mm-ArtifactsList-time"
              title={formatTime(created)}
            >
              {formatRelative(created, now)}
            </span>
          )}
          {aliases.length > 0 && (
            <span className="jp-mm-ArtifactsList-aliases">
              <AliasBadges aliases={aliases} />
            </span>
          )}
        </div>
      </>
    )
  };
}
