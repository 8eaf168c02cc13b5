// Grid editor: recompute each section's maximum and the grid's total while weights are edited.
// The server computes the same figures on every render, so the page works without this script.
(function () {
  "use strict";
  const form = document.querySelector("form.grid-editor");
  if (!form) return;

  function rowCounts(row) {
    const removed = row.querySelector("input[type=checkbox]");
    const filled = Array.from(row.querySelectorAll("input[type=text], textarea")).some((el) => el.value.trim() !== "");
    return filled && !(removed && removed.checked);
  }

  function update() {
    let total = 0;
    form.querySelectorAll(".js-section").forEach((section) => {
      let max = 0;
      section.querySelectorAll(".js-criterion").forEach((row) => {
        const weight = parseInt(row.querySelector(".js-weight").value, 10) || 0;
        if (rowCounts(row)) max += 5 * weight;
      });
      section.querySelector(".js-section-max").textContent = String(max);
      const sectionRemoved = section.querySelector(":scope > .card-body > .row input[type=checkbox]");
      if (!(sectionRemoved && sectionRemoved.checked)) total += max;
    });
    document.getElementById("grid-total").textContent = String(total);
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
