// The dashboard's entry point: reads /dashboard/config.json, shows the view the location's hash
// names (#jobs, #admin), and handles signing in and out. Nothing here puts a token in a URL.
import * as api from './api.js';
import { createJobsView } from './jobs.js';
import { createAdminView } from './admin.js';

const $ = (id) => document.getElementById(id);

function announce(text) {
  const live = $('announcer');
  live.textContent = '';
  // a fresh text node each time, so the same words are announced again
  setTimeout(() => { live.textContent = text; }, 50);
}

function notice(text) {
  const n = $('notice');
  n.textContent = text || '';
  n.hidden = !text;
}

async function main() {
  const config = await (await fetch('dashboard/config.json', { cache: 'no-store' })).json();
  let expiryTimer = null;

  const jobs = createJobsView({ announce, onExpired: () => expired() });
  const admin = createAdminView(config, { announce, onChange: () => show() });

  function currentView() {
    return location.hash === '#admin' ? 'admin' : 'jobs';
  }

  function show() {
    const view = currentView();
    const session = api.currentSession();
    for (const [tab, name] of [['tab-jobs', 'jobs'], ['tab-admin', 'admin']]) {
      if (view === name) $(tab).setAttribute('aria-current', 'page');
      else $(tab).removeAttribute('aria-current');
    }
    $('view-admin').hidden = view !== 'admin';
    $('view-jobs').hidden = view !== 'jobs' || !session;
    $('view-signin').hidden = view !== 'jobs' || Boolean(session);
    $('who').textContent = session ? session.username : '';
    $('sign-out').hidden = !session && !admin.signedIn();
    if (view === 'jobs' && session) {
      jobs.start();
    } else {
      jobs.stop();
    }
    document.title = view === 'admin' ? 'Admin · Ingestion dashboard' : 'Ingestion dashboard';
  }

  function focusFirst() {
    if (currentView() === 'admin') {
      admin.focus();
    } else if (api.currentSession()) {
      $('jobs-title').focus();
    } else if (config.cognitoEndpoint) {
      $('username').focus();
    } else {
      $('token-input').focus();
    }
  }

  function scheduleExpiry(session) {
    clearTimeout(expiryTimer);
    const ms = session.exp * 1000 - Date.now();
    if (ms > 0 && ms < 2 ** 31) expiryTimer = setTimeout(expired, ms);
  }

  function signedIn(session) {
    notice('');
    scheduleExpiry(session);
    show();
    focusFirst();
    announce(`Signed in as ${session.username}`);
  }

  function signOut(message) {
    clearTimeout(expiryTimer);
    api.endSession();
    jobs.reset();
    admin.signOut();
    notice(message);
    show();
    focusFirst();
  }

  function expired() {
    signOut('Your session has expired. Please sign in again.');
  }

  $('signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = $('signin-error');
    const username = $('username').value.trim();
    const password = $('password').value;
    error.hidden = true;
    if (!username || !password) {
      error.textContent = 'Enter your username and password.';
      error.hidden = false;
      return;
    }
    $('signin-button').disabled = true;
    try {
      const token = await api.signIn(config, username, password);
      $('password').value = '';
      signedIn(api.startSession(token, username));
    } catch (e) {
      error.textContent = e.message || 'Sign-in failed';
      error.hidden = false;
      $('password').select();
    } finally {
      $('signin-button').disabled = false;
    }
  });

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    $('token-input').value = '';
    signedIn(api.startSession(token, ''));
  });

  $('sign-out').addEventListener('click', () => signOut('You have signed out.'));

  $('signin-form').hidden = !config.cognitoEndpoint;
  $('token-form').hidden = Boolean(config.cognitoEndpoint);
  window.addEventListener('hashchange', () => {
    show();
    focusFirst();
  });
  const session = api.restoreSession();
  if (session) scheduleExpiry(session);
  show();
  focusFirst();
  document.body.dataset.ready = 'true';
}

main().catch((e) => notice(`The dashboard could not start: ${e.message}`));
