// Overview: the broker's status (GET /api/v1/status), storage gauges and live throughput charts from /metrics.
import {get} from '../api.js';
import {h, fill, errorBox} from '../dom.js';
import {bytes, count} from '../format.js';
import {lineChart} from '../chart.js';
import * as sampler from '../sampler.js';
import {poll} from '../poll.js';

const STATUS_REFRESH_MS = 10000;

function card(label, value, id, small) {
  return h('div', {class: 'card', id}, h('div', {class: 'label'}, label),
    h('div', {class: small ? 'value small' : 'value'}, value));
}

export function render(view) {
  const errors = errorBox();
  const cards = h('div', {class: 'cards', id: 'status-cards'});
  const storage = h('div', {class: 'cards', id: 'storage-cards'});
  const listeners = h('ul', {id: 'listeners'});
  const byteChart = lineChart('chart-bytes', 'Throughput, bytes/s', [
    {key: 'produceBytes', label: 'produce', color: '#1f5f8b'},
    {key: 'fetchBytes', label: 'fetch', color: '#e07b00'}], bytes);
  const recordChart = lineChart('chart-records', 'Throughput, records/s', [
    {key: 'produceRecords', label: 'produce', color: '#1f5f8b'},
    {key: 'fetchRecords', label: 'fetch', color: '#e07b00'}], count);
  view.append(h('h1', {}, 'Overview'), errors, cards,
    h('h2', {}, 'Throughput'), h('div', {class: 'charts'}, byteChart, recordChart),
    h('h2', {}, 'Storage and connections'), storage,
    h('h2', {}, 'Listeners'), listeners);

  let statusError = null;
  async function loadStatus() {
    try {
      const s = await get('status');
      statusError = null;
      fill(cards, card('Topics', count(s.topics), 'stat-topics'), card('Partitions', count(s.partitions), 'stat-partitions'),
        card('Groups', count(s.groups), 'stat-groups'), card('Node', s.nodeId), card('Version', s.version),
        card('Cluster', s.clusterId, 'stat-cluster', true));
      fill(listeners, s.listeners.map(l => h('li', {}, l)));
      document.getElementById('broker-label').textContent = `node ${s.nodeId} · ${s.version}`;
    } catch (e) {
      statusError = e;
    }
    showErrors();
  }

  function showErrors() {
    const metricsError = sampler.history().error;
    errors.show(statusError || metricsError);
  }

  function draw() {
    const {samples, latest, windowMs} = sampler.history();
    byteChart.update(samples, windowMs);
    recordChart.update(samples, windowMs);
    fill(storage, card('WAL size on disk', bytes(latest.get('spillway_wal_size_bytes')), 'stat-wal-size'),
      card('WAL segments', count(latest.get('spillway_wal_segments'))),
      card('Connections', count(latest.get('spillway_connections'))));
    showErrors();
  }

  const stopStatus = poll(loadStatus, STATUS_REFRESH_MS);
  draw();
  const unsubscribe = sampler.subscribe(draw);
  return () => {
    stopStatus();
    unsubscribe();
  };
}
