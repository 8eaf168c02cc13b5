// Nothing typed is lost: when a form marked data-keep-input is sent, what was typed is kept in this tab's sessionStorage.
// If the page comes back showing other values (the session had expired, the form was refused
// before it reached the application, another tab...), a notice offers to put the typed text back.
// Passwords, hidden fields and files are never kept. The form is sent with a token (kept_token); when the
// server saved it, the next page names that token (body data-keep-saved) and what was kept is dropped, so a
// value the server shows back in its own format (2400 -> 2400.00) is not taken for lost input.
// What is kept belongs to the signed-in user (body data-keep-user): another user signing in on the same tab
// never sees it, and logging out drops it all (security-probe L7).
(function () {
  "use strict";
  var KEEP = "input:not([type=password]):not([type=hidden]):not([type=file]):not([type=submit]):not([type=button]), textarea, select";

  var user = document.body.dataset.keepUser || "";

  function key(form, index) { return "kept:" + user + ":" + location.pathname + ":" + index; }

  function dropKept(except) {
    try {
      Object.keys(sessionStorage).forEach(function (name) {
        if (name.indexOf("kept:") === 0 && (except === undefined || name.split(":")[1] !== except)) {
          sessionStorage.removeItem(name);
        }
      });
    } catch (e) { /* storage off */ }
  }

  if (user) { dropKept(user); }  // signed in: nothing kept for another user stays (anonymous pages keep it, so
  // that a user whose session expired gets it back after logging in again)
  document.querySelectorAll("form[action$='/auth/logout']").forEach(function (form) {
    form.addEventListener("submit", function () { dropKept(); });
  });

  function values(form) {
    var out = {};
    form.querySelectorAll(KEEP).forEach(function (el) {
      if (!el.name) { return; }
      out[el.name] = (el.type === "checkbox" || el.type === "radio") ? (el.checked ? el.value : out[el.name] || null) : el.value;
    });
    return out;
  }

  function differs(kept, now) {
    return Object.keys(kept).some(function (name) { return name in now && kept[name] !== now[name]; });
  }

  function restore(form, kept) {
    form.querySelectorAll(KEEP).forEach(function (el) {
      if (!el.name || !(el.name in kept)) { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = kept[el.name] === el.value; }
      else { el.value = kept[el.name]; }
    });
  }

  function offer(form, storageKey, kept) {
    var body = document.body.dataset;
    var box = document.createElement("div");
    box.className = "alert alert-warning";
    box.setAttribute("role", "status");
    var text = document.createElement("p");
    text.textContent = body.keepText;
    var put = document.createElement("button");
    put.type = "button"; put.className = "btn btn-sm btn-primary me-2"; put.textContent = body.keepRestore;
    var drop = document.createElement("button");
    drop.type = "button"; drop.className = "btn btn-sm btn-outline-secondary"; drop.textContent = body.keepDiscard;
    put.addEventListener("click", function () { restore(form, kept); box.remove(); });
    drop.addEventListener("click", function () { sessionStorage.removeItem(storageKey); box.remove(); });
    box.append(text, put, drop);
    form.parentNode.insertBefore(box, form);
  }

  function token() {
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  var keys = new Map();  // form -> its storage key

  // The save of a form sent with this token went through (the next page may be another one): drop what was kept.
  var saved = document.body.dataset.keepSaved;
  if (saved) {
    try {
      Object.keys(sessionStorage).forEach(function (name) {
        if (name.indexOf("kept:") !== 0) { return; }
        var kept = null;
        try { kept = JSON.parse(sessionStorage.getItem(name) || "null"); } catch (e) { kept = null; }
        if (kept && kept.token === saved) { sessionStorage.removeItem(name); }
      });
    } catch (e) { /* storage off */ }
  }

  document.querySelectorAll("form[method=post][data-keep-input]").forEach(function (form, index) {
    if (!form.querySelector("textarea, input[type=text], input:not([type])")) { return; }
    var storageKey = key(form, index);
    keys.set(form, storageKey);
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(storageKey) || "null"); } catch (e) { kept = null; }
    if (kept && kept.values && differs(kept.values, values(form))) {
      offer(form, storageKey, kept.values);
    }
    form.addEventListener("submit", function () {
      var sent = token();
      var field = form.querySelector("input[name=kept_token]") || document.createElement("input");
      field.type = "hidden"; field.name = "kept_token"; field.value = sent;
      form.appendChild(field);
      try { sessionStorage.setItem(storageKey, JSON.stringify({token: sent, values: values(form)})); } catch (e) { /* storage full or off */ }
    });
  });

  // For the autosave: what it saved need not be offered back.
  window.keepInput = {forget: function (form) { if (keys.has(form)) { sessionStorage.removeItem(keys.get(form)); } }};
}());
