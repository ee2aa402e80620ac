// Checks of what callers pass: a bad argument throws INVALID_ARGUMENT before anything is sent.

import { invalid } from './errors.js';

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
export function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * @param {unknown} value
 * @returns {value is number}
 */
export function isCount(value) {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/**
 * @param {unknown} value
 * @param {string} what
 * @returns {string}
 */
export function requireID(value, what) {
  if (typeof value !== 'string' || value === '') throw invalid(`${what} must be a non-empty string`);
  return value;
}

/**
 * One account or a list of accounts, as a non-empty list.
 * @param {string|string[]} value
 * @returns {string[]}
 */
export function requireAccounts(value) {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw invalid('userID must name at least one account');
  list.forEach((id) => requireID(id, 'userID'));
  return list.slice();
}

/**
 * A non-empty list of user IDs (repeats dropped).
 * @param {unknown} value
 * @param {string} what names the argument in the error
 * @returns {string[]}
 */
export function requireIDList(value, what) {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${what} must be a non-empty array of user IDs`);
  value.forEach((id) => requireID(id, `each of ${what}`));
  return Array.from(new Set(/** @type {string[]} */ (value)));
}

/**
 * @param {unknown} value
 * @param {string} what
 * @returns {number}
 */
export function requireCount(value, what) {
  if (!isCount(value)) throw invalid(`${what} must be a non-negative integer`);
  return value;
}

/**
 * @param {unknown} value
 * @param {string} what names the argument in the error
 * @returns {string} `value`, or `""` when absent
 */
export function optionalString(value, what) {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw invalid(`${what} must be a string`);
  return value;
}
