import * as React from 'react';

import * as MM from './types';
import { FilterBar } from '../shared/Filters';
import { PagedPanel } from '../shared/PagedList';
import { ModelsList } from './ModelsList';
import { ModelsModel } from './state';
import { EmptyState } from '../shared/EmptyState';

/**
 * Props of {@link ModelsPanel}.
 */
export interface IModelsPanelProps {
  /** The registered models list state (the sidebar re-renders on its `stateChanged`). */
  models: ModelsModel;
  /** Open a registered model's view. */
  onOpen: (model: MM.IModelSummary) => void;
  /** Name of the model opened last, highlighted. */
  activeName: string | null;
  /** The compare bar, while runs are checked. */
  banner: React.ReactNode;
}

/**
 * The sidebar's Models tab: the search, the registered models, or how to start.
 */
export function ModelsPanel(props: IModelsPanelProps): JSX.Element {
  const { models } = props;
  const { page, query } = models;
  const items = page?.models ?? [];
  return (
    <PagedPanel
      tab="models"
      className="jp-mm-Models"
      list={models}
      count={items.length}
      what="models"
      controls={
        <FilterBar
          className="jp-mm-ModelFilters"
          query={query}
          search={{
            placeholder: 'Search models…',
            title: 'Search model names, descriptions and owners',
            label: 'Search models'
          }}
          onChange={patch => models.setQuery(patch)}
        />
      }
      banner={props.banner}
      empty={
        query.q.trim() ? (
          'No models match this search.'
        ) : (
          <EmptyState
            title="No registered models yet"
            code={'mm.register_model(model, name="churn-clf", alias="staging")'}
            command="mm-jupyter models register --run RUN --name churn-clf"
          >
            Registered models have numbered versions (<code>churn-clf:1</code>
            ), stages and aliases. Register a model a tracked cell fitted, or
            the Register button under the cell&apos;s output:
          </EmptyState>
        )
      }
    >
      <ModelsList
        items={items}
        onOpen={props.onOpen}
        activeKey={props.activeName}
      />
    </PagedPanel>
  );
}
