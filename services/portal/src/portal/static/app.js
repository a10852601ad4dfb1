/* Puja Indah portal: enhancements only; every page works without this script.
   - registers the service worker, which keeps pages seen before readable offline and keeps a form that
     could not be sent (offline, or the connection dropped) as a draft on the phone (IndexedDB);
   - sends those drafts, once each, when the connection returns: each carries its own Idempotency-Key,
     so a resend never makes a second application;
   - signing out clears the pages kept on the phone. */
(function () {
  "use strict";
  var banner = document.getElementById("luring");
  // Shown when the browser says it is offline, and on a copy the service worker kept (it unhides it).
  function offline(state) { if (banner) banner.hidden = !state; }
  window.addEventListener("online", function () { offline(false); sendDrafts(); });
  window.addEventListener("offline", function () { offline(true); });
  if (!navigator.onLine) offline(true);
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js");

  function note(text) {
    var p = document.createElement("p");
    p.className = "pesan"; p.setAttribute("role", "status"); p.textContent = text;
    var main = document.getElementById("isi"); main.insertBefore(p, main.firstChild);
  }
  var sending = false;
  function sendDrafts() {
    if (sending || !navigator.onLine || !window.indexedDB || !window.PujaDraf) return;
    sending = true;
    PujaDraf.all().then(function (drafts) {
      return drafts.reduce(function (chain, d) {
        return chain.then(function () {
          var body = new FormData();
          d.fields.forEach(function (f) { body.append(f[0], f[1]); });
          return fetch(d.action, { method: "POST", body: body, credentials: "same-origin" }).then(function (res) {
            if (res.status >= 500) return; // the service is down: keep the draft for later
            return PujaDraf.remove(d.kunci).then(function () {
              if (res.ok) note("Draf “" + d.judul + "” sudah terkirim.");
              else note("Draf “" + d.judul + "” ditolak; isi ulang formulirnya.");
              if (res.ok && res.redirected) {
                var a = document.createElement("a"); a.href = res.url; a.textContent = "Lihat hasilnya";
                document.querySelector("#isi .pesan").appendChild(document.createTextNode(" ")).parentNode.appendChild(a);
              }
            });
          }, function () { /* still offline: try again later */ });
        });
      }, Promise.resolve());
    }).finally(function () { sending = false; });
  }
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-keluar]") && window.caches) {
      caches.keys().then(function (keys) { keys.forEach(function (k) { if (k.indexOf("puja-halaman") === 0) caches.delete(k); }); });
    }
  });
  sendDrafts();
})();
