import * as React from 'react';

import { hasChanges } from './rules';
import { Diff } from './types';
import { formatValue } from '../shared/format';
import * as MM from '../shared/types';
import { MetricsDiff, SidesHead } from './MetricsDiff';
import { LineDiffView, NotebookDiffView } from './NotebookDiff';
import { ObjectsDiff } from './ObjectsDiff';
import { ReportsDiff } from './ReportsDiff';
import { ReproDiff } from './ReproDiff';

/**
 * Props of {@link DiffView}.
 */
export interface IDiffViewProps {
  /** The decoded diff. */
  diff: Diff.IRunDiff;
  /** Open a run's detail view. */
  onOpenRun: (run: MM.IRunSummary) => void;
  /** Swap the sides. */
  onSwap: () => void;
}

function runLabel(run: MM.IRunSummary): string {
  return run.name || run.id;
}

/**
 * "no notebook snapshot on run X" (or on either run): said instead of "0 cells
 * changed" when there is nothing to compare the notebook with.
 */
export function missingSnapshotText(diff: Diff.IRunDiff): string {
  const missing = diff.notebook_missing;
  if (missing.length === 2) {
    return 'no notebook snapshot on either run';
  }
  if (missing.length === 1) {
    const run = missing[0] === 'a' ? diff.a : diff.b;
    return `no notebook snapshot on run ${runLabel(run)} (${missing[0].toUpperCase()})`;
  }
  return 'No notebook snapshot to compare.';
}

/**
 * The diff of two runs: header with counts, params, metrics (with both series in
 * one chart), code, notebook cells, environment and artifacts.
 */
export function DiffView(props: IDiffViewProps): JSX.Element {
  const { diff } = props;
  const s = diff.summary;
  return (
    <div className="jp-mm-DiffView">
      <div className="jp-mm-DiffHeader">
        <div className="jp-mm-DiffHeader-runs">
          <RunChip side="a" run={diff.a} onOpen={props.onOpenRun} />
          <span className="jp-mm-DiffHeader-vs">vs</span>
          <RunChip side="b" run={diff.b} onOpen={props.onOpenRun} />
          <button
            className="jp-mm-Button jp-mm-DiffHeader-swap"
            title="Swap A and B"
            onClick={props.onSwap}
          >
            ⇄ Swap
          </button>
        </div>
        <div className="jp-mm-DiffSummary">
          {(
            [
              ['params_changed', 'params'],
              ['metrics_changed', 'metrics'],
              ['cells_changed', 'cells'],
              ['packages_changed', 'packages'],
              ['objects_changed', 'objects']
            ] as const
          ).map(([key, label]) =>
            key === 'cells_changed' && diff.notebook_missing.length > 0 ? (
              <span
                key={key}
                className="jp-mm-DiffSummary-item"
                data-summary={key}
              >
                {missingSnapshotText(diff)}
              </span>
            ) : (
              <span
                key={key}
                className={
                  'jp-mm-DiffSummary-item' +
                  (s[key] > 0 ? ' jp-mm-mod-changed' : '')
                }
                data-summary={key}
              >
                <b>{String(s[key])}</b>
                {` ${label} changed`}
              </span>
            )
          )}
          {s.reproducibility_changed && diff.reproducibility && (
            <span
              className="jp-mm-DiffSummary-item jp-mm-mod-changed"
              data-summary="reproducibility_changed"
            >
              {`hidden state: ${diff.reproducibility.a ?? 'not analysed'} → ${diff.reproducibility.b ?? 'not analysed'}`}
            </span>
          )}
        </div>
      </div>
      <Section title="Params">
        <ParamsDiff params={diff.params} />
      </Section>
      <Section title="Metrics">
        <MetricsDiff metrics={diff.metrics} directions={diff.directions} />
      </Section>
      <Section title="Code">
        <LineDiffView diff={diff.code} empty="No tracked code." />
      </Section>
      {diff.reproducibility !== null &&
        (diff.reproducibility.changed || diff.reproducibility.rerun) && (
          <Section title="Reproducibility">
            <ReproDiff
              repro={diff.reproducibility}
              onOpenRun={id =>
                props.onOpenRun(id === diff.a.id ? diff.a : diff.b)
              }
            />
          </Section>
        )}
      {diff.reports !== null && diff.reports.length > 0 && (
        <Section title="Reports">
          <ReportsDiff reports={diff.reports} />
        </Section>
      )}
      <Section title="Custom objects">
        <ObjectsDiff objects={diff.objects} />
      </Section>
      {hasChanges(diff.history) && (
        <Section title="Execution history" collapsed>
          <LineDiffView diff={diff.history} empty="No history." />
        </Section>
      )}
      <Section title="Notebook">
        {diff.notebook ? (
          <NotebookDiffView notebook={diff.notebook} />
        ) : (
          <div className="jp-mm-Empty jp-mm-DiffNotebookMissing">
            {missingSnapshotText(diff)}
          </div>
        )}
      </Section>
      <Section title="Environment">
        <EnvironmentDiff env={diff.environment} />
      </Section>
      <Section title="Artifacts">
        <ArtifactsDiff artifacts={diff.artifacts} />
      </Section>
    </div>
  );
}

