// sada's script. Every page works without it; it only enhances: a live
// character counter on the post box, times shown in the reader's own time
// zone, and the "N new posts" bar. No inline script anywhere
// (the Content-Security-Policy forbids it), so this file is all there is.
(function () {
  "use strict";

  // count says what text costs towards the limit exactly as the server
  // does (internal/post: Check, Length): newlines normalised, NFC, outer
  // white space trimmed, then code points, with each http(s) URL costing 23
  // whatever its length. SPACE is Go's unicode.IsSpace.
  var URL_COST = 23;
  var SPACE = /[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

  function codePoints(s) { return Array.from(s).length; }

  function trimSpace(s) {
    var a = 0, b = s.length;
    while (a < b && SPACE.test(s[a])) a++;
    while (b > a && SPACE.test(s[b - 1])) b--;
    return s.slice(a, b);
  }

  // at reports whether s has the lower-case ASCII word w at i, ignoring
  // ASCII case only, as Go's schemeLen does.
  function at(s, i, w) {
    if (i + w.length > s.length) return false;
    for (var k = 0; k < w.length; k++) {
      var c = s.charCodeAt(i + k);
      if (c >= 65 && c <= 90) c += 32;
      if (c !== w.charCodeAt(k)) return false;
    }
    return true;
  }

  function schemeLen(s, i) {
    return at(s, i, "http://") ? 7 : at(s, i, "https://") ? 8 : 0;
  }

  // trimURL drops trailing punctuation and unbalanced ) or ], as Go's trimURL.
  function trimURL(u) {
    var open = u.split("(").length - u.split(")").length;
    var square = u.split("[").length - u.split("]").length;
    while (u) {
      var c = u[u.length - 1];
      if (".,;:!?'\"".indexOf(c) >= 0) {
        // sentence punctuation
      } else if (c === ")") {
        if (open >= 0) return u;
        open++;
      } else if (c === "]") {
        if (square >= 0) return u;
        square++;
      } else {
        return u;
      }
      u = u.slice(0, -1);
    }
    return u;
  }

  function count(text) {
    var s = trimSpace(text.replace(/\r\n?/g, "\n").normalize("NFC"));
    var n = codePoints(s);
    for (var i = 0; i < s.length;) {
      var m = schemeLen(s, i);
      if (!m) { i++; continue; }
      var end = i + m;
      while (end < s.length && !SPACE.test(s[end])) end++;
      var u = trimURL(s.slice(i + m, end));
      if (!u) { i += m; continue; }
      n += URL_COST - codePoints(s.slice(i, i + m + u.length));
      i += m + u.length;
    }
    return n;
  }

  // digits writes n with the page's digits (data-digits: Arabic-Indic for
  // Arabic, Persian for Persian), as the server writes numbers.
  function digits(n, set) {
    return String(n).replace(/[0-9]/g, function (d) { return set ? set[d] : d; });
  }

  function counter(box) {
    var out = box.form && box.form.querySelector(".cc");
    if (!out) return;
    var max = +out.dataset.max, set = out.dataset.digits;
    function update() {
      var left = max - count(box.value);
      out.classList.toggle("over", left < 0);
      out.textContent = left < 0 ? out.dataset.over.replace("{n}", digits(-left, set)) : digits(left, set);
    }
    out.hidden = false;
    box.addEventListener("input", update);
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && box.form.requestSubmit) box.form.requestSubmit();
    });
    update();
  }

  var lang = document.documentElement.lang;
  var nu = lang + "-u-nu-" + ({ ar: "arab", fa: "arabext" }[lang] || "latn");

  // Tooltips of times say the exact time in UTC; here they say it in the
  // reader's time zone, in the page's language, calendar and digits.
  function localTimes() {
    var fmt;
    try {
      fmt = new Intl.DateTimeFormat(nu, { dateStyle: "long", timeStyle: "short" });
    } catch (e) {
      return;
    }
    document.querySelectorAll("time[datetime]").forEach(function (t) {
      var d = new Date(t.getAttribute("datetime"));
      if (!isNaN(d)) t.title = fmt.format(d);
    });
  }

  // The "N new posts" bar (#new-posts): data-stream is the page's timeline
  // as server-sent events (internal/web/live.go), whose "update" events
  // carry each new entry's id; those not on the page yet are counted.
  // data-label holds the plural forms, "category:text|…" (CLDR categories,
  // as Intl.PluralRules names them), with # for the number. The bar's link
  // reloads the page.
  var bar = document.getElementById("new-posts"), seen = {}, fresh = 0;
  function newPosts(n) {
    var forms = {};
    bar.dataset.label.split("|").forEach(function (f) {
      var i = f.indexOf(":");
      forms[f.slice(0, i)] = f.slice(i + 1);
    });
    bar.hidden = n <= 0;
    bar.firstElementChild.textContent = (forms[new Intl.PluralRules(lang).select(n)] || forms.other)
      .replace("#", new Intl.NumberFormat(nu).format(n));
  }
  if (bar && window.EventSource) {
    new EventSource(bar.dataset.stream).addEventListener("update", function (e) {
      if (seen[e.data] || document.getElementById("p-" + e.data)) return;
      seen[e.data] = 1;
      newPosts(++fresh);
    });
  }

  window.sada = { count: count, newPosts: newPosts };
  document.querySelectorAll("textarea[name=text]").forEach(counter);
  localTimes();
})();
