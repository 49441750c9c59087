import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Signal } from '@lumino/signaling';

import { MMApiError } from '../shared/errors';
import type { RunsModel } from '../runs/state';
import { AlertBadgeModel, BADGE_CONSUMER } from '../monitoring/state';
import { Mon } from '../monitoring/types';

/** A stand-in for the runs model: its signals, connection and background set. */
class FakeRuns {
  registryChanged = new Signal<this, number>(this);
  stateChanged = new Signal<this, void>(this);
  connection: { kind: string } = { kind: 'connecting' };
  firing: number | null = null;
  background = new Set<string>();
  setBackground(consumer: string, on: boolean): void {
    if (on) {
      this.background.add(consumer);
    } else {
      this.background.delete(consumer);
    }
  }
  ready(): void {
    this.connection = { kind: 'ready' };
    this.stateChanged.emit();
  }
}

const tick = () => new Promise(resolve => setTimeout(resolve, 0));

describe('AlertBadgeModel', () => {
  function setup(answers: (number | Error)[]) {
    const runs = new FakeRuns();
    const calls: Partial<Mon.IMonitorQuery>[] = [];
    const api = {
      monitoring: async (query: Partial<Mon.IMonitorQuery> = {}) => {
        calls.push(query);
        const next = answers.shift() ?? 0;
        if (next instanceof Error) {
          throw next;
        }
        return {
          total: 1,
          offset: 0,
          limit: 1,
          firing: next,
          cursor: 1,
          monitors: []
        } as Mon.IMonitorList;
      }
    };
    const badge = new AlertBadgeModel(runs as unknown as RunsModel, api);
    const seen: number[] = [];
    badge.changed.connect((_, n) => seen.push(n));
    return { runs, badge, calls, seen };
  }

  it('keeps the poll going in the background until disposed', () => {
    const { runs, badge } = setup([]);
    assert.ok(runs.background.has(BADGE_CONSUMER));
    badge.dispose();
    assert.equal(runs.background.size, 0);
  });

  it('reads the count with limit=1 when ready and when the cursor moves', async () => {
    const { runs, badge, calls, seen } = setup([2, 2, 0]);
    await badge.refresh(); // not connected yet: no request
    assert.equal(calls.length, 0);
    runs.ready();
    await tick();
    assert.equal(badge.firing, 2);
    assert.deepEqual(calls[0], { limit: 1, offset: 0 });
    runs.registryChanged.emit(5);
    await tick();
    assert.deepEqual(seen, [2]); // same count: no change signal
    runs.registryChanged.emit(6);
    await tick();
    assert.equal(badge.firing, 0);
    assert.deepEqual(seen, [2, 0]);
  });

  it('keeps the last count on a transient error; a 404 means no monitoring', async () => {
    const { runs, badge } = setup([
      3,
      new MMApiError(500, 'boom'),
      new MMApiError(404, 'missing')
    ]);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      runs.ready();
      await tick();
      runs.registryChanged.emit(1);
      await tick();
      assert.equal(badge.firing, 3);
      assert.equal(badge.available, true);
      runs.registryChanged.emit(2);
      await tick();
      assert.equal(badge.firing, 0);
      assert.equal(badge.available, false);
    } finally {
      console.warn = warn;
    }
  });

  it('takes the count from the change poll without a second request', async () => {
    const { runs, badge, calls } = setup([1]);
    runs.ready();
    await tick();
    assert.equal(calls.length, 1); // the first count comes from GET monitoring
    runs.firing = 5;
    runs.registryChanged.emit(7);
    await tick();
    assert.equal(badge.firing, 5);
    assert.equal(calls.length, 1);
  });

  it('takes counts noted by the list', () => {
    const { badge, seen } = setup([]);
    badge.note(4);
    assert.equal(badge.firing, 4);
    assert.deepEqual(seen, [4]);
  });
});

describe('RunsModel background consumers', () => {
  it('poll slowly for background consumers, fast while a view is visible', async () => {
    const { RunsModel } = await import('../runs/state');
    const model = new RunsModel(
      {} as ConstructorParameters<typeof RunsModel>[0]
    );
    const interval = () =>
      (model as unknown as { _poll: { frequency: { interval: number } } })._poll
        .frequency.interval;
    model.setBackground(BADGE_CONSUMER, true);
    assert.equal(interval(), 5000);
    model.setVisible('sidebar', true);
    assert.equal(interval(), 1000);
    model.setVisible('sidebar', false);
    assert.equal(interval(), 5000);
    model.dispose();
  });
});
