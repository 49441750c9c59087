/**
 * The REST calls of the model registry: one method per endpoint, each answer
 * decoded.
 */
import type { RestClient } from '../shared/rest';
import {
  decodeModelDetail,
  decodeModelList,
  decodeModelVersionDetail
} from './decode';
import {
  decodeApprovals,
  decodeCheckReport,
  decodeModelCard,
  decodeModelPolicies
} from './decodeGates';
import * as MM from './types';

/**
 * The promotion gate of a model's versions (issue 17): checks, approvals,
 * policies, the model card and the package.
 */
export interface IModelGateApi {
  /** `GET models/{name}/versions/{v}/checks?stage=S`: the policy, rule by rule. */
  checks(
    name: string,
    version: number,
    stage: string
  ): Promise<MM.ICheckReport>;
  /** `GET models/{name}/versions/{v}/approvals`. */
  approvals(name: string, version: number): Promise<MM.IApprovals>;
  /** `POST models/{name}/versions/{v}/approvals`: approve, with a comment. */
  approve(
    name: string,
    version: number,
    comment: string
  ): Promise<MM.IApprovals>;
  /** `GET models/{name}/policies`: each stage's policy. */
  policies(name: string): Promise<MM.IModelPolicies>;
  /**
   * `POST models/{name}/policies`: set (or, with no rules, remove) a stage's
   * policy. A rule that does not parse is an `MMApiError` with `status` 400.
   */
  setPolicy(name: string, body: MM.IPolicyRequest): Promise<MM.IModelPolicies>;
  /** `GET models/{name}/versions/{v}/card`. */
  card(name: string, version: number): Promise<MM.IModelCard>;
  /**
   * `GET models/{name}/versions/{v}/package.zip`: the answer, unread (its body
   * is streamed for progress). A 4xx/5xx is an `MMApiError` with the server's
   * message.
   */
  packageZip(name: string, version: number): Promise<Response>;
}

/**
 * The model registry endpoints.
 */
export interface IModelsApi extends IModelGateApi {
  /** `GET models`: one page of registered models. */
  models(query: MM.IModelQuery): Promise<MM.IModelList>;
  /** `GET models/{name}`: a model with its versions, history and metric trend. */
  model(name: string): Promise<MM.IModelDetail>;
  /** `GET models/{name}/versions/{v}`: one version with its transitions. */
  modelVersion(name: string, version: number): Promise<MM.IModelVersionDetail>;
  /**
   * `POST models/{name}/versions/{v}/transition`: change a version's stage or
   * aliases. Replies with the updated version; a 409 (alias held elsewhere,
   * `move` false; a policy refusing the stage, with its `check`) is an
   * `MMApiError` with `status` 409.
   */
  transition(
    name: string,
    version: number,
    body: MM.TransitionRequest
  ): Promise<MM.IModelVersionDetail>;
}

/** The model registry endpoints over a client. */
export function modelsApi(client: RestClient): IModelsApi {
  const versionPath = (name: string, version: number) => [
    'models',
    name,
    'versions',
    String(version)
  ];
  return {
    models: query =>
      client.get(['models'], decodeModelList, {
        q: query.q.trim(),
        limit: query.limit,
        offset: query.offset
      }),
    model: name => client.get(['models', name], decodeModelDetail),
    modelVersion: (name, version) =>
      client.get(versionPath(name, version), decodeModelVersionDetail),
    transition: (name, version, body) =>
      client.post(
        [...versionPath(name, version), 'transition'],
        body,
        decodeModelVersionDetail
      ),
    checks: (name, version, stage) =>
      client.get([...versionPath(name, version), 'checks'], decodeCheckReport, {
        stage
      }),
    approvals: (name, version) =>
      client.get([...versionPath(name, version), 'approvals'], decodeApprovals),
    approve: (name, version, comment) =>
      client.post(
        [...versionPath(name, version), 'approvals'],
        { comment },
        decodeApprovals
      ),
    policies: name =>
      client.get(['models', name, 'policies'], decodeModelPolicies),
    setPolicy: (name, body) =>
      client.post(['models', name, 'policies'], body, decodeModelPolicies),
    card: (name, version) =>
      client.get([...versionPath(name, version), 'card'], decodeModelCard),
    packageZip: (name, version) =>
      client.request([...versionPath(name, version), 'package.zip'])
  };
}
