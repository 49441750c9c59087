/**
 * The hidden-state analysis (issue 15): decoding `reproducibility` wherever it
 * comes (summaries, run details, the run output), the badge rules and their
 * rendering as text only, the table's column, and the confirmation asked before
 * registering a model from a run with warnings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import * as React from 'react';

import { decodeRunDiff } from '../diff/decode';
import { DiffView } from '../diff/DiffView';
import { ReproDiff } from '../diff/ReproDiff';
import { decodeModelVersion } from '../models/decode';
import { OutputReproducibility } from '../notebook/OutputReproducibility';
import { RunOutputCard, IRunOutputActions } from '../notebook/RunOutputCard';
import { decodeRunOutput, registrationBody } from '../notebook/runOutput';
import { runsApi } from '../runs/api';
import { decodeRunDetail, decodeRunList } from '../runs/decode';
import {
  askToRegister,
  IRegistration,
  registerOrAsk
} from '../runs/RegisterModel';
import { MMApiError } from '../shared/errors';
import { RunReproducibility } from '../runs/RunReproducibility';
import { cellText, columnOf, defaultColumns } from '../runs/tableColumns';
import { ReproBadge, ReproIssues } from '../shared/ReproBadge';
import {
  decodeReproducibility,
  explainIssue,
  issueCellId,
  registrationWarning,
  refusalQuestion,
  reproBadge,
  warningCount
} from '../shared/reproducibility';
import type { RestClient } from '../shared/rest';
import * as MM from '../mm';
import { runSummary } from './fixtures';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderToStaticMarkup } = require('react-dom/server') as {
  renderToStaticMarkup: (element: React.ReactElement) => string;
};

const XSS = '<img src=x onerror="window.__pwned=1">';

/** What the server sends for a run with two warnings. */
const WARNINGS = {
  status: 'warnings',
  issues: [
    {
      name: 'df',
      kind: 'edited_cell',
      defined_in: { execution_count: 12, cell_id: 'c-12' },
      message:
        'df was defined by a cell that has been edited since it ran (In [12])'
    },
    {
      name: XSS,
      kind: 'deleted_cell',
      defined_in: { execution_count: 3, cell_id: 'c-3' },
      read_by: { execution_count: 5, cell_id: null }
    },
    { name: 'nope' }, // kind missing: still an issue
    'garbage'
  ]
};

const CLEAN = { status: 'clean', issues: [] };

describe('decodeReproducibility', () => {
  it('is null for runs recorded before the analysis', () => {
    assert.equal(decodeReproducibility(null), null);
    assert.equal(decodeReproducibility(undefined), null);
    assert.equal(decodeReproducibility('clean'), null);
  });

  it('decodes issues, explaining those the server did not', () => {
    const repro = decodeReproducibility(WARNINGS);
    assert.ok(repro);
    assert.equal(repro.status, 'warnings');
    assert.equal(repro.issues.length, 3);
    const [df, gone, nope] = repro.issues;
    assert.equal(
      df.message,
      'df was defined by a cell that has been edited since it ran (In [12])'
    );
    assert.deepEqual(df.defined_in, { execution_count: 12, cell_id: 'c-12' });
    assert.equal(df.read_by, null);
    assert.equal(
      gone.message,
      `${XSS} was defined by a cell that is no longer in the notebook (In [3])`
    );
    assert.deepEqual(gone.read_by, { execution_count: 5, cell_id: null });
    assert.equal(nope.kind, 'unknown_origin');
    assert.equal(nope.defined_in, null);
    assert.match(nope.message, /^nope was not defined by any code/);
  });

  it('reads an unknown status as unknown, and keeps no malformed cell', () => {
    const repro = decodeReproducibility({
      status: 'maybe',
      issues: [{ name: 'x', defined_in: { execution_count: 'NaN' } }]
    });
    assert.equal(repro?.status, 'unknown');
    assert.equal(repro?.issues[0].defined_in, null);
  });

  it('comes with summaries, run details and the run output', () => {
    const list = decodeRunList({
      total: 2,
      runs: [{ id: 'a', reproducibility: WARNINGS }, { id: 'b' }]
    });
    assert.equal(list.runs[0].reproducibility?.status, 'warnings');
    assert.equal(list.runs[1].reproducibility, null);
    // The detail's own field, else the summary's.
    const own = decodeRunDetail({
      run: { id: 'a', reproducibility: CLEAN },
      reproducibility: WARNINGS
    });
    assert.equal(own.reproducibility?.status, 'warnings');
    const fromRun = decodeRunDetail({
      run: { id: 'a', reproducibility: CLEAN }
    });
    assert.equal(fromRun.reproducibility?.status, 'clean');
    const output = decodeRunOutput({
      run: { id: 'r1' },
      reproducibility: WARNINGS
    });
    assert.equal(output.reproducibility?.issues.length, 3);
    assert.equal(decodeRunOutput({ run: { id: 'r1' } }).reproducibility, null);
  });
});

