// Error banner (data-host="error") and short notes for the host page. SDK errors
// (LiveRoomError) show their code and message, with a hint for the common ones.
import { h, replace } from '../admin/dom.js';

/** Hints for error codes a host meets. */
const HINTS = /** @type {Record<number, string>} */ ({
  10007: 'Only the room\'s owner, its admins or an App admin may do this.',
  10010: 'The room does not exist (or was dismissed).',
  10017: 'You are muted in this room.',
  80001: 'The text contains a word the app\'s filter refuses.',
  80002: 'Too large.',
  70001: 'The UserSig expired: log in again.',
  [-1001]: 'No answer from the server in time.',
  [-1002]: 'The connection to the server was lost; it reconnects by itself.',
  [-1003]: 'Not logged in.',
  [-1004]: 'Invalid value; nothing was sent.',
  [-1006]: 'The WebSocket could not be opened.',
});

/** @type {HTMLElement|null} */
let banner = null;
/** @type {HTMLElement|null} */
let toasts = null;

/** @returns {HTMLElement[]} the banner and the toast area, to put in the page once */
export function feedbackElements() {
  banner = h('div', { class: 'hp-error', 'data-host': 'error', role: 'alert', hidden: true });
  toasts = h('div', { class: 'hp-toasts', 'aria-live': 'polite' });
  return [banner, toasts];
}

/**
 * Shows an error: an SDK LiveRoomError, an HTTP envelope error, or anything else.
 * @param {unknown} err
 * @param {string} [context] what was being done
 */
export function showError(err, context) {
  if (!banner) return;
  const e = /** @type {{code?: unknown, message?: unknown}} */ (err && typeof err === 'object' ? err : {});
  const code = typeof e.code === 'number' ? e.code : null;
  const text = typeof e.message === 'string' ? e.message : String(err);
  const hint = code !== null ? HINTS[code] : undefined;
  replace(banner,
    h('div', { class: 'hp-error-body' },
      h('strong', { text: context ? `${context} failed` : 'Error' }),
      code !== null ? h('span', { class: 'hp-error-code', 'data-host': 'error-code', text: String(code) }) : null,
      h('span', { class: 'hp-error-text', text }),
      hint && hint !== text ? h('span', { class: 'hp-error-hint', text: hint }) : null,
    ),
    h('button', { type: 'button', class: 'hp-error-close', 'aria-label': 'Dismiss', text: '×', onclick: clearError }),
  );
  banner.hidden = false;
}

export function clearError() {
  if (!banner) return;
  banner.hidden = true;
  banner.replaceChildren();
}

/**
 * A short success note.
 * @param {string} text
 */
export function toast(text) {
  if (!toasts) return;
  const note = h('div', { class: 'hp-toast', text });
  toasts.appendChild(note);
  while (toasts.childElementCount > 3) toasts.firstElementChild?.remove();
  setTimeout(() => note.classList.add('is-leaving'), 2600);
  setTimeout(() => note.remove(), 3000);
}

/**
 * Runs an action; a failure shows in the banner.
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
