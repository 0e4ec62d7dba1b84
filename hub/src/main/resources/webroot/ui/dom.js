// Small DOM and formatting helpers shared by the views. Text always goes in as text (never as HTML).

/** h('td', {class: 'x', onclick: fn}, 'text', childNode, ...) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c == null || c === false) {
      continue;
    }
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** A state as a coloured badge: QUEUED, RUNNING, FAILED, HEALTHY, OPEN, ... */
export function badge(state) {
  const s = state == null ? '—' : String(state);
  return h('span', { class: 'badge s-' + s.toLowerCase(), 'data-state': s }, s);
}

/** 1234 → "1.2 s", 95000 → "1 min 35 s", 7300000 → "2 h 1 min". */
export function duration(ms) {
  if (ms == null || Number.isNaN(ms)) {
    return '—';
  }
  if (ms < 1000) {
    return Math.round(ms) + ' ms';
  }
  if (ms < 60000) {
    return (Math.round(ms / 100) / 10) + ' s';
  }
  const s = Math.round(ms / 1000);
  if (s < 3600) {
    return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

export function since(iso, now = Date.now()) {
  return iso ? duration(now - Date.parse(iso)) + ' ago' : '—';
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : '—';
}

export function table(headers, rows, attrs = {}) {
  return h('table', attrs, h('thead', {}, h('tr', {}, headers.map(t => h('th', {}, t)))), h('tbody', {}, rows));
}

export function section(title, ...children) {
  return h('section', {}, h('h2', {}, title), ...children);
}
