/* Drafts kept on the phone (IndexedDB), shared by the page script and the service worker. */
var PujaDraf = (function () {
  "use strict";
  function db() {
    return new Promise(function (resolve, reject) {
      var open = indexedDB.open("puja-draf", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("draf", { keyPath: "kunci" }); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
  }
  function run(mode, work) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction("draf", mode), req = work(tx.objectStore("draf"));
        tx.oncomplete = function () { resolve(req && req.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  return {
    put: function (draft) { return run("readwrite", function (s) { return s.put(draft); }); },
    all: function () { return run("readonly", function (s) { return s.getAll(); }); },
    remove: function (key) { return run("readwrite", function (s) { return s.delete(key); }); }
  };
})();
if (typeof self !== "undefined") self.PujaDraf = PujaDraf;
