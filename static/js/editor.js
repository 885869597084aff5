// Enhancements for the meeting editor; the page works fully without them.
(function () {
  "use strict";
  var form = document.querySelector("[data-editor]");
  if (!form) return;
  // Work not saved yet: typed here, or brought back by Split, Import, Preview
  // or Add (the page then starts with it), or an error page.
  var changed = form.hasAttribute("data-unsaved");
  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("change", function () { changed = true; });
  form.addEventListener("submit", function () { changed = false; });
  window.addEventListener("beforeunload", function (event) {
    if (changed) { event.preventDefault(); event.returnValue = ""; }
  });

  // Back where the work is: the first new point, the preview or the errors.
  var target = form.getAttribute("data-focus") && document.getElementById(form.getAttribute("data-focus"));
  function goBack() {
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  }
  if (target) {
    if (!target.matches("summary, a, button, input, textarea, select")) target.setAttribute("tabindex", "-1");
    goBack();
    // Again once loaded: the browser's own jump to the address's #fragment comes last.
    window.addEventListener("load", function () { setTimeout(goBack, 0); });
  }

  // Text boxes grow with their text (where CSS field-sizing is not supported).
  if (!CSS.supports("field-sizing", "content")) {
    form.querySelectorAll("textarea").forEach(function (box) {
      function grow() { box.style.height = "auto"; box.style.height = box.scrollHeight + 4 + "px"; }
      box.addEventListener("input", grow);
      grow();
    });
  }

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

  // Move buttons reorder points in place. Numbers, titles, button names and
  // the jump list follow; the position numbers are what the server reads.
  var list = form.querySelector("#points");
  var jumpList = form.querySelector(".editor__jump-list");
  function renumber() {
    var cards = list.querySelectorAll("[data-point]");
    cards.forEach(function (card, index) {
      var label = "Point " + (index + 1);
      var order = card.querySelector('input[name$="-ORDER"]');
      if (order) order.value = index + 1;
      var number = card.querySelector("[data-point-number]");
      if (number) number.textContent = label;
      var up = card.querySelector("[data-move=up]");
      var down = card.querySelector("[data-move=down]");
      if (up) up.setAttribute("aria-label", "Move " + label + " up");
      if (down) down.setAttribute("aria-label", "Move " + label + " down");
    });
    if (jumpList) {
      jumpList.querySelectorAll("a").forEach(function (link, index) {
        var card = cards[index];
        link.textContent = index + 1;
        link.href = "#" + card.querySelector("summary").id;
      });
    }
  }
  function moveButton(text, direction) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary button--small";
    button.textContent = text;
    button.setAttribute("data-move", direction < 0 ? "up" : "down");
    button.addEventListener("click", function () {
      var card = button.closest("[data-point]");
      var other = direction < 0 ? card.previousElementSibling : card.nextElementSibling;
      if (!other || !other.hasAttribute("data-point")) return;
      if (direction < 0) list.insertBefore(card, other);
      else list.insertBefore(other, card);
      renumber();
      changed = true;
      button.focus();
      var name = card.querySelector("[data-point-number]").textContent;
      status.textContent = "Moved: now " + name + ".";
    });
    return button;
  }
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.append(status);
  if (list) {
    list.querySelectorAll("[data-point]").forEach(function (card) {
      card.querySelector(".point-editor__controls").append(moveButton("Move up", -1), moveButton("Move down", 1));
    });
    renumber();
  }
})();
