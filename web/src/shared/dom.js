// Tiny DOM helpers for the host page and the admin console: elements are built with
// properties and text nodes only, so text from users or the server is never parsed as markup.

/**
 * @typedef {Record<string, unknown>} Attrs
 * Keys: `class`, `text` (textContent), `on<event>` (listeners), `data-*`/`aria-*`/other
 * attributes (strings; `false`/`null`/`undefined` leave them out), DOM properties such as
 * `value`, `checked`, `disabled`, `type`, `placeholder`, `href`.
 */

/** @typedef {Node|string|number|null|undefined|false} Leaf */
/** @typedef {Leaf|unknown[]} Child a node, a text, nothing, or (nested) arrays of them */

const PROPS = new Set(['value', 'checked', 'disabled', 'type', 'placeholder', 'href', 'target', 'rel', 'title', 'name', 'rows', 'spellcheck', 'autocomplete', 'readOnly', 'hidden', 'htmlFor', 'id', 'min', 'max', 'step', 'selected', 'colSpan']);

/**
 * Creates an element.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    else if (PROPS.has(key)) /** @type {any} */ (el)[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/**
 * Appends children (nested arrays flattened; strings become text nodes).
 * @param {Node} parent
 * @param {Child[]} children
 */
export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/**
 * Replaces an element's children.
 * @param {Element} el
 * @param {...Child} children
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/**
 * Formats Unix seconds as a local date and time ("—" for 0).
 * @param {number} secs
 */
export function formatTime(secs) {
  if (!secs) return '—';
  return new Date(secs * 1000).toLocaleString();
}

/**
 * Formats a number with thousands separators.
 * @param {unknown} n
 */
export function formatNumber(n) {
  return typeof n === 'number' ? n.toLocaleString() : '—';
}

/**
 * Runs an async action from a button: disables it meanwhile.
 * @param {HTMLButtonElement} button
 * @param {() => Promise<void>} action
 */
export async function busy(button, action) {
  button.disabled = true;
  button.classList.add('is-busy');
  try {
    await action();
  } finally {
    button.disabled = false;
    button.classList.remove('is-busy');
  }
}
