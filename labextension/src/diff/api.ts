/**
 * The REST call of the run diff.
 */
import type { RestClient } from '../shared/rest';
import { decodeRunDiff } from './decode';
import { Diff } from './types';

/**
 * The run diff endpoint.
 */
export interface IDiffApi {
  /** `GET diff?a=&b=`: what changed from run a to run b. */
  diff(a: string, b: string, volatile?: boolean): Promise<Diff.IRunDiff>;
}

/** The run diff endpoint over a client. */
export function diffApi(client: RestClient): IDiffApi {
  return {
    diff: (a, b, volatile = false) =>
      client.get(['diff'], decodeRunDiff, {
        a,
        b,
        volatile: volatile ? 1 : undefined
      })
  };
}
