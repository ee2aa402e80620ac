// Error banner (data-host="error") and short notes for the host page. SDK errors
// (LiveRoomError) show their code and message, with a hint for the common ones.
import { createFeedback } from '../shared/feedback.js';
import { h } from '../shared/dom.js';

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

export const { feedbackElements, showError, clearError, toast, attempt } = createFeedback({
  prefix: 'hp',
  attribute: 'data-host',
  toastsClass: 'hp-toasts',
  codeElement: (code) => h('span', { class: 'hp-error-code', 'data-host': 'error-code', text: code }),
  describe(err) {
    const e = /** @type {{code?: unknown, message?: unknown}} */ (err && typeof err === 'object' ? err : {});
    const code = typeof e.code === 'number' ? e.code : null;
    const text = typeof e.message === 'string' ? e.message : String(err);
    const hint = code !== null ? HINTS[code] : undefined;
    return {
      code: code !== null ? String(code) : '',
      text,
      detail: hint && hint !== text ? { className: 'hp-error-hint', text: hint } : undefined,
    };
  },
});
