// Loa's chat widget for the school's website: one tag adds a chat button and panel to any page.
//   <script src="https://loa.example/widget.js" data-lang="vi" async></script>
// data-open="true" opens the panel at once; data-mode="page" makes it the whole page (Loa's own
// full-page chat at /), with no chat button.
// The page's origin must be in WEBCHAT_ALLOWED_ORIGINS. Plain browser JavaScript (no build step);
// everything lives in a shadow root so the school's page and the widget do not restyle each other,
// and no inline script or style is used (strict CSP on both sides). Identity: a token the server
// signs, kept in this site's localStorage and sent as X-Loa-Visitor (third-party cookies are not needed).
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__loaWidget) return;
  window.__loaWidget = true;
  var BASE = new URL(script.src, location.href).origin;
  var TOKEN_KEY = 'loa-visitor:' + BASE;
  var lang = (script.getAttribute('data-lang') || 'vi') === 'en' ? 'en' : 'vi';
  var pageMode = script.getAttribute('data-mode') === 'page';
  var TEXT = {
    vi: {
      open: 'Mở khung chat với nhà trường', close: 'Đóng khung chat', title: 'Trợ lý Loa', subtitle: 'Trợ lý tự động của nhà trường',
      input: 'Nhập tin nhắn', placeholder: 'Nhắn tin… (ví dụ: học phí bao nhiêu?)', send: 'Gửi', restart: 'Bắt đầu lại',
      restartText: 'bắt đầu lại', zalo: 'Tiếp tục trên Zalo', facebook: 'Trang Facebook', failed: 'Không gửi được tin nhắn. Bố mẹ thử lại giúp em nhé.',
      greeting: 'xin chào', unread: 'tin nhắn mới', choices: 'Lựa chọn', offline: 'Đang kết nối lại…', you: 'Bạn', bot: 'Nhà trường',
    },
    en: {
      open: 'Open the chat with the school', close: 'Close the chat', title: 'Loa assistant', subtitle: "The school's automatic assistant",
      input: 'Type a message', placeholder: 'Type a message… (e.g. how much are the fees?)', send: 'Send', restart: 'Start over',
      restartText: 'start over', zalo: 'Continue on Zalo', facebook: 'Facebook page', failed: 'The message could not be sent. Please try again.',
      greeting: 'hello', unread: 'new messages', choices: 'Choices', offline: 'Reconnecting…', you: 'You', bot: 'School',
    },
  }[lang];

  var token = null;
  try { token = localStorage.getItem(TOKEN_KEY); } catch (e) { /* storage blocked: this visit only */ }
  var lastEventId = 0;
  var shownIds = {};
  var ackTimer = null;
  var renewed = false;
  var unread = 0;
  var stream = null;
  var started = false;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }

  // The widget's own box, styled from widget.css inside its shadow root.
  var host = el('div', { id: 'loa-chat-widget', class: pageMode ? 'page' : 'widget' });
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  root.appendChild(el('link', { rel: 'stylesheet', href: BASE + '/widget.css' }));
  // A speech bubble drawn in SVG (an emoji needs a font the visitor may not have).
  var SVG = 'http://www.w3.org/2000/svg';
  var icon = document.createElementNS(SVG, 'svg');
  icon.setAttribute('viewBox', '0 0 24 24');
  icon.setAttribute('aria-hidden', 'true');
  icon.setAttribute('focusable', 'false');
  var bubblePath = document.createElementNS(SVG, 'path');
  bubblePath.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
  bubblePath.setAttribute('fill', 'currentColor');
  icon.appendChild(bubblePath);
  var launcher = el('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'loa-panel', 'aria-label': TEXT.open }, [
    icon, el('span', { class: 'badge', hidden: '', 'aria-hidden': 'true' }),
  ]);
  var badge = launcher.querySelector('.badge');
  var titleEl = el('h2', { id: 'loa-title', text: TEXT.title });
  var subtitle = el('p', { class: 'subtitle', text: TEXT.subtitle });
  var closeBtn = el('button', { type: 'button', class: 'icon', 'aria-label': TEXT.close, text: '✕' });
  var restartBtn = el('button', { type: 'button', class: 'restart', text: TEXT.restart });
  var links = el('p', { class: 'links' });
  var log = el('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', tabindex: '0', 'aria-labelledby': 'loa-title' });
  var status = el('p', { class: 'status', role: 'status' });
  var input = el('input', { id: 'loa-input', type: 'text', autocomplete: 'off', maxlength: '2000', placeholder: TEXT.placeholder });
  var form = el('form', { class: 'composer' }, [
    el('label', { for: 'loa-input', class: 'visually-hidden', text: TEXT.input }), input,
    el('button', { type: 'submit', class: 'send', text: TEXT.send }),
  ]);
  var panel = el(pageMode ? 'main' : 'section', pageMode
    ? { id: 'loa-panel', class: 'panel', 'aria-labelledby': 'loa-title' }
    : { id: 'loa-panel', class: 'panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'loa-title', hidden: '' }, [
    el('header', {}, [el('div', { class: 'heading' }, [titleEl, subtitle]), restartBtn, pageMode ? null : closeBtn]),
    links, log, status, form,
  ]);
  if (!pageMode) root.appendChild(launcher);
  root.appendChild(panel);

  function headers(json) {
    var h = {};
    if (json) h['content-type'] = 'application/json';
    if (token) h['x-loa-visitor'] = token;
    return h;
  }
  function keepToken(res, body) {
    var t = (body && body.visitor) || res.headers.get('x-loa-visitor');
    if (t && t !== token) {
      token = t;
      try { localStorage.setItem(TOKEN_KEY, t); } catch (e) { /* this visit only */ }
    }
  }

  // Buttons act only on the message they belong to: anything sent disables the older ones.
  function disableOldButtons() {
    Array.prototype.forEach.call(log.querySelectorAll('.quick button'), function (b) { b.disabled = true; });
  }
  function bubble(message, who) {
    var item = el('div', { class: 'msg ' + who });
    item.appendChild(el('span', { class: 'visually-hidden', text: (who === 'me' ? TEXT.you : TEXT.bot) + ': ' }));
    item.appendChild(document.createTextNode(message.text || ''));
    if (message.image) item.appendChild(el('img', { src: message.image, alt: message.text || '' }));
    if (message.link) item.appendChild(el('a', { href: message.link.url, target: '_blank', rel: 'noopener noreferrer', text: message.link.title }));
    log.appendChild(item);
    if (message.quickReplies && message.quickReplies.length) {
      var row = el('div', { class: 'quick', role: 'group', 'aria-label': TEXT.choices });
      message.quickReplies.forEach(function (q) {
        var b = el('button', { type: 'button', text: q.title });
        b.addEventListener('click', function () { send({ payload: q.payload }, q.title); });
        row.appendChild(b);
      });
      log.appendChild(row);
    }
    log.scrollTop = log.scrollHeight;
  }
  function show(message) {
    if (message.id) {
      if (shownIds[message.id]) return false; // a resumed stream may repeat what came just before the drop
      shownIds[message.id] = true;
      if (message.id > lastEventId) lastEventId = message.id;
    }
    bubble(message, message.from === 'visitor' ? 'me' : message.from === 'bot' ? 'bot' : 'school');
    return true;
  }

  function send(body, shown) {
    disableOldButtons();
    bubble({ text: shown }, 'me');
    body.messageId = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
    return fetch(BASE + '/api/chat', { method: 'POST', headers: headers(true), body: JSON.stringify(body) })
      .then(function (res) {
        return res.json().then(function (data) {
          keepToken(res, data);
          if (!res.ok) throw new Error(data.error ? data.error.message : TEXT.failed);
          (data.replies || []).forEach(function (r) { bubble(r, 'bot'); });
          if (data.startedOver) { lastEventId = 0; connect(); }
        });
      })
      .catch(function (e) { bubble({ text: e && e.message ? e.message : TEXT.failed }, 'bot'); });
  }

  // Live messages from the school: server-sent events read with fetch (so the token goes in a
  // header, never in a URL), resumed with Last-Event-ID after a drop.
  function connect(delay) {
    if (stream) stream.abort();
    if (!token || !window.AbortController) return;
    var abort = new AbortController();
    stream = abort;
    var h = headers(false);
    if (lastEventId) h['last-event-id'] = String(lastEventId);
    fetch(BASE + '/api/chat/events', { headers: h, signal: abort.signal }).then(function (res) {
      // An identity the server no longer knows (its key changed): forget it, get a new one.
      if (res.status === 401 && !renewed) {
        renewed = true;
        token = null;
        try { localStorage.removeItem(TOKEN_KEY); } catch (e) { /* nothing kept */ }
        return loadHistory().then(function () { connect(); });
      }
      if (!res.ok || !res.body) throw new Error('stream ' + res.status);
      status.textContent = '';
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      function read() {
        return reader.read().then(function (chunk) {
          if (chunk.done) throw new Error('closed');
          buffer += decoder.decode(chunk.value, { stream: true });
          var cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            var block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            var data = /^data: (.*)$/m.exec(block);
            if (data) receive(JSON.parse(data[1]));
          }
          return read();
        });
      }
      return read();
    }).catch(function () {
      if (abort.signal.aborted) return;
      status.textContent = TEXT.offline;
      var next = Math.min((delay || 1000) * 2, 30000);
      setTimeout(function () { if (stream === abort) connect(next); }, delay || 1000);
    });
  }
  function receive(message) {
    if (show(message)) markUnread(1);
    // Tell the school the page has it (a message written to a dead connection is not "delivered").
    clearTimeout(ackTimer);
    ackTimer = setTimeout(function () {
      fetch(BASE + '/api/chat/received', { method: 'POST', headers: headers(true), body: JSON.stringify({ upTo: lastEventId }) }).catch(function () { /* the next visit's history delivers it */ });
    }, 150);
  }
  function markUnread(n) {
    if (!panel.hidden || !n) return;
    unread += n;
    badge.textContent = String(unread);
    badge.hidden = false;
    launcher.setAttribute('aria-label', TEXT.open + ' (' + unread + ' ' + TEXT.unread + ')');
  }

  function loadHistory() {
    return fetch(BASE + '/api/chat/history', { headers: headers(false) }).then(function (res) {
      return res.json().then(function (data) {
        if (!res.ok) throw new Error(data.error ? data.error.message : TEXT.failed);
        keepToken(res, data);
        log.textContent = '';
        shownIds = {};
        var messages = data.messages || [];
        messages.forEach(show);
        // What came while the page was closed: counted on the button until the panel is opened.
        var fresh = messages.filter(function (m) { return m.unread; }).length;
        markUnread(fresh);
        // Only the buttons after the visitor's last message are live (as on the server).
        var rows = log.querySelectorAll('.quick');
        var lastMine = log.querySelectorAll('.msg.me');
        var mark = lastMine.length ? lastMine[lastMine.length - 1] : null;
        Array.prototype.forEach.call(rows, function (row) {
          if (!mark || (mark.compareDocumentPosition(row) & Node.DOCUMENT_POSITION_PRECEDING)) {
            Array.prototype.forEach.call(row.querySelectorAll('button'), function (b) { b.disabled = true; });
          }
        });
        return messages.length;
      });
    });
  }

  function start() {
    if (started) return;
    started = true;
    loadHistory().then(function (count) {
      connect();
      if (!count) send({ text: TEXT.greeting }, TEXT.greeting);
    }).catch(function (e) { started = false; bubble({ text: e.message || TEXT.failed }, 'bot'); });
  }

  function open() {
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    launcher.setAttribute('aria-label', TEXT.close);
    unread = 0;
    badge.hidden = true;
    start();
    input.focus();
  }
  function close() {
    if (pageMode) return;
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-label', TEXT.open);
    launcher.focus();
  }
  launcher.addEventListener('click', function () { if (panel.hidden) open(); else close(); });
  closeBtn.addEventListener('click', close);
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') close(); });
  restartBtn.addEventListener('click', function () { log.textContent = ''; send({ text: TEXT.restartText }, TEXT.restart); input.focus(); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = '';
    send({ text: text }, text);
  });

  // The school's name, colours and other channels.
  fetch(BASE + '/api/chat/widget').then(function (res) { return res.json(); }).then(function (school) {
    titleEl.textContent = lang === 'en' ? (school.nameEn || school.name) : school.name;
    subtitle.textContent = TEXT.subtitle;
    if (school.colors) {
      host.style.setProperty('--loa-primary', school.colors.primary);
      host.style.setProperty('--loa-on-primary', school.colors.onPrimary);
    }
    if (school.links && school.links.zalo) links.appendChild(el('a', { href: school.links.zalo, target: '_blank', rel: 'noopener noreferrer', text: TEXT.zalo }));
    if (school.links && school.links.facebook) links.appendChild(el('a', { href: school.links.facebook, target: '_blank', rel: 'noopener noreferrer', text: TEXT.facebook }));
  }).catch(function () { /* the defaults stay */ });

  (document.body || document.documentElement).appendChild(host);
  // A returning visitor hears about what came while they were away, even before opening the panel.
  if (pageMode) { start(); input.focus(); }
  else if (script.getAttribute('data-open') === 'true') open();
  else if (token) {
    started = true;
    loadHistory().then(function () { connect(); }).catch(function () { started = false; });
  }
})();
