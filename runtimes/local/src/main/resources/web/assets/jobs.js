// "My jobs": the signed-in user's jobs, updated live by polling, with filters, paging, submit,
// download and cancel. Rows are updated in place (keyed by job id) so focus and reading position
// survive each refresh; status changes are announced to screen readers.
import * as api from './api.js';

const PAGE_SIZE = 10;
const POLL_MS = 1500;
const LINK_REFRESH_MS = 5 * 60 * 1000;
const ACTIVE = new Set(['submitted', 'processing']);

const $ = (id) => document.getElementById(id);

const TIME = { hour: '2-digit', minute: '2-digit', second: '2-digit' };
const DATE_TIME = { month: 'short', day: 'numeric', ...TIME };

function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString([], TIME) : d.toLocaleString([], DATE_TIME);
}

export function createJobsView({ announce, onExpired }) {
  const state = {
    status: '',
    id: '',
    tokens: [null], // the "next" token of each page seen, for Previous
    page: 0,
    next: null,
    rows: new Map(), // job id -> {tr, job}
    links: new Map(), // job id -> {url, at}
    timer: null,
    loading: false,
  };

  function fail(e) {
    if (e instanceof api.SessionExpired) {
      onExpired();
      return true;
    }
    return false;
  }

  function badge(status) {
    const span = document.createElement('span');
    span.className = `badge status-${status}`;
    span.textContent = status;
    return span;
  }

  async function downloadLink(job) {
    const cached = state.links.get(job.jobId);
    if (cached && Date.now() - cached.at < LINK_REFRESH_MS) return cached.url;
    const status = await api.jobStatus(job.jobId);
    const url = status.jobProcessedPayloadLink || status.jobProcessedPayload;
    if (url) state.links.set(job.jobId, { url, at: Date.now() });
    return url;
  }

  async function fillActions(cell, job) {
    const key = `${job.jobStatus}|${job.cancelRequestedAt || ''}|${job.error || ''}`;
    if (cell.dataset.key === key) return;
    cell.dataset.key = key;
    cell.replaceChildren();
    if (job.jobStatus === 'complete') {
      let url;
      try {
        url = await downloadLink(job);
      } catch (e) {
        delete cell.dataset.key; // try again on the next refresh
        throw e;
      }
      if (url) {
        const a = document.createElement('a');
        a.className = 'download';
        a.href = url;
        a.textContent = 'Download';
        a.setAttribute('download', `${job.jobId}.json`);
        a.setAttribute('aria-label', `Download the output of job ${job.jobId}`);
        cell.append(a);
      }
    } else if (ACTIVE.has(job.jobStatus) && !job.cancelRequestedAt) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'small danger cancel';
      b.textContent = 'Cancel';
      b.setAttribute('aria-label', `Cancel job ${job.jobId}`);
      b.addEventListener('click', () => cancel(job.jobId, b));
      cell.append(b);
    } else if (job.cancelRequestedAt && ACTIVE.has(job.jobStatus)) {
      cell.append('Cancelling…');
    } else if (job.jobStatus === 'failed' && job.error) {
      const span = document.createElement('span');
      span.className = 'error-text';
      span.textContent = job.error;
      cell.append(span);
    }
  }

  function makeRow(job) {
    const tr = document.createElement('tr');
    tr.dataset.jobId = job.jobId;
    const cells = ['id', 'status', 'submitted', 'updated', 'num', 'job-actions'].map((cls) => {
      const td = document.createElement('td');
      td.className = cls;
      tr.append(td);
      return td;
    });
    // the first 8 characters, as a short name; the whole id in the tooltip and for screen readers
    const code = document.createElement('code');
    code.textContent = job.jobId.slice(0, 8);
    code.title = job.jobId;
    code.setAttribute('aria-label', job.jobId);
    cells[0].append(code);
    return tr;
  }

  function updateRow(tr, job, previous) {
    const [, status, submitted, updated, attempts, actions] = tr.children;
    if (!previous || previous.jobStatus !== job.jobStatus) {
      status.replaceChildren(badge(job.jobStatus));
      tr.dataset.status = job.jobStatus;
      if (previous) announce(`Job ${job.jobId.slice(0, 8)} is now ${job.jobStatus}`);
    }
    submitted.textContent = formatTime(job.submittedAt);
    updated.textContent = formatTime(job.updatedAt);
    attempts.textContent = String(job.attempts ?? 0);
    fillActions(actions, job).catch((e) => fail(e));
  }

  function render(jobs, emptyText) {
    const body = $('jobs-body');
    const seen = new Set();
    jobs.forEach((job, i) => {
      seen.add(job.jobId);
      let entry = state.rows.get(job.jobId);
      if (!entry) {
        entry = { tr: makeRow(job), job: null };
        state.rows.set(job.jobId, entry);
      }
      updateRow(entry.tr, job, entry.job);
      entry.job = job;
      if (body.children[i] !== entry.tr) body.insertBefore(entry.tr, body.children[i] || null);
    });
    for (const [id, entry] of state.rows) {
      if (!seen.has(id)) {
        entry.tr.remove();
        state.rows.delete(id);
      }
    }
    $('jobs-empty').textContent = emptyText;
    $('jobs-empty').hidden = jobs.length > 0;
    $('prev-page').disabled = state.page === 0 || Boolean(state.id);
    $('next-page').disabled = !state.next || Boolean(state.id);
  }

  async function load() {
    // a tab in the background polls nothing; it catches up when shown again
    if (state.loading || !api.currentSession() || document.hidden) return;
    state.loading = true;
    try {
      if (state.id) {
        state.next = null;
        try {
          render([await api.jobStatus(state.id)], '');
        } catch (e) {
          if (e instanceof api.ApiError && (e.status === 404 || e.status === 400)) {
            render([], 'No job of yours has this id.');
          } else {
            throw e;
          }
        }
      } else {
        const page = await api.listJobs({
          status: state.status, next: state.tokens[state.page], limit: PAGE_SIZE,
        });
        state.next = page.next || null;
        render(page.jobs || [], state.status ? `No ${state.status} jobs.` : 'No jobs here yet.');
      }
      $('live').classList.remove('paused');
    } catch (e) {
      if (!fail(e)) $('live').classList.add('paused');
    } finally {
      state.loading = false;
    }
  }

  async function cancel(id, button) {
    button.disabled = true;
    try {
      const job = await api.cancelJob(id);
      announce(`Cancel requested for job ${id.slice(0, 8)}: ${job.jobStatus}`);
      $('submit-result').textContent = `Job ${id} is ${job.jobStatus}.`;
    } catch (e) {
      if (!fail(e)) {
        $('submit-result').textContent = `Could not cancel job ${id}: ${e.message}`;
        button.disabled = false;
      }
    }
    await load();
  }

  async function submit(event) {
    event.preventDefault();
    const text = $('job-body').value;
    const result = $('submit-result');
    try {
      JSON.parse(text);
    } catch {
      result.textContent = 'The request body must be valid JSON.';
      return;
    }
    $('submit-button').disabled = true;
    try {
      const receipt = await api.submitJob(text);
      result.textContent = `Submitted job ${receipt.MessageId}.`;
      announce(`Submitted job ${receipt.MessageId.slice(0, 8)}`);
      if (state.page === 0 && !state.id) await load();
    } catch (e) {
      if (!fail(e)) result.textContent = `Not submitted: ${e.message}`;
    } finally {
      $('submit-button').disabled = false;
    }
  }

  function filter(event) {
    event.preventDefault();
    state.status = $('status-filter').value;
    state.id = $('id-filter').value.trim();
    state.tokens = [null];
    state.page = 0;
    load();
  }

  $('submit-form').addEventListener('submit', submit);
  $('filter-form').addEventListener('submit', filter);
  $('status-filter').addEventListener('change', filter);
  $('next-page').addEventListener('click', () => {
    if (!state.next) return;
    state.tokens[state.page + 1] = state.next;
    state.page += 1;
    load();
  });
  $('prev-page').addEventListener('click', () => {
    if (state.page === 0) return;
    state.page -= 1;
    load();
  });

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && state.timer) load();
  });

  return {
    start() {
      this.stop();
      load();
      state.timer = setInterval(load, POLL_MS);
    },
    stop() {
      clearInterval(state.timer);
      state.timer = null;
    },
    /** Forgets everything of the signed-out user. */
    reset() {
      this.stop();
      state.rows.clear();
      state.links.clear();
      state.tokens = [null];
      state.page = 0;
      state.next = null;
      state.id = '';
      state.status = '';
      $('jobs-body').replaceChildren();
      $('id-filter').value = '';
      $('status-filter').value = '';
      $('submit-result').textContent = '';
    },
  };
}
