/*
 * Support chat widget. A charity adds it to a page with one tag:
 *
 *   <script src="https://chat.example.org/widget.js" async
 *           data-title="Talk to us" data-exit-url="https://www.bbc.co.uk/weather"></script>
 *
 * Options (all data-attributes, all optional): data-title, data-launcher-text, data-intro,
 * data-history-note, data-exit-text, data-exit-url (http or https only), data-accent-color,
 * data-accent-text-color, data-exit-color, data-exit-text-color. Colours that would fail
 * WCAG contrast are ignored in favour of the defaults.
 *
 * Safety: the session id lives in this closure only. Nothing is written to cookies,
 * localStorage, sessionStorage or IndexedDB, so closing the tab leaves no conversation
 * behind. Quick exit (the button, or Shift pressed three times with no other key, each
 * press within 5 seconds of the last) hides the page at once, forgets the conversation,
 * tells the server and leaves with location.replace, so Back does not return here.
 * The host page needs no inline script or style: styles are constructed stylesheets in
 * shadow roots, and the page's CSP needs only script-src and connect-src for this server.
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || !script.src || document.querySelector('[data-support-chat]')) return;

  // Filled in by the server: what to say if the chat cannot be reached at all.
  var UNAVAILABLE = /*server:unavailable-text*/"";
  var DEFAULT_EXIT_URL = 'https://www.bbc.co.uk/weather';
  var MAX_TEXT = 4000;
  var SHIFT_WINDOW_MS = 5000;
  var TYPING_DELAY_MS = 400;

  var data = script.dataset;
  function option(name, fallback) {
    var value = data[name];
    return value && value.trim() ? value.trim() : fallback;
  }
  // Absolute http(s) addresses only: an empty or relative one would "exit" to this page.
  function webUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
    } catch (e) {
      return null;
    }
  }
  var config = {
    title: option('title', 'Talk to our support assistant'),
    launcher: option('launcherText', 'Chat with us'),
    intro: option('intro', "You're talking to an automated assistant, not a person. " +
      "You don't need to give your name."),
    history: option('historyNote', 'To leave at once, press Exit this page or press Shift ' +
      'three times: the chat closes, forgets this conversation on this device and opens a ' +
      "weather page. It can't clear your browser history from before you opened the chat, " +
      'so a private window is safer.'),
    exit: option('exitText', 'Exit this page'),
    exitUrl: webUrl(data.exitUrl || '') || DEFAULT_EXIT_URL
  };
  var server = new URL(script.src);
  var socketUrl = (server.protocol === 'https:' ? 'wss://' : 'ws://') + server.host + '/chat/ws';
  var beaconUrl = server.origin + '/chat/left';
  var documentUrl = server.origin + '/chat/document';

  var CSS = [
    ':host{all:initial}',
    '*{box-sizing:border-box}',
    '[hidden]{display:none!important}',
    '.exit,.launcher,.panel{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}',
    'button{font:inherit;cursor:pointer}',
    // !important: the Exit button's and launcher's own shadows must not take the dark ring
    // that makes the yellow outline visible on a light page.
    ':focus-visible{outline:3px solid #ffdd00!important;outline-offset:0;' +
      'box-shadow:0 0 0 6px #0b0c0c!important}',
    '.exit{position:fixed;inset:8px 8px auto auto;margin:0;z-index:2147483647;min-height:44px;' +
      'padding:8px 16px;border:2px solid #fff;border-radius:4px;background:var(--exit);' +
      'color:var(--exit-text);font-weight:700;overflow:visible;box-shadow:0 2px 0 #0b0c0c}',
    '.launcher{position:fixed;right:16px;bottom:16px;z-index:2147483646;min-height:48px;' +
      'padding:10px 20px;border:2px solid #fff;border-radius:24px;background:var(--accent);' +
      'color:var(--accent-text);font-weight:700;box-shadow:0 2px 6px rgba(0,0,0,.35)}',
    '.panel{position:fixed;inset:auto 8px 8px auto;margin:0;padding:0;z-index:2147483646;' +
      'width:min(384px,calc(100vw - 16px));height:min(576px,calc(100vh - 72px));' +
      'height:min(576px,calc(100dvh - 72px));display:flex;flex-direction:column;' +
      'background:#fff;color:#0b0c0c;border:2px solid #0b0c0c;border-radius:8px;' +
      'box-shadow:0 4px 16px rgba(0,0,0,.3);overflow:hidden}',
    '.head{display:flex;align-items:center;gap:8px;padding:6px 6px 6px 14px;' +
      'background:var(--accent);color:var(--accent-text)}',
    'h2{flex:1;margin:0;font-size:18px;line-height:1.3}',
    '.close{min-height:44px;min-width:44px;padding:6px 10px;border:2px solid currentColor;' +
      'border-radius:4px;background:transparent;color:inherit}',
    '.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}',
    '.msg{max-width:85%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;' +
      'overflow-wrap:anywhere}',
    '.you{align-self:flex-end;background:var(--accent);color:var(--accent-text)}',
    '.you a{color:inherit}',
    '.assistant{align-self:flex-start;background:#f0f0f0}',
    '.team{align-self:flex-start;background:#e7f2ea;border-left:4px solid #00703c}',
    '.note{align-self:stretch;max-width:none;border-radius:4px;border:1px solid #b1b4b6;' +
      'background:#f8f8f8;font-size:15px}',
    'a{color:#1d4f91;text-decoration:underline}',
    '.who{display:block;font-size:13px;font-weight:700}',
    '.choices{display:flex;flex-wrap:wrap;gap:8px;align-self:flex-start}',
    '.choices button{min-height:44px;padding:8px 12px;border:2px solid var(--accent);' +
      'border-radius:8px;background:#fff;color:#0b0c0c;text-align:left}',
    '.typing,.status{margin:0;padding:0 12px 6px;font-size:15px;color:#3b3b3b}',
    '.status:empty{padding:0}',
    '.compose{display:flex;gap:8px;align-items:flex-end;padding:8px;border-top:1px solid #b1b4b6}',
    'textarea{flex:1;min-width:0;min-height:44px;max-height:140px;resize:vertical;font:inherit;' +
      'padding:8px;border:2px solid #0b0c0c;border-radius:4px;color:#0b0c0c;background:#fff}',
    '.send{min-height:44px;padding:8px 16px;border:2px solid var(--accent);border-radius:4px;' +
      'background:var(--accent);color:var(--accent-text);font-weight:700}',
    '.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);' +
      'white-space:nowrap}',
    '@media (forced-colors:active){.msg,.choices button,.exit,.launcher{border:2px solid}}',
    // Nothing here moves today; this keeps anything added later still for those who ask.
    '@media (prefers-reduced-motion:reduce){*{animation:none!important;' +
      'transition:none!important;scroll-behavior:auto!important}}'
  ].join('\n');

  var state = {
    session: null,   // the server's signed token, in memory only
    socket: null,
    ready: false,    // the server has accepted our session on this socket
    started: false,
    stopped: false,
    attempts: 0,
    offlineShown: false,
    outbox: [],
    timer: 0,
    typingTimer: 0
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  // --- the page's parts -------------------------------------------------------------------
  var sheet = null;
  function shadow(host) {
    // Closed: the host page's scripts (analytics, ads, anything the charity's site loads)
    // get no handle on the conversation through host.shadowRoot.
    var root = host.attachShadow({ mode: 'closed' });
    if ('adoptedStyleSheets' in root && window.CSSStyleSheet && 'replaceSync' in CSSStyleSheet.prototype) {
      sheet = sheet || new CSSStyleSheet();
      if (!sheet.cssRules.length) sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el('style', {}, [CSS]));
    }
    return root;
  }

  var exitHost = el('div', { 'data-support-chat-exit': '' });
  var chatHost = el('div', { 'data-support-chat': '' });
  var exitButton = el('button', { type: 'button', 'class': 'exit' }, [config.exit]);
  var launcher = el('button', { type: 'button', 'class': 'launcher', 'aria-expanded': 'false',
    'aria-controls': 'panel' }, [config.launcher]);
  var closeButton = el('button', { type: 'button', 'class': 'close' }, ['Close']);
  var log = el('div', { 'class': 'log', role: 'log', 'aria-live': 'polite',
    'aria-label': 'Conversation', tabindex: '0' });
  var typing = el('p', { 'class': 'typing', hidden: '' }, ['The assistant is typing…']);
  var status = el('p', { 'class': 'status', role: 'status' });
  var input = el('textarea', { id: 'message', name: 'message', rows: '2',
    maxlength: String(MAX_TEXT), autocomplete: 'off' });
  var form = el('form', { 'class': 'compose' }, [
    el('label', { 'for': 'message', 'class': 'vh' }, ['Your message']), input,
    el('button', { type: 'submit', 'class': 'send' }, ['Send'])
  ]);
  var panel = el('section', { id: 'panel', 'class': 'panel', 'aria-labelledby': 'title',
    hidden: '' }, [
    el('div', { 'class': 'head' }, [el('h2', { id: 'title' }, [config.title]), closeButton]),
    log, typing, status, form
  ]);

  function mount() {
    var body = document.body;
    body.insertBefore(exitHost, body.firstChild);  // first in the tab order, as on GOV.UK
    body.appendChild(chatHost);
    shadow(exitHost).appendChild(exitButton);
    var root = shadow(chatHost);
    root.appendChild(launcher);
    root.appendChild(panel);
    applyColours(root);
    // The top layer is above any z-index, so no cookie banner can cover the button.
    raise(exitButton);
  }

  function raise(node) {
    if (typeof node.showPopover !== 'function') return;
    node.setAttribute('popover', 'manual');
    try {
      if (node.matches(':popover-open')) node.hidePopover();
      node.showPopover();
    } catch (e) { /* not in the document: z-index still applies */ }
  }
  function lower(node) {
    if (typeof node.hidePopover === 'function' && node.hasAttribute('popover')) {
      try { node.hidePopover(); } catch (e) { /* already hidden */ }
    }
  }

  // --- colours, only if readable -----------------------------------------------------------
  function applyColours(root) {
    var probe = el('span');
    root.appendChild(probe);
    function rgb(value) {
      if (!value) return null;
      probe.style.color = '';
      probe.style.color = value;
      if (!probe.style.color) return null;
      var parts = getComputedStyle(probe).color.match(/[\d.]+/g);
      if (!parts || (parts.length > 3 && Number(parts[3]) < 1)) return null;
      return parts.slice(0, 3).map(Number);
    }
    function luminance(c) {
      var l = c.map(function (v) {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
      });
      return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
    }
    function contrast(a, b) {
      var x = luminance(a), y = luminance(b);
      return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    }
    function pair(bgName, fgName, bgDefault, fgDefault, minimumOnWhite) {
      var bg = rgb(data[bgName]) || rgb(bgDefault), fg = rgb(data[fgName]) || rgb(fgDefault);
      if (contrast(bg, fg) < 4.5 || contrast(bg, [255, 255, 255]) < minimumOnWhite) {
        bg = rgb(bgDefault);
        fg = rgb(fgDefault);
      }
      return ['rgb(' + bg.join(',') + ')', 'rgb(' + fg.join(',') + ')'];
    }
    var accent = pair('accentColor', 'accentTextColor', '#1d4f91', '#ffffff', 3);
    var exit = pair('exitColor', 'exitTextColor', '#b10e1e', '#ffffff', 1);
    probe.remove();
    [chatHost, exitHost].forEach(function (host) {
      host.style.setProperty('--accent', accent[0]);
      host.style.setProperty('--accent-text', accent[1]);
      host.style.setProperty('--exit', exit[0]);
      host.style.setProperty('--exit-text', exit[1]);
    });
  }

  // --- the conversation ---------------------------------------------------------------------
  // Screen readers hear who said what; only the team's words are labelled on screen, so
  // a person can tell at a glance when someone from the charity is writing.
  var SPEAKERS = { you: 'You', assistant: 'Assistant', team: 'From the team' };

  function linkify(node, text) {
    var pattern = /\bhttps?:\/\/[^\s<>"]+/g, last = 0, match;
    while ((match = pattern.exec(text))) {
      var url = match[0].replace(/[.,;:!?)\]'"]+$/, '');
      var href = webUrl(url);
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      node.appendChild(href
        ? el('a', { href: href, target: '_blank', rel: 'noopener noreferrer' }, [url])
        : document.createTextNode(url));
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function show(kind, text, buttons) {
    var speaker = SPEAKERS[kind];
    var item = el('div', { 'class': 'msg ' + (speaker ? kind : 'note') });
    if (speaker) item.appendChild(el('span', { 'class': kind === 'team' ? 'who' : 'vh' }, [speaker + ': ']));
    linkify(item, text);
    log.appendChild(item);
    if (buttons && buttons.length) {
      var group = el('div', { 'class': 'choices', role: 'group', 'aria-label': 'Choices' });
      buttons.forEach(function (choice) {
        // The relay sends a token for each button, never its payload: typed text is always
        // words, and only a token it issued opens into a choice.
        if (!choice || typeof choice.title !== 'string' || typeof choice.choice !== 'string') return;
        var button = el('button', { type: 'button' }, [choice.title]);
        button.addEventListener('click', function () { choose(choice.choice, choice.title); });
        group.appendChild(button);
      });
      log.appendChild(group);
    }
    log.scrollTop = log.scrollHeight;
  }

  // A copy of the person's log: one button that downloads it once. The file is fetched
  // with this session's token (only this session can open it) and saved from memory;
  // nothing of it stays on the page afterwards.
  function offerDocument(token, filename) {
    var button = el('button', { type: 'button' }, ['Download your log (PDF)']);
    var group = el('div', { 'class': 'choices', role: 'group', 'aria-label': 'Your log' }, [button]);
    button.addEventListener('click', function () {
      if (button.disabled || !state.session) return;
      button.disabled = true;
      fetch(documentUrl, { method: 'POST', body: state.session + '\n' + token,
        headers: { 'Content-Type': 'text/plain' }, credentials: 'omit', cache: 'no-store' })
        .then(function (response) {
          if (!response.ok) {
            return response.text().then(function (text) { throw new Error(text); });
          }
          return response.blob();
        })
        .then(function (blob) {
          var url = URL.createObjectURL(blob);
          var link = el('a', { href: url, download: filename, hidden: '' });
          group.appendChild(link);
          link.click();
          group.removeChild(link);
          setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
          button.textContent = 'Downloaded';
        })
        .catch(function (error) {
          button.textContent = 'No longer available';
          show('note', String(error && error.message || '') ||
            "That copy couldn't be downloaded. Ask me for a new copy whenever you like.");
        });
    });
    log.appendChild(group);
    log.scrollTop = log.scrollHeight;
  }

  function say(text) {
    deliver(text, { type: 'message', text: text });
  }

  function choose(token, title) {
    deliver(title, { type: 'choice', choice: token });
  }

  function deliver(shown, frame) {
    if (state.stopped) return;
    show('you', shown);
    if (state.ready && state.socket) {
      send(frame);
    } else if (state.outbox.length < 20) {
      state.outbox.push(frame);
    }
  }

  function send(frame) {
    try {
      state.socket.send(JSON.stringify(frame));
    } catch (e) { /* closing: the close handler reconnects */ }
  }

  function typingOn() {
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(function () { typing.hidden = false; }, TYPING_DELAY_MS);
  }
  function typingOff() {
    clearTimeout(state.typingTimer);
    typing.hidden = true;
  }

  function receive(raw) {
    var frame;
    try { frame = JSON.parse(raw); } catch (e) { return; }
    if (!frame || typeof frame !== 'object') return;
    if (frame.type === 'session' && typeof frame.session === 'string') {
      state.session = frame.session;
      state.ready = true;
      state.attempts = 0;
      status.textContent = '';
      // A new session's welcome is sent by the relay itself.
      state.outbox.splice(0).forEach(send);
    } else if (frame.type === 'message') {
      typingOff();
      show(SPEAKERS[frame.from] ? frame.from : 'note', String(frame.text || ''),
        Array.isArray(frame.buttons) ? frame.buttons : []);
    } else if (frame.type === 'document' && typeof frame.document === 'string') {
      typingOff();
      offerDocument(frame.document, /^[A-Za-z0-9._-]{1,90}$/.test(String(frame.filename))
        ? String(frame.filename) : 'case-log.pdf');
    } else if (frame.type === 'typing') {
      if (frame.on) typingOn(); else typingOff();
    } else if (frame.type === 'error') {
      show('note', String(frame.message || ''));
      if (frame.code === 'session_refused') {
        state.session = null;
        send({ type: 'hello', session: null });
      }
    }
  }

  function connect() {
    if (state.stopped || state.socket) return;
    var socket;
    try {
      socket = new WebSocket(socketUrl);
    } catch (e) {
      retry();
      return;
    }
    state.socket = socket;
    if (!state.ready) status.textContent = 'Connecting…';
    socket.onopen = function () { send({ type: 'hello', session: state.session }); };
    socket.onmessage = function (event) {
      if (state.socket === socket && typeof event.data === 'string') receive(event.data);
    };
    socket.onclose = function (event) {
      if (state.socket !== socket) return;
      state.socket = null;
      state.ready = false;
      typingOff();
      if (event.code === 4000) {
        stop('This conversation carried on in another window.');
      } else if (event.code === 4001 || event.code === 4003) {
        stop('');
      } else if (event.code === 4029) {
        state.attempts = Math.max(state.attempts, 5);  // too many from this network: wait
        retry();
      } else {
        retry();
      }
    };
  }

  function retry() {
    state.attempts += 1;
    status.textContent = 'Connecting…';
    if (state.attempts >= 3 && !state.offlineShown) {
      state.offlineShown = true;
      show('note', UNAVAILABLE || "The chat can't connect right now. If you're in danger, " +
        'call your local emergency number.');
    }
    var delay = Math.min(30000, 1000 * Math.pow(2, state.attempts - 1));
    state.timer = setTimeout(connect, delay / 2 + Math.random() * delay / 2);
  }

  function stop(message) {
    state.stopped = true;
    status.textContent = message;
    input.disabled = true;
  }

  // --- opening and closing ------------------------------------------------------------------
  function openPanel() {
    panel.hidden = false;
    raise(panel);
    raise(exitButton);  // keep Exit above the panel too
    launcher.hidden = true;
    launcher.setAttribute('aria-expanded', 'true');
    input.focus();
    if (!state.started) {
      state.started = true;
      show('note', config.intro);
      show('note', config.history);
      connect();
    }
  }

  function closePanel() {
    lower(panel);
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  }

  // --- quick exit -----------------------------------------------------------------------------
  function quickExit() {
    document.documentElement.style.setProperty('display', 'none', 'important');
    var socket = state.socket, token = state.session;
    if (socket && state.ready && socket.readyState === 1) {
      send({ type: 'left' });
    } else if (token && navigator.sendBeacon) {
      navigator.sendBeacon(beaconUrl, token);
    }
    forget();
    location.replace(config.exitUrl);
  }

  function forget() {
    state.stopped = true;
    state.session = null;
    state.ready = false;
    state.outbox = [];
    clearTimeout(state.timer);
    clearTimeout(state.typingTimer);
    if (state.socket) state.socket.onclose = state.socket.onmessage = state.socket.onopen = null;
    state.socket = null;
    log.textContent = '';
    input.value = '';
    panel.hidden = true;
  }

  // Shift three times: each clean press (no other key while it was down) restarts a
  // 5-second window; any other key starts the count again.
  var shift = { clean: false, count: 0, timer: 0 };
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Shift') {
      if (!event.repeat) shift.clean = true;
    } else {
      shift.clean = false;
      shift.count = 0;
    }
  }, true);
  document.addEventListener('keyup', function (event) {
    if (event.key !== 'Shift' || !shift.clean) return;
    shift.clean = false;
    shift.count += 1;
    clearTimeout(shift.timer);
    if (shift.count >= 3) {
      quickExit();
      return;
    }
    shift.timer = setTimeout(function () { shift.count = 0; }, SHIFT_WINDOW_MS);
  }, true);

  exitButton.addEventListener('click', quickExit);
  launcher.addEventListener('click', openPanel);
  closeButton.addEventListener('click', closePanel);
  panel.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') closePanel();
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = '';
    say(text.slice(0, MAX_TEXT));
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
