/* cortisone-kb: the theme reads its saved settings (colour scheme, tabs and others) through __md_get, which
   parses them with JSON.parse and reads localStorage unguarded: a corrupt value, a value of the right type but
   the wrong shape, or storage that throws (cookies blocked) stops the theme's scripts, search included.
   This guard runs synchronously in <head>, after the theme defines __md_get and before anything calls it:
   it removes saved values under this site's prefix that do not parse, and wraps __md_get and __md_set so that
   storage that throws reads as nothing saved and a value of the wrong shape is ignored. */
(function () {
  "use strict";
  var prefix = (typeof __md_scope !== "undefined" && __md_scope.pathname ? __md_scope.pathname : "/") + ".";

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  // The shapes the theme's own code relies on, by key; a key not listed may hold any JSON value.
  var SHAPES = {
    __palette: function (value) {
      return isPlainObject(value) && typeof value.index === "number" && value.index % 1 === 0 && value.index >= 0 &&
        isPlainObject(value.color) && ["media", "scheme", "primary", "accent"].every(function (k) {
          return value.color[k] === undefined || typeof value.color[k] === "string";
        });
    },
    __tabs: function (value) {
      return Array.isArray(value) && value.every(function (v) { return typeof v === "string"; });
    },
    __source: isPlainObject,
    __consent: isPlainObject
  };

  function fits(key, value) {
    var name = key.slice(key.lastIndexOf(".") + 1);
    return value === null || !Object.prototype.hasOwnProperty.call(SHAPES, name) || SHAPES[name](value);
  }

  function clean(storage) {
    for (var i = storage.length - 1; i >= 0; i--) {
      var key = storage.key(i);
      if (!key || key.indexOf(prefix) !== 0) continue;
      var ok;
      try {
        ok = fits(key, JSON.parse(storage.getItem(key)));
      } catch (e) {
        ok = false;
      }
      if (!ok) storage.removeItem(key);
    }
  }

  [function () { return window.localStorage; }, function () { return window.sessionStorage; }].forEach(function (get) {
    try { clean(get()); } catch (e) { /* storage unavailable: nothing saved to clean */ }
  });

  var get = window.__md_get, set = window.__md_set;
  if (typeof get === "function") {
    window.__md_get = function (key) {
      try {
        var value = get.apply(this, arguments);
        return fits(String(key), value) ? value : null;
      } catch (e) {
        return null;  // storage blocked or a value that does not parse: as if nothing were saved
      }
    };
  }
  if (typeof set === "function") {
    window.__md_set = function () {
      try { return set.apply(this, arguments); } catch (e) { return undefined; }
    };
  }
})();
