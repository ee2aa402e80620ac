// Reading server frames: typed access to their JSON, where a missing or mistyped field throws
// a FrameError; a reply's envelope; a draw's 64-bit seed; JSON inside a string field.

import { isObject } from './checks.js';
import { FrameError } from './errors.js';

/** Typed access to a JSON object from the server; a missing or mistyped field throws a FrameError. */
export class Fields {
  /**
   * @param {unknown} value
   * @param {string} where names the object in error texts
   */
  constructor(value, where) {
    if (!isObject(value)) throw new FrameError(`${where} is not an object`);
    this.o = value;
    this.where = where;
  }

  /**
   * @param {string} key
   * @param {string} expected
   */
  bad(key, expected) {
    return new FrameError(`${this.where}.${key} is not ${expected}`);
  }

  /** @param {string} key */
  has(key) {
    return this.o[key] !== undefined && this.o[key] !== null;
  }

  /** @param {string} key @returns {string} */
  str(key) {
    const v = this.o[key];
    if (typeof v !== 'string') throw this.bad(key, 'a string');
    return v;
  }

  /** @param {string} key @returns {string} */
  optStr(key, fallback = '') {
    return this.has(key) ? this.str(key) : fallback;
  }

  /** @param {string} key @returns {number} */
  num(key) {
    const v = this.o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.bad(key, 'a number');
    return v;
  }

  /** @param {string} key @returns {number} */
  optNum(key, fallback = 0) {
    return this.has(key) ? this.num(key) : fallback;
  }

  /** @param {string} key @returns {number|undefined} */
  maybeNum(key) {
    return this.has(key) ? this.num(key) : undefined;
  }

  /** @param {string} key @returns {boolean} */
  optBool(key) {
    if (!this.has(key)) return false;
    const v = this.o[key];
    if (typeof v !== 'boolean') throw this.bad(key, 'a boolean');
    return v;
  }

  /** @param {string} key @returns {unknown[]} */
  arr(key) {
    const v = this.o[key];
    if (!Array.isArray(v)) throw this.bad(key, 'an array');
    return v;
  }

  /** @param {string} key @returns {unknown[]} */
  optArr(key) {
    return this.has(key) ? this.arr(key) : [];
  }

  /** @param {string} key @returns {Fields} */
  obj(key) {
    return new Fields(this.o[key], `${this.where}.${key}`);
  }
}

/**
 * The `Seed` of a lucky draw is a 64-bit integer that JSON.parse would round; quote it first.
 * The pattern cannot match inside a JSON string, where the quotes are escaped.
 * @param {string} text
 */
export function quoteBigSeeds(text) {
  return text.indexOf('"Seed"') < 0 ? text : text.replace(/"Seed"\s*:\s*(\d+)/g, '"Seed":"$1"');
}

/**
 * @param {Fields} f
 * @returns {{id: number|undefined, code: number, info: string, fields: Fields}} `fields` is the whole reply
 */
export function decodeReply(f) {
  const id = f.has('id') ? f.num('id') : undefined;
  return { id, code: f.num('ErrorCode'), info: f.optStr('ErrorInfo'), fields: f };
}

/**
 * @param {string} text
 * @param {Fields} where
 * @returns {unknown}
 */
export function parseJSON(text, where) {
  try {
    return JSON.parse(text);
  } catch (_) {
    throw new FrameError(`${where.where}.Value is not JSON`);
  }
}
