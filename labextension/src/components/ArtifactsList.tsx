import * as React from 'react';

import { formatBytes, formatRelative, formatTime } from '../format';
import { MM } from '../tokens';
import { AliasBadge, KindBadge } from './ArtifactBadges';

/**
 * Props of {@link ArtifactsList}.
 */
export interface IArtifactsListProps {
  /** Artifacts of the current page. */
  artifacts: MM.IArtifactSummary[];
  /** Called when an artifact is clicked or Enter is pressed on it. */
  onOpen: (artifact: MM.IArtifactSummary) => void;
  /** Name of the artifact to highlight, if any. */
  activeName?: string | null;
  /** "Now", for relative times. */
  now?: Date;
}

/**
 * The artifacts list: one row `<li data-artifact-name>` per artifact with its
 * kind, latest version, size, number of versions and aliases.
 */
export function ArtifactsList(props: IArtifactsListProps): JSX.Element {
  const now = props.now ?? new Date();
  return (
    <ul className="jp-mm-ArtifactsList" aria-label="Artifacts">
      {props.artifacts.map(artifact => {
        const { latest } = artifact;
        const aliases = Object.entries(artifact.aliases).sort(([a], [b]) =>
          a.localeCompare(b)
        );
        const created = latest?.created_at ?? artifact.created_at;
        const open = () => props.onOpen(artifact);
        return (
          <li
            key={artifact.name}
            className={
              'jp-mm-ArtifactsList-row' +
              (props.activeName === artifact.name ? ' jp-mm-mod-active' : '')
            }
            data-artifact-name={artifact.name}
            tabIndex={0}
            title={
              `Open artifact ${artifact.name}` +
              (artifact.description ? `\n${artifact.description}` : '')
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
              <span className="jp-mm-ArtifactsList-name">{artifact.name}</span>
              {latest && (
                <span
                  className="jp-mm-ArtifactsList-version"
                  title={`Latest version: ${latest.ref}`}
                >
                  {`v${latest.version}`}
                </span>
              )}
              {latest && (
                <span className="jp-mm-ArtifactsList-size">
                  {formatBytes(latest.size)}
                </span>
              )}
            </div>
            <div className="jp-mm-ArtifactsList-line jp-mm-ArtifactsList-meta">
              <KindBadge kind={artifact.kind} />
              <span className="jp-mm-ArtifactsList-count">
                {artifact.n_versions === 1
                  ? '1 version'
                  : `${artifact.n_versions} versions`}
              </span>
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
                  {aliases.map(([alias, version]) => (
                    <AliasBadge key={alias} alias={alias} version={version} />
                  ))}
                </span>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
