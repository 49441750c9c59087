/**
 * The `MM` namespace: the types of the REST contract as the frontend sees them after
 * decoding, gathered from the feature folders. Import it as
 * `import * as MM from '../mm'` and name a type `MM.IRunSummary`; the run diff and
 * monitoring types keep their own namespaces (`Diff`, `Mon`).
 */
export * from './shared/types';
export * from './runs/types';
export * from './artifacts/types';
export * from './models/types';
