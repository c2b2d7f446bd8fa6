// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  // Live character count under a textarea: <p class="char-count" data-for="id" data-max="3000">.
  document.querySelectorAll(".char-count[data-for]").forEach(function (counter) {
    var field = document.getElementById(counter.dataset.for);
    if (!field) return;
    var max = parseInt(counter.dataset.max, 10);
    var template = counter.textContent.replace(/^\d+/, "{n}");
    var update = function () {
      counter.textContent = template.replace("{n}", field.value.length);
      counter.classList.toggle("over", field.value.length > max);
    };
    field.addEventListener("input", update);
    update();
  });
})();
