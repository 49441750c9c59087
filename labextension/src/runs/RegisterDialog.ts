/**
 * The Register model dialog of a run view: model name (prefilled), alias and stage,
 * as a JupyterLab dialog built from DOM nodes (values are read back as text).
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import * as MM from './types';

/** One labelled field of the dialog. */
function field(
  caption: string,
  input: HTMLInputElement | HTMLSelectElement
): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'jp-mm-RegisterBody-label';
  const text = document.createElement('span');
  text.textContent = caption;
  label.append(text, input);
  return label;
}

/**
 * Body of the dialog. Built with `textContent` and input values only.
 */
class RegisterBody
  extends Widget
  implements Dialog.IBodyWidget<MM.IRegisterModelRequest>
{
  constructor(initial: MM.IRegisterModelRequest, runName: string) {
    super();
    this.addClass('jp-mm-RegisterBody');
    const text = document.createElement('p');
    text.textContent = `Register the model run ${runName} logged as a new version of a registered model.`;
    this._name = document.createElement('input');
    this._name.className = 'jp-mod-styled jp-mm-RegisterBody-name';
    this._name.value = initial.name;
    this._name.setAttribute('aria-label', 'Model name');
    this._alias = document.createElement('input');
    this._alias.className = 'jp-mod-styled jp-mm-RegisterBody-alias';
    this._alias.placeholder = 'optional, e.g. champion';
    this._alias.value = initial.alias;
    this._alias.setAttribute('aria-label', 'Alias');
    this._stage = document.createElement('select');
    this._stage.className = 'jp-mod-styled jp-mm-RegisterBody-stage';
    this._stage.setAttribute('aria-label', 'Stage');
    for (const stage of MM.MODEL_STAGES) {
      const option = document.createElement('option');
      option.value = stage === 'none' ? '' : stage;
      option.textContent = stage;
      this._stage.append(option);
    }
    this._stage.value = initial.stage;
    this.node.append(
      text,
      field('Model name', this._name),
      field('Alias', this._alias),
      field('Stage', this._stage)
    );
  }

  getValue(): MM.IRegisterModelRequest {
    return {
      name: this._name.value,
      alias: this._alias.value,
      stage: this._stage.value
    };
  }

  private _name: HTMLInputElement;
  private _alias: HTMLInputElement;
  private _stage: HTMLSelectElement;
}

/**
 * Ask for the model name, alias and stage; null when cancelled.
 *
 * @param initial - The fields' first values.
 * @param runName - The run's name, for the text.
 * @returns The request, or null.
 */
export async function askRegistration(
  initial: MM.IRegisterModelRequest,
  runName: string
): Promise<MM.IRegisterModelRequest | null> {
  const result = await showDialog<MM.IRegisterModelRequest>({
    title: 'Register model',
    body: new RegisterBody(initial, runName),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Register' })],
    focusNodeSelector: '.jp-mm-RegisterBody-name'
  });
  return result.button.accept && result.value ? result.value : null;
}

/**
 * Ask whether to register a model from a run with hidden-state warnings.
 *
 * @param question - What the warnings are (plain text).
 * @returns Whether to register anyway.
 */
export async function confirmHiddenState(question: string): Promise<boolean> {
  const body = document.createElement('p');
  body.className = 'jp-mm-RegisterBody-warning';
  body.textContent = question;
  const result = await showDialog({
    title: 'Register from a run with hidden state?',
    body: new Widget({ node: body }),
    buttons: [
      Dialog.cancelButton(),
      Dialog.warnButton({ label: 'Register anyway' })
    ]
  });
  return result.button.accept;
}
