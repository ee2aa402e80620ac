// The error banner and short success notes of the host page and the admin console: one
// implementation, with each page's class prefix, its data attribute and how it describes an
// error.
import { h, replace } from './dom.js';

/**
 * @typedef {Object} Described
 * @property {string} code shown as the error's code ('' for none)
 * @property {string} text the error's message
 * @property {{className: string, text: string}} [detail] a further line (where it happened, a
 *   hint) and its class
 */

/**
 * @typedef {Object} FeedbackOptions
 * @property {string} prefix class prefix (`ad` gives `ad-error`, `ad-toasts`, ...)
 * @property {string} attribute the data attribute naming the banner (`data-admin`)
 * @property {(err: unknown) => Described} describe
 * @property {(code: string) => HTMLElement} [codeElement] how the code is shown
 * @property {string} toastsClass the toast area's class
 */

/**
 * The banner and toasts of one page.
 * @param {FeedbackOptions} o
 */
export function createFeedback(o) {
  /** @type {HTMLElement|null} */
  let banner = null;
  /** @type {HTMLElement|null} */
  let toasts = null;

  /** Hides the error banner. */
  function clearError() {
    if (!banner) return;
    banner.hidden = true;
    banner.replaceChildren();
  }

  /**
   * Shows an error with its code and text.
   * @param {unknown} err
   * @param {string} [context] what was being done, e.g. "Saving the webhook"
   */
  function showError(err, context) {
    if (!banner) return;
    const { code, text, detail } = o.describe(err);
    replace(
      banner,
      h('div', { class: `${o.prefix}-error-body` },
        h('strong', { text: context ? `${context} failed` : 'Error' }),
        code && o.codeElement ? o.codeElement(code) : null,
        h('span', { class: `${o.prefix}-error-text`, text }),
        detail ? h('span', { class: detail.className, text: detail.text }) : null,
      ),
      h('button', { class: `${o.prefix}-error-close`, type: 'button', 'aria-label': 'Dismiss', text: '×', onclick: clearError }),
    );
    banner.hidden = false;
  }

  return {
    /**
     * Creates the error banner and the toast area; call once and put them in the page.
     * @returns {HTMLElement[]}
     */
    feedbackElements() {
      banner = h('div', { class: `${o.prefix}-error`, [o.attribute]: 'error', role: 'alert', hidden: true });
      toasts = h('div', { class: o.toastsClass, 'aria-live': 'polite' });
      return [banner, toasts];
    },

    showError,
    clearError,

    /**
     * Shows a short success note for a few seconds.
     * @param {string} text
     */
    toast(text) {
      if (!toasts) return;
      const note = h('div', { class: `${o.prefix}-toast`, text });
      toasts.appendChild(note);
      while (toasts.childElementCount > 3) toasts.firstElementChild?.remove();
      setTimeout(() => note.classList.add('is-leaving'), 2600);
      setTimeout(() => note.remove(), 3000);
    },

    /**
     * Runs an action, clearing the banner first and showing any failure.
     * @template T
     * @param {string} context
     * @param {() => Promise<T>} action
     * @returns {Promise<T|undefined>}
     */
    async attempt(context, action) {
      clearError();
      try {
        return await action();
      } catch (err) {
        showError(err, context);
        return undefined;
      }
    },

    /**
     * Runs a load that a newer one may replace: like attempt, but the failure of a load that
     * is no longer current is not shown.
     * @template T
     * @param {string} context
     * @param {() => boolean} current whether this load is still the latest
     * @param {() => Promise<T>} action
     * @returns {Promise<T|undefined>}
     */
    async attemptLoad(context, current, action) {
      clearError();
      try {
        return await action();
      } catch (err) {
        if (current()) showError(err, context);
        return undefined;
      }
    },
  };
}
