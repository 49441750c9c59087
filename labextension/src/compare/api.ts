/**
 * The REST call of the comparison of N runs.
 */
import type { RestClient } from '../shared/rest';
import { decodeComparison } from './decode';
import { Cmp } from './types';

/**
 * The comparison endpoint.
 */
export interface ICompareApi {
  /** `GET compare?runs=`: 2 to 50 runs (exact ids) side by side. */
  compare(ids: ReadonlyArray<string>): Promise<Cmp.IComparison>;
}

/** The comparison endpoint over a client. */
export function compareApi(client: RestClient): ICompareApi {
  return {
    compare: ids =>
      client.get(['compare'], decodeComparison, { runs: ids.join(',') })
  };
}