function RunChip(props: {
  side: 'a' | 'b';
  run: MM.IRunSummary;
  onOpen: (run: MM.IRunSummary) => void;
}): JSX.Element {
  const { run } = props;
  return (
    <span className={`jp-mm-DiffRun jp-mm-DiffRun-${props.side}`}>
      <span className="jp-mm-DiffRun-side">{props.side.toUpperCase()}</span>
      <button
        className="jp-mm-Link jp-mm-DiffRun-name"
        data-run-id={run.id}
        title={`Open run ${run.id}`}
        onClick={() => props.onOpen(run)}
      >
        {runLabel(run)}
      </button>
      <code className="jp-mm-DiffRun-id">{run.id}</code>
    </span>
  );
}

function Section(props: {
  title: string;
  collapsed?: boolean;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <details
      className="jp-mm-DiffSection"
      open={!props.collapsed}
      data-section={props.title}
    >
      <summary className="jp-mm-DiffSection-title">{props.title}</summary>
      {props.children}
    </details>
  );
}

type ParamRow = {
  key: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  a?: MM.JSONValue;
  b?: MM.JSONValue;
};

function ParamsDiff(props: { params: Diff.IParams }): JSX.Element {
  const p = props.params;
  const rows: ParamRow[] = [
    ...Object.entries(p.changed).map(([key, v]): ParamRow => ({
      key,
      status: 'changed',
      a: v.a,
      b: v.b
    })),
    ...Object.entries(p.added).map(([key, b]): ParamRow => ({
      key,
      status: 'added',
      b
    })),
    ...Object.entries(p.removed).map(([key, a]): ParamRow => ({
      key,
      status: 'removed',
      a
    })),
    ...Object.entries(p.unchanged).map(([key, a]): ParamRow => ({
      key,
      status: 'unchanged',
      a,
      b: a
    }))
  ];
  if (!rows.length) {
    return <div className="jp-mm-Empty">No params.</div>;
  }
  return (
    <table className="jp-mm-DiffTable jp-mm-DiffParams">
      <SidesHead what="param" />
      <tbody>
        {rows.map(r => (
          <tr
            key={r.key}
            data-param={r.key}
            data-status={r.status}
            className={`jp-mm-DiffRow jp-mm-mod-${r.status}`}
          >
            <td className="jp-mm-DiffTable-key">{r.key}</td>
            <td className="jp-mm-DiffTable-a">
              {r.status === 'added' ? '' : formatValue(r.a)}
            </td>
            <td className="jp-mm-DiffTable-b">
              {r.status === 'removed' ? '' : formatValue(r.b)}
            </td>
            <td className="jp-mm-DiffTable-status">
              {r.status === 'unchanged' ? '' : r.status}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Pairs(props: {
  rows: [string, string, string][];
  empty: string;
}): JSX.Element {
  return props.rows.length ? (
    <table className="jp-mm-DiffTable">
      <tbody>
        {props.rows.map(([k, a, b]) => (
          <tr
            key={k}
            className={a === b ? '' : 'jp-mm-DiffRow jp-mm-mod-changed'}
          >
            <td className="jp-mm-DiffTable-key">{k}</td>
            <td>{a}</td>
            <td>{b}</td>
          </tr>
        ))}
      </tbody>
    </table>
  ) : (
    <div className="jp-mm-Empty">{props.empty}</div>
  );
}

function gitText(g: Diff.IGit | null): string {
  return g ? `${g.commit.slice(0, 10)}${g.dirty ? ' (dirty)' : ''}` : '—';
}

function EnvironmentDiff(props: { env: Diff.IEnvironment }): JSX.Element {
  const { env } = props;
  const p = env.packages;
  const pkgRows: [string, string, string, string][] = [
    ...Object.entries(p.changed).map(
      ([k, v]): [string, string, string, string] => [k, v.a, v.b, 'changed']
    ),
    ...Object.entries(p.added).map(
      ([k, v]): [string, string, string, string] => [k, '', v, 'added']
    ),
    ...Object.entries(p.removed).map(
      ([k, v]): [string, string, string, string] => [k, v, '', 'removed']
    )
  ];
  return (
    <>
      <Pairs
        rows={[
          ['python', env.python.a ?? '—', env.python.b ?? '—'],
          ['platform', env.platform.a ?? '—', env.platform.b ?? '—'],
          ['git', gitText(env.git.a), gitText(env.git.b)]
        ]}
        empty=""
      />
      {pkgRows.length ? (
        <table className="jp-mm-DiffTable jp-mm-DiffPackages">
          <SidesHead what="package" />
          <tbody>
            {pkgRows.map(([k, a, b, status]) => (
              <tr
                key={k}
                data-package={k}
                className={`jp-mm-DiffRow jp-mm-mod-${status}`}
              >
                <td className="jp-mm-DiffTable-key">{k}</td>
                <td>{a}</td>
                <td>{b}</td>
                <td className="jp-mm-DiffTable-status">{status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="jp-mm-Empty">Same packages.</div>
      )}
    </>
  );
}

function ArtifactsDiff(props: {
  artifacts: Diff.IRunDiff['artifacts'];
}): JSX.Element {
  const rows: [string, string, MM.IVersionRef][] = [];
  for (const dir of ['inputs', 'outputs'] as const) {
    const side = props.artifacts[dir];
    for (const status of ['added', 'removed'] as const) {
      for (const ref of side[status]) {
        rows.push([dir, status, ref]);
      }
    }
  }
  const same =
    props.artifacts.inputs.unchanged.length +
    props.artifacts.outputs.unchanged.length;
  return (
    <>
      {rows.length > 0 ? (
        <table className="jp-mm-DiffTable jp-mm-DiffArtifacts">
          <tbody>
            {rows.map(([dir, status, ref]) => (
              <tr
                key={`${dir}:${status}:${ref.ref}`}
                className={`jp-mm-DiffRow jp-mm-mod-${status}`}
              >
                <td>{dir === 'inputs' ? 'input' : 'output'}</td>
                <td className="jp-mm-DiffTable-key">{ref.ref}</td>
                <td>{ref.kind}</td>
                <td className="jp-mm-DiffTable-status">
                  {status === 'added' ? 'only in B' : 'only in A'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="jp-mm-Empty">No artifact differences.</div>
      )}
      {same > 0 && (
        <div className="jp-mm-DiffNote">{`${same} artifact version${same === 1 ? '' : 's'} in both`}</div>
      )}
    </>
  );
}
