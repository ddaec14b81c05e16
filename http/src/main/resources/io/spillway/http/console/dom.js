// Builds DOM nodes from data with textContent only, so names, keys and values from the broker are never parsed as HTML.

/** h('a', {href: '#/x', class: 'c'}, 'text', otherNode) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'value') el.value = value;
    else el.setAttribute(name, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** A table with a header row; rows are arrays of cells (nodes or text); numeric columns are right aligned. */
export function table(headers, rows, numeric = []) {
  const cls = i => (numeric.includes(i) ? 'num' : undefined);
  return h('table', {},
    h('thead', {}, h('tr', {}, headers.map((t, i) => h('th', {class: cls(i)}, t)))),
    h('tbody', {}, rows.map(r => h('tr', {}, r.map((c, i) => h('td', {class: cls(i)}, c))))));
}

/** Replaces the children of el. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** An element that shows a REST error ({"error","message"}) or nothing. */
export function errorBox() {
  const box = h('div', {class: 'error', role: 'alert'});
  box.show = err => fill(box, err ? describeError(err) : '');
  return box;
}

export function describeError(err) {
  if (err && err.code) return `${err.code}: ${err.message} (HTTP ${err.status})`;
  return String(err && err.message ? err.message : err);
}
