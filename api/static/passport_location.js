// The teacher's distance check (api/stamping.py): on "stamp here", ask the browser for its location (the
// student may refuse) and post it with the form; the server keeps only whether it was near enough.
"use strict";
(function () {
  var form = document.getElementById("locate");
  if (!form) return;
  var status = document.getElementById("locate-status");
  form.addEventListener("submit", function (event) {
    if (form.elements.lat.value) return; // located: send
    event.preventDefault();
    if (!navigator.geolocation) { form.submit(); return; } // the server explains what is missing
    status.textContent = status.dataset.waiting;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.lat.value = position.coords.latitude;
      form.elements.lon.value = position.coords.longitude;
      form.submit();
    }, function () {
      status.textContent = status.dataset.denied;
    }, {enableHighAccuracy: true, timeout: 20000, maximumAge: 60000});
  });
})();
