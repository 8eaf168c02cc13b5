// Autosave of the project and budget pages (htmx posts the form, see applications/_editing.html), and:
// - a warning before leaving the page while something typed is not saved yet (pending or refused);
// - a Save button pressed while an autosave is on its way waits for it, so the two never meet as a conflict;
// - "Keep mine" / "Take theirs" after a refused save fill the inputs with the chosen version.
(function () {
  "use strict";
  document.querySelectorAll("[data-autosave]").forEach(function (status) {
    var form = document.getElementById(status.dataset.autosave);
    if (!form) { return; }
    // typed since the last save that went through; from the start when the page comes back refused
    var unsaved = Boolean(document.getElementById("conflict-notice") || document.getElementById("error-summary"));
    var typedSince = false;   // typed while an autosave was on its way
    var busy = false;
    var leaving = false;
    var waiting = null;       // the Save button pressed while an autosave was on its way

    status.textContent = status.dataset.textReady;

    form.addEventListener("input", function () { unsaved = true; typedSince = true; });

    status.addEventListener("htmx:beforeRequest", function (event) {
      if (leaving) {  // the form is being sent by a Save button: an autosave now would race it (and its cookie)
        event.preventDefault();
        return;
      }
      busy = true;
      typedSince = false;
    });

    status.addEventListener("htmx:beforeSwap", function (event) {
      // a page that is not the status (a log-in page after the session expired, an error page) is not shown
      if (event.detail.xhr.status !== 200 || event.detail.xhr.responseText.indexOf("data-save-state") < 0) {
        event.detail.shouldSwap = false;
        status.textContent = status.dataset.textFailed;
      }
    });

    status.addEventListener("htmx:afterSwap", function () {
      var state = status.querySelector("[data-save-state]");
      if (state && state.dataset.saveState === "saved" && !typedSince) {
        unsaved = false;
        if (window.keepInput) { window.keepInput.forget(form); }
      }
    });

    ["htmx:sendError", "htmx:timeout"].forEach(function (name) {
      status.addEventListener(name, function () { status.textContent = status.dataset.textFailed; });
    });

    status.addEventListener("htmx:afterRequest", function () {
      busy = false;
      if (waiting) {
        var button = waiting;
        waiting = null;
        form.requestSubmit(button);
      }
    });

    form.addEventListener("submit", function (event) {
      if (busy) {  // sent again once the autosave is back, with the version it saved
        event.preventDefault();
        event.stopImmediatePropagation();
        waiting = event.submitter || null;
        return;
      }
      leaving = true;
    }, true);

    window.addEventListener("beforeunload", function (event) {
      if (unsaved && !leaving) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });

  // After a refused save: "Take theirs" fills in the saved version, "Keep mine" puts back what was typed.
  document.addEventListener("change", function (event) {
    var radio = event.target;
    if (!radio.matches || !radio.matches("input[data-fill], input[data-restore]") || !radio.checked) { return; }
    if (radio.dataset.fill) {
      var fill = JSON.parse(radio.dataset.fill);
      Object.keys(fill).forEach(function (id) {
        var input = document.getElementById(id);
        if (!input) { return; }
        var isBox = input.type === "checkbox";
        if (!("mine" in input.dataset)) { input.dataset.mine = isBox ? String(input.checked) : input.value; }
        if (isBox) { input.checked = fill[id] === true; } else { input.value = fill[id]; }
      });
    } else {
      radio.dataset.restore.split(" ").forEach(function (id) {
        var input = document.getElementById(id);
        if (!input || !("mine" in input.dataset)) { return; }
        if (input.type === "checkbox") { input.checked = input.dataset.mine === "true"; } else { input.value = input.dataset.mine; }
      });
    }
  });
}());
