// Small inline SVG icons (hand-made paths, no icon font).
const NS = 'http://www.w3.org/2000/svg';

const PATHS = /** @type {const} */ ({
  eye: 'M1 8s2.5-5 7-5 7 5 7 5-2.5 5-7 5-7-5-7-5zm7 3a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  heart: 'M8 14.2 1.9 8.3A3.7 3.7 0 0 1 8 3.6a3.7 3.7 0 0 1 6.1 4.7z',
});

/**
 * @param {keyof typeof PATHS} name
 * @param {string} [cls]
 * @returns {SVGSVGElement}
 */
export function icon(name, cls = 'hp-icon') {
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', cls);
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(NS, 'path');
  path.setAttribute('d', PATHS[name]);
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('fill-rule', 'evenodd');
  svg.appendChild(path);
  return svg;
}
