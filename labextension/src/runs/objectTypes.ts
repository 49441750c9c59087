/**
 * Types of a run's custom objects (docs/objects.md): the user-defined functions and
 * classes a tracked cell used, as `GET runs/{id}` lists them.
 *
 * Names and sources are untrusted user content: views render them as text.
 */

/** What a custom object is. */
export type CodeObjectKind = 'function' | 'class';

/**
 * One user-defined function or class a run used.
 */
export interface ICodeObject {
  /** Qualified name, e.g. `MyFeatures` or `make_model.<locals>.loss`. */
  name: string;
  /** `function` or `class`. */
  kind: CodeObjectKind;
  /** `__main__` for the notebook, else the local module's name. */
  module: string;
  /** SHA-256 of the kind, module, name and source. */
  digest: string;
  /** The source text, or a one-line `# source not …` note saying why it is missing. */
  source: string;
}
