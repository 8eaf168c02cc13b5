// Nothing typed is lost: when a form marked data-keep-input is sent, what was typed is kept in this tab's sessionStorage.
// If the page comes back showing other values (the session had expired, the form was refused
// before it reached the application, another tab...), a notice offers to put the typed text back.
// Passwords, hidden fields and files are never kept.
(function () {
  "use strict";
  var KEEP = "input:not([type=password]):not([type=hidden]):not([type=file]):not([type=submit]):not([type=button]), textarea, select";

  function key(form, index) { return "kept:" + location.pathname + ":" + index; }

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

  document.querySelectorAll("form[method=post][data-keep-input]").forEach(function (form, index) {
    if (!form.querySelector("textarea, input[type=text], input:not([type])")) { return; }
    var storageKey = key(form, index);
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(storageKey) || "null"); } catch (e) { kept = null; }
    if (kept && differs(kept, values(form))) { offer(form, storageKey, kept); }
    form.addEventListener("submit", function () {
      try { sessionStorage.setItem(storageKey, JSON.stringify(values(form))); } catch (e) { /* storage full or off */ }
    });
  });
}());
