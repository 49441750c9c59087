/**
 * Types of a model version's promotion gate (issue 17), as the frontend sees them
 * after decoding: the policy check of a stage, approvals, each stage's policy and
 * the model card. Re-exported by `./types`, so modules name them `MM.ICheckReport`.
 */
import type { JSONValue } from '../shared/types';

/** What a rule of a policy came to. */
export type RuleStatus = 'pass' | 'fail' | 'n/a' | 'error';

/** Where the policy checked for a stage comes from. */
export type PolicySource = 'model' | 'default' | 'none';

/**
 * One rule of a policy, evaluated for a version (`GET .../checks`).
 */
export interface IRuleResult {
  /** The rule as written: `test.accuracy >= 0.9`. */
  rule: string;
  /** `pass`, `fail`, `n/a` (does not apply) or `error` (cannot be evaluated). */
  status: RuleStatus;
  /** Whether it lets the transition through. */
  passed: boolean;
  /** The value the rule read, as text (`0.87`, `clean`), or null. */
  actual: string | null;
  /** Why, in a sentence: `test.accuracy is 0.87; needs >= 0.9`. */
  message: string;
}

/**
 * `GET models/{name}/versions/{v}/checks?stage=S`: whether a version may move to
 * a stage, rule by rule. Also the `check` of a 409 answer to a transition.
 */
export interface ICheckReport {
  /** `name:N`. */
  ref: string;
  /** Model name. */
  model: string;
  /** Version number. */
  version: number;
  /** The stage checked. */
  stage: string;
  /** The stage the version is in now, or null when not said. */
  current_stage: string | null;
  /** Whether every rule passed. */
  passed: boolean;
  /** The policy applied (`source` none: no policy). */
  policy: IStagePolicy;
  /** Each rule's result, in the policy's order. */
  rules: IRuleResult[];
  /** The rules that failed (as written). */
  failed: string[];
  /** Whether the user asking may force the transition (with a reason). */
  can_override: boolean;
  /** The user the check was made for, or null. */
  user: string | null;
}

/**
 * One approval of a version.
 */
export interface IApproval {
  /** Who approved. */
  user: string;
  /** What they said. */
  comment: string;
  /** ISO-8601 UTC time, or null. */
  at: string | null;
  /** Whether it counts towards `approvals >= N`. */
  counts: boolean;
  /** Why it does not count (e.g. the registrant's own), or null. */
  why_not: string | null;
}

/**
 * `GET`/`POST models/{name}/versions/{v}/approvals`.
 */
export interface IApprovals {
  /** Every approval, as the server lists them. */
  approvals: IApproval[];
  /** How many count. */
  count: number;
}

/**
 * The policy of one stage of a model.
 */
export interface IStagePolicy {
  /** The stage it gates. */
  stage: string;
  /** Its rules. */
  require: string[];
  /** Who may force past it. */
  overriders: string[];
  /** The model's own, or the registry-wide default. */
  source: PolicySource;
  /** ISO-8601 UTC time of the last change, or null. */
  updated_at: string | null;
  /** Who changed it last, or null. */
  updated_by: string | null;
}

/**
 * `GET models/{name}/policies` (and the reply of a `POST`).
 */
export interface IModelPolicies {
  /** Model name. */
  model: string;
  /** One per stage with a policy. */
  policies: IStagePolicy[];
}

/**
 * Body of `POST models/{name}/policies`: `require: []` removes the stage's policy.
 */
export interface IPolicyRequest {
  /** The stage. */
  stage: string;
  /** Its rules, one per entry. */
  require: string[];
  /** Who may force past it. */
  overriders: string[];
}

/**
 * `GET models/{name}/versions/{v}/card`: the model card as markdown and as data.
 */
export interface IModelCard {
  /** The card as `MODEL_CARD.md` has it. */
  markdown: string;
  /** The same content, structured. */
  card: Record<string, JSONValue>;
}
