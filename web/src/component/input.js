// The comment input: a text field and a send button, disabled with the reason shown
// (`data-lr="input-reason"`) while the viewer is a guest, muted, or not connected. A custom
// `input` renderer may draw it instead; it gets `send(text)` and the current state.
import { h, icon, renderWith } from './dom.js';

const MAX_LENGTH = 300;

/**
 * @param {{
 *   send: (text: string) => Promise<unknown>,
 *   renderer: () => Function | undefined,
 *   ctx: () => object,
 *   onError: (err: unknown) => void,
 * }} deps
 */
export function createInput(deps) {
  const field = /** @type {HTMLInputElement} */ (
    h('input', { class: 'lr-input', 'data-lr': 'input', type: 'text', enterkeyhint: 'send', autocomplete: 'off', maxlength: String(MAX_LENGTH), placeholder: 'Say something…', 'aria-label': 'Comment' })
  );
  const send = /** @type {HTMLButtonElement} */ (h('button', { class: 'lr-send', type: 'button', 'data-lr': 'send', 'aria-label': 'Send', title: 'Send' }, icon('send')));
  const wrap = h('form', { class: 'lr-input-wrap', autocomplete: 'off' }, field, send);
  const slot = h('div', { class: 'lr-input-slot', style: { display: 'contents' } });
  const reason = h('div', { class: 'lr-input-reason', 'data-lr': 'input-reason', hidden: true, role: 'status' });
  let blocked = '';
  let busy = false;

  async function submit() {
    const text = field.value.trim();
    if (!text || blocked || busy) return;
    busy = true;
    field.value = '';
    try {
      await deps.send(text);
    } catch (err) {
      deps.onError(err);
    } finally {
      busy = false;
      sync();
    }
  }

  wrap.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  send.addEventListener('click', (e) => {
    e.preventDefault();
    submit();
  });
  field.addEventListener('input', sync);

  function sync() {
    field.disabled = Boolean(blocked);
    send.disabled = Boolean(blocked) || field.value.trim() === '';
    field.placeholder = blocked ? 'Chat is unavailable' : 'Say something…';
  }

  function render() {
    const node = renderWith(
      deps.renderer(),
      { disabled: Boolean(blocked), reason: blocked },
      { ...deps.ctx(), send: (/** @type {string} */ text) => deps.send(text), disabled: Boolean(blocked), reason: blocked },
      () => wrap,
      deps.onError,
    );
    if (slot.firstChild !== node || slot.childNodes.length !== 1) slot.replaceChildren(node);
  }
  render();
  sync();

  return {
    el: slot,
    reason,
    field,
    /** @param {string} why '' to enable, else the reason */
    setBlocked(why) {
      if (why === blocked) return;
      blocked = why || '';
      reason.textContent = blocked;
      reason.hidden = !blocked;
      sync();
      if (typeof deps.renderer() === 'function') render();
    },
    get blocked() {
      return blocked;
    },
    render,
    focus() {
      field.focus();
    },
    destroy() {
      slot.remove();
      reason.remove();
    },
  };
}
