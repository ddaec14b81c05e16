// One group: its state and members, and per partition the committed offset, the end offset and the lag
// (GET /api/v1/groups/{id}), refreshed every few seconds so the lag is seen to move.
import {get, segment} from '../api.js';
import {h, fill, table, errorBox} from '../dom.js';
import {count} from '../format.js';
import {poll} from '../poll.js';

const REFRESH_MS = 2000;

export function render(view, id) {
  const errors = errorBox();
  const summary = h('div', {class: 'cards', id: 'group-summary'});
  const offsets = h('div', {id: 'group-offsets'}, h('p', {class: 'muted'}, 'Loading…'));
  const members = h('div', {id: 'group-members'});
  view.append(h('p', {}, h('a', {href: '#/groups'}, '← Groups')), h('h1', {id: 'group-id'}, id),
    h('p', {class: 'muted'}, `Refreshed every ${REFRESH_MS / 1000} s.`), errors, summary,
    h('h2', {}, 'Offsets and lag'), offsets, h('h2', {}, 'Members'), members);

  const card = (label, value, cardId) => h('div', {class: 'card', id: cardId},
    h('div', {class: 'label'}, label), h('div', {class: 'value'}, value));

  return poll(async () => {
    try {
      const g = await get('groups/' + segment(id));
      errors.show(null);
      fill(summary, card('State', g.state), card('Type', g.type), card('Members', g.members.length),
        h('div', {class: 'card', id: 'group-total-lag', 'data-value': g.totalLag},
          h('div', {class: 'label'}, 'Total lag'), h('div', {class: 'value'}, count(g.totalLag))));
      const rows = g.offsets.slice().sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
      fill(offsets, rows.length === 0 ? h('p', {class: 'muted'}, 'No committed offsets.') : table(
        ['Topic', 'Partition', 'Committed offset', 'End offset', 'Lag'],
        rows.map(o => [h('a', {href: '#/topic/' + segment(o.topic)}, o.topic), o.partition, count(o.committedOffset),
          count(o.endOffset), h('span', {class: o.lag > 0 ? 'lag-positive lag' : 'lag', 'data-value': o.lag}, count(o.lag))]),
        [1, 2, 3, 4]));
      fill(members, g.members.length === 0 ? h('p', {class: 'muted'}, 'No members.') : table(
        ['Member', 'Client', 'Host', 'Assignment'],
        g.members.map(m => [m.memberId, m.clientId, m.clientHost,
          Object.entries(m.assignment || {}).map(([t, ps]) => `${t}: ${ps.join(', ')}`).join('; ')])));
    } catch (e) {
      errors.show(e);
    }
  }, REFRESH_MS);
}
