// Check-in screen: a USB scanner "types" the code and presses Enter into the focused input;
// on a phone the camera is read with the vendored jsQR decoder. Each code is POSTed as JSON and
// the answer (nickname and building, or why not) is shown large.
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root) { return; }
  var form = document.getElementById("scan-form");
  var input = document.getElementById("code");
  var methodField = document.getElementById("scan-method");
  var result = document.getElementById("result");
  var recent = document.getElementById("recent");
  var counter = document.getElementById("checked-count");
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var url = root.getAttribute("data-url");
  var busy = false;
  var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

  function msg(name) { return root.getAttribute("data-msg-" + name) || ""; }

  function show(data) {
    result.className = "result " + (data.ok ? "result-ok" : "result-bad");
    result.textContent = "";
    if (data.nickname) {
      var name = document.createElement("p");
      name.className = "result-name";
      name.textContent = data.nickname;
      var building = document.createElement("p");
      building.className = "result-building";
      building.textContent = data.building || "";
      result.appendChild(name);
      result.appendChild(building);
    }
    var text = document.createElement("p");
    text.className = "result-message";
    text.textContent = data.message || "";
    result.appendChild(text);
    var item = document.createElement("li");
    var now = new Date();
    item.textContent = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2) +
      "  " + (data.nickname ? data.nickname + " · " : "") + (data.message || "");
    if (!data.ok) { item.className = "bad"; }
    recent.insertBefore(item, recent.firstChild);
    while (recent.children.length > 8) { recent.removeChild(recent.lastChild); }
    if (data.ok && typeof data.checked_in === "number") { counter.textContent = data.checked_in; }
    if (navigator.vibrate) { navigator.vibrate(data.ok ? 80 : [60, 60, 60]); }
  }

  function submit(code, method) {
    code = (code || "").trim();
    if (!code || busy) { return; }
    busy = true;
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json" },
      body: JSON.stringify({ code: code, method: method })
    }).then(function (response) {
      return response.json();
    }).then(function (data) {
      show(data);
      return data.ok;
    }).catch(function () {
      show({ ok: false, message: msg("network") });
      return false;
    }).then(function (ok) {
      busy = false;
      // Keep what was typed after an error so one wrong character can be mended; selected, so
      // the next scan replaces it.
      if (ok) { input.value = ""; } else { input.select(); }
      if (!touch) { input.focus(); }
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit(input.value, methodField.value === "camera" ? "camera" : (touch ? "manual" : "scanner"));
  });

  // A scanner must always find the input focused, even after someone clicked elsewhere.
  if (!touch) {
    document.addEventListener("click", function (event) {
      if (!event.target.closest("a, button, input, select, textarea")) { input.focus(); }
    });
  }

  // ---- camera (phone) ----
  var toggle = document.getElementById("camera-toggle");
  var label = document.getElementById("camera-label");
  var video = document.getElementById("camera-video");
  var canvas = document.getElementById("camera-canvas");
  var hint = document.getElementById("camera-hint");
  var stream = null;
  var lastCode = "";
  var lastAt = 0;
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || typeof window.jsQR !== "function") {
    return;
  }
  toggle.hidden = false;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    video.hidden = true;
    label.textContent = msg("camera-start");
  }

  function tick() {
    if (!stream) { return; }
    if (video.readyState === video.HAVE_ENOUGH_DATA) {
      var width = video.videoWidth, height = video.videoHeight;
      // Decode a downscaled frame: enough for a card held 20-40 cm away, and fast on old phones.
      var scale = Math.min(1, 640 / Math.max(width, height));
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      var stamp = Date.now();
      if (found && found.data && (found.data !== lastCode || stamp - lastAt > 4000)) {
        lastCode = found.data;
        lastAt = stamp;
        submit(found.data, "camera");
      }
    }
    window.setTimeout(function () { window.requestAnimationFrame(tick); }, 150);
  }

  toggle.addEventListener("click", function () {
    if (stream) { stop(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        hint.textContent = "";
        label.textContent = msg("camera-stop");
        return video.play();
      })
      .then(function () { window.requestAnimationFrame(tick); })
      .catch(function (error) {
        stop();
        hint.textContent = error && error.name === "NotAllowedError" ? msg("camera-denied") : msg("camera-none");
      });
  });
})();
