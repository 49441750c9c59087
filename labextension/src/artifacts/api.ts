/**
 * The REST calls of the artifacts feature: one method per endpoint, each answer
 * decoded.
 */
import type { RestClient } from '../shared/rest';
import {
  decodeArtifactDetail,
  decodeArtifactList,
  decodeDatasetDiff,
  decodeLineage
} from './decode';
import * as MM from './types';

/**
 * The artifacts and lineage endpoints.
 */
export interface IArtifactsApi {
  /** `GET artifacts`: one page of artifacts. */
  artifacts(query: MM.IArtifactQuery): Promise<MM.IArtifactList>;
  /** `GET artifacts/{name}/versions`: an artifact with its versions, newest first. */
  artifactVersions(name: string): Promise<MM.IArtifactDetail>;
  /** `GET lineage?run=ID` or `?version=NAME:vN`: the graph around a run or version. */
  lineage(root: MM.LineageRoot, depth?: number): Promise<MM.ILineage>;
  /** `GET artifacts/diff?a=NAME:vN&b=NAME:vN`: schema and profile changes. */
  artifactDiff(a: string, b: string): Promise<MM.IDatasetDiff>;
}

/** The artifacts endpoints over a client. */
export function artifactsApi(client: RestClient): IArtifactsApi {
  return {
    artifacts: query =>
      client.get(['artifacts'], decodeArtifactList, {
        q: query.q.trim(),
        kind: query.kind,
        limit: query.limit,
        offset: query.offset
      }),
    artifactVersions: name =>
      client.get(['artifacts', name, 'versions'], decodeArtifactDetail),
    lineage: (root, depth) =>
      client.get(['lineage'], decodeLineage, {
        run: root.kind === 'run' ? root.id : undefined,
        version: root.kind === 'version' ? root.ref : undefined,
        depth
      }),
    artifactDiff: (a, b) =>
      client.get(['artifacts', 'diff'], decodeDatasetDiff, { a, b })
  };
}
