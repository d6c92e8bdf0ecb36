// Showroom kiosk: idle attract loop, lock-down (no leaving, selecting, zooming), offline service worker.
(function () {
  "use strict";

  var body = document.body;
  var home = body.getAttribute("data-home");
  var homeUrl = new URL(home, location.href).href;
  var IDLE_KEY = "ocop-kiosk-idle";
  var ATTRACT_KEY = "ocop-kiosk-attract";
  var SLIDE_MS = 6000;

  function store(key, value) {
    try {
      if (value === null) sessionStorage.removeItem(key); else sessionStorage.setItem(key, value);
    } catch (e) { /* storage off: the setting lasts for this page only */ }
  }

  function stored(key) {
    try { return sessionStorage.getItem(key); } catch (e) { return null; }
  }

  // Idle time: ?idle=SECONDS (kept for the whole visit), else the site setting.
  function idleSeconds() {
    var given = new URLSearchParams(location.search).get("idle");
    if (given !== null && Number(given) > 0) store(IDLE_KEY, String(Number(given)));
    var value = Number(stored(IDLE_KEY) || body.getAttribute("data-idle"));
    return value > 0 ? value : 60;
  }

  var idleMs = idleSeconds() * 1000;
  var idleTimer = null;
  var attract = document.getElementById("k-attract");
  var slideTimer = null;
  var slide = 0;

  function attractOn() {
    return attract !== null && !attract.hidden;
  }

  function restartIdle() {
    clearTimeout(idleTimer);
    if (!attractOn()) idleTimer = setTimeout(onIdle, idleMs);
  }

  function onIdle() {
    if (attract) {
      startAttract();
    } else {
      store(ATTRACT_KEY, "1");
      location.href = homeUrl;
    }
  }

  function showSlide(n) {
    var slides = attract.querySelectorAll(".k-slide");
    if (!slides.length) return;
    slide = (n + slides.length) % slides.length;
    for (var i = 0; i < slides.length; i++) slides[i].classList.toggle("is-active", i === slide);
  }

  function startAttract() {
    clearTimeout(idleTimer);
    document.dispatchEvent(new CustomEvent("kiosk:attract"));  // assets/basket.js empties the basket
    window.scrollTo(0, 0);
    attract.hidden = false;
    body.classList.add("is-attract");
    showSlide(0);
    clearInterval(slideTimer);
    slideTimer = setInterval(function () { showSlide(slide + 1); }, SLIDE_MS);
  }

  function stopAttract(event) {
    if (!attractOn()) return;
    if (event) { event.preventDefault(); event.stopPropagation(); }
    clearInterval(slideTimer);
    attract.hidden = true;
    body.classList.remove("is-attract");
    restartIdle();
  }

  if (attract) {
    // The tap that ends the loop ends there: it must not open what lies under the slideshow.
    attract.addEventListener("click", stopAttract);
    document.addEventListener("keydown", function (e) { if (attractOn()) stopAttract(e); }, true);
    if (stored(ATTRACT_KEY)) {
      store(ATTRACT_KEY, null);
      startAttract();
    }
  }

  ["pointerdown", "touchstart", "keydown", "wheel", "scroll"].forEach(function (name) {
    window.addEventListener(name, restartIdle, { capture: true, passive: true });
  });
  restartIdle();

  // "Quay lại": one step back inside the kiosk, else the parent page the link names.
  var back = document.querySelector("[data-back]");
  if (back) {
    back.addEventListener("click", function (e) {
      if (history.length > 1 && document.referrer.indexOf(homeUrl) === 0) {
        e.preventDefault();
        history.back();
      }
    });
  }

  // Lock-down: links leaving the kiosk are not followed; no context menu, selection, dragging or zoom.
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a[href]") : null;
    if (link && (link.href.indexOf(homeUrl) !== 0 || link.target)) e.preventDefault();
  }, true);
  ["contextmenu", "selectstart", "dragstart", "gesturestart", "dblclick"].forEach(function (name) {
    document.addEventListener(name, function (e) { e.preventDefault(); }, { passive: false });
  });
  document.addEventListener("touchmove", function (e) {
    if (e.touches.length > 1) e.preventDefault();
  }, { passive: false });
  window.addEventListener("wheel", function (e) {
    if (e.ctrlKey) e.preventDefault();
  }, { passive: false });
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && ["+", "-", "=", "0"].indexOf(e.key) !== -1) e.preventDefault();
  });

  // QR codes drawn here from their text (qrcode.js): the outside addresses of a product page (data-qr) and the
  // basket's payment code. One dark run of a row is one line of the path, as the build draws its own codes.
  function drawQr(target, text, label) {
    if (!window.qrcode) return;
    var qr = window.qrcode(0, "M");
    qr.addData(text);
    qr.make();
    var n = qr.getModuleCount(), quiet = 4, size = n + 2 * quiet, path = "";
    for (var row = 0; row < n; row++) {
      for (var col = 0; col < n; col++) {
        if (!qr.isDark(row, col)) continue;
        var start = col;
        while (col + 1 < n && qr.isDark(row, col + 1)) col++;
        path += "M" + (start + quiet) + " " + (row + quiet + 0.5) + "h" + (col - start + 1);
      }
    }
    target.innerHTML = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ' + size + " " + size +
      '" shape-rendering="crispEdges" aria-hidden="true"><rect width="' + size + '" height="' + size +
      '" fill="#fff"/><path stroke="#000" d="' + path + '"/></svg>';
    target.setAttribute("aria-label", label);
  }
  window.kioskQr = drawQr;
  Array.prototype.forEach.call(document.querySelectorAll("[data-qr]"), function (code) {
    drawQr(code, code.getAttribute("data-qr"), code.getAttribute("aria-label"));
  });

  // Offline: the service worker precaches every kiosk page, style, script and photo on first load.
  if ("serviceWorker" in navigator) {
    var hadController = Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      // A new build took over: reload so that this screen shows the new build only, never a mix.
      if (hadController) location.reload();
      hadController = true;
    });
    navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: home, updateViaCache: "none" })
      .catch(function () { /* served without a secure context: the kiosk still works online */ });
  }
})();
