/**
 * The link between the JSON Schemas of the REST payloads and the frontend's types.
 *
 * `shared/contract.generated.ts` holds the wire types, generated from
 * `mm_jupyter/schemas/`. The decoders turn a wire payload into a frontend type
 * (non-finite floats become numbers, null or absent values get defaults). The checks
 * below fail the TypeScript build when a schema and the type its decoder returns
 * drift apart:
 *
 * - every field of the schema is a field of the frontend type and every field of the
 *   frontend type is one of the schema, at any depth, and
 * - every value the schema allows, once decoded, fits the frontend type up to those
 *   defaults.
 */

import type { RestPayloads } from './shared/contract.generated';
import type * as MM from './mm';
import type { Diff } from './diff/types';
import type { Cmp } from './compare/types';
import type { Mon } from './monitoring/types';
import type { IRunOutput } from './notebook/runOutput';

export type { RestPayloads } from './shared/contract.generated';

/** How the wire spells a non-finite float. */
type NonFinite = 'NaN' | 'Infinity' | '-Infinity';

/**
 * The type a wire type decodes to: non-finite strings become numbers and untyped JSON
 * (`unknown` in the generated file) is a {@link MM.JSONValue}.
 */
export type Decoded<T> = unknown extends T
  ? MM.JSONValue
  : T extends NonFinite
    ? number
    : T extends ReadonlyArray<infer U>
      ? Decoded<U>[]
      : T extends object
        ? { [K in keyof T]: Decoded<T[K]> }
        : T;

/** `T` without the fields named `N`, at any depth. */
export type OmitDeep<T, N extends PropertyKey> = [MM.JSONValue] extends [T]
  ? T
  : T extends ReadonlyArray<infer U>
    ? OmitDeep<U, N>[]
    : T extends object
      ? { [K in keyof T as K extends N ? never : K]: OmitDeep<T[K], N> }
      : T;

/** Every key of every member of union `T`. */
type AllKeys<T> = T extends unknown ? keyof T : never;

/** The type of field `K` in whichever members of union `T` have it. */
type FieldOf<T, K extends PropertyKey> = T extends unknown
  ? K extends keyof T
    ? T[K]
    : never
  : never;

/** The type of every field of every member of union `T`. */
type ValueOf<T> = T extends unknown ? T[keyof T] : never;

/**
 * The fields of wire type `W` that frontend type `F` does not declare, at any depth,
 * leaving out the fields named `N` and what they hold.
 */
export type UnknownFields<
  W,
  F,
  N extends PropertyKey = never
> = unknown extends W
  ? never
  : unknown extends F
    ? never
    : W extends ReadonlyArray<infer U>
      ? F extends ReadonlyArray<infer V>
        ? UnknownFields<U, V, N>
        : never
      : W extends object
        ? {
            [K in keyof W]-?: K extends N
              ? never
              : string extends K
                ? UnknownFields<W[K], ValueOf<F>, N>
                : K extends AllKeys<F>
                  ? UnknownFields<W[K], FieldOf<F, K>, N>
                  : string extends AllKeys<F>
                    ? UnknownFields<W[K], ValueOf<F>, N>
                    : K;
          }[keyof W]
        : never;

/**
 * What a decoder may turn into frontend type `F`: decoders fill a null or absent wire
 * value with a default (`''`, `[]`, `null`), so any field may be missing or null; the
 * field names themselves are compared by {@link UnknownFields} both ways.
 */
export type Lenient<F> =
  F extends ReadonlyArray<infer U>
    ? Lenient<U>[] | null
    : F extends object
      ? { [K in keyof F]?: Lenient<F[K]> | null }
      : F | null;

/** Compiles only when `T` is `true`. */
type Assert<T extends true> = T;

