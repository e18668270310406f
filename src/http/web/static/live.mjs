// Progressive enhancement: keeps the incident list and an incident's page current while open,
// over Server-Sent Events. Without JavaScript the pages are simply as of their last load.
/* global document, location, fetch, DOMParser, window, EventSource */
import { initAll } from '/javascripts/govuk-frontend.min.js';

const BANNER_ID = 'app-live-banner';

/** The event stream for this page, if it is one that updates live. */
function streamUrl(pathname) {
  if (/^\/incidents\/?$/.test(pathname)) return '/incidents/events';
  const match = /^\/incidents\/([^/]+)$/.exec(pathname);
  if (match && match[1] !== 'new' && match[1] !== 'events') return `/incidents/${match[1]}/events`;
  return null;
}

/** True when replacing the page would lose what someone is typing or has not sent yet. */
function hasUnsentInput(main) {
  const active = document.activeElement;
  if (active && main.contains(active) && active.matches('input, textarea, select, [contenteditable]')) return true;
  for (const field of main.querySelectorAll('input, textarea, select')) {
    if (field.type === 'hidden') continue;
    if (field.type === 'checkbox' || field.type === 'radio') {
      if (field.checked !== field.defaultChecked) return true;
    } else if (field.tagName === 'SELECT') {
      if ([...field.options].some((option) => option.selected !== option.defaultSelected)) return true;
    } else if (field.value !== field.defaultValue) return true;
  }
  return false;
}

function showReloadBanner(main, onList) {
  if (document.getElementById(BANNER_ID)) return;
  const banner = document.createElement('div');
  banner.id = BANNER_ID;
  banner.className = 'govuk-notification-banner';
  banner.setAttribute('role', 'region');
  banner.setAttribute('aria-labelledby', `${BANNER_ID}-title`);
  banner.innerHTML = `
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="${BANNER_ID}-title">Important</h2>
    </div>
    <div class="govuk-notification-banner__content">
      <p class="govuk-notification-banner__heading"></p>
    </div>`;
  const heading = banner.querySelector('p');
  heading.append(onList ? 'Incidents have changed — ' : 'This incident has changed — ');
  const link = document.createElement('a');
  link.className = 'govuk-notification-banner__link';
  link.href = location.href;
  link.textContent = 'reload to see it';
  heading.append(link);
  main.prepend(banner);
}

async function refresh(main, onList) {
  if (hasUnsentInput(main)) return showReloadBanner(main, onList);
  const response = await fetch(location.href, { headers: { accept: 'text/html' } });
  // Signed out meanwhile (sent to sign-in) or an error: leave the page as it is.
  if (!response.ok || response.redirected) return;
  const fresh = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('main-content');
  // Someone may have started typing while the page was being fetched.
  if (!fresh || hasUnsentInput(main)) return showReloadBanner(main, onList);
  main.replaceChildren(...fresh.childNodes);
  initAll({ scope: main });
}

function start() {
  const url = streamUrl(location.pathname);
  const main = document.getElementById('main-content');
  if (!url || !main || !('EventSource' in window)) return;
  const onList = url === '/incidents/events';
  // Changes often come in bursts: one refresh at a time, and one more if any arrived during it.
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await refresh(main, onList);
      } while (again);
    } catch {
      // A failed refresh leaves the page as it was; the next change tries again.
    } finally {
      running = false;
    }
  };
  new EventSource(url).addEventListener('changed', () => void run());
}

start();
