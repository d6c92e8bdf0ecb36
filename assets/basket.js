// Showroom kiosk: the basket, the VietQR payment screen and the staff view (templates/kiosk/basket.html).
// Everything happens in this browser: the code is made here (assets/vietqr.js, assets/qrcode.js), offline.
// The kiosk cannot know whether a transfer arrived, and never says so: staff match order codes by hand.
(function () {
  "use strict";

  var data = document.getElementById("k-basket-data");
  if (!data) return;
  var config = JSON.parse(data.textContent);
  var text = config.text;
  var account = config.account;
  var BASKET_KEY = "ocop-kiosk-basket"; // this visit's basket (sessionStorage: one tab, gone with the browser)
  var ORDERS_KEY = "ocop-kiosk-orders"; // {day: [orders]} for the staff view (localStorage: kept on this kiosk)
  var LONG_PRESS_MS = 2000;
  var MAX_QUANTITY = 99;
  var CODE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I/L to misread

  function find(selector, root) { return (root || document).querySelector(selector); }

  function money(amount) {
    return String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, config.separator) + "\u00a0\u20ab";
  }

  function read(storage, key, fallback) {
    try {
      var value = storage.getItem(key);
      return value ? JSON.parse(value) : fallback;
    } catch (e) { return fallback; }
  }

  function write(storage, key, value) {
    try {
      if (value === null) storage.removeItem(key); else storage.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage off or full: the basket lasts for this page only */ }
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function today() { var d = new Date(); return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }

  // --- The basket ---------------------------------------------------------------------------------------

  var basket = read(sessionStorage, BASKET_KEY, null) || { lines: [], code: "" };
  var basketDialog = document.getElementById("k-basket");
  var payDialog = document.getElementById("k-pay");

  function total() {
    return basket.lines.reduce(function (sum, line) { return sum + line.price * line.qty; }, 0);
  }

  function save() {
    write(sessionStorage, BASKET_KEY, basket.lines.length ? basket : null);
    render();
  }

  function empty() {
    basket = { lines: [], code: "" };
    save();
  }

  function add(button) {
    var slug = button.getAttribute("data-slug");
    var line = basket.lines.filter(function (l) { return l.slug === slug; })[0];
    if (line) {
      line.qty = Math.min(MAX_QUANTITY, line.qty + 1);
    } else {
      basket.lines.push({ slug: slug, title: button.getAttribute("data-title"), unit: button.getAttribute("data-unit"),
                          price: Number(button.getAttribute("data-price")), qty: 1 });
    }
    save();
    var status = find("[data-added]");
    if (status) status.textContent = text.added.replace("{title}", button.getAttribute("data-title"));
  }

  function change(slug, step) {
    basket.lines = basket.lines.filter(function (line) {
      if (line.slug === slug) line.qty = Math.min(MAX_QUANTITY, line.qty + step);
      return line.qty > 0;
    });
    save();
  }

  function lineItem(line) {
    var item = element("li", "k-line");
    item.setAttribute("data-line", line.slug);
    var name = element("span", "k-line-title", line.title);
    name.appendChild(element("span", "k-muted k-line-price", money(line.price) + (line.unit ? " " + text.per + " " + line.unit : "")));
    var less = element("button", "k-btn k-qty-btn", "\u2212");
    less.type = "button";
    less.setAttribute("data-less", line.slug);
    less.setAttribute("aria-label", text.less + ": " + line.title);
    var qty = element("output", "k-qty", String(line.qty));
    qty.setAttribute("aria-label", text.quantity + ": " + line.title);
    var more = element("button", "k-btn k-qty-btn", "+");
    more.type = "button";
    more.setAttribute("data-more", line.slug);
    more.setAttribute("aria-label", text.more + ": " + line.title);
    if (line.qty >= MAX_QUANTITY) more.disabled = true;
    var controls = element("span", "k-qty-controls");
    controls.append(less, qty, more);
    item.append(name, controls, element("span", "k-line-total", money(line.price * line.qty)));
    return item;
  }

  function render() {
    var count = basket.lines.reduce(function (sum, line) { return sum + line.qty; }, 0);
    var badge = find("[data-basket-count]");
    if (badge) badge.textContent = String(count);
    if (!basketDialog) return;
    var list = find("[data-basket-lines]", basketDialog);
    list.replaceChildren.apply(list, basket.lines.map(lineItem));
    find("[data-basket-empty]", basketDialog).hidden = count > 0;
    find("[data-basket-sum]", basketDialog).hidden = count === 0;
    find("[data-basket-total]", basketDialog).textContent = money(total());
    var pay = find("[data-pay]", basketDialog);
    var tooMuch = find("[data-basket-too-much]", basketDialog);
    var over = total() > window.VietQR.MAX_AMOUNT;
    if (pay) pay.hidden = count === 0 || over;
    if (tooMuch) tooMuch.hidden = !over;
  }

  function open(dialog) {
    [basketDialog, payDialog, pinDialog, staffDialog].forEach(function (d) { if (d && d !== dialog && d.open) d.close(); });
    if (dialog && !dialog.open) dialog.showModal();
  }

  // --- Paying by VietQR -----------------------------------------------------------------------------------

  function orders() { return read(localStorage, ORDERS_KEY, {}); }

  function newCode(taken) {
    var code;
    do {
      var bytes = new Uint8Array(5);
      crypto.getRandomValues(bytes);
      code = Array.prototype.map.call(bytes, function (b) { return CODE_LETTERS[b % CODE_LETTERS.length]; }).join("");
    } while (taken.indexOf(code) !== -1);
    return code;
  }

  // The order is kept for the staff as soon as its code is shown; paying again after a change keeps the code.
  function record() {
    var all = orders();
    var day = today();
    var list = all[day] || [];
    if (!basket.code) basket.code = newCode(list.map(function (o) { return o.code; }));
    var order = { code: basket.code, time: new Date().toISOString(), total: total(),
                  lines: basket.lines.map(function (l) { return { title: l.title, unit: l.unit, price: l.price, qty: l.qty }; }) };
    all[day] = list.filter(function (o) { return o.code !== order.code; }).concat([order]);
    write(localStorage, ORDERS_KEY, all);
    save();
    return order;
  }

  function pay() {
    if (!account || !basket.lines.length) return;
    var order = record();
    var payload = window.VietQR.payload(account.bin, account.number, order.total, "OCOP " + order.code);
    window.kioskQr(find("[data-pay-code]", payDialog), payload,  // drawn by kiosk.js
           text.qr.replace("{amount}", money(order.total)).replace("{code}", order.code));
    find("[data-pay-amount]", payDialog).textContent = money(order.total);
    find("[data-pay-order]", payDialog).textContent = order.code;
    open(payDialog);
  }

  // --- The staff view: long press on the logo, then the PIN --------------------------------------------

  var pinDialog = document.getElementById("k-pin");
  var staffDialog = document.getElementById("k-staff");
  var pinInput = pinDialog ? find("[data-pin-input]", pinDialog) : null;
  var clearArmed = 0;

  function sha256(value) {
    if (!window.crypto || !crypto.subtle) return Promise.resolve("");
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)).then(function (hash) {
      return Array.prototype.map.call(new Uint8Array(hash), function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
    });
  }

  function checkPin() {
    sha256("ocop-kiosk:" + pinInput.value).then(function (hash) {
      pinInput.value = "";
      var right = hash !== "" && hash === account.pin;
      find("[data-pin-wrong]", pinDialog).hidden = right;
      if (right) showStaff();
    });
  }

  function dayOrders() { return orders()[today()] || []; }

  function linesText(order) {
    return order.lines.map(function (l) { return l.qty + " \u00d7 " + l.title + (l.unit ? " (" + l.unit + ")" : ""); }).join("; ");
  }

  function showStaff() {
    var list = dayOrders();
    var rows = find("[data-staff-rows]", staffDialog);
    rows.replaceChildren.apply(rows, list.map(function (order) {
      var row = element("tr");
      var time = new Date(order.time);
      row.append(element("td", "", pad(time.getHours()) + ":" + pad(time.getMinutes())), element("td", "k-order-code", order.code),
                 element("td", "", linesText(order)), element("td", "k-order-total", money(order.total)));
      return row;
    }));
    var parts = today().split("-");
    find("[data-staff-date]", staffDialog).textContent = parts[2] + "/" + parts[1] + "/" + parts[0];
    find("[data-staff-none]", staffDialog).hidden = list.length > 0;
    find("[data-staff-table]", staffDialog).hidden = list.length === 0;
    find("[data-staff-clear]", staffDialog).textContent = text.clear;
    clearArmed = 0;
    open(staffDialog);
  }

  // A cell Excel shows as text: quoted, and never read as a formula (=, +, -, @, tab, return first).
  function cell(value) {
    var s = String(value);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
    return '"' + s.replace(/"/g, '""') + '"';
  }

  function exportCsv() {
    var day = today();
    var date = day.split("-").reverse().join("/");
    var rows = [text.csv.split(",").map(cell).join(",")];
    dayOrders().forEach(function (order) {
      var time = new Date(order.time);
      order.lines.forEach(function (l) {
        rows.push([date, pad(time.getHours()) + ":" + pad(time.getMinutes()), order.code, l.title, l.unit, l.qty, l.price,
                   l.price * l.qty, order.total].map(cell).join(","));
      });
    });
    var blob = new Blob(["\ufeff" + rows.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a"); // not in the page: the kiosk's lock-down never sees its click
    link.href = URL.createObjectURL(blob);
    link.download = "don-hang-" + day + ".csv";
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  function clearDay(button) {
    if (Date.now() - clearArmed > 5000) {
      clearArmed = Date.now();
      button.textContent = text.clear_confirm;
      return;
    }
    var all = orders();
    delete all[today()];
    write(localStorage, ORDERS_KEY, all);
    showStaff();
  }

  var brand = find(".k-brand");
  if (brand && pinDialog) {
    var pressTimer = null;
    brand.addEventListener("pointerdown", function () {
      clearTimeout(pressTimer);
      pressTimer = setTimeout(function () {
        pinInput.value = "";
        find("[data-pin-wrong]", pinDialog).hidden = true;
        open(pinDialog);
      }, LONG_PRESS_MS);
    });
    ["pointerup", "pointerleave", "pointercancel"].forEach(function (name) {
      brand.addEventListener(name, function () { clearTimeout(pressTimer); });
    });
  }

  // --- Wiring ---------------------------------------------------------------------------------------------

  document.addEventListener("click", function (e) {
    var target = e.target.closest ? e.target.closest("button") : null;
    if (!target) return;
    if (target.hasAttribute("data-add")) add(target);
    else if (target.hasAttribute("data-basket-open")) { render(); open(basketDialog); }
    else if (target.hasAttribute("data-more")) change(target.getAttribute("data-more"), 1);
    else if (target.hasAttribute("data-less")) change(target.getAttribute("data-less"), -1);
    else if (target.hasAttribute("data-basket-clear")) empty();
    else if (target.hasAttribute("data-pay")) pay();
    else if (target.hasAttribute("data-pay-back")) { render(); open(basketDialog); }
    else if (target.hasAttribute("data-pay-done")) { empty(); payDialog.close(); }
    else if (target.hasAttribute("data-close")) target.closest("dialog").close();
    else if (target.hasAttribute("data-key")) {
      var key = target.getAttribute("data-key");
      pinInput.value = key === "\u232b" ? pinInput.value.slice(0, -1) : (pinInput.value + key).slice(0, 8);
    }
    else if (target.hasAttribute("data-pin-open")) checkPin();
    else if (target.hasAttribute("data-staff-export")) exportCsv();
    else if (target.hasAttribute("data-staff-clear")) clearDay(target);
  });
  if (pinInput) {
    pinInput.form.addEventListener("submit", function (e) { e.preventDefault(); checkPin(); });
  }

  // The attract loop starts (assets/kiosk.js): the next visitor never sees this visitor's basket.
  document.addEventListener("kiosk:attract", function () {
    open(null);
    empty();
  });

  render();
})();
