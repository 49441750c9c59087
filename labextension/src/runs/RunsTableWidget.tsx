import { Message } from '@lumino/messaging';
import * as React from 'react';

import { ErrorNotice } from '../shared/ErrorNotice';
import { saveBlob } from '../shared/download';
import { errorMessage } from '../shared/errors';
import { mmIcon } from '../shared/icons';
import { LiveWidget } from '../shared/LiveWidget';
import { MetaNotice } from '../shared/MetaNotice';
import type { IServerModel } from '../shared/serverModel';
import * as MM from './types';
import { ColumnChooser } from './ColumnChooser';
import { defaultColumns } from './tableColumns';
import {
  askExperiment,
  askLine,
  confirmDelete,
  showFailures
} from './editDialogs';
import { bulkTag } from './runEdits';
import { RunsEmptyState } from './RunsEmptyState';
import { TableGrid } from './TableGrid';
import { TablePager } from './TablePager';
import { IStateStore, RunsTableModel, TableApi } from './tableModel';
import { SelectionAction, TableToolbar } from './TableToolbar';

/** How often relative times are redrawn while the table is shown. */
const CLOCK_MS = 30 * 1000;

/** Main-area id of the (single) runs table. */
export const RUNS_TABLE_ID = 'mm-jupyter-runs-table';

/**
 * Options of {@link RunsTableWidget}.
 */
export interface IRunsTableWidgetOptions {
  /** The shared model (API client, connection, change cursor). */
  model: IServerModel<TableApi>;
  /** Where the table remembers its state per registry (JupyterLab's `IStateDB`), or null. */
  store: IStateStore | null;
  /** Open a run's view. */
  openRun: (run: MM.IRunSummary) => void;
  /** Connect to the server extension again (the notice's Retry). */
  reconnect: () => Promise<void>;
  /**
   * Compare runs (2..50); rejects with a message the user should read when it
   * cannot (say, no compare view is installed for more than two runs).
   */
  compare: (runs: MM.IRunSummary[]) => Promise<void>;
}

/**
 * The runs table in the main area: every run of the registry, paged on the
 * server, with chosen param, metric, tag and attribute columns, the filter
 * language, selection and housekeeping actions, and CSV export. It reloads on
 * the shared change cursor while visible (keeping scroll and selection).
 */
export class RunsTableWidget extends LiveWidget<TableApi> {
  constructor(options: IRunsTableWidgetOptions) {
    super(options.model);
    this.addClass('jp-mm-RunsTableWidget');
    this.title.label = 'Runs';
    this.title.caption = 'All runs of the registry';
    this.title.icon = mmIcon;
    this.title.closable = true;
    this.table = new RunsTableModel(options.model, options.store);
    this.table.stateChanged.connect(this._onChanged, this);
    // The connection (say, a missing server extension) shows too.
    options.model.stateChanged.connect(this._onChanged, this);
    this._reconnect = options.reconnect;
    this._openRun = options.openRun;
    this._compare = options.compare;
  }

  /** The table's state. */
  readonly table: RunsTableModel;

  async load(): Promise<void> {
    this.markFresh();
    // The keys (default columns) load with the first page, not after it.
    const keys = this._loaded ? null : this.table.refreshKeys();
    await this.table.restore();
    await Promise.all([this.table.refresh(), keys]);
    this._loaded = true;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._stopClock();
    this.model.stateChanged.disconnect(this._onChanged, this);
    this.table.dispose();
    super.dispose();
  }

  protected get consumer(): string {
    return RUNS_TABLE_ID;
  }

