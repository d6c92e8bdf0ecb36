// VietQR payloads (NAPAS 247, EMVCo merchant-presented mode) in the kiosk's browser, offline.
// The same algorithm as ocop/vietqr.py; tests/test_vietqr.py holds both to the published test vectors.
(function (root, factory) {
  "use strict";
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.VietQR = factory();
})(this, function () {
  "use strict";

  var MAX_AMOUNT = 500000000; // NAPAS 247's limit for one transfer, in đồng
  var MAX_PURPOSE = 25;

  function fail(message) {
    var error = new Error(message);
    error.name = "VietQRError";
    throw error;
  }

  // CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
  function crc16(text) {
    var crc = 0xFFFF;
    for (var i = 0; i < text.length; i++) {
      crc ^= text.charCodeAt(i) << 8;
      for (var bit = 0; bit < 8; bit++) crc = (crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1) & 0xFFFF;
    }
    return crc;
  }

  function tlv(tag, value) {
    if (value.length > 99) fail("trường " + tag + " dài quá 99 ký tự");
    return tag + (value.length < 10 ? "0" : "") + value.length + value;
  }

  // Accents stripped, đ as d, only A-Z, a-z, 0-9 and spaces, at most 25 characters.
  function purposeText(text) {
    var plain = text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/\p{Mn}/gu, "").trim();
    var bad = plain.replace(/[A-Za-z0-9 ]/g, "");
    if (bad) fail("nội dung chuyển khoản chỉ được có chữ không dấu, chữ số và dấu cách; có ký tự \"" + bad + "\"");
    if (plain.length > MAX_PURPOSE) fail("nội dung chuyển khoản dài " + plain.length + " ký tự; tối đa " + MAX_PURPOSE);
    return plain;
  }

  function payload(bankBin, account, amount, purpose, bill) {
    var hasAmount = amount !== null && amount !== undefined;
    if (!/^\d{6}$/.test(bankBin)) fail("mã ngân hàng (BIN) phải gồm 6 chữ số");
    if (!/^[0-9A-Za-z]{1,19}$/.test(account)) fail("số tài khoản chỉ gồm chữ số (tối đa 19)");
    if (hasAmount) {
      if (typeof amount !== "number" || !Number.isInteger(amount)) fail("số tiền phải là số đồng nguyên");
      if (amount <= 0) fail("số tiền phải lớn hơn 0 đồng");
      if (amount > MAX_AMOUNT) fail("số tiền vượt hạn mức 500.000.000 đồng của một lần chuyển NAPAS 247; hãy chia thành nhiều lần thanh toán");
    }
    if (bill && !/^[0-9A-Za-z]{1,25}$/.test(bill)) fail("mã hoá đơn chỉ gồm chữ không dấu và chữ số (tối đa 25)");
    purpose = purposeText(purpose || "");
    var text = tlv("00", "01") + tlv("01", hasAmount ? "12" : "11");
    text += tlv("38", tlv("00", "A000000727") + tlv("01", tlv("00", bankBin) + tlv("01", account)) + tlv("02", "QRIBFTTA"));
    text += tlv("53", "704") + (hasAmount ? tlv("54", String(amount)) : "") + tlv("58", "VN");
    var extra = (bill ? tlv("01", bill) : "") + (purpose ? tlv("08", purpose) : "");
    text += (extra ? tlv("62", extra) : "") + "6304";
    return text + ("000" + crc16(text).toString(16).toUpperCase()).slice(-4);
  }

  return { payload: payload, purposeText: purposeText, crc16: crc16, MAX_AMOUNT: MAX_AMOUNT };
});
