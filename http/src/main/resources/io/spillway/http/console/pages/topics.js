// Topics: one page of GET /api/v1/topics at a time (search, after, limit), so it stays fast at a million topics.
// "Next" follows the answer's next cursor; "Previous" goes back through the cursors this page has seen.
import {get, segment} from '../api.js';
import {h, fill, table, errorBox} from '../dom.js';
import {count} from '../format.js';

const SEARCH_DELAY_MS = 250;

export function render(view) {
  const errors = errorBox();
  const search = h('input', {id: 'topic-search', type: 'search', placeholder: 'Search topic names', size: 30,
    'aria-label': 'Search topic names'});
  const limit = h('select', {id: 'topic-limit', 'aria-label': 'Topics per page'},
    [20, 50, 100, 500].map(n => h('option', {value: n, selected: n === 50}, `${n} a page`)));
  const prev = h('button', {id: 'topics-prev', disabled: true}, '← Previous');
  const next = h('button', {id: 'topics-next', disabled: true}, 'Next →');
  const info = h('span', {id: 'topics-info', class: 'muted'});
  const list = h('div', {id: 'topics-list'});
  const streams = h('div', {id: 'streams'},
    h('button', {id: 'streams-show', onclick: showStreams}, 'Show streams'),
    h('span', {class: 'muted'}, ' (reads every topic name: slow at a million topics)'));
  view.append(h('h1', {}, 'Topics'), h('div', {class: 'toolbar'}, search, limit, prev, next, info), errors, list,
    h('h2', {}, 'Streams'), streams);

  // cursors[i] is the "after" of page i; the current page is the last one.
  let cursors = [''];
  let nextCursor = null;
  let request = 0;

  async function load() {
    const mine = ++request;
    try {
      const page = await get('topics', {search: search.value, after: cursors[cursors.length - 1], limit: limit.value});
      if (mine !== request) return;  // a newer search or page was asked for meanwhile
      errors.show(null);
      nextCursor = page.next;
      fill(list, page.topics.length === 0 ? h('p', {class: 'muted'}, 'No topics.') : table(
        ['Topic', 'Partitions', 'Topic ID'],
        page.topics.map(t => [
          h('a', {href: '#/topic/' + segment(t.name), class: 'topic-link'}, t.name, t.internal ? ' ' : '',
            t.internal ? h('span', {class: 'pill'}, 'internal') : ''),
          count(t.partitions), h('span', {class: 'muted'}, t.topicId)]), [1]));
      info.textContent = `page ${cursors.length}, ${page.topics.length} topics${page.next ? '' : ' (last page)'}`;
    } catch (e) {
      if (mine !== request) return;
      errors.show(e);
      nextCursor = null;
    }
    prev.disabled = cursors.length <= 1;
    next.disabled = !nextCursor;
  }

  function restart() {
    cursors = [''];
    load();
  }

  let searchTimer = null;
  search.addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(restart, SEARCH_DELAY_MS);
  });
  limit.addEventListener('change', restart);
  next.addEventListener('click', () => {
    if (nextCursor) {
      cursors.push(nextCursor);
      load();
    }
  });
  prev.addEventListener('click', () => {
    if (cursors.length > 1) {
      cursors.pop();
      load();
    }
  });

  async function showStreams() {
    try {
      const answer = await get('streams');
      fill(streams, answer.streams.length === 0 ? h('p', {class: 'muted'}, 'No streams.') : h('ul', {},
        answer.streams.map(path => h('li', {}, h('a', {href: '#', onclick: e => {
          e.preventDefault();
          search.value = path + ':';
          restart();
        }}, path)))));
    } catch (e) {
      errors.show(e);
    }
  }

  load();
  search.focus();
  return () => clearTimeout(searchTimer);
}
