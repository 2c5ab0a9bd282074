// The service worker of Địa chỉ đỏ (issue 16, docs/offline.md). Pages come from the network whenever it
// answers. Offline it shows the journeys and sites saved on this phone; a plaque scan (/q/CODE) of a saved
// site shows the saved page and is kept in IndexedDB, to be sent to /api/late-scans when the network returns.
// It caches only what a visitor saved, fetched without cookies (no staff session, no passport), never /admin
// nor /api (but the lists of what to save).
"use strict";
var FILES = "offline-files-v1", LISTS = "offline-lists-v1", SHELL = "offline-shell-v1";
var OFFLINE_PAGE = "/offline", BATCH = 100, REFRESH_MS = 60000, RETRIES = 5;
var SAVED_KINDS = /^\/(sites|journeys|photos|audio|static|icons)\//;
var lastRefresh = 0, wasOffline = false;

// The shell: the offline page, and this page script so that saved pages show their saved state offline
// (a new version of offline.js needs a new SHELL name, which makes a new worker fetch it).
self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    return Promise.all([OFFLINE_PAGE, "/static/offline.js"].map(function (path) {
      return fetch(path, {credentials: "omit"}).then(function (r) { return cache.put(path, r); });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  var mine = [FILES, LISTS, SHELL];
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return mine.indexOf(n) < 0; }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin || url.pathname.indexOf("/admin") === 0) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () { wasOffline = true; return offline(event, url); }));
  } else if (SAVED_KINDS.test(url.pathname)) {
    event.respondWith(fetch(request).catch(function () {
      // a photo asked in another width (srcset) is answered with the saved 480 px one
      return saved(url.pathname).then(function (r) { return r || saved(url.pathname.replace(/-\d+\.jpg$/, "-480.jpg")); })
        .then(function (r) { return r || Response.error(); });
    }));
  }
});

self.addEventListener("message", function (event) {
  var m = event.data || {}, port = event.ports[0];
  // a page loaded online after one this worker served offline: the connection is back, so refresh at once (its
  // script asks once it runs, so it is among the pages told what was refreshed)
  var work = m.save ? save(m.save, !!m.audio) : m.remove ? forget(m.remove) : m.state ? record(m.state)
    : sync(m.force || wasOffline);
  event.waitUntil(work.then(function (r) { if (port) port.postMessage({ok: true, record: r || null}); },
                            function () { if (port) port.postMessage({ok: false}); }));
});

self.addEventListener("sync", function (event) {
  if (event.tag === "late-scans") event.waitUntil(flush());
});

function saved(path) {
  return caches.match(path, {ignoreSearch: true, ignoreVary: true});
}

function records() {
  return caches.open(LISTS).then(function (c) {
    return c.keys().then(function (keys) {
      return Promise.all(keys.map(function (k) { return c.match(k).then(function (r) { return r.json(); }); }));
    });
  });
}

function record(listUrl) {
  return caches.open(LISTS).then(function (c) { return c.match(listUrl); }).then(function (r) { return r && r.json(); });
}

// Offline: the saved page (a plaque scan of a saved site is recorded), else the offline page with what is saved.
function offline(event, url) {
  var path = url.pathname, scan = /^\/q\/[^/]+$/i.test(path);
  return records().then(function (all) {
    var page = path, lower = path.toLowerCase();
    function carries(item) { return (item.scan_paths || []).some(function (p) { return p.toLowerCase() === lower; }); }
    all.forEach(function (list) {
      if (carries(list)) page = list.url;  // a journey's QR code (/j/CODE): its saved page
      list.stops.forEach(function (stop) { if (scan && carries(stop)) page = stop.url; });
    });
    return saved(page).then(function (response) {
      if (!response) return offlinePage(all);
      if (scan) event.waitUntil(keepScan(decodeURIComponent(path.slice(3))));
      return response;
    });
  });
}

function offlinePage(all) {
  return caches.open(SHELL).then(function (c) { return c.match(OFFLINE_PAGE); }).then(function (shell) {
    if (!shell) return Response.error();
    return shell.text().then(function (html) {
      var items = all.map(function (list) {
        var stops = list.kind === "journey" ? "<ul>" + list.stops.map(function (s) { return link(s.url, s.name); }).join("") + "</ul>" : "";
        return link(list.url, list.name, stops);
      }).join("");
      if (items) html = html.replace(/<!--nothing-->[\s\S]*<!--\/nothing-->/, "").replace("<!--saved-->", items);
      var headers = new Headers(shell.headers);
      headers.delete("content-length");
      headers.delete("content-encoding");
      return new Response(html, {status: 200, headers: headers});
    });
  });
}

