// The operator page: asks for the admin key (kept for this tab only), then polls
// /admin/api/status every 2 s and renders sources, instances, clients and the build.

const keyStore = 'facet-admin-key';
const $ = (id) => document.getElementById(id);

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

const svgNs = 'http://www.w3.org/2000/svg';
/** A sparkline of counts (blue) and errors (red) per 10 s over the last 5 minutes. */
function sparkline(history) {
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 150 28');
  const max = Math.max(1, ...history.count);
  for (const [name, values] of [
    ['count', history.count],
    ['errors', history.errors],
  ]) {
    const line = document.createElementNS(svgNs, 'polyline');
    line.setAttribute('class', name);
    const step = 150 / Math.max(1, values.length - 1);
    line.setAttribute(
      'points',
      values.map((v, i) => `${(i * step).toFixed(1)},${(26 - (v / max) * 24).toFixed(1)}`).join(' '),
    );
    svg.append(line);
  }
  return svg;
}

const ms = (v) => (v === null ? '–' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);
const pct = (v) => `${(v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0)}%`;
const num = (v) => (v < 10 ? v.toFixed(1) : String(Math.round(v)));
const cell = (text, cls = '') => el('td', { textContent: text, className: cls });

function renderSources(sources) {
  const body = $('sources').tBodies[0];
  body.replaceChildren(
    ...sources.flatMap((s) => {
      const row = el('tr', {}, [
        cell(s.name),
        cell(s.health, `health ${s.health}`),
        cell(s.breaker),
        cell(num(s.perSecond), 'num'),
        cell(pct(s.errorRate), `num ${s.errorRate > 0 ? 'bad' : ''}`),
        cell(ms(s.p50Ms), 'num'),
        cell(ms(s.p99Ms), 'num'),
        cell(s.avgBatchSize === null ? '–' : num(s.avgBatchSize), 'num'),
        el('td', {}, [sparkline(s.history)]),
      ]);
      row.dataset.source = s.name;
      const instances = s.instances.length > 1 ? s.instances : [];
      return [
        row,
        ...instances.map((i) => {
          const health = i.healthy ? 'up' : 'down';
          const r = el('tr', { className: 'instance' }, [
            cell(i.url),
            cell(health, `health ${health}`),
            cell(i.breaker),
            cell(i.consecutiveFailures ? `${i.consecutiveFailures} failures in a row` : ''),
          ]);
          r.dataset.instance = i.url;
          return r;
        }),
      ];
    }),
  );
}

function renderClients(clients) {
  $('clients').tBodies[0].replaceChildren(
    ...clients.map((c) => {
      const byCode =
        Object.entries(c.errorsByCode)
          .map(([code, n]) => `${code}: ${n}`)
          .join(', ') || '–';
      const row = el('tr', {}, [
        cell(c.name),
        cell(num(c.perSecond), 'num'),
        cell(pct(c.errorRate), `num ${c.errorRate > 0 ? 'bad' : ''}`),
        cell(byCode),
        cell(String(c.refused), 'num'),
        cell(ms(c.p50Ms), 'num'),
        cell(ms(c.p99Ms), 'num'),
        el('td', {}, [sparkline(c.history)]),
      ]);
      row.dataset.client = c.name;
      return row;
    }),
  );
}

function renderBuild(build) {
  $('build').textContent = `serving the build loaded at ${new Date(build.loadedAt).toLocaleString()}`;
  $('reload').textContent = build.reloadError
    ? `Last reload refused at ${new Date(build.reloadError.at).toLocaleString()}: ${build.reloadError.message}`
    : 'No reload error.';
  $('reload').className = build.reloadError ? 'bad' : '';
  $('files').replaceChildren(...build.files.map((f) => el('li', { textContent: f })));
}

async function poll() {
  const key = sessionStorage.getItem(keyStore);
  if (!key) return showLogin(false);
  let res;
  try {
    res = await fetch('/admin/api/status', { headers: { authorization: `Bearer ${key}` }, cache: 'no-store' });
  } catch {
    $('state').textContent = 'gateway not answering';
    return setTimeout(poll, 2000);
  }
  if (res.status === 401) {
    sessionStorage.removeItem(keyStore);
    return showLogin(true);
  }
  const status = await res.json();
  $('login').hidden = true;
  $('dashboard').hidden = false;
  renderSources(status.sources);
  renderClients(status.clients);
  renderBuild(status.build);
  $('state').textContent = `updated ${new Date().toLocaleTimeString()}`;
  setTimeout(poll, 2000);
}

function showLogin(refused) {
  $('dashboard').hidden = true;
  $('login').hidden = false;
  $('refused').hidden = !refused;
  $('state').textContent = refused ? 'refused' : 'admin key needed';
}

$('login').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(keyStore, $('key').value);
  $('key').value = '';
  poll();
});
poll();