  // Redraw now and then while shown, so "5 min ago" and running durations stay true.
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._startClock();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._startClock();
    }
  }

  protected onAfterHide(msg: Message): void {
    this._stopClock();
    super.onAfterHide(msg);
  }

  protected onBeforeDetach(msg: Message): void {
    this._stopClock();
    super.onBeforeDetach(msg);
  }

  private _startClock(): void {
    if (this._clock === null) {
      this._clock = window.setInterval(() => this.update(), CLOCK_MS);
    }
  }

  private _stopClock(): void {
    if (this._clock !== null) {
      window.clearInterval(this._clock);
      this._clock = null;
    }
  }

  protected get hasContent(): boolean {
    return this._loaded;
  }

  protected render(): JSX.Element {
    const table = this.table;
    const { page, query } = table;
    const runs = page?.runs ?? [];
    const filtered = Boolean(query.q.trim()) || query.archived === 'only';
    const { connection } = this.model;
    if (connection.kind !== 'ready') {
      // Without the server extension there is nothing to page through: say why.
      return (
        <div className="jp-mm-RunsTableView">
          <MetaNotice
            connection={connection}
            onRetry={() => void this._reconnect().then(() => this.load())}
          />
        </div>
      );
    }
    return (
      <div className="jp-mm-RunsTableView">
        <TableToolbar
          q={query.q}
          filterError={table.filterError}
          archived={query.archived}
          selected={table.selection.size}
          choosing={this._choosing}
          busy={this._busy}
          onFilter={q => table.setQuery({ q })}
          onArchived={archived => table.setQuery({ archived })}
          onChooseColumns={() => {
            this._choosing = !this._choosing;
            this.update();
          }}
          onExport={() => void this._export()}
          onRefresh={() => void this.load()}
          onAction={action => void this._act(action)}
          onClearSelection={() => table.clearSelection()}
        />
        {this._choosing && (
          <ColumnChooser
            keys={table.keys}
            columns={table.columns}
            onChange={ids => table.setColumns(ids)}
            onReset={() => table.setColumns(defaultColumns(table.keys))}
            onClose={() => {
              this._choosing = false;
              this.update();
            }}
          />
        )}
        {table.error && !table.filterError && (
          <ErrorNotice text={`Cannot load runs: ${table.error}`} />
        )}
        {this._message && <ErrorNotice text={this._message} />}
        {page && runs.length === 0 ? (
          <RunsEmptyState
            filtered={filtered || page.total > 0}
            onClear={() => table.setQuery({ q: '', archived: 'exclude' })}
          />
        ) : (
          <div
            className={
              'jp-mm-RunsTableView-body' +
              (table.loading ? ' jp-mm-mod-loading' : '')
            }
          >
            {page ? (
              <TableGrid
                runs={runs}
                columns={table.columns}
                widths={table.widths}
                sort={query.sort}
                order={query.order}
                selection={table.selection}
                pageKey={JSON.stringify({ ...query, q: query.q.trim() })}
                onSort={key => table.sortBy(key)}
                onResize={(id, width) => table.setWidth(id, width)}
                onOpen={this._openRun}
                onSelect={(list, on) => table.select(list, on)}
                onStar={(run, starred) =>
                  void this._run(() =>
                    this.model.api.updateRun(run.id, { starred })
                  )
                }
              />
            ) : (
              !table.error && <div className="jp-mm-Empty">Loading runs…</div>
            )}
          </div>
        )}
        {page && (
          <TablePager
            offset={page.offset}
            count={runs.length}
            limit={query.limit}
            total={page.total}
            onOffset={offset => table.goTo(offset)}
            onLimit={limit => table.setQuery({ limit })}
          />
        )}
      </div>
    );
  }

  /** Run one write, then catch up with the change it made. */
  private async _run(write: () => Promise<unknown>): Promise<void> {
    this._message = '';
    try {
      await write();
    } catch (err) {
      this._message = errorMessage(err);
    }
    this.model.checkChanges();
    await this.table.refresh();
  }

  private async _act(action: SelectionAction): Promise<void> {
    const table = this.table;
    const runs = [...table.selection.values()];
    const names = runs.map(r => r.name || r.id);
    this._message = '';
    if (action === 'compare') {
      try {
        await this._compare(runs);
      } catch (err) {
        this._message = errorMessage(err);
        this.update();
      }
      return;
    }
    let call:
      ((api: TableApi, run: MM.IRunSummary) => Promise<unknown>) | null = null;
    let title = '';
    switch (action) {
      case 'star':
      case 'unstar': {
        const starred = action === 'star';
        call = (api, run) => api.updateRun(run.id, { starred });
        title = starred ? 'Cannot star' : 'Cannot unstar';
        break;
      }
      case 'archive':
        call = (api, run) => api.archiveRun(run.id);
        title = 'Cannot archive';
        break;
      case 'restore':
        call = (api, run) => api.restoreRun(run.id);
        title = 'Cannot restore';
        break;
      case 'delete':
        if (await confirmDelete(names)) {
          call = (api, run) => api.deleteRun(run.id);
          title = 'Cannot delete';
        }
        break;
      case 'move': {
        const experiment = await askExperiment(
          table.keys.experiments,
          runs[0]?.experiment ?? '',
          runs.length === 1 ? `run ${names[0]}` : `${runs.length} runs`
        );
        if (experiment) {
          call = (api, run) => api.moveRun(run.id, experiment);
          title = 'Cannot move';
        }
        break;
      }
      case 'tag': {
        const typed = await askLine({
          title: `Tag ${runs.length === 1 ? names[0] : `${runs.length} runs`}`,
          label: 'key=value sets a tag; key= or -key removes it',
          value: '',
          placeholder: 'team=risk',
          accept: 'Apply'
        });
        if (typed) {
          const patch = bulkTag(typed);
          if ('error' in patch) {
            this._message = patch.error;
            this.update();
            return;
          }
          call = (api, run) => api.updateRun(run.id, { tags: patch.tags });
          title = 'Cannot tag';
        }
        break;
      }
    }
    if (!call) {
      return;
    }
    this._busy = true;
    this.update();
    try {
      const failures = await table.applyToSelection(call);
      if (action === 'delete' || action === 'archive') {
        // They leave the list: keep only those that failed checked.
        table.select(
          runs.filter(
            r => !failures.some(f => f.startsWith(`${r.name || r.id}:`))
          ),
          false
        );
      }
      await showFailures(title, failures);
    } finally {
      this._busy = false;
      this.update();
    }
  }

  private async _export(): Promise<void> {
    const table = this.table;
    this._message = '';
    try {
      await saveBlob(
        () => this.model.api.runsCsv(table.query, table.columns),
        '',
        'runs.csv'
      );
    } catch (err) {
      this._message = `Cannot export: ${errorMessage(err)}`;
      this.update();
    }
  }

  private _onChanged(): void {
    this.update();
  }

  private _busy = false;
  private _choosing = false;
  private _clock: number | null = null;
  private _compare: (runs: MM.IRunSummary[]) => Promise<void>;
  private _loaded = false;
  private _message = '';
  private _openRun: (run: MM.IRunSummary) => void;
  private _reconnect: () => Promise<void>;
}