function link(url, name, more) {
  var text = String(name).replace(/[&<>"]/g, function (ch) { return "&#" + ch.charCodeAt(0) + ";"; });
  return '<li><a href="' + encodeURI(url) + '">' + text + "</a>" + (more || "") + "</li>";
}

// Saving: every file of the list, fetched without cookies; the record keeps the list, its size and version.
function save(listUrl, audio) {
  return getJSON(listUrl).then(function (list) {
    var files = list.files.filter(function (f) { return audio || f.kind !== "audio"; });
    return caches.open(FILES).then(function (cache) {
      return Promise.all(files.map(function (f) {
        // "Purpose: prefetch": saving is not a visit, the server does not count it (api/counting.py)
        return fetch(f.url, {credentials: "omit", cache: "no-cache", headers: {Purpose: "prefetch"}}).then(function (r) {
          var control = r.headers.get("cache-control") || "";
          if (!r.ok || r.redirected || /no-store|private/.test(control)) return -1;
          return r.clone().blob().then(function (b) { return cache.put(f.url, r).then(function () { return b.size; }); });
        }).catch(function () { return -1; });
      }));
    }).then(function (sizes) {
      var ok = {};
      files.forEach(function (f, i) { if (sizes[i] >= 0) ok[f.url] = true; });
      list.audio = audio;
      list.bytes = sizes.reduce(function (sum, n) { return sum + Math.max(n, 0); }, 0);
      list.saved = list.stops.filter(function (s) { return ok[s.url]; }).length;
      if (!ok[list.url]) throw new Error("not saved: " + list.url);
      return caches.open(LISTS).then(function (c) {
        return c.put(listUrl, new Response(JSON.stringify(list), {headers: {"Content-Type": "application/json"}}));
      }).then(function () { return list; });
    });
  });
}

function forget(listUrl) {
  return caches.open(LISTS).then(function (c) { return c.delete(listUrl); }).then(records).then(function (all) {
    var kept = {};
    all.forEach(function (list) { list.files.forEach(function (f) { kept[f.url] = true; }); });
    return caches.open(FILES).then(function (cache) {
      return cache.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return !kept[new URL(k.url).pathname]; })
          .map(function (k) { return cache.delete(k); }));
      });
    });
  });
}

// Online again: send the kept scans, and save again every list whose content version changed (then tell the
// open pages: `{refreshed: page address}`). Forced when the connection is back, else once every REFRESH_MS.
// The page's `online` event can come before the network answers this worker: a refresh that could not reach the
// server tries again, RETRIES times, waiting 1, 2, 4... seconds. Every refresh does, not only a forced one: the
// phone stops an idle worker, and the one it starts next has forgotten that it served pages offline (wasOffline).
function sync(force) {
  return flush().catch(function () {}).then(function () {
    if (!force && Date.now() - lastRefresh < REFRESH_MS) return;
    lastRefresh = Date.now();
    wasOffline = false;
    return refresh(RETRIES, 1000);
  });
}

function refresh(retries, wait) {
  return caches.open(LISTS).then(function (c) { return c.keys(); }).then(function (keys) {
    return Promise.all(keys.map(function (k) {
      var listUrl = new URL(k.url).pathname;
      return Promise.all([record(listUrl), getJSON(listUrl)]).then(function (both) {
        if (both[0].version !== both[1].version) return save(listUrl, both[0].audio).then(tellPages);
      }).then(function () { return true; }, function () { return false; });
    }));
  }).then(function (reached) {
    if (reached.indexOf(false) < 0 || retries <= 0) return;
    return new Promise(function (resolve) { setTimeout(resolve, wait); }).then(function () {
      return refresh(retries - 1, wait * 2);
    });
  });
}

function tellPages(list) {
  return self.clients.matchAll().then(function (pages) {
    pages.forEach(function (page) { page.postMessage({refreshed: list.url, version: list.version}); });
  });
}

function getJSON(url) {
  return fetch(url, {credentials: "omit", cache: "no-store"}).then(function (r) {
    if (!r.ok) throw new Error(url + ": " + r.status);
    return r.json();
  });
}

// The queue of offline scans, in IndexedDB: {id, code, at}; the server answers each id once.
function db() {
  return new Promise(function (resolve, reject) {
    var open = indexedDB.open("diachido-offline", 1);
    open.onupgradeneeded = function () {
      open.result.createObjectStore("scans", {keyPath: "id"});
      open.result.createObjectStore("meta");
    };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });
}

function run(store, mode, work) {
  return db().then(function (d) {
    return new Promise(function (resolve, reject) {
      var tx = d.transaction(store, mode), result = work(tx.objectStore(store));
      tx.oncomplete = function () { resolve(result && "result" in result ? result.result : undefined); };
      tx.onerror = tx.onabort = function () { reject(tx.error); };
    });
  });
}

function keepScan(code) {
  var scan = {id: self.crypto.randomUUID(), code: code, at: new Date().toISOString()};
  return run("scans", "readwrite", function (s) { return s.put(scan); }).then(function () {
    return self.registration.sync ? self.registration.sync.register("late-scans").catch(function () {}) : null;
  });
}

function device() {
  return run("meta", "readonly", function (s) { return s.get("device"); }).then(function (id) {
    if (id) return id;
    var bytes = self.crypto.getRandomValues(new Uint8Array(16));
    id = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return run("meta", "readwrite", function (s) { return s.put(id, "device"); }).then(function () { return id; });
  });
}

function flush() {
  return run("scans", "readonly", function (s) { return s.getAll(null, BATCH); }).then(function (scans) {
    if (!scans.length) return;
    return device().then(function (id) {
      return fetch("/api/late-scans", {
        method: "POST", credentials: "omit", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({device: id, sent_at: new Date().toISOString(), scans: scans}),
      });
    }).then(function (r) {
      // a malformed batch will never be accepted: drop it rather than send it for ever
      if (r.status === 400 || r.status === 413 || r.status === 422) return scans.map(function (s) { return s.id; });
      if (!r.ok) throw new Error("late scans: " + r.status);
      return r.json().then(function (answer) { return answer.results.map(function (x) { return x.id; }); });
    }).then(function (done) {
      return run("scans", "readwrite", function (s) { done.forEach(function (id) { s.delete(id); }); });
    }).then(function () { if (scans.length === BATCH) return flush(); });
  });
}
