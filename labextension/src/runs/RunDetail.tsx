import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import * as React from 'react';

import { IActions } from '../shared/actions';
import { stripAnsi } from '../shared/format';
import { lineageIcon } from '../shared/icons';
import * as MM from './types';
import { CodeView } from './CodeView';
import { EnvironmentView } from './EnvironmentView';
import { MetricChart } from '../shared/MetricChart';
import { OutputView } from './OutputView';
import { ParamsTable } from '../shared/ParamsTable';
import { RunArtifacts } from './RunArtifacts';
import { RunHeader } from './RunHeader';
import { RunReports } from './RunReports';
import { RunCandidates } from './RunCandidates';
import { IHousekeeping, RunActions, RunHistory } from './RunActions';
import { RunNote } from './RunNote';
import type { IRegistration } from './RegisterModel';
import { IReproduction, RunReproducibility } from './RunReproducibility';

/**
 * Props of {@link RunDetail}.
 */
export interface IRunDetailProps {
  /** Everything about the run. */
  detail: MM.IRunDetail;
  /** JupyterLab's renderers, for rich outputs (rendered untrusted). */
  rendermime: IRenderMimeRegistry | null;
  /** Fetch a blob's bytes by digest. */
  loadBlob: (digest: string) => Promise<Blob>;
  /** Navigation to artifacts and lineage; without it those links are hidden. */
  actions?: IActions;
  /** Fetch one of the run's evaluation reports; without it reports are hidden. */
  loadReport?: (name: string) => Promise<MM.IReport>;
  /** Register the run's model; without it the Register model button is hidden. */
  registration?: IRegistration;
  /** Edit the run (rename, note, tags, star, archive, delete, move); without it read-only. */
  housekeeping?: IHousekeeping;
  /** Re-run the run and open it as a notebook; without it those buttons are hidden. */
  reproduction?: IReproduction;
}

function Section(props: {
  title: string;
  name: string;
  tools?: React.ReactNode;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <section className={`jp-mm-Section jp-mm-Section-${props.name}`}>
      <h2 className="jp-mm-Section-title">
        <span>{props.title}</span>
        {props.tools && (
          <span className="jp-mm-Section-tools">{props.tools}</span>
        )}
      </h2>
      {props.children}
    </section>
  );
}

/**
 * The run detail page: header, error, params, metrics, outputs, code, environment.
 */
export function RunDetail(props: IRunDetailProps): JSX.Element {
  const { detail } = props;
  const { run } = detail;
  const seriesKeys = Object.keys(detail.metrics);
  // Latest values without a step series still deserve a tile.
  const latestOnly = Object.keys(run.metrics).filter(
    k => !(k in detail.metrics)
  );
  const metricKeys = [...seriesKeys, ...latestOnly].sort();
  const hasArtifacts =
    detail.artifacts.inputs.length > 0 || detail.artifacts.outputs.length > 0;
  const { candidates } = detail;
  return (
    <div className="jp-mm-RunDetail">
      <RunHeader
        run={run}
        actions={props.actions}
        reproducibility={detail.reproducibility}
      />
      <RunActions
        detail={detail}
        registration={props.registration}
        actions={props.actions}
        housekeeping={props.housekeeping}
      />
      <Section title="Reproducibility" name="reproducibility">
        <RunReproducibility
          reproducibility={detail.reproducibility}
          reproduction={props.reproduction}
          onOpenCell={
            props.actions && run.notebook_path
              ? cellId =>
                  props.actions?.openNotebookCell({
                    notebook_path: run.notebook_path ?? '',
                    cell_id: cellId
                  })
              : undefined
          }
          onOpenRun={
            props.actions ? id => props.actions?.openRun({ id }) : undefined
          }
          onOpenDiff={
            props.actions ? (a, b) => props.actions?.openDiff(a, b) : undefined
          }
        />
      </Section>
      {detail.note && (
        <Section title="Note" name="note">
          <RunNote note={detail.note} rendermime={props.rendermime} />
        </Section>
      )}
      {detail.error && (
        <Section title="Error" name="error">
          <pre className="jp-mm-Traceback">{stripAnsi(detail.error)}</pre>
        </Section>
      )}
      <Section title="Params" name="params">
        <ParamsTable params={run.params} sources={detail.param_sources} />
      </Section>
      <Section title="Metrics" name="metrics">
        {metricKeys.length === 0 ? (
          <p className="jp-mm-Empty">No metrics recorded.</p>
        ) : (
          <div className="jp-mm-MetricGrid">
            {metricKeys.map(key => (
              <MetricChart
                key={key}
                name={key}
                points={
                  detail.metrics[key] ?? [
                    { step: 0, value: run.metrics[key], timestamp_ts: null }
                  ]
                }
              />
            ))}
          </div>
        )}
      </Section>
      {candidates && (
        <Section title={`Candidates (${candidates.total})`} name="candidates">
          <RunCandidates
            candidates={candidates}
            onOpen={child => props.actions?.openRun(child)}
          />
        </Section>
      )}
      {props.loadReport && detail.reports.length > 0 && (
        <Section title={`Reports (${detail.reports.length})`} name="reports">
          <RunReports
            reports={detail.reports}
            loadReport={props.loadReport}
            loadBlob={props.loadBlob}
          />
        </Section>
      )}
      {props.actions && (
        <Section
          title="Artifacts"
          name="artifacts"
          tools={
            hasArtifacts && (
              <button
                className="jp-mm-Button jp-mm-Button-icon jp-mm-LineageButton"
                title={`Show the lineage of run ${run.name || run.id}`}
                onClick={() =>
                  props.actions?.openLineage({ kind: 'run', id: run.id })
                }
              >
                <lineageIcon.react
                  tag="span"
                  className="jp-mm-IconButton-icon"
                />
                <span>Lineage</span>
              </button>
            )
          }
        >
          {hasArtifacts ? (
            <RunArtifacts
              artifacts={detail.artifacts}
              onOpenVersion={version =>
                props.actions?.openArtifact(version.name, version.version)
              }
            />
          ) : (
            <p className="jp-mm-Empty">
              No artifacts used or logged. Version data with{' '}
              <code>mm.log_artifact</code> and <code>mm.use_artifact</code>.
            </p>
          )}
        </Section>
      )}
      <Section title={`Outputs (${detail.outputs.length})`} name="outputs">
        {detail.outputs.length === 0 ? (
          <p className="jp-mm-Empty">No outputs recorded.</p>
        ) : (
          <div className="jp-mm-Outputs">
            {detail.outputs.map(output => (
              <OutputView
                key={output.seq}
                output={output}
                rendermime={props.rendermime}
                loadBlob={props.loadBlob}
              />
            ))}
          </div>
        )}
      </Section>
      <Section title="Code" name="code">
        <CodeView code={detail.code} objects={detail.objects} />
      </Section>
      <Section title="Environment" name="environment">
        <EnvironmentView environment={detail.environment} />
      </Section>
      {detail.events.length > 0 && (
        <Section title={`History (${detail.events.length})`} name="history">
          <RunHistory events={detail.events} />
        </Section>
      )}
    </div>
  );
}
