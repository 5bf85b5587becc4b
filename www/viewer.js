// The session viewer: lists the collector's sessions (GET /api/sessions) and plays one
// (GET /api/sessions/<id>/events) with rrweb-player. The chosen session is kept in the URL hash
// (#<id>), so a link opens it directly.
(function () {
  'use strict';

  var $ = function (id) { return document.getElementById(id); };
  /** rrweb-player's controller bar, in px (the player adds it below the frame). */
  var CONTROLLER_HEIGHT = 80;
  var sessions = [];
  var player = null;
  var playing = null;
  var request = 0;

  // ---- formatting ----

  function when(ms) {
    return new Date(ms).toLocaleString(undefined, {
      month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
  }

  function duration(ms) {
    var s = Math.round(ms / 1000);
    if (s < 1) return '< 1 s';
    if (s < 60) return s + ' s';
    var m = Math.floor(s / 60);
    if (m < 60) return m + ' min ' + String(s % 60).padStart(2, '0') + ' s';
    return Math.floor(m / 60) + ' h ' + String(m % 60).padStart(2, '0') + ' min';
  }

  function size(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' KB';
    return (bytes / 1024 / 1024).toFixed(1) + ' MB';
  }

  function plural(n, one, many) {
    return n.toLocaleString('en-US') + ' ' + (n === 1 ? one : many);
  }

  function stats(s) {
    return [plural(s.pages, 'page', 'pages'), plural(s.events, 'event', 'events'), size(s.bytes)].join(' · ');
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- the list ----

  function selectedId() {
    return decodeURIComponent(location.hash.slice(1));
  }

  function renderList() {
    var list = $('list');
    list.textContent = '';
    $('count').textContent = sessions.length ? plural(sessions.length, 'session', 'sessions') + ', newest first' : '';
    $('empty').hidden = sessions.length > 0;
    sessions.forEach(function (s) {
      var button = el('button', 'session');
      button.type = 'button';
      button.dataset.id = s.id;
      button.setAttribute('aria-current', String(s.id === selectedId()));
      var top = el('span', 'when', when(s.start));
      top.appendChild(el('span', '', duration(s.duration)));
      button.append(top, el('span', 'stats', stats(s)), el('span', 'id', s.id));
      button.title = s.id;
      var item = el('li');
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  function loadSessions() {
    return fetch('/api/sessions', { cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('GET /api/sessions answered ' + res.status);
        return res.json();
      })
      .then(function (list) {
        sessions = list;
        renderList();
      })
      .catch(function (err) {
        $('count').textContent = '';
        notice('Cannot list sessions: ' + err.message + '. Is this page served by the collector (make demo)?', true);
      });
  }

  // ---- the player ----

  function notice(text, isError) {
    $('notice').textContent = text;
    $('notice').className = 'notice' + (isError ? ' error' : '');
  }

  function stageSize() {
    var box = $('player').getBoundingClientRect();
    return {
      width: Math.max(240, Math.floor(box.width)),
      height: Math.max(160, Math.floor(box.height) - CONTROLLER_HEIGHT),
    };
  }

  function destroyPlayer() {
    if (player) {
      try {
        player.getReplayer().destroy();
      } catch (e) {
        // Already torn down.
      }
      player.$destroy();
    }
    player = null;
    playing = null;
    $('player').textContent = '';
  }

  function showHead(s) {
    $('stage-head').hidden = !s;
    if (!s) return;
    $('title').textContent = s.id;
    $('facts').textContent = when(s.start) + ' · ' + duration(s.duration) + ' · ' + stats(s);
    $('download').href = '/api/sessions/' + encodeURIComponent(s.id) + '/events';
    $('download').setAttribute('download', 'tapedeck-' + s.id + '.json');
  }

  function play(id) {
    var ticket = ++request;
    destroyPlayer();
    var summary = sessions.find(function (s) { return s.id === id; });
    showHead(summary);
    if (!id) {
      notice('Choose a session to play it.');
      return;
    }
    if (window.__playerMissing || typeof window.rrwebPlayer === 'undefined') {
      notice('rrweb-player is missing (node_modules/rrweb-player): run npm install.', true);
      return;
    }
    notice('Loading…');
    fetch('/api/sessions/' + encodeURIComponent(id) + '/events', { cache: 'no-store' })
      .then(function (res) {
        if (res.status === 404) throw new Error('there is no session ' + id);
        if (!res.ok) throw new Error('the collector answered ' + res.status);
        return res.json();
      })
      .then(function (events) {
        if (ticket !== request) return; // another session was chosen meanwhile
        var hasMeta = events.some(function (e) { return e.type === 4; });
        var hasSnapshot = events.some(function (e) { return e.type === 2; });
        if (!hasMeta || !hasSnapshot || events.length < 2) {
          notice('This session cannot be replayed: it has no Meta + FullSnapshot pair yet (' +
            plural(events.length, 'event', 'events') + ' stored).', true);
          return;
        }
        notice('');
        var box = stageSize();
        player = new window.rrwebPlayer.Player({
          target: $('player'),
          props: {
            events: events,
            width: box.width,
            height: box.height,
            autoPlay: true,
            skipInactive: true,
            mouseTail: { strokeStyle: '#c2410c' },
          },
        });
        playing = id;
      })
      .catch(function (err) {
        if (ticket === request) notice('Cannot play ' + id + ': ' + err.message, true);
      });
  }

  function resize() {
    if (!player) return;
    var box = stageSize();
    player.$set({ width: box.width, height: box.height });
    player.triggerResize();
  }

  // ---- wiring ----

  $('list').addEventListener('click', function (e) {
    var button = e.target.closest('button.session');
    if (!button) return;
    if (button.dataset.id === selectedId()) {
      if (!playing) play(button.dataset.id);
      return;
    }
    location.hash = encodeURIComponent(button.dataset.id);
  });
  window.addEventListener('hashchange', function () {
    renderList();
    play(selectedId());
  });
  $('refresh').addEventListener('click', loadSessions);
  var resizeTimer = 0;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(resize, 150);
  });

  loadSessions().then(function () {
    if (selectedId()) play(selectedId());
  });
})();
