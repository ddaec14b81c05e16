// Number, byte and record formatting shared by the pages.

export function bytes(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

export function count(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return Math.abs(n) >= 100 || Number.isInteger(n) ? Math.round(n).toLocaleString('en') : n.toFixed(1);
}

export function time(ms) {
  return ms === null || ms === undefined || ms < 0 ? '–' : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function decode(base64) {
  const raw = atob(base64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Hex dump: 16 bytes a line, offsets on the left. */
export function hex(base64) {
  const data = decode(base64);
  const lines = [];
  for (let i = 0; i < data.length; i += 16) {
    const row = Array.from(data.slice(i, i + 16), b => b.toString(16).padStart(2, '0')).join(' ');
    lines.push(`${i.toString(16).padStart(4, '0')}  ${row}`);
  }
  return lines.join('\n');
}

/**
 * One key, value or header value ({base64, text} or null) in a view: 'text' (hex when not UTF-8), 'json' (pretty
 * when the text parses as JSON, else as text) or 'hex'.
 */
export function recordBytes(b, view) {
  if (b === null || b === undefined) return 'null';
  if (view === 'hex' || b.text === null || b.text === undefined) return hex(b.base64);
  if (view === 'json') {
    try {
      return JSON.stringify(JSON.parse(b.text), null, 2);
    } catch (e) {
      return b.text;
    }
  }
  return b.text;
}
