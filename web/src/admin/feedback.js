// Error banner (data-admin="error") and short success notes for the admin console.
import { ApiError } from './api.js';
import { h, replace } from './dom.js';

/** @type {HTMLElement|null} */
let banner = null;
/** @type {HTMLElement|null} */
let toastBox = null;

/**
 * Creates the error banner and the toast area; call once and put them in the page.
 * @returns {HTMLElement[]}
 */
export function feedbackElements() {
  banner = h('div', { class: 'ad-error', 'data-admin': 'error', role: 'alert', hidden: true });
  toastBox = h('div', { class: 'ad-toasts', 'aria-live': 'polite' });
  return [banner, toastBox];
}

/**
 * Shows an error with its code and text.
 * @param {unknown} err an ApiError, an Error or a string
 * @param {string} [context] what was being done, e.g. "Saving the webhook"
 */
export function showError(err, context) {
  if (!banner) return;
  let code = '';
  let text = '';
  let where = '';
  if (err instanceof ApiError) {
    code = String(err.code);
    text = err.message;
    where = err.where;
  } else if (err instanceof Error) {
    text = err.message;
  } else {
    text = String(err);
  }
  const close = h('button', { class: 'ad-error-close', type: 'button', 'aria-label': 'Dismiss', text: '×', onclick: clearError });
  replace(
    banner,
    h('div', { class: 'ad-error-body' },
      h('strong', { text: context ? `${context} failed` : 'Error' }),
      code ? h('span', { class: 'ad-error-code', text: `ErrorCode ${code}` }) : null,
      h('span', { class: 'ad-error-text', text }),
      where ? h('span', { class: 'ad-error-where', text: where }) : null,
    ),
    close,
  );
  banner.hidden = false;
}

/** Hides the error banner. */
export function clearError() {
  if (!banner) return;
  banner.hidden = true;
  banner.replaceChildren();
}

/**
 * Shows a short success note for a few seconds.
 * @param {string} text
 */
export function toast(text) {
  if (!toastBox) return;
  const note = h('div', { class: 'ad-toast', text });
  toastBox.appendChild(note);
  while (toastBox.childElementCount > 3) toastBox.firstElementChild?.remove();
  setTimeout(() => note.classList.add('is-leaving'), 2600);
  setTimeout(() => note.remove(), 3000);
}

/**
 * Runs an action, clearing the banner first and showing any failure.
 * @template T
 * @param {string} context
 * @param {() => Promise<T>} action
 * @returns {Promise<T|undefined>}
 */
export async function attempt(context, action) {
  clearError();
  try {
    return await action();
  } catch (err) {
    showError(err, context);
    return undefined;
  }
}

/**
 * Runs a load that a newer one may replace (another app was picked meanwhile): like attempt,
 * but the failure of a load that is no longer current is not shown.
 * @template T
 * @param {string} context
 * @param {() => boolean} current whether this load is still the latest
 * @param {() => Promise<T>} action
 * @returns {Promise<T|undefined>}
 */
export async function attemptLoad(context, current, action) {
  clearError();
  try {
    return await action();
  } catch (err) {
    if (current()) showError(err, context);
    return undefined;
  }
}
