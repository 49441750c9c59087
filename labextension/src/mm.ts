/**
 * The `MM` namespace: the types of the REST contract as the frontend sees them after
 * decoding, gathered from `shared/` and the feature folders, for the modules at the
 * top of `src/` and the tests (`import * as MM from './mm'`, then `MM.IRunSummary`).
 *
 * Inside a folder, `MM` is that folder's `types.ts`: a feature's re-exports
 * `shared/types.ts`, so a feature names its own types and the shared ones, never
 * another feature's. The run diff and monitoring types keep their own namespaces
 * (`Diff`, `Mon`).
 */
export * from './shared/types';
export * from './runs/types';
export * from './artifacts/types';
export * from './models/types';