describe('reproBadge', () => {
  const warnings = decodeReproducibility(WARNINGS);

  it('is a quiet check when clean', () => {
    const badge = reproBadge(decodeReproducibility(CLEAN));
    assert.equal(badge.kind, 'clean');
    assert.equal(badge.text, '✓ reproducible');
    assert.equal(reproBadge(decodeReproducibility(CLEAN), true).text, '✓');
  });

  it('counts warnings and explains the first', () => {
    const badge = reproBadge(warnings);
    assert.equal(badge.kind, 'warnings');
    assert.equal(badge.text, '⚠ 3 hidden-state warnings');
    assert.match(badge.title, /^3 hidden-state warnings: df was defined/);
    assert.equal(reproBadge(warnings, true).text, '⚠ 3');
    const one = decodeReproducibility({
      status: 'warnings',
      issues: [WARNINGS.issues[0]]
    });
    assert.equal(reproBadge(one).text, '⚠ 1 hidden-state warning');
    // warnings without issues still count one
    assert.equal(
      warningCount(decodeReproducibility({ status: 'warnings' })),
      1
    );
  });

  it('is a grey ? when unknown, nothing for older runs', () => {
    const unknown = reproBadge(decodeReproducibility({ status: 'unknown' }));
    assert.equal(unknown.kind, 'unknown');
    assert.equal(unknown.text, '?');
    assert.equal(reproBadge(null).kind, 'none');
    assert.equal(
      renderToStaticMarkup(
        React.createElement(ReproBadge, { reproducibility: null })
      ),
      ''
    );
  });

  it('renders names and messages as text', () => {
    const html = renderToStaticMarkup(
      React.createElement(ReproIssues, {
        issues: warnings?.issues ?? [],
        onOpenCell: () => undefined
      })
    );
    assert.ok(!html.includes('<img'), html);
    assert.ok(html.includes('&lt;img src=x'), html);
    assert.ok(html.includes('read by In [5]'), html);
    // Only the edited cell is still in the notebook to open.
    assert.equal(html.split('Open notebook at this cell').length - 1, 1);
    assert.ok(html.includes('data-repro') === false);
  });
});

describe('issueCellId and explainIssue', () => {
  it('opens the defining cell unless it is gone or outside the notebook', () => {
    const issue = (kind: string): MM.IReproIssue => ({
      name: 'x',
      kind,
      defined_in: { execution_count: 1, cell_id: 'c' },
      read_by: null,
      message: ''
    });
    assert.equal(issueCellId(issue('edited_cell')), 'c');
    assert.equal(issueCellId(issue('out_of_order')), 'c');
    assert.equal(issueCellId(issue('deleted_cell')), null);
    assert.equal(issueCellId(issue('not_in_notebook')), null);
    assert.equal(
      issueCellId({ ...issue('edited_cell'), defined_in: null }),
      null
    );
  });

  it('words each kind like the server', () => {
    assert.equal(
      explainIssue({
        name: 'df',
        kind: 'out_of_order',
        defined_in: { execution_count: 7, cell_id: null }
      }),
      'df was defined by a cell below the cell that used it (In [7])'
    );
  });
});

describe('the runs table column', () => {
  it('is a default attribute column, not sortable, showing the badge', () => {
    const column = columnOf('reproducibility');
    assert.ok(column);
    assert.equal(column.label, 'Repro');
    assert.equal(column.sort, null);
    const ids = defaultColumns({
      experiments: [],
      metrics: [],
      params: [],
      metric_counts: {},
      varying_params: [],
      tag_keys: [],
      directions: {}
    });
    assert.ok(ids.includes('reproducibility'));
    const now = new Date();
    const run = (v: unknown) =>
      runSummary('a', { reproducibility: decodeReproducibility(v) });
    assert.equal(cellText(run(WARNINGS), column, now), '⚠ 3');
    assert.equal(cellText(run(CLEAN), column, now), '✓');
    assert.equal(cellText(run({ status: 'unknown' }), column, now), '?');
    assert.equal(cellText(run(null), column, now), '');
  });
});

