// The console's entry: hash routes (#/, #/topics, #/topic/<name>, #/groups, #/group/<id>) to pages. Each page's
// render(view, arg) may return a function that stops its timers; it is called when the user leaves the page.
import * as sampler from './sampler.js';
import * as overview from './pages/overview.js';
import * as topics from './pages/topics.js';
import * as topic from './pages/topic.js';
import * as groups from './pages/groups.js';
import * as group from './pages/group.js';

const routes = [
  {pattern: /^#?\/?$/, page: overview, nav: 'overview'},
  {pattern: /^#\/topics$/, page: topics, nav: 'topics'},
  {pattern: /^#\/topic\/(.+)$/, page: topic, nav: 'topics'},
  {pattern: /^#\/groups$/, page: groups, nav: 'groups'},
  {pattern: /^#\/group\/(.+)$/, page: group, nav: 'groups'},
];

let stop = null;

function show() {
  if (stop) stop();
  stop = null;
  const view = document.getElementById('view');
  const hash = location.hash;
  const route = routes.find(r => r.pattern.test(hash));
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active', !!route && a.dataset.nav === route.nav));
  view.replaceChildren();
  if (!route) {
    view.textContent = `No page ${hash}. `;
    return;
  }
  const match = hash.match(route.pattern);
  stop = route.page.render(view, match[1] === undefined ? undefined : decode(match[1])) || null;
}

/** A name from the address; a hand-typed one that is not valid percent-encoding is taken as it is. */
function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch (e) {
    return part;
  }
}

window.addEventListener('hashchange', show);
sampler.start();
show();
