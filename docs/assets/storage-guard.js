/* cortisone-kb: the theme reads its saved settings (colour scheme and others) with JSON.parse and
   stops working, search included, if one is corrupt. Before the theme's own scripts read them,
   saved values under this site's prefix that do not parse, or a colour scheme of the wrong shape,
   are removed. Runs synchronously in <head>, after the theme defines its storage scope. */
(function () {
  "use strict";
  var prefix = (typeof __md_scope !== "undefined" && __md_scope.pathname ? __md_scope.pathname : "/") + ".";

  function validPalette(value) {
    return value === null || (typeof value === "object" && typeof value.index === "number" &&
      value.color !== null && typeof value.color === "object" &&
      ["media", "scheme", "primary", "accent"].every(function (k) {
        return value.color[k] === undefined || typeof value.color[k] === "string";
      }));
  }

  function clean(storage) {
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (!key || key.indexOf(prefix) !== 0) continue;
      var ok;
      try {
        var value = JSON.parse(storage.getItem(key));
        ok = key.slice(-"__palette".length) !== "__palette" || validPalette(value);
      } catch (e) {
        ok = false;
      }
      if (!ok) storage.removeItem(key);
    }
  }

  [function () { return window.localStorage; }, function () { return window.sessionStorage; }].forEach(function (get) {
    try { clean(get()); } catch (e) { /* storage unavailable: nothing saved to clean */ }
  });
})();
