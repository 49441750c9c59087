/**
 * The building blocks of the decoders: from untyped JSON (`unknown`) to typed
 * values. Each feature's `decode.ts` (and `decodeCommon.ts` here) is made of them:
 * field readers (`text`, `count`, `optStr`, ...) and {@link fields}, which reads an
 * object field by field.
 *
 * They are lenient about missing optional fields (a newer server may omit or add
 * some) but never let a wrongly typed value through: a string stays a string, so
 * nothing the server sends can reach the DOM as anything but text.
 */
import * as MM from './types';

/**
 * Raised when a response does not have the documented shape.
 */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

/** A plain JSON object. */
export type Obj = Record<string, unknown>;

/** Whether `v` is a plain JSON object. */
export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v` as an object, or a {@link DecodeError} naming `what`. */
export function obj(v: unknown, what: string): Obj {
  if (!isObject(v)) {
    throw new DecodeError(`${what}: expected an object`);
  }
  return v;
}

/** `v` as a string, or a {@link DecodeError} naming `what`. */
export function str(v: unknown, what: string): string {
  if (typeof v !== 'string') {
    throw new DecodeError(`${what}: expected a string`);
  }
  return v;
}

/** `v` if it is a string, else null. */
export function optStr(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/**
 * Decode a JSON number, accepting the strings the server uses for non-finite floats.
 */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') {
    return v;
  }
  switch (v) {
    case 'NaN':
      return NaN;
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    default:
      return null;
  }
}

/** `v` as a number (non-finite strings included), or a {@link DecodeError}. */
export function num(v: unknown, what: string): number {
  const n = toNumber(v);
  if (n === null) {
    throw new DecodeError(`${what}: expected a number`);
  }
  return n;
}

/** `v` as a number (non-finite strings included), else null. */
export function optNum(v: unknown): number | null {
  return toNumber(v);
}

/** `v` if it is a string, else `''`. */
export function text(v: unknown): string {
  return optStr(v) ?? '';
}

/** `v` as a number (non-finite strings included), else 0. */
export function count(v: unknown): number {
  return optNum(v) ?? 0;
}

/** Whether `v` is `true` (anything else is false). */
export function flag(v: unknown): boolean {
  return v === true;
}

/** The strings of a list; anything else is dropped. */
export function strList(v: unknown): string[] {
  return Array.isArray(v)
    ? v.filter((x): x is string => typeof x === 'string')
    : [];
}

/** Any JSON value; what is not JSON (undefined, functions) becomes null. */
export function json(v: unknown): MM.JSONValue {
  if (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean'
  ) {
    return v;
  }
  if (Array.isArray(v)) {
    return v.map(json);
  }
  if (isObject(v)) {
    return jsonRecord(v);
  }
  return null;
}

/** An object of JSON values; not an object gives `{}`. */
export function jsonRecord(v: unknown): Record<string, MM.JSONValue> {
  const out: Record<string, MM.JSONValue> = {};
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      out[k] = json(x);
    }
  }
  return out;
}

/** An object decoded value by value; values decoded to null are dropped. */
export function record<T>(
  v: unknown,
  each: (x: unknown) => T | null
): Record<string, T> {
  const out: Record<string, T> = {};
  if (isObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      const d = each(x);
      if (d !== null) {
        out[k] = d;
      }
    }
  }
  return out;
}

/** A list decoded item by item; items decoded to null are dropped. */
export function list<T>(v: unknown, each: (x: unknown) => T | null): T[] {
  if (!Array.isArray(v)) {
    return [];
  }
  const out: T[] = [];
  for (const x of v) {
    const d = each(x);
    if (d !== null) {
      out.push(d);
    }
  }
  return out;
}

/** `v` as a finite number, else null (also for NaN and ±Infinity). */
export function finiteNumber(v: unknown): number | null {
  const n = toNumber(v);
  return n !== null && Number.isFinite(n) ? n : null;
}

/** An object of texts: strings stay, other values but null become strings. */
export function textRecord(v: unknown): Record<string, string> {
  return record(v, x =>
    typeof x === 'string' ? x : x === null ? null : String(x)
  );
}

/** An object of numbers (non-finite strings included); other values are dropped. */
export function numberRecord(v: unknown): Record<string, number> {
  return record(v, toNumber);
}

/** A list of versions, decoded item by item, newest first. */
export function newestFirst<T extends { version: number }>(
  each: (x: unknown) => T | null
): (v: unknown) => T[] {
  return v => list(v, each).sort((a, b) => b.version - a.version);
}

/** Reads one field of a wire object: its value, and its path for error messages. */
export type FieldReader<T> = (v: unknown, what: string) => T;

/** A reader for every field of `T`. */
export type Readers<T> = { [K in keyof T]-?: FieldReader<T[K]> };

/**
 * A decoder of a JSON object read field by field, in the order of `readers`: each
 * field of `T` from the wire field of the same name. A value that is not an object
 * is a {@link DecodeError} naming `what`; a reader gets its field's path
 * (`run.id`) for its own errors.
 */
export function fields<T>(
  what: string,
  readers: Readers<T>
): (v: unknown) => T {
  return v => {
    const o = obj(v, what);
    const out: Partial<T> = {};
    for (const key of Object.keys(readers) as (keyof T & string)[]) {
      out[key] = readers[key](o[key], `${what}.${key}`);
    }
    return out as T;
  };
}

/** What every page of a list answer has besides its items. */
export interface IPageFields {
  /** Items matching the filters. */
  total: number;
  /** Index of the first item of the page. */
  offset: number;
  /** Page size. */
  limit: number;
  /** Change cursor as of the answer. */
  cursor: number;
}

/**
 * Decode a page of a list answer (`GET runs`, `GET artifacts`, `GET models`):
 * its paging fields and its items, a list under `key`.
 */
export function decodePage<K extends string, T>(
  v: unknown,
  key: K,
  each: (x: unknown) => T
): IPageFields & { [P in K]: T[] } {
  const o = obj(v, key);
  const items = o[key];
  if (!Array.isArray(items)) {
    throw new DecodeError(`${key}.${key}: expected a list`);
  }
  return {
    total: num(o.total, `${key}.total`),
    offset: optNum(o.offset) ?? 0,
    limit: optNum(o.limit) ?? items.length,
    cursor: optNum(o.cursor) ?? 0,
    [key]: items.map(each)
  } as IPageFields & { [P in K]: T[] };
}
