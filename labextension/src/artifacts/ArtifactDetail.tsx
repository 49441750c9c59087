import * as React from 'react';

import { IActions } from '../shared/actions';
import { aliasEntries, formatTime } from '../shared/format';
import * as MM from './types';
import { Fact, TagsFact } from '../shared/Facts';
import { AliasBadge, AliasBadges, KindBadge } from '../shared/Badges';
import { DatasetDiffView } from './DatasetDiffView';
import { VersionCard } from './VersionCard';
import { previousDataset } from './VersionData';

/**
 * Props of {@link ArtifactDetail}.
 */
export interface IArtifactDetailProps {
  /** The artifact with its versions (newest first) and alias history. */
  detail: MM.IArtifactDetail;
  /** Fetch a blob's bytes by digest. */
  loadBlob: (digest: string) => Promise<Blob>;
  /** Navigation to runs, artifacts and lineage. */
  actions: IActions;
  /** Version to highlight (opened from a reference to it). */
  focusVersion?: number | null;
  /** Fetch the diff of two dataset versions (`NAME:vN` each); none: no Compare. */
  loadDiff?: (a: string, b: string) => Promise<MM.IDatasetDiff>;
}

/** A comparison shown on the artifact page. */
interface IComparison {
  a: string;
  b: string;
  diff: MM.IDatasetDiff | null;
  error: string | null;
}

/**
 * The artifact page: header, one card per version (newest first), alias history.
 */
export function ArtifactDetail(props: IArtifactDetailProps): JSX.Element {
  const { artifact, versions, alias_history } = props.detail;
  const aliases = aliasEntries(artifact.aliases);
  const latest = versions.length ? versions[0].version : null;
  const [comparison, setComparison] = React.useState<IComparison | null>(null);
  const { loadDiff } = props;
  const compare = (a: string, b: string) => {
    if (!loadDiff) {
      return;
    }
    setComparison({ a, b, diff: null, error: null });
    loadDiff(a, b).then(
      diff => setComparison({ a, b, diff, error: null }),
      (err: unknown) =>
        setComparison({
          a,
          b,
          diff: null,
          error: err instanceof Error ? err.message : String(err)
        })
    );
  };
  return (
    <div className="jp-mm-ArtifactDetail" data-artifact-name={artifact.name}>
      <header className="jp-mm-RunHeader">
        <div className="jp-mm-RunHeader-title">
          <h1 className="jp-mm-RunHeader-name">{artifact.name}</h1>
          <KindBadge kind={artifact.kind} />
        </div>
        {artifact.description && (
          <p className="jp-mm-ArtifactDetail-description">
            {artifact.description}
          </p>
        )}
        <dl className="jp-mm-Facts">
          <dt>Versions</dt>
          <dd>{String(artifact.n_versions || versions.length)}</dd>
          {artifact.created_at && (
            <>
              <dt>Created</dt>
              <dd>{formatTime(artifact.created_at)}</dd>
            </>
          )}
          {aliases.length > 0 && (
            <Fact label="Aliases" className="jp-mm-ArtifactDetail-aliases">
              <AliasBadges aliases={aliases} showVersion />
            </Fact>
          )}
          <TagsFact tags={artifact.tags} />
        </dl>
      </header>
      {comparison && (
        <section className="jp-mm-Section jp-mm-Section-compare">
          <h2 className="jp-mm-Section-title">Changes</h2>
          {comparison.diff ? (
            <DatasetDiffView
              diff={comparison.diff}
              onClose={() => setComparison(null)}
            />
          ) : comparison.error ? (
            <p className="jp-mm-Error">{`Cannot compare ${comparison.a} with ${comparison.b}: ${comparison.error}`}</p>
          ) : (
            <p className="jp-mm-Muted">{`Comparing ${comparison.a} with ${comparison.b}…`}</p>
          )}
        </section>
      )}
      <section className="jp-mm-Section jp-mm-Section-versions">
        <h2 className="jp-mm-Section-title">{`Versions (${versions.length})`}</h2>
        {versions.length === 0 ? (
          <p className="jp-mm-Empty">No versions.</p>
        ) : (
          <div className="jp-mm-Versions">
            {versions.map((version, i) => (
              <VersionCard
                key={version.version}
                version={version}
                latest={version.version === latest}
                focused={props.focusVersion === version.version}
                loadBlob={props.loadBlob}
                actions={props.actions}
                compareWith={
                  loadDiff ? previousDataset(artifact.kind, versions, i) : null
                }
                onCompare={compare}
              />
            ))}
          </div>
        )}
      </section>
      {alias_history.length > 0 && (
        <section className="jp-mm-Section jp-mm-Section-aliases">
          <h2 className="jp-mm-Section-title">Alias history</h2>
          <AliasHistory history={alias_history} />
        </section>
      )}
    </div>
  );
}

/**
 * Alias moves, newest first.
 */
function AliasHistory(props: { history: MM.IAliasChange[] }): JSX.Element {
  const rows = [...props.history].sort((a, b) =>
    (b.changed_at ?? '').localeCompare(a.changed_at ?? '')
  );
  const v = (n: number | null) => (n === null ? '—' : `v${n}`);
  return (
    <table className="jp-mm-KeyValueTable jp-mm-AliasHistory">
      <thead>
        <tr>
          <th>Alias</th>
          <th>Change</th>
          <th>When</th>
          <th>By</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((change, i) => (
          <tr key={i} data-alias={change.alias}>
            <td>
              <AliasBadge alias={change.alias} />
            </td>
            <td className="jp-mm-KeyValueTable-value">
              {`${v(change.from_version)} → ${v(change.to_version)}`}
            </td>
            <td>{formatTime(change.changed_at)}</td>
            <td className="jp-mm-KeyValueTable-source">{change.user ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
