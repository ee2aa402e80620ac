// The SDK's console output, filtered by `logLevel`.

import { isCount } from './checks.js';
import { LOG_LEVEL } from './constants.js';
import { invalid } from './errors.js';

export class Logger {
  /** @param {number} level */
  constructor(level) {
    this.level = level;
  }

  /** @param {unknown} level one of `LOG_LEVEL` */
  setLevel(level) {
    if (!isCount(level) || level > LOG_LEVEL.NONE) throw invalid('level must be 0 to 4');
    this.level = level;
  }

  /** @param {...unknown} args */
  debug(...args) {
    if (this.level <= LOG_LEVEL.DEBUG) console.debug('[liveroom]', ...args);
  }

  /** @param {...unknown} args */
  info(...args) {
    if (this.level <= LOG_LEVEL.INFO) console.info('[liveroom]', ...args);
  }

  /** @param {...unknown} args */
  warn(...args) {
    if (this.level <= LOG_LEVEL.WARN) console.warn('[liveroom]', ...args);
  }

  /** @param {...unknown} args */
  error(...args) {
    if (this.level <= LOG_LEVEL.ERROR) console.error('[liveroom]', ...args);
  }
}
