import * as React from 'react';

import * as MM from './types';
import { FilterBar } from '../shared/Filters';
import { PagedPanel } from '../shared/PagedList';
import { ArtifactsList } from './ArtifactsList';
import { ArtifactsModel } from './state';
import { EmptyState } from '../shared/EmptyState';

/**
 * Props of {@link ArtifactsPanel}.
 */
export interface IArtifactsPanelProps {
  /** The artifacts list state (the sidebar re-renders on its `stateChanged`). */
  artifacts: ArtifactsModel;
  /** Open an artifact's view. */
  onOpen: (artifact: MM.IArtifactSummary) => void;
  /** Name of the artifact opened last, highlighted. */
  activeName: string | null;
  /** The compare bar, while runs are checked. */
  banner: React.ReactNode;
}

/**
 * The sidebar's Artifacts tab: search and kind filter, the artifacts list, or how
 * to start.
 */
export function ArtifactsPanel(props: IArtifactsPanelProps): JSX.Element {
  const { artifacts } = props;
  const { page, query } = artifacts;
  const items = page?.artifacts ?? [];
  const filtered = Boolean(query.q.trim() || query.kind);
  return (
    <PagedPanel
      tab="artifacts"
      className="jp-mm-Artifacts"
      list={artifacts}
      count={items.length}
      what="artifacts"
      controls={
        <FilterBar
          className="jp-mm-ArtifactFilters"
          inline
          query={query}
          search={{
            placeholder: 'Search artifacts…',
            title: 'Search artifact names and descriptions',
            label: 'Search artifacts'
          }}
          filters={[
            {
              key: 'kind',
              label: 'Kind',
              all: 'All kinds',
              options: MM.ARTIFACT_KINDS
            }
          ]}
          onChange={patch => artifacts.setQuery(patch)}
        />
      }
      banner={props.banner}
      empty={
        filtered ? (
          'No artifacts match these filters.'
        ) : (
          <EmptyState
            title="No artifacts yet"
            code={'%%mm_track\nmm.log_artifact(df, name="churn-data")'}
            command="mm-jupyter artifacts list"
          >
            Artifacts are versioned data and models (<code>name:v1</code>,{' '}
            <code>name:v2</code>), linked to the runs that made and used them.
            Log one from a tracked cell:
          </EmptyState>
        )
      }
    >
      <ArtifactsList
        items={items}
        onOpen={props.onOpen}
        activeKey={props.activeName}
      />
    </PagedPanel>
  );
}
