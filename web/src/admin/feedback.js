// Error banner (data-admin="error") and short success notes for the admin console.
import { createFeedback } from '../shared/feedback.js';
import { ApiError } from './api.js';
import { h } from '../shared/dom.js';

export const { feedbackElements, showError, clearError, toast, attempt, attemptLoad } = createFeedback({
  prefix: 'ad',
  attribute: 'data-admin',
  toastsClass: 'ad-toasts',
  codeElement: (code) => h('span', { class: 'ad-error-code', text: `ErrorCode ${code}` }),
  describe(err) {
    if (err instanceof ApiError) {
      return { code: String(err.code), text: err.message, detail: err.where ? { className: 'ad-error-where', text: err.where } : undefined };
    }
    return { code: '', text: err instanceof Error ? err.message : String(err) };
  },
});