/**
 * `true` when payload `K` fits frontend type `F`, else a type naming the problem
 * (shown in the compiler error):
 *
 * - every field of the schema is a field of `F` and every field of `F` is one of the
 *   schema, at any depth, and
 * - every value the schema allows, once decoded, has the type `F` gives it, up to
 *   the defaults decoders fill in for null or absent values.
 *
 * `N` names the fields whose decoder reshapes the wire value rather than copying it:
 * they are left out of both checks, at any depth.
 */
type Conforms<
  K extends keyof RestPayloads,
  F,
  N extends PropertyKey = never
> = [OmitDeep<Decoded<RestPayloads[K]>, N>] extends [Lenient<OmitDeep<F, N>>]
  ? [UnknownFields<RestPayloads[K], F, N>] extends [never]
    ? [UnknownFields<F, RestPayloads[K], N>] extends [never]
      ? true
      : { fieldsNotInSchema: UnknownFields<F, RestPayloads[K], N> }
    : { fieldsNotInFrontend: UnknownFields<RestPayloads[K], F, N> }
  : { notAssignable: K };

/** The promotion gate's fields of the model payloads (see their checks). */
type GateFields = 'approvals' | 'forced' | 'overridden';

/**
 * One check per payload the frontend decodes. The third argument lists the fields a
 * decoder reshapes (each commented); every other field is checked both ways.
 */
export type ContractChecks = [
  Assert<Conforms<'meta', MM.IMeta>>,
  Assert<Conforms<'runs_page', MM.IRunList>>,
  Assert<Conforms<'keys', MM.IKeys>>,
  Assert<Conforms<'run_detail', MM.IRunDetail>>,
  Assert<Conforms<'report', MM.IReport>>,
  Assert<Conforms<'changes', MM.IChanges>>,
  Assert<Conforms<'artifacts_page', MM.IArtifactList>>,
  Assert<Conforms<'artifact_versions', MM.IArtifactDetail>>,
  Assert<Conforms<'artifact_diff', MM.IDatasetDiff>>,
  Assert<Conforms<'lineage', MM.ILineage>>,
  // A forced move's `forced` and `overridden`, and a version's `approvals` (issue
  // 17): the frontend reads approvals from their own route (a model's list and
  // detail leave them out), and tolerates their absence from older servers.
  Assert<Conforms<'models_page', MM.IModelList, GateFields>>,
  Assert<Conforms<'model_detail', MM.IModelDetail, GateFields>>,
  Assert<Conforms<'model_version', MM.IModelVersionDetail, GateFields>>,
  // A rule's `actual` (number, string or boolean on the wire) is shown as text.
  Assert<Conforms<'model_check', MM.ICheckReport, 'actual'>>,
  Assert<Conforms<'model_approvals', MM.IApprovals>>,
  Assert<Conforms<'model_policies', MM.IModelPolicies>>,
  Assert<Conforms<'model_policy_request', MM.IPolicyRequest>>,
  // The structured card is kept as JSON (the view renders its markdown).
  Assert<Conforms<'model_card', MM.IModelCard, 'card'>>,
  // Metrics: a map by key on the wire, a list of rows (with `key`) once decoded.
  Assert<Conforms<'diff', Diff.IRunDiff, 'metrics'>>,
  // Runs: run summaries, checked with runs_page.
  Assert<Conforms<'compare', Cmp.IComparison, 'runs'>>,
  Assert<Conforms<'monitoring_page', Mon.IMonitorList>>,
  // The batch report is summarised into reasons and performance figures.
  Assert<Conforms<'monitoring_detail', Mon.IMonitorDetail, 'last_report'>>,
  Assert<Conforms<'monitoring_series', Mon.ISeriesList>>,
  Assert<Conforms<'alert_acknowledge_response', Mon.IAcknowledgement>>,
  Assert<Conforms<'rerun_report', MM.IRerunReport>>,
  Assert<Conforms<'checkout', MM.ICheckout>>,
  // The run output a tracked cell displays (a notebook output, not a REST reply);
  // its registry: an object with the path on the wire, the path once decoded.
  Assert<Conforms<'run_output', IRunOutput, 'registry'>>
];
