// The pinned live-shopping item: chat.pinItem(groupID, {ItemId, Title, Price}) / unpinItem.
import { busy, h, replace } from '../../shared/dom.js';
import { attempt, toast } from '../feedback.js';
import { label } from '../login.js';
import { card } from './card.js';

/**
 * A price as typed: a plain number becomes a number, anything else ("19.90 EUR") stays text.
 * @param {string} text
 * @returns {number|string|undefined}
 */
export function parsePrice(text) {
  const t = text.trim();
  if (!t) return undefined;
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/** @param {import('./card.js').PanelContext} ctx */
export function itemPanel({ chat, groupID, room }) {
  const id = h('input', { class: 'hp-input hp-mono', 'data-host': 'item-id', placeholder: 'sku-1', spellcheck: false });
  const title = h('input', { class: 'hp-input', 'data-host': 'item-title', placeholder: 'Ceramic mug' });
  const price = h('input', { class: 'hp-input', 'data-host': 'item-price', placeholder: '9.50', inputmode: 'decimal' });
  const image = h('input', { class: 'hp-input hp-mono', type: 'url', 'data-host': 'item-image', placeholder: 'https://… (optional)' });
  const link = h('input', { class: 'hp-input hp-mono', type: 'url', 'data-host': 'item-link', placeholder: 'https://… (optional)' });
  const pin = h('button', { type: 'button', class: 'hp-btn hp-btn-primary', 'data-host': 'item-pin', text: 'Pin item' });
  const unpin = h('button', { type: 'button', class: 'hp-btn', 'data-host': 'item-unpin', text: 'Take down' });
  const current = h('div', { class: 'hp-item-current', 'data-host': 'item-current' });

  pin.addEventListener('click', () => busy(pin, async () => {
    await attempt('Pinning the item', async () => {
      /** @type {Record<string, unknown>} */
      const item = { ItemId: id.value.trim(), Title: title.value.trim() };
      const p = parsePrice(price.value);
      if (p !== undefined) item.Price = p;
      if (image.value.trim()) item.ImageUrl = image.value.trim();
      if (link.value.trim()) item.Link = link.value.trim();
      if (!item.ItemId || !item.Title) throw Object.assign(new Error('An item needs an id and a title'), { code: -1004 });
      await chat.pinItem(groupID, item);
      room.set({ pinnedItem: item });
      toast(`Pinned ${item.Title}`);
    });
  }));
  unpin.addEventListener('click', () => busy(unpin, async () => {
    await attempt('Taking the item down', async () => {
      await chat.unpinItem(groupID);
      room.set({ pinnedItem: null });
      toast('Item taken down');
    });
  }));

  room.subscribe((s) => {
    const it = s.pinnedItem;
    if (!it) {
      replace(current, h('span', { class: 'hp-muted', text: 'Nothing pinned.' }));
      return;
    }
    replace(current,
      h('span', { class: 'hp-pin-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'hp-item-title', text: String(it.Title ?? '') }),
      h('span', { class: 'hp-mono hp-muted', text: String(it.ItemId ?? '') }),
      it.Price !== undefined ? h('span', { class: 'hp-item-price', text: typeof it.Price === 'number' && !Number.isInteger(it.Price) ? it.Price.toFixed(2) : String(it.Price) }) : null,
    );
  });

  return card('Pinned item', { id: 'item', subtitle: current },
    h('div', { class: 'hp-grid-3' }, label('Item id', id), label('Title', title), label('Price', price)),
    h('details', { class: 'hp-details' }, h('summary', { text: 'Image and link' }), h('div', { class: 'hp-grid-2' }, label('Image URL', image), label('Link', link))),
    h('div', { class: 'hp-row' }, pin, unpin),
  );
}
