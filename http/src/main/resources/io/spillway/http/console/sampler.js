// Scrapes /metrics every few seconds for as long as the console is open and keeps the last minutes of rates, so the
// overview's charts have history when the user comes back to it. Counters become per-second rates between two
// successive scrapes; a counter that went down (a broker restart) counts as 0 for that interval.
import {metricsText} from './api.js';
import {parseMetrics} from './prom.js';

export const INTERVAL_MS = 2000;
const WINDOW_MS = 5 * 60 * 1000;
export const RATES = {
  produceBytes: 'spillway_produce_bytes_total',
  fetchBytes: 'spillway_fetch_bytes_total',
  produceRecords: 'spillway_produce_records_total',
  fetchRecords: 'spillway_fetch_records_total',
};

const samples = [];        // {t, rates: {produceBytes, ...}}
let last = null;           // {t, totals}
let latest = new Map();    // the newest scrape's values by metric name
let lastError = null;
const listeners = new Set();
let timer = null;

async function scrape() {
  try {
    const totals = parseMetrics(await metricsText());
    const t = Date.now();
    if (last) {
      const seconds = (t - last.t) / 1000;
      const rates = {};
      for (const [key, name] of Object.entries(RATES)) {
        const delta = (totals.get(name) || 0) - (last.totals.get(name) || 0);
        rates[key] = seconds > 0 && delta > 0 ? delta / seconds : 0;
      }
      samples.push({t, rates});
      while (samples.length && samples[0].t < t - WINDOW_MS) samples.shift();
    }
    last = {t, totals};
    latest = totals;
    lastError = null;
  } catch (e) {
    lastError = e;
  }
  listeners.forEach(fn => fn());
  timer = setTimeout(scrape, INTERVAL_MS);
}

export function start() {
  if (timer === null) {
    timer = 0;
    scrape();
  }
}

/** Calls fn after every scrape; returns the function that stops it. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function history() {
  return {samples, latest, error: lastError, windowMs: WINDOW_MS};
}
