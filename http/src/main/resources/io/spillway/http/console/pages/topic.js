// One topic: partitions with their offsets, configs, and a record browser (partition, offset, limit) that shows keys,
// values and headers as text, JSON or hex.
import {get, segment} from '../api.js';
import {h, fill, table, errorBox} from '../dom.js';
import {count, time, recordBytes} from '../format.js';

export function render(view, name) {
  const errors = errorBox();
  const partitions = h('div', {id: 'partitions'}, h('p', {class: 'muted'}, 'Loading…'));
  const configs = h('div', {id: 'configs'});
  const browser = h('div', {id: 'record-browser'});
  view.append(h('p', {}, h('a', {href: '#/topics'}, '← Topics')), h('h1', {id: 'topic-name'}, name), errors,
    h('h2', {}, 'Partitions'), partitions, h('h2', {}, 'Records'), browser, h('h2', {}, 'Configs'), configs);
  const base = 'topics/' + segment(name);

  get(base).then(topic => {
    fill(partitions, table(['Partition', 'Leader', 'Start offset', 'End offset', 'High watermark', 'Last stable'],
      topic.partitions.map(p => [p.partition, p.leader, count(p.logStartOffset), count(p.logEndOffset),
        count(p.highWatermark), count(p.lastStableOffset)]), [0, 2, 3, 4, 5]));
    recordBrowser(browser, base, topic.partitions, errors);
  }, e => {
    fill(partitions, '');
    errors.show(e);
  });

  get(base + '/configs').then(answer => {
    const showAll = h('input', {type: 'checkbox', id: 'configs-all'});
    const body = h('div');
    const draw = () => {
      const shown = answer.configs.filter(c => showAll.checked || c.source !== 'DEFAULT_CONFIG');
      fill(body, shown.length === 0 ? h('p', {class: 'muted'}, 'Every config has its default value.') : table(
        ['Config', 'Value', 'Source'], shown.map(c => [c.name, c.sensitive ? '(sensitive)' : (c.value ?? 'null'),
          h('span', {class: 'muted'}, c.source)])));
    };
    showAll.addEventListener('change', draw);
    fill(configs, h('label', {class: 'toolbar'}, showAll, 'show defaults too'), body);
    draw();
  }, e => errors.show(e));
}

function recordBrowser(el, base, partitions, errors) {
  const partition = h('select', {id: 'browse-partition', 'aria-label': 'Partition'},
    partitions.map(p => h('option', {value: p.partition}, `partition ${p.partition}`)));
  const offset = h('input', {id: 'browse-offset', type: 'number', min: 0, placeholder: 'from the start', size: 12,
    'aria-label': 'Offset'});
  const limit = h('input', {id: 'browse-limit', type: 'number', min: 1, max: 500, value: 20, size: 5,
    'aria-label': 'Limit'});
  const format = h('select', {id: 'browse-format', 'aria-label': 'Show as'},
    ['text', 'json', 'hex'].map(f => h('option', {value: f, selected: f === 'json'}, f === 'json' ? 'JSON' : f)));
  const load = h('button', {id: 'browse-load'}, 'Load');
  const more = h('button', {id: 'browse-next', disabled: true}, 'Next →');
  const info = h('span', {id: 'browse-info', class: 'muted'});
  const records = h('div', {id: 'records'});
  fill(el, h('div', {class: 'toolbar'}, partition, 'offset', offset, 'limit', limit, 'show as', format, load, more, info),
    records);

  let answer = null;
  async function browse() {
    try {
      answer = await get(`${base}/partitions/${partition.value}/records`, {offset: offset.value, limit: limit.value});
      errors.show(null);
      more.disabled = answer.next === null || answer.next >= answer.highWatermark;
      info.textContent = `offsets ${answer.logStartOffset} to ${answer.highWatermark}, ${answer.records.length} shown`;
      draw();
    } catch (e) {
      errors.show(e);
    }
  }

  function draw() {
    if (!answer) return;
    const view = format.value;
    const pre = (b, cls) => h('pre', {class: cls}, recordBytes(b, view));
    fill(records, answer.records.length === 0 ? h('p', {class: 'muted'}, 'No records here.') : table(
      ['Offset', 'Timestamp', 'Key', 'Value', 'Headers'],
      answer.records.map(r => [r.offset, time(r.timestamp), pre(r.key, 'record-key'), pre(r.value, 'record-value'),
        r.headers.map(x => h('div', {class: 'record-header'}, h('strong', {}, x.key + ': '), pre(x.value, 'record-header-value')))]),
      [0]));
  }

  load.addEventListener('click', browse);
  more.addEventListener('click', () => {
    offset.value = answer.next;
    browse();
  });
  format.addEventListener('change', draw);
  partition.addEventListener('change', () => {
    offset.value = '';
    browse();
  });
  browse();
}
