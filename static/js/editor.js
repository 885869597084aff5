// Enhancements for the meeting editor; the page works fully without them.
(function () {
  "use strict";
  var form = document.querySelector("[data-editor]");
  if (!form) return;
  var options = document.getElementById("theme-options");
  var changed = false;

  // Warn before leaving with unsaved typing.
  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("submit", function () { changed = false; });
  window.addEventListener("beforeunload", function (event) {
    if (changed) { event.preventDefault(); event.returnValue = ""; }
  });

  function parts(value) {
    return value.split(",").map(function (p) { return p.trim(); }).filter(Boolean);
  }

  // Theme autocomplete: offer "earlier, themes, <match>" for the last theme typed.
  var timer = null;
  function complete(input) {
    var all = input.value.split(",");
    var typed = all.pop().trim();
    var before = all.map(function (p) { return p.trim(); }).filter(Boolean);
    if (typed.length < 2) { options.replaceChildren(); return; }
    fetch("/api/themes/?q=" + encodeURIComponent(typed), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { themes: [] }; })
      .then(function (data) {
        options.replaceChildren.apply(options, data.themes.map(function (theme) {
          var option = document.createElement("option");
          option.value = before.concat([theme.name]).join(", ");
          option.label = theme.name + " (" + theme.uses + ")";
          return option;
        }));
      })
      .catch(function () { options.replaceChildren(); });
  }
  form.querySelectorAll("[data-theme-input]").forEach(function (input) {
    input.setAttribute("list", "theme-options");
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { complete(input); }, 150);
    });
  });

  // "Comes back to an earlier proposal": offer the proposals whose number or
  // summary match what is typed ("#12 A shared guide …"; the server reads the number).
  var proposalOptions = document.getElementById("proposal-options");
  var proposalTimer = null;
  function lookUpProposals(input) {
    var typed = input.value.trim();
    if (typed.length < 2 && !/^#?\d+$/.test(typed)) { proposalOptions.replaceChildren(); return; }
    fetch("/proposals/lookup/?q=" + encodeURIComponent(typed), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { proposals: [] }; })
      .then(function (data) {
        proposalOptions.replaceChildren.apply(proposalOptions, data.proposals.map(function (found) {
          var option = document.createElement("option");
          option.value = found.label;
          option.label = found.label + " (" + found.detail + ")";
          return option;
        }));
      })
      .catch(function () { proposalOptions.replaceChildren(); });
  }
  if (proposalOptions) {
    form.querySelectorAll("[data-proposal-input]").forEach(function (input) {
      input.setAttribute("list", "proposal-options");
      input.addEventListener("input", function () {
        clearTimeout(proposalTimer);
        proposalTimer = setTimeout(function () { lookUpProposals(input); }, 200);
      });
    });
  }

  // What a private cell shares with the network follows the summary and date as typed.
  var dateInput = document.getElementById("id_date");
  function plainDate(value) {
    var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    if (!parts) return "the meeting's date";
    var months = ["January", "February", "March", "April", "May", "June", "July",
      "August", "September", "October", "November", "December"];
    return Number(parts[3]) + " " + months[Number(parts[2]) - 1] + " " + parts[1];
  }
  form.querySelectorAll("[data-shared-preview]").forEach(function (preview) {
    var summary = document.getElementById(preview.getAttribute("data-shared-preview"));
    var summaryText = preview.querySelector("[data-preview-summary]");
    var dateText = preview.querySelector("[data-preview-date]");
    function update() {
      summaryText.textContent = (summary && summary.value.trim()) || "(the line above)";
      dateText.textContent = plainDate(dateInput && dateInput.value);
    }
    if (summary) summary.addEventListener("input", update);
    if (dateInput) dateInput.addEventListener("input", update);
    update();
  });

  // Move buttons reorder points in place; the position numbers follow, and
  // they are what the server reads.
  var list = form.querySelector("#points");
  function renumber() {
    list.querySelectorAll(".point-editor").forEach(function (point, index) {
      var order = point.querySelector('input[name$="-ORDER"]');
      if (order) order.value = index + 1;
    });
  }
  function moveButton(label, direction) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small";
    button.textContent = label;
    button.addEventListener("click", function () {
      var point = button.closest(".point-editor");
      var other = direction < 0 ? point.previousElementSibling : point.nextElementSibling;
      if (!other || !other.classList.contains("point-editor")) return;
      if (direction < 0) list.insertBefore(point, other);
      else list.insertBefore(other, point);
      renumber();
      changed = true;
      button.focus();
    });
    return button;
  }
  if (list) {
    list.querySelectorAll(".point-editor").forEach(function (point) {
      var controls = point.querySelector(".point-editor__controls");
      var title = point.querySelector(".point-editor__title").textContent;
      var up = moveButton("Move up", -1);
      var down = moveButton("Move down", 1);
      up.setAttribute("aria-label", "Move " + title + " up");
      down.setAttribute("aria-label", "Move " + title + " down");
      controls.append(up, down);
    });
  }

  // Ticking a suggestion adds the theme to the point's themes at once.
  form.querySelectorAll("[data-suggestions-for]").forEach(function (group) {
    var input = document.getElementById(group.getAttribute("data-suggestions-for"));
    group.addEventListener("change", function (event) {
      var box = event.target;
      if (!input || box.type !== "checkbox") return;
      var names = parts(input.value);
      var lower = names.map(function (n) { return n.toLowerCase(); });
      var index = lower.indexOf(box.value.toLowerCase());
      if (box.checked && index === -1) names.push(box.value);
      if (!box.checked && index !== -1) names.splice(index, 1);
      input.value = names.join(", ");
    });
  });
})();
