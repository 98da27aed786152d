/* Hydra live updates: one websocket (/ws/live/) per page, topic subscriptions,
 * reconnect with exponential backoff, and "reconnected" callbacks so charts can
 * back-fill the gap from the API. Live can be paused (toggle stored in localStorage). */
(function () {
  "use strict";
  var handlers = {};          // message type -> [fn]
  var topics = new Set();
  var reconnectHooks = [];
  var socket = null;
  var backoff = 500;
  var everOpen = false;
  var holdUntil = 0;          // dropConnection(ms): stay offline that long
  var statusEl = function () { return document.getElementById("live-status"); };

  function setStatus(state, title) {
    var el = statusEl();
    if (el) { el.dataset.state = state; el.title = title; }
  }

  function enabled() { return localStorage.getItem("hydra-live") !== "off"; }

  function url() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    return proto + location.host + "/ws/live/";
  }

  function send(action, list) {
    if (socket && socket.readyState === WebSocket.OPEN && list.length) {
      socket.send(JSON.stringify({action: action, topics: list}));
    }
  }

  function connect() {
    if (!enabled()) { setStatus("off", "Live updates are turned off"); return; }
    if (!topics.size) { setStatus("idle", "No live data on this page"); return; }
    socket = new WebSocket(url());
    socket.onopen = function () {
      // "open" once the server has the subscription: updates published from then on arrive
      setStatus("connecting", "Live: subscribing…");
      send("subscribe", Array.from(topics));
      if (everOpen) { reconnectHooks.forEach(function (fn) { fn(); }); }
      everOpen = true;
      backoff = 500;
    };
    socket.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      if (msg.type === "subscribed") { setStatus("open", "Live: connected"); }
      (handlers[msg.type] || []).forEach(function (fn) { fn(msg); });
    };
    socket.onclose = function () {
      socket = null;
      if (!enabled()) { setStatus("off", "Live updates are turned off"); return; }
      setStatus("closed", "Live: disconnected, reconnecting…");
      setTimeout(connect, Math.max(backoff, holdUntil - Date.now()));
      backoff = Math.min(backoff * 2, 15000);
    };
  }

  window.HydraLive = {
    on: function (type, fn) { (handlers[type] = handlers[type] || []).push(fn); },
    onReconnect: function (fn) { reconnectHooks.push(fn); },
    subscribe: function (list) {
      var fresh = list.filter(function (t) { return !topics.has(t); });
      fresh.forEach(function (t) { topics.add(t); });
      if (socket) { send("subscribe", fresh); } else { connect(); }
    },
    unsubscribe: function (list) {
      list.forEach(function (t) { topics.delete(t); });
      send("unsubscribe", list);
    },
    enabled: enabled,
    /* Drop the socket as a network failure would (for diagnosis and tests); the page
     * reconnects after ``holdMs`` at the earliest and back-fills what it missed. */
    dropConnection: function (holdMs) {
      holdUntil = Date.now() + (holdMs || 0);
      if (socket) { socket.close(); }
    },
    setEnabled: function (on) {
      localStorage.setItem("hydra-live", on ? "on" : "off");
      if (on) { everOpen = true; }  // the page missed updates while off: back-fill on open
      if (on && !socket) { connect(); }
      if (!on && socket) { socket.close(); }
    }
  };
})();
