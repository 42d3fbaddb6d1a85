/*
 * The case page's live conversation (templates/case/_live.html): new messages appear as
 * they arrive, and replies are sent without reloading the page. It talks only to this
 * origin (the page's CSP allows nothing else) and puts text in with textContent, never
 * as HTML. Without it the page still works: the forms post and the page reloads.
 */
(function () {
  'use strict';

  var section = document.getElementById('live');
  var list = document.getElementById('transcript');
  if (!section || !list) return;
  var presence = document.getElementById('live-presence');
  var sent = document.getElementById('live-sent');
  var empty = document.getElementById('transcript-empty');
  var form = document.getElementById('live-reply');
  var count = Number(section.dataset.count) || 0;
  var takenOver = section.dataset.takenOver === 'yes';
  var INTERVAL = 2000;
  var delay = INTERVAL, timer = 0, busy = false, stopped = false;

  function add(message) {
    var item = document.createElement('li');
    var meta = document.createElement('span');
    var text = document.createElement('p');
    item.className = message.speaker;
    meta.className = 'meta';
    meta.textContent = message.label + ' · ' + message.at;
    text.textContent = message.text;
    item.appendChild(meta);
    item.appendChild(text);
    list.appendChild(item);
  }

  // Status lines are live regions: only a real change is written (and announced).
  function say(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  function stop(why) {
    stopped = true;
    clearTimeout(timer);
    say(presence, why);
  }

  function signedOut(response) {
    if (response.type === 'opaqueredirect' || response.status === 401 ||
        response.status === 403) {
      stop('Live updates stopped: your session has ended or this case is no longer yours ' +
        'to see. Reload the page.');
      return true;
    }
    return false;
  }

  function update(data) {
    if (data.problem) {
      say(presence, data.problem);
      return;
    }
    if (data.reset) {
      list.textContent = '';
      count = 0;
    }
    data.messages.forEach(add);
    count = data.count;
    if (empty && count) empty.hidden = true;
    say(presence, data.presence_text);
    if ((data.taken_over || data.paused) !== takenOver) {
      takenOver = !takenOver;
      say(sent, 'The takeover changed since this page loaded. Reload the page.');
    }
  }

  function poll() {
    if (stopped || busy) return;
    busy = true;
    clearTimeout(timer);
    fetch(section.dataset.poll + '?after=' + count, {
      credentials: 'same-origin', redirect: 'manual', cache: 'no-store',
      headers: { Accept: 'application/json' }
    }).then(function (response) {
      if (signedOut(response)) return null;
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    }).then(function (data) {
      if (data) {
        delay = INTERVAL;
        update(data);
      }
    }).catch(function () {
      delay = Math.min(delay * 2, 30000);
      say(presence, 'Live updates are interrupted; trying again.');
    }).then(function () {
      busy = false;
      if (!stopped) timer = setTimeout(poll, delay);
    });
  }

  if (form) {
    var box = form.querySelector('textarea');
    var button = form.querySelector('button');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!box.value.trim()) return;
      button.disabled = true;
      fetch(form.action, {
        method: 'POST', credentials: 'same-origin', redirect: 'manual', cache: 'no-store',
        headers: { Accept: 'application/json' },
        body: new URLSearchParams(new FormData(form))
      }).then(function (response) {
        if (signedOut(response)) return null;
        return response.json().catch(function () {
          return { message: 'Not sent (HTTP ' + response.status + '). Reload the page.' };
        });
      }).then(function (data) {
        if (!data) return;
        say(sent, data.message);
        if (data.outcome && data.outcome !== 'left') box.value = '';
        poll();
      }).catch(function () {
        say(sent, 'Not sent: the dashboard could not be reached. Try again.');
      }).then(function () {
        button.disabled = false;
        box.focus();
      });
    });
  }

  timer = setTimeout(poll, INTERVAL);
})();
