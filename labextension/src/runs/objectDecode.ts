/**
 * The decoder of a run's custom objects (`objects` of `GET runs/{id}`).
 */
import { isObject, list } from '../shared/decode';
import { ICodeObject } from './objectTypes';

/** Decode one custom object; null when it has no name. */
export function decodeCodeObject(v: unknown): ICodeObject | null {
  if (!isObject(v) || typeof v.name !== 'string') {
    return null;
  }
  return {
    name: v.name,
    kind: v.kind === 'class' ? 'class' : 'function',
    module: typeof v.module === 'string' ? v.module : '',
    digest: typeof v.digest === 'string' ? v.digest : '',
    source: typeof v.source === 'string' ? v.source : ''
  };
}

/** Decode a run's `objects`; absent (older servers) means none. */
export function decodeCodeObjects(v: unknown): ICodeObject[] {
  return list(v, decodeCodeObject);
}