describe('confirm before registering', () => {
  const request: MM.IRegisterModelRequest = {
    name: 'm',
    alias: '',
    stage: ''
  };

  function registration(answer: boolean, asked: string[]) {
    const fake: Pick<IRegistration, 'ask' | 'confirm'> = {
      confirm: async question => {
        asked.push(question);
        return answer;
      },
      ask: async initial => ({ ...initial, name: 'iris' })
    };
    return fake;
  }

  it('asks nothing for a clean run and sends no confirmation', async () => {
    const asked: string[] = [];
    const out = await askToRegister(
      registration(true, asked),
      request,
      'run',
      decodeReproducibility(CLEAN)
    );
    assert.deepEqual(asked, []);
    assert.deepEqual(out, { name: 'iris', alias: '', stage: '' });
  });

  it('asks for a run with warnings, and says how many', async () => {
    const asked: string[] = [];
    const repro = decodeReproducibility(WARNINGS);
    const out = await askToRegister(
      registration(true, asked),
      request,
      'run',
      repro
    );
    assert.equal(asked.length, 1);
    assert.match(asked[0], /^This run has 3 hidden-state warnings \(df was/);
    assert.match(asked[0], /Register anyway\?$/);
    assert.equal(out?.confirm_reproducibility, true);
    assert.equal(asked[0], registrationWarning(repro));
  });

  it('registers nothing when the warning is declined', async () => {
    const asked: string[] = [];
    const out = await askToRegister(
      registration(false, asked),
      request,
      'run',
      decodeReproducibility(WARNINGS)
    );
    assert.equal(out, null);
  });

  it('sends confirm_reproducibility in both POST bodies only when confirmed', async () => {
    const bodies: unknown[] = [];
    const client = {
      post: async <T>(
        _path: string[],
        body: unknown,
        decode: (v: unknown) => T
      ): Promise<T> => {
        bodies.push(body);
        return decode({ name: 'm', version: 1, ref: 'm:1', aliases: [] });
      }
    } as unknown as RestClient;
    const api = runsApi(client);
    await api.registerModel('r1', request);
    await api.registerModel('r1', {
      ...request,
      confirm_reproducibility: true
    });
    assert.deepEqual(bodies, [
      { name: 'm', alias: '', stage: '' },
      { name: 'm', alias: '', stage: '', confirm_reproducibility: true }
    ]);
    const model = { artifact: 'm:v1', variable: 'clf', class: 'X' };
    assert.equal(
      'confirm_reproducibility' in registrationBody('r1', model, 'm', ''),
      false
    );
    assert.equal(
      registrationBody('r1', model, 'm', '', true).confirm_reproducibility,
      true
    );
  });

  it("asks again when the server refuses for warnings it didn't know of", async () => {
    const refusal = new MMApiError(
      409,
      'run r1 has 1 hidden-state warning (df was defined by a cell that has been edited since it ran (In [12])); its model may not be reproducible from the notebook: send confirm_reproducibility: true to register it anyway (docs/reproducibility.md)'
    );
    const question = refusalQuestion(refusal);
    assert.equal(
      question,
      'The server refused: run r1 has 1 hidden-state warning (df was defined by a cell that has been edited since it ran (In [12])); its model may not be reproducible from the notebook. Register anyway?'
    );
    assert.equal(refusalQuestion(new MMApiError(409, 'running run')), null);
    assert.equal(refusalQuestion(new Error('hidden-state warning')), null);

    const sent: MM.IRegisterModelRequest[] = [];
    const version = {
      name: 'm',
      version: 1,
      ref: 'm:1',
      stage: 'none',
      aliases: []
    };
    const fake = (answer: boolean) => ({
      register: async (r: MM.IRegisterModelRequest) => {
        sent.push(r);
        if (!r.confirm_reproducibility) {
          throw refusal;
        }
        return version;
      },
      confirm: async () => answer
    });
    assert.deepEqual(await registerOrAsk(fake(true), request), version);
    assert.deepEqual(
      sent.map(r => r.confirm_reproducibility),
      [undefined, true]
    );
    sent.length = 0;
    await assert.rejects(registerOrAsk(fake(false), request), MMApiError);
    assert.equal(sent.length, 1);
  });

  it('has nothing to confirm without warnings', () => {
    assert.equal(registrationWarning(null), null);
    assert.equal(registrationWarning(decodeReproducibility(CLEAN)), null);
    assert.equal(
      registrationWarning(decodeReproducibility({ status: 'unknown' })),
      null
    );
  });
});

describe('where the badge shows', () => {
  const actions: IRunOutputActions = {
    openRun: () => undefined,
    openModel: () => undefined,
    openCell: () => undefined,
    register: async () => ({ name: 'm', version: 1, ref: 'm:1', aliases: [] })
  };

  it('the run output: the first warning, the others one click away', () => {
    const output = decodeRunOutput({
      run: { id: 'r1', name: 'n', notebook_path: '/w/a.ipynb' },
      reproducibility: WARNINGS
    });
    const html = renderToStaticMarkup(
      React.createElement(RunOutputCard, {
        output,
        actions,
        otherRegistry: null
      })
    );
    assert.ok(html.includes('⚠ 3 hidden-state warnings'), html);
    assert.ok(html.includes('df was defined by a cell that has been edited'));
    assert.ok(html.includes('Show all 3 (+2)'), html);
    assert.ok(html.includes('Go to cell'), html);
    assert.ok(!html.includes('no longer in the notebook'), html); // folded
  });

  it('the run output: a small check when clean, nothing for older outputs', () => {
    const clean = renderToStaticMarkup(
      React.createElement(OutputReproducibility, {
        reproducibility: decodeReproducibility(CLEAN)
      })
    );
    assert.ok(clean.includes('✓ reproducible'), clean);
    assert.equal(
      renderToStaticMarkup(
        React.createElement(OutputReproducibility, { reproducibility: null })
      ),
      ''
    );
  });

  it('the run view: verdict, issues and the Re-run and Open as notebook buttons', () => {
    const html = renderToStaticMarkup(
      React.createElement(RunReproducibility, {
        reproducibility: decodeReproducibility(WARNINGS),
        reproduction: {
          rerun: async () => {
            throw new Error('not called');
          },
          openAsNotebook: async () => 'a.ipynb'
        },
        onOpenCell: () => undefined
      })
    );
    assert.ok(html.includes('⚠ 3 hidden-state warnings'), html);
    assert.ok(html.includes('no longer in the notebook'), html);
    assert.ok(html.includes('Open notebook at this cell'), html);
    assert.ok(html.includes('>Re-run<'), html);
    assert.ok(html.includes('Open as notebook'), html);
    assert.ok(!html.includes('<img'), html);
    const older = renderToStaticMarkup(
      React.createElement(RunReproducibility, {
        reproducibility: null
      })
    );
    assert.ok(older.includes('Not analysed'), older);
    assert.ok(!older.includes('Re-run'), older);
  });
});

describe('the run diff', () => {
  it('decodes both verdicts, the issues only one run has, and a re-run', () => {
    const diff = decodeRunDiff({
      a: { id: 'a' },
      b: { id: 'b' },
      reproducibility: {
        a: 'clean',
        b: 'warnings',
        changed: true,
        added: [WARNINGS.issues[0], 7],
        removed: [],
        rerun: { original: 'a', rerun: 'b', reproduced: true }
      },
      summary: { reproducibility_changed: true }
    });
    assert.equal(diff.summary.reproducibility_changed, true);
    const repro = diff.reproducibility;
    assert.ok(repro);
    assert.equal(repro.a, 'clean');
    assert.equal(repro.added.length, 1);
    assert.deepEqual(repro.rerun, {
      original: 'a',
      rerun: 'b',
      reproduced: true
    });
    const html = renderToStaticMarkup(
      React.createElement(ReproDiff, { repro })
    );
    assert.ok(html.includes('A clean → B warnings'), html);
    assert.ok(html.includes('reproduced ✓'), html);
    const view = renderToStaticMarkup(
      React.createElement(DiffView, {
        diff,
        onOpenRun: () => undefined,
        onSwap: () => undefined
      })
    );
    assert.ok(view.includes('hidden state: clean → warnings'), view);
    assert.ok(view.includes('re-ran'), view);
    const older = decodeRunDiff({ a: { id: 'a' }, b: { id: 'b' } });
    assert.equal(older.reproducibility, null);
    assert.equal(older.summary.reproducibility_changed, false);
  });
});

describe('a model version', () => {
  it("keeps its run's verdict at registration and who confirmed it", () => {
    const version = decodeModelVersion({
      name: 'iris',
      version: 2,
      reproducibility: { status: 'warnings', warnings: 2, confirmed_by: XSS }
    });
    assert.deepEqual(version?.reproducibility, {
      status: 'warnings',
      warnings: 2,
      confirmed_by: XSS
    });
    assert.equal(
      decodeModelVersion({ name: 'iris', version: 1 })?.reproducibility,
      null
    );
  });
});
