// The operator's view: statistics and charts (GET /admin/stats), the dead letters with redrive and
// purge, the settings. Every request is signed here with the admin key pair (SigV4, WebCrypto);
// the key pair is kept in memory only, for as long as the page is open.
import { canonicalQuery, signHeaders } from './sigv4.js';
import { lineChart } from './charts.js';
import { TIMEOUT_MS } from './api.js';

const POLL_MS = 5000;
const CONFIRM_MS = 5000;
const $ = (id) => document.getElementById(id);

class Refused extends Error {}

/** An ISO-8601 duration (PT168H, P30D, PT0.5S) in words: 7 d, 30 d, 0.5 s. */
function formatDuration(iso) {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(iso || '');
  if (!m) return iso;
  let seconds = Number(m[1] || 0) * 86400 + Number(m[2] || 0) * 3600 + Number(m[3] || 0) * 60
    + Number(m[4] || 0);
  const parts = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['min', 60]]) {
    const n = Math.floor(seconds / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    seconds -= n * size;
  }
  if (seconds > 0) parts.push(`${Math.round(seconds * 1000) / 1000} s`);
  return parts.length ? parts.join(' ') : '0 s';
}

function formatMs(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

const SETTING_NAMES = {
  retention: 'Retention of finished jobs',
  retentionSweepInterval: 'Retention sweep every',
  linkTtl: 'Download links valid for',
  jobHandler: 'Job handler',
  workers: 'Workers',
  batchSize: 'Batch size',
  maxReceiveCount: 'Attempts before dead letter',
  visibilityTimeout: 'Visibility timeout',
  jobTimeout: 'Job timeout',
  maxBodyBytes: 'Largest request body (bytes)',
};

export function createAdminView(config, { announce, onChange }) {
  let credentials = null;
  let timer = null;

  async function signed(method, path, params = []) {
    // signed as sent: the absolute path, the query already in canonical form
    const absolute = new URL(path, location.href).pathname;
    const query = canonicalQuery(params);
    const headers = await signHeaders(
      { method, path: absolute, query, body: '', host: location.host },
      credentials,
      { region: config.region, service: config.adminService },
    );
    const url = query ? `${absolute}?${query}` : absolute;
    const res = await fetch(url, {
      method, headers, cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.status === 403) throw new Refused('Those credentials were refused.');
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.message || `HTTP ${res.status}`);
    return body;
  }

  function renderStats(stats) {
    const now = stats.current;
    $('m-queue').textContent = String(now.queueDepth);
    $('m-inflight').textContent = String(now.inFlight);
    $('m-dead').textContent = String(now.deadLetters);
    $('m-throughput').textContent = String(now.throughputPerMinute);
    $('m-latency').textContent = now.latencyP50Ms === null
      ? '–' : `${formatMs(now.latencyP50Ms)} / ${formatMs(now.latencyP95Ms)}`;
    const windowMs = stats.capacity * stats.intervalSeconds * 1000;
    const points = (pick) => stats.samples.map((s) => ({ t: Date.parse(s.at), values: pick(s) }));
    lineChart($('chart-queue'), points((s) => [s.queueDepth, s.inFlight]),
      ['Queue depth', 'In flight'], windowMs);
    lineChart($('chart-throughput'), points((s) => [s.throughputPerMinute]),
      ['Completed / min'], windowMs);
    lineChart($('chart-latency'), points((s) => [s.latencyP50Ms, s.latencyP95Ms]),
      ['p50', 'p95'], windowMs);
    const dl = $('settings');
    dl.replaceChildren();
    for (const [key, value] of Object.entries(stats.settings)) {
      const dt = document.createElement('dt');
      dt.textContent = SETTING_NAMES[key] || key;
      const dd = document.createElement('dd');
      dd.textContent = typeof value === 'string' && value.startsWith('P')
        ? formatDuration(value) : String(value);
      dd.dataset.setting = key;
      dl.append(dt, dd);
    }
  }

  // destructive actions armed by a first press, by key: a refresh that redraws the button keeps it
  const armed = new Map();

  /** A button that acts on a second press within a few seconds (destructive actions). */
  function confirmed(button, key, label, action) {
    const confirmText = `Confirm: ${label}`;
    button.dataset.confirmKey = key;
    button.textContent = armed.has(key) ? confirmText : label;
    button.addEventListener('click', async () => {
      if (!armed.has(key)) {
        button.textContent = confirmText;
        armed.set(key, setTimeout(() => {
          armed.delete(key);
          document.querySelectorAll('[data-confirm-key]').forEach((b) => {
            if (b.dataset.confirmKey === key) b.textContent = label;
          });
        }, CONFIRM_MS));
        return;
      }
      clearTimeout(armed.get(key));
      armed.delete(key);
      button.textContent = label;
      await action();
    });
  }

  async function act(what, method, path) {
    try {
      const result = await signed(method, path);
      $('admin-result').textContent = what(result);
      announce($('admin-result').textContent);
    } catch (e) {
      $('admin-result').textContent = e.message;
    }
    await refresh();
  }

  function renderDeadLetters(page) {
    const body = $('dead-body');
    const focused = document.activeElement && document.activeElement.closest('#dead-body tr');
    const focusKey = focused
      ? `${focused.dataset.jobId}|${document.activeElement.dataset.action}` : null;
    body.replaceChildren();
    for (const d of page.deadLetters) {
      const tr = document.createElement('tr');
      tr.dataset.jobId = d.jobId;
      const values = [d.jobId, d.owner, d.reason, String(d.receiveCount),
        new Date(d.deadAt).toLocaleString([], {
          month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
        })];
      values.forEach((v, i) => {
        const td = document.createElement('td');
        if (i < 2) {
          // ids by their first 8 characters; the whole in the tooltip and for screen readers
          const code = document.createElement('code');
          code.textContent = v.slice(0, 8);
          code.title = v;
          code.setAttribute('aria-label', v);
          td.append(code);
        } else {
          td.textContent = v;
        }
        td.className = ['id', 'id', 'error-text', 'num', 'time'][i];
        tr.append(td);
      });
      const cell = document.createElement('td');
      const actions = document.createElement('div');
      actions.className = 'row-actions';
      cell.append(actions);
      const redrive = document.createElement('button');
      redrive.type = 'button';
      redrive.className = 'small';
      redrive.textContent = 'Redrive';
      redrive.dataset.action = 'redrive';
      redrive.setAttribute('aria-label', `Redrive job ${d.jobId}`);
      redrive.addEventListener('click', () => act(
        (r) => `Job ${r.jobId} redriven: ${r.jobStatus}.`, 'POST',
        `admin/dead-letters/${d.jobId}/redrive`));
      const purge = document.createElement('button');
      purge.type = 'button';
      purge.className = 'small danger';
      purge.textContent = 'Purge';
      purge.dataset.action = 'purge';
      purge.setAttribute('aria-label', `Purge the dead letter of job ${d.jobId}`);
      confirmed(purge, `purge:${d.jobId}`, 'Purge', () => act(
        (r) => (r.purged ? `Dead letter of job ${r.jobId} purged.` : 'Nothing to purge.'),
        'DELETE', `admin/dead-letters/${d.jobId}`));
      actions.append(redrive, purge);
      tr.append(cell);
      body.append(tr);
      if (focusKey === `${d.jobId}|redrive`) redrive.focus();
      if (focusKey === `${d.jobId}|purge`) purge.focus();
    }
    $('dead-empty').hidden = page.deadLetters.length > 0;
    $('redrive-all').disabled = page.deadLetters.length === 0;
    $('purge-all').disabled = page.deadLetters.length === 0;
  }

  /** GET /admin/workers: whether the workers lease new messages. */
  function renderWorkers(state) {
    const badge = $('workers-state');
    badge.textContent = state.paused ? 'paused' : 'leasing';
    badge.className = `badge ${state.paused ? 'workers-paused' : 'workers-leasing'}`;
    $('workers-detail').textContent = `${state.workers} receivers, ${state.inFlight} jobs leased`;
    const toggle = $('workers-toggle');
    toggle.textContent = state.paused ? 'Resume workers' : 'Pause workers';
    toggle.dataset.paused = String(state.paused);
    toggle.disabled = false;
  }

  async function refresh() {
    if (!credentials || document.hidden) return;
    try {
      const [stats, dead, workers] = await Promise.all([
        signed('GET', 'admin/stats'),
        signed('GET', 'admin/dead-letters', [['limit', '50']]),
        signed('GET', 'admin/workers'),
      ]);
      renderStats(stats);
      renderDeadLetters(dead);
      renderWorkers(workers);
    } catch (e) {
      if (e instanceof Refused) {
        signOut('The admin credentials were refused; sign in again.');
      } else {
        $('admin-result').textContent = `Could not refresh: ${e.message}`;
      }
    }
  }

  function signOut(message) {
    clearInterval(timer);
    timer = null;
    credentials = null;
    $('admin-panel').hidden = true;
    $('admin-form').hidden = false;
    $('secret-key').value = '';
    $('dead-body').replaceChildren();
    const error = $('admin-error');
    error.textContent = message || '';
    error.hidden = !message;
    onChange();
  }

  $('admin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('admin-error');
    error.hidden = true;
    if (!window.isSecureContext || !crypto.subtle) {
      error.textContent = 'Signing needs a secure page: open the dashboard over https or on localhost.';
      error.hidden = false;
      return;
    }
    credentials = {
      accessKeyId: $('access-key').value.trim(),
      secretAccessKey: $('secret-key').value.trim(),
    };
    $('admin-button').disabled = true;
    try {
      renderStats(await signed('GET', 'admin/stats'));
      $('admin-form').hidden = true;
      $('admin-panel').hidden = false;
      announce('Signed in as operator');
      onChange();
      await refresh();
      timer = setInterval(refresh, POLL_MS);
    } catch (e) {
      credentials = null;
      error.textContent = e instanceof Refused ? e.message : `Sign-in failed: ${e.message}`;
      error.hidden = false;
    } finally {
      $('admin-button').disabled = false;
    }
  });

  $('workers-toggle').addEventListener('click', async () => {
    const resume = $('workers-toggle').dataset.paused === 'true';
    try {
      renderWorkers(await signed('POST', resume ? 'admin/workers/resume' : 'admin/workers/pause'));
      announce(resume ? 'Workers resumed' : 'Workers paused: jobs wait in the queue');
    } catch (e) {
      $('admin-result').textContent = e.message;
    }
  });

  $('redrive-all').addEventListener('click', () => act(
    (r) => `Redriven: ${r.redriven}; skipped: ${r.skippedCount}.`, 'POST',
    'admin/dead-letters/redrive'));
  confirmed($('purge-all'), 'purge-all', 'Purge all', () => act(
    (r) => `Purged ${r.purged} dead letter(s).`, 'POST', 'admin/dead-letters/purge'));

  return {
    signedIn: () => credentials !== null,
    signOut,
    focus() {
      (credentials ? $('admin-panel').querySelector('button') : $('access-key')).focus();
    },
  };
}
