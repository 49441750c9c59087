import * as React from 'react';

import {
  aliasEntries,
  formatBytes,
  formatRelative,
  formatTime
} from '../shared/format';
import * as MM from './types';
import {
  IListProps,
  ItemList,
  RowName,
  VersionCount
} from '../shared/PagedList';
import { AliasBadges, KindBadge } from '../shared/Badges';

/**
 * Props of {@link ArtifactsList}.
 */
export interface IArtifactsListProps extends IListProps<MM.IArtifactSummary> {
  /** Artifacts of the current page. */
  artifacts: MM.IArtifactSummary[];
  /** Name of the artifact to highlight, if any. */
  activeName?: string | null;
}

/**
 * The artifacts list: one row `<li data-artifact-name>` per artifact with its
 * kind, latest version, size, number of versions and aliases.
 */
export function ArtifactsList(props: IArtifactsListProps): JSX.Element {
  const now = props.now ?? new Date();
  return (
    <ItemList
      items={props.artifacts}
      label="Artifacts"
      onOpen={props.onOpen}
      row={artifact => {
        const { latest } = artifact;
        const aliases = aliasEntries(artifact.aliases);
        const created = latest?.created_at ?? artifact.created_at;
        return {
          key: artifact.name,
          active: props.activeName === artifact.name,
          data: { 'data-artifact-name': artifact.name },
          title:
            `Open artifact ${artifact.name}` +
            (artifact.description ? `\n${artifact.description}` : ''),
          content: (
            <>
              <RowName
                name={artifact.name}
                version={latest?.version}
                versionTitle={latest ? `Latest version: ${latest.ref}` : ''}
              >
                {latest && (
                  <span className="jp-mm-ArtifactsList-size">
                    {formatBytes(latest.size)}
                  </span>
                )}
              </RowName>
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
      }}
    />
  );
}
