// Groups: every group of every type (GET /api/v1/groups), refreshed every few seconds.
import {get, segment} from '../api.js';
import {h, fill, table, errorBox} from '../dom.js';
import {poll} from '../poll.js';

const REFRESH_MS = 5000;

export function render(view) {
  const errors = errorBox();
  const list = h('div', {id: 'groups-list'}, h('p', {class: 'muted'}, 'Loading…'));
  view.append(h('h1', {}, 'Groups'), h('p', {class: 'muted'}, `Refreshed every ${REFRESH_MS / 1000} s.`), errors, list);
  return poll(async () => {
    try {
      const answer = await get('groups');
      errors.show(null);
      const groups = answer.groups.slice().sort((a, b) => a.groupId.localeCompare(b.groupId));
      fill(list, groups.length === 0 ? h('p', {class: 'muted'}, 'No groups.') : table(
        ['Group', 'Type', 'Protocol', 'State'],
        groups.map(g => [h('a', {href: '#/group/' + segment(g.groupId), class: 'group-link'}, g.groupId),
          g.type, g.protocolType || '–', g.state])));
    } catch (e) {
      errors.show(e);
    }
  }, REFRESH_MS);
}
