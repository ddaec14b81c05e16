// Reads Prometheus' text exposition format just enough for the overview: each series' value, summed by metric name
// (so a labelled gauge such as spillway_connections{listener=...} gives its total).

export function parseMetrics(text) {
  const totals = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const nameEnd = brace >= 0 && brace < space ? brace : space;
    if (nameEnd <= 0) continue;
    const name = line.slice(0, nameEnd);
    // The value follows the labels (which may hold spaces inside quotes): after the last '}' or the name.
    const rest = brace >= 0 && brace < space ? line.slice(line.lastIndexOf('}') + 1) : line.slice(nameEnd);
    const value = Number(rest.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) totals.set(name, (totals.get(name) || 0) + value);
  }
  return totals;
}
