// Registers the service worker (/sw.js), asks it to send the scans kept offline on each page load and when the
// network returns, and runs the "Save for offline" box of journey and site pages (issue 16, docs/offline.md).
// Without JavaScript nothing changes: the box stays hidden and every page works as before.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js").catch(function () {});

  function tell(message) {
    return navigator.serviceWorker.ready.then(function (registration) {
      return new Promise(function (resolve, reject) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (e) { if (e.data.ok) resolve(e.data.record); else reject(); };
        registration.active.postMessage(message, [channel.port2]);
      });
    });
  }
  window.addEventListener("online", function () { tell({sync: true, force: true}); });
  if (navigator.onLine) tell({sync: true});

  var box = document.getElementById("offline-save");
  if (!box) return;
  var listUrl = box.getAttribute("data-list"), lang = document.documentElement.lang || "vi";
  var status = box.querySelector(".offline-status"), audio = box.querySelector("input[type=checkbox]");
  var audioLabel = box.querySelector("label"), audioSize = box.querySelector(".audio-size");
  var saveButton = box.querySelector("[data-action=save]"), removeButton = box.querySelector("[data-action=remove]");

  function text(name, values) {
    return box.getAttribute("data-" + name).replace(/\{(\w+)\}/g, function (_, key) { return values[key]; });
  }
  function megabytes(bytes) {
    var format = new Intl.NumberFormat(lang, {minimumFractionDigits: 1, maximumFractionDigits: 1});
    return format.format(Math.max(bytes / 1e6, 0.1)) + "\u00a0MB";
  }
  function showSaved(list) {
    box.classList.add("is-saved");
    status.textContent = text("saved", {saved: list.saved, total: list.stops.length, size: megabytes(list.bytes)});
    saveButton.hidden = audioLabel.hidden = true;
    removeButton.hidden = false;
  }
  function offer(list) {
    var own = (performance.getEntriesByType("navigation")[0] || {}).decodedBodySize || 0;
    function size(kinds) {
      return list.files.reduce(function (sum, f) {
        return sum + (kinds.indexOf(f.kind) < 0 ? 0 : f.bytes === null ? own : f.bytes);
      }, 0);
    }
    var audioBytes = size(["audio"]);
    box.classList.remove("is-saved");
    status.textContent = text("size", {stops: list.stops.length, size: megabytes(size(["page", "photo"]))});
    audioSize.textContent = audioBytes ? " · " + megabytes(audioBytes) : "";
    audioLabel.hidden = !audioBytes;
    saveButton.hidden = false;
    saveButton.disabled = false;
    removeButton.hidden = true;
  }
  function load() {
    return tell({state: listUrl}).then(function (list) {
      if (list) return showSaved(list);
      return fetch(listUrl, {credentials: "omit"}).then(function (r) { return r.json(); }).then(offer);
    }).then(function () { box.hidden = false; });
  }
  saveButton.addEventListener("click", function () {
    saveButton.disabled = true;
    status.textContent = text("saving", {});
    tell({save: listUrl, audio: audio.checked}).then(showSaved, function () {
      status.textContent = text("failed", {});
      saveButton.disabled = false;
    });
  });
  removeButton.addEventListener("click", function () { tell({remove: listUrl}).then(load); });
  load().catch(function () {});
})();
