/* Puja Indah service worker.
   - Pages seen once stay readable offline: network first, then the copy kept on the phone.
   - A form that cannot be sent (offline, or the connection dropped) and carries an idempotency_key is
     kept as a draft (draf.js); the page script sends it when the connection returns.
   - The stylesheet, scripts and icons come from the cache. */
importScripts("/static/draf.js?v=__VERSI__");
var VERSION = "__VERSI__";
var ASSETS = "puja-aset-" + VERSION;
var PAGES = "puja-halaman-1";
var CORE = ["/static/app.css?v=" + VERSION, "/static/app.js?v=" + VERSION, "/static/draf.js?v=" + VERSION,
            "/static/ikon/ikon.svg", "/luring", "/luring?draf=1"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(ASSETS).then(function (c) { return c.addAll(CORE); }).then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("puja-aset-") === 0 && k !== ASSETS; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// A kept copy says so: its offline notice is shown (navigator.onLine is not to be trusted for that).
function asKept(response) {
  return response.text().then(function (html) {
    return new Response(html.replace('id="luring" class="luring" hidden', 'id="luring" class="luring"'),
                        { status: response.status, headers: response.headers });
  });
}

function keepDraft(request) {
  return request.formData().then(function (form) {
    var key = form.get("idempotency_key");
    if (!key) return caches.match("/luring");
    var fields = [];
    form.forEach(function (value, name) { fields.push([name, value]); });
    return PujaDraf.put({ kunci: key, action: request.url, fields: fields, judul: form.get("judul_draf") || "Formulir", dibuat: Date.now() })
      .then(function () { return caches.match("/luring?draf=1"); });
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request, url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (req.method === "POST") {
    if (req.mode !== "navigate") return;
    var copy = req.clone();
    event.respondWith(fetch(req).catch(function () { return keepDraft(copy); }));
    return;
  }
  if (req.method !== "GET") return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (res) {
        var copy = res.clone(); caches.open(ASSETS).then(function (c) { c.put(req, copy); }); return res;
      });
    }));
    return;
  }
  if (req.mode === "navigate") {
    event.respondWith(fetch(req).then(function (res) {
      if (res.ok && (res.headers.get("cache-control") || "").indexOf("no-store") < 0) {
        var copy = res.clone(); caches.open(PAGES).then(function (c) { c.put(req, copy); });
      }
      return res;
    }).catch(function () {
      return caches.match(req, { cacheName: PAGES }).then(function (hit) { return hit ? asKept(hit) : caches.match("/luring"); });
    }));
  }
});
