import * as React from 'react';

import { IActions } from '../shared/actions';
import { metricColumns } from './rules';
import { TransitionIntent } from './transitions';
import * as MM from './types';
import { Direction } from '../shared/deltas';
import { ModelHeader } from './ModelHeader';
import { TransitionHistory } from './ModelHistory';
import { ModelPolicies } from './ModelPolicies';
import { VersionRows } from './ModelVersions';
import type { IModelServices } from './services';

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
  /** Policies, approvals, card and package; without them those are not shown. */
  services?: IModelServices | null;
}

/** Metric columns of the versions table (the details list every metric). */
const METRIC_COLUMNS = 2;

/**
 * The page of a registered model: header with the metric trend, the versions
 * table (expandable details, stage and alias actions), the promotion policies
 * and the transition history.
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
                  services={props.services}
                />
              ))}
            </table>
          </div>
        )}
      </section>
      {props.services && (
        <ModelPolicies api={props.services.api} model={model.name} now={now} />
      )}
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
