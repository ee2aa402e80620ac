// Small DOM helpers shared by the component's parts. User text only ever reaches the page
// through textContent / text nodes / attributes (never innerHTML); a custom renderer that
// returns a string is trusted markup from the embedding page.

/**
 * Creates an element. Props: `class`, `text` (textContent), `on<event>` handlers, `style`
 * (an object), the DOM properties `value`, `checked`, `disabled`, `hidden`, `muted`, and any
 * other attribute (`true` sets it empty; `false`, null and undefined leave it out).
 * Children: nodes, or anything else as text.
 * @param {string} tag
 * @param {Record<string, any> | null} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (DOM_PROPS.has(key)) /** @type {any} */ (el)[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

const DOM_PROPS = new Set(['value', 'checked', 'disabled', 'hidden', 'muted', 'autoplay', 'playsInline']);

/**
 * Appends children (nested arrays allowed); non-nodes become text nodes.
 * @param {Node} parent
 * @param {any[]} children
 */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Escapes text for use inside HTML markup (for renderers that build strings).
 * @param {unknown} value
 * @returns {string}
 */
export function escapeHTML(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** @type {Record<string, string>} */
const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Turns a renderer's result into a node: a Node as is, a string as trusted markup (wrapped in
 * an element with `display: contents`), anything else (null, undefined) as null, meaning
 * "use the default".
 * @param {unknown} result
 * @returns {Node | null}
 */
export function toNode(result) {
  if (result instanceof Node) return result;
  if (typeof result === 'string') {
    const wrap = h('div', { class: 'lr-custom' });
    wrap.innerHTML = result; // trusted: the embedding page's own renderer produced it
    return wrap;
  }
  return null;
}

/**
 * Calls a custom renderer if there is one; falls back to `fallback()` when there is none,
 * it returns nothing, or it throws (the error goes to `onError`).
 * @param {Function | undefined} renderer
 * @param {unknown} data
 * @param {object} ctx
 * @param {() => Node} fallback
 * @param {(err: unknown) => void} [onError]
 * @returns {Node}
 */
export function renderWith(renderer, data, ctx, fallback, onError) {
  if (typeof renderer === 'function') {
    try {
      const node = toNode(renderer(data, { ...ctx, renderDefault: fallback }));
      if (node) return node;
    } catch (err) {
      if (onError) onError(err);
    }
  }
  return fallback();
}

/**
 * A URL safe to put in `src` or `href`: http(s), blob, or a data: image; resolved against
 * `base`. Anything else (javascript:, malformed) gives ''.
 * @param {unknown} url
 * @param {string} [base]
 * @returns {string}
 */
export function safeUrl(url, base) {
  if (typeof url !== 'string' || url.trim() === '') return '';
  try {
    const u = new URL(url.trim(), base || document.baseURI);
    if (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'blob:') return u.href;
    if (u.protocol === 'data:' && /^data:image\//i.test(u.href)) return u.href;
  } catch (_) {
    /* not a URL */
  }
  return '';
}

/**
 * An avatar: the image when there is a usable URL, else the name's first letter on a colour
 * picked from the name.
 * @param {string} url
 * @param {string} name
 * @param {string} [cls]
 * @returns {HTMLElement}
 */
export function avatar(url, name, cls = '') {
  const src = safeUrl(url);
  const letter = (Array.from(String(name || '?').trim())[0] || '?').toUpperCase();
  const el = h('span', { class: `lr-avatar ${cls}`.trim(), 'aria-hidden': 'true', style: { background: colorFor(name) } }, letter);
  if (src) {
    const img = h('img', { src, alt: '', loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer' });
    img.addEventListener('error', () => img.remove());
    el.appendChild(img);
  }
  return el;
}

/**
 * A stable, pleasant colour for a name.
 * @param {string} name
 */
export function colorFor(name) {
  let hash = 0;
  for (const ch of String(name || '')) hash = (hash * 31 + /** @type {number} */ (ch.codePointAt(0))) | 0;
  return `hsl(${Math.abs(hash) % 360} 55% 45%)`;
}

/**
 * A level badge (`.lr-level`, its text the level number).
 * @param {number} level
 */
export function levelBadge(level) {
  const n = Number.isFinite(level) ? Math.max(0, Math.floor(level)) : 0;
  const tier = n >= 9 ? 5 : n >= 7 ? 4 : n >= 5 ? 3 : n >= 3 ? 2 : 1;
  return h('span', { class: `lr-level lr-level-t${tier}`, title: `Level ${n}`, 'aria-label': `Level ${n}` }, String(n));
}

/**
 * "4:05" / "1:02:03" for a number of seconds.
 * @param {number} secs
 */
export function clock(secs) {
  const s = Math.max(0, Math.ceil(secs));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/**
 * A short number for labels ("12.3K"); the exact number stays in the data-lr elements.
 * @param {number} n
 */
export function compact(n) {
  try {
    return new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 }).format(n);
  } catch (_) {
    return String(n);
  }
}

/** A random id for gift keys and the like. */
export function randomKey() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Icons drawn inline (static markup, no user data). */
export const ICONS = {
  heart:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 21s-7.5-4.6-9.6-9.2C.9 8.4 3 4.5 6.8 4.5c2.1 0 3.6 1.1 4.4 2.5h1.6c.8-1.4 2.3-2.5 4.4-2.5 3.8 0 5.9 3.9 4.4 7.3C19.5 16.4 12 21 12 21z"/></svg>',
  gift:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 10h16v3H4zm1 4h6v7H5zm8 0h6v7h-6zM11 10h2v11h-2zM12 9c-1.5-3-5.5-4.5-6.3-2.2C5 9 9 9 12 9zm0 0c1.5-3 5.5-4.5 6.3-2.2C19 9 15 9 12 9z"/></svg>',
  send: '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M3 11.5 21 3l-6.5 18-3-7.5z"/></svg>',
  eye: '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 5C6.5 5 2.7 9.2 1.5 12c1.2 2.8 5 7 10.5 7s9.3-4.2 10.5-7C21.3 9.2 17.5 5 12 5zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8z"/></svg>',
  speaker:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M3 9v6h4l5 4V5L7 9zm13.5 3-2.5-2.5 1.4-1.4 2.5 2.5 2.5-2.5 1.4 1.4-2.5 2.5 2.5 2.5-1.4 1.4-2.5-2.5-2.5 2.5-1.4-1.4z"/></svg>',
  megaphone:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M3 10v4h3l7 4V6L6 10zm12-1.5v7a4 4 0 0 0 0-7zM6 15l1.5 5h2.5L8.6 15z"/></svg>',
  trophy:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M7 3h10v2h3v3a4 4 0 0 1-4 4h-.3A5 5 0 0 1 13 14.9V18h3v3H8v-3h3v-3.1A5 5 0 0 1 8.3 12H8a4 4 0 0 1-4-4V5h3zm0 4H6v1a2 2 0 0 0 1 1.7zm10 0v2.7A2 2 0 0 0 18 8V7z"/></svg>',
  danmaku:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2h-9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm2 4v2h8V8zm4 4v2h8v-2z"/></svg>',
  close: '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="m6.4 5 5.6 5.6L17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z"/></svg>',
  down: '<svg viewBox="0 0 24 24" aria-hidden="true"><path fill="currentColor" d="M12 16 5 9l1.4-1.4L12 13.2l5.6-5.6L19 9z"/></svg>',
};

/**
 * An element holding one of the static ICONS.
 * @param {keyof typeof ICONS} name
 * @param {string} [cls]
 */
export function icon(name, cls = '') {
  const el = h('span', { class: `lr-icon ${cls}`.trim() });
  el.innerHTML = ICONS[name]; // static markup defined above, no user data
  return el;
}
