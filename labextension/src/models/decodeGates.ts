/**
 * Decoders of a model version's promotion gate (issue 17): `.../checks`,
 * `.../approvals`, `models/{name}/policies` and `.../card`. A payload without the
 * fields the views need is a {@link DecodeError} naming the field; optional fields
 * get defaults, and every value that reaches the DOM is a string.
 */
import {
  count,
  DecodeError,
  fields,
  finiteNumber,
  flag,
  isObject,
  jsonRecord,
  list,
  obj,
  optStr,
  str,
  strList,
  text
} from '../shared/decode';
import * as MM from './types';

const RULE_STATUSES: ReadonlyArray<MM.RuleStatus> = [
  'pass',
  'fail',
  'n/a',
  'error'
];

const POLICY_SOURCES: ReadonlyArray<MM.PolicySource> = [
  'model',
  'default',
  'none'
];

/** A rule's status; an unknown word is `error` (never taken for a pass). */
function ruleStatus(v: unknown): MM.RuleStatus {
  return RULE_STATUSES.find(s => s === v) ?? 'error';
}

/** A policy's source; unknown is `none`. */
function policySource(v: unknown): MM.PolicySource {
  return POLICY_SOURCES.find(s => s === v) ?? 'none';
}

/** The value a rule read, as text: numbers, strings and booleans; else null. */
function actualText(v: unknown): string | null {
  if (typeof v === 'string') {
    return v;
  }
  if (typeof v === 'number' || typeof v === 'boolean') {
    return String(v);
  }
  return null;
}

/** A list field that must be there, or a {@link DecodeError}. */
function requiredList(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) {
    throw new DecodeError(`${what}: expected a list`);
  }
  return v;
}

/** Decode one rule's result; a rule must have its text. */
export function decodeRuleResult(v: unknown, what = 'rule'): MM.IRuleResult {
  const o = obj(v, what);
  const status = ruleStatus(o.status);
  return {
    rule: str(o.rule, `${what}.rule`),
    status,
    // Only an explicit pass (or a rule that does not apply) lets a move through.
    passed:
      typeof o.passed === 'boolean'
        ? o.passed && status !== 'fail' && status !== 'error'
        : status === 'pass' || status === 'n/a',
    actual: actualText(o.actual),
    message: text(o.message)
  };
}

/** The policy a check applied; absent or partial, it is no policy of `stage`. */
function decodeCheckPolicy(v: unknown, stage: string): MM.IStagePolicy {
  const o = isObject(v) ? v : {};
  return {
    stage: optStr(o.stage) ?? stage,
    require: strList(o.require),
    overriders: strList(o.overriders),
    source: policySource(o.source),
    updated_at: optStr(o.updated_at),
    updated_by: optStr(o.updated_by)
  };
}

/**
 * Decode a check report (`GET .../checks`, or the `check` of a 409). `passed`
 * is true only when the server says so and no rule failed.
 */
export function decodeCheckReport(v: unknown): MM.ICheckReport {
  const what = 'check';
  const o = obj(v, what);
  const rules = requiredList(o.rules, `${what}.rules`).map((r, i) =>
    decodeRuleResult(r, `${what}.rules[${i}]`)
  );
  const version = finiteNumber(o.version);
  if (version === null) {
    throw new DecodeError(`${what}.version: expected a number`);
  }
  const model = str(o.model, `${what}.model`);
  const failed = Array.isArray(o.failed)
    ? strList(o.failed)
    : rules.filter(r => !r.passed).map(r => r.rule);
  const stage = str(o.stage, `${what}.stage`);
  return {
    ref: optStr(o.ref) ?? `${model}:${version}`,
    model,
    version,
    stage,
    current_stage: optStr(o.current_stage),
    passed:
      o.passed === true && failed.length === 0 && rules.every(r => r.passed),
    policy: decodeCheckPolicy(o.policy, stage),
    rules,
    failed,
    can_override: flag(o.can_override),
    user: optStr(o.user)
  };
}

/** Decode one approval; null without a user. */
export function decodeApproval(v: unknown): MM.IApproval | null {
  if (!isObject(v) || typeof v.user !== 'string') {
    return null;
  }
  return {
    user: v.user,
    comment: text(v.comment),
    at: optStr(v.at),
    counts: v.counts !== false,
    why_not: optStr(v.why_not)
  };
}

/** Decode `GET`/`POST .../approvals`. */
export const decodeApprovals = fields<MM.IApprovals>('approvals', {
  approvals: (v, what) => list(requiredList(v, what), decodeApproval),
  count: count
});

/** Decode one stage's policy; a policy names its stage. */
export function decodeStagePolicy(
  v: unknown,
  what = 'policy'
): MM.IStagePolicy {
  const o = obj(v, what);
  return {
    stage: str(o.stage, `${what}.stage`),
    require: strList(o.require),
    overriders: strList(o.overriders),
    source: policySource(o.source),
    updated_at: optStr(o.updated_at),
    updated_by: optStr(o.updated_by)
  };
}

/** Decode `GET`/`POST models/{name}/policies`. */
export const decodeModelPolicies = fields<MM.IModelPolicies>('policies', {
  model: text,
  policies: (v, what) =>
    requiredList(v, what).map((p, i) => decodeStagePolicy(p, `${what}[${i}]`))
});

/** Decode `GET .../card`: the markdown is required, the structured card optional. */
export const decodeModelCard = fields<MM.IModelCard>('card', {
  markdown: str,
  card: jsonRecord
});
