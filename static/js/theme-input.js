// Themes as a tag input, over the comma-separated field the server reads (the
// page works the same without this script). Enter or comma accepts a theme and
// never submits the page; each theme is a chip with a remove button; names are
// checked as the server checks them; a name that is no theme yet asks first
// ("Create a new theme …? Did you mean …?"). Suggestions from a point's text
// follow the text as it is typed.
(function () {
  "use strict";
  var form = document.querySelector("[data-editor]");
  if (!form) return;
  var options = document.getElementById("theme-options");
  var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var NAME = /^[\p{L}\p{N}][\p{L}\p{N}\s'\u2019&.()/+:!?_-]*$/u;

  function key(name) { return name.toLowerCase().replace(/[\s_-]+/g, " ").trim(); }
  function split(value) {
    return value.split(",").map(function (part) { return part.trim(); }).filter(Boolean);
  }
  function button(text, label) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "button button--secondary button--small";
    element.textContent = text;
    if (label) element.setAttribute("aria-label", label);
    return element;
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .catch(function () { return {}; });
  }

  function TagInput(field) {
    var self = this;
    var card = field.closest("[data-point]");
    var title = card ? card.querySelector("[data-point-number]") : null;
    this.field = field;
    this.suggestions = card ? card.querySelector("[data-suggestions-for]") : null;
    // The entry takes the field's place (its id, so its label and hints follow).
    this.entry = document.createElement("input");
    this.entry.type = "text";
    this.entry.id = field.id;
    this.entry.className = "tag-input__entry";
    this.entry.autocomplete = "off";
    this.entry.setAttribute("list", "theme-options");
    if (field.getAttribute("aria-describedby")) {
      this.entry.setAttribute("aria-describedby", field.getAttribute("aria-describedby"));
    }
    field.id = field.id + "-value";
    field.type = "hidden";
    this.chips = document.createElement("ul");
    this.chips.className = "chips tag-input__chips";
    this.chips.setAttribute("aria-label", "Themes" + (title ? " of " + title.textContent : ""));
    this.prompt = document.createElement("div");
    this.prompt.className = "tag-input__prompt";
    this.prompt.hidden = true;
    this.message = document.createElement("p");
    this.message.className = "tag-input__message";
    this.message.setAttribute("role", "status");
    var box = document.createElement("div");
    box.className = "tag-input";
    box.append(this.chips, this.entry, this.prompt, this.message);
    field.after(box);
    this.render();

    this.entry.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === ",") {
        event.preventDefault();  // never submits the page
        self.accept(self.entry.value);
      } else if (event.key === "Backspace" && !self.entry.value) {
        var names = self.names();
        if (names.length) self.remove(names[names.length - 1]);
      } else if (event.key === "Escape") {
        self.prompt.hidden = true;
      }
    });
    var timer = null;
    this.entry.addEventListener("input", function (event) {
      // A choice from the list of themes is taken as it is chosen.
      if (event.inputType === "insertReplacementText") {
        self.accept(self.entry.value);
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(function () { self.complete(); }, 150);
    });
    if (this.suggestions) {
      this.suggestions.addEventListener("change", function (event) {
        var box = event.target;
        if (box.type !== "checkbox") return;
        if (box.checked) self.add(box.value, true); else self.remove(box.value);
      });
    }
    form.addEventListener("submit", function (event) {
      // A name typed but not accepted is neither lost nor made a theme unasked:
      // the page stays, and asks.
      if (!self.entry.value.trim() || event.defaultPrevented) return;
      event.preventDefault();
      form.dispatchEvent(new Event("input", { bubbles: true }));  // still unsaved
      self.entry.closest("[data-point]").open = true;
      self.entry.focus();
      self.accept(self.entry.value);
    });
  }

  TagInput.prototype.names = function () { return split(this.field.value); };

  TagInput.prototype.set = function (names) {
    this.field.value = names.join(", ");
    this.render();
    form.dispatchEvent(new Event("input", { bubbles: true }));  // unsaved work
  };

  // A theme from the entry (which is then cleared) or from a suggestion ticked.
  TagInput.prototype.add = function (name, fromSuggestion) {
    var names = this.names();
    if (!names.some(function (known) { return key(known) === key(name); })) names.push(name);
    this.set(names);
    if (!fromSuggestion) {
      this.entry.value = "";
      this.prompt.hidden = true;
    }
    this.say("Theme “" + name + "” added.");
  };

  TagInput.prototype.remove = function (name) {
    this.set(this.names().filter(function (known) { return key(known) !== key(name); }));
    if (this.suggestions) {
      this.suggestions.querySelectorAll("input[type=checkbox]").forEach(function (box) {
        if (key(box.value) === key(name)) box.checked = false;
      });
    }
    this.say("Theme “" + name + "” removed.");
    this.entry.focus();
  };

  TagInput.prototype.say = function (text) { this.message.textContent = text; };

  TagInput.prototype.render = function () {
    var self = this;
    this.chips.replaceChildren.apply(this.chips, this.names().map(function (name) {
      var chip = document.createElement("li");
      chip.className = "chip";
      chip.append(document.createTextNode(name + " "));
      var remove = button("×", "Remove theme " + name);
      remove.className = "chip__remove";
      remove.addEventListener("click", function () { self.remove(name); });
      chip.append(remove);
      return chip;
    }));
  };

  TagInput.prototype.complete = function () {
    var typed = this.entry.value.trim();
    if (typed.length < 2) { options.replaceChildren(); return; }
    getJSON("/api/themes/?q=" + encodeURIComponent(typed)).then(function (data) {
      options.replaceChildren.apply(options, (data.themes || []).map(function (theme) {
        var option = document.createElement("option");
        option.value = theme.name;
        option.label = theme.name + " (" + theme.uses + ")";
        return option;
      }));
    });
  };

  // A typed name: an existing theme is added at once (as it is spelt there); a
  // new one asks first, offering names that look alike.
  TagInput.prototype.accept = function (typed) {
    var self = this;
    var name = typed.replace(/,/g, " ").replace(/\s+/g, " ").trim();
    if (!name) return;
    if (!NAME.test(name) || name.length > 100) {
      this.say("“" + name + "” cannot be a theme: use letters, digits, spaces and ' & . ( ) / + : ! ? -, starting with a letter or digit.");
      return;
    }
    getJSON("/api/themes/?q=" + encodeURIComponent(name)).then(function (data) {
      var known = (data.themes || []).filter(function (theme) { return key(theme.name) === key(name); })[0];
      if (known) { self.add(known.name); return; }
      self.ask(name, data.similar || []);
    });
  };

  TagInput.prototype.ask = function (name, similar) {
    var self = this;
    var question = document.createElement("p");
    question.textContent = "Create a new theme “" + name + "”?" +
      (similar.length ? " Did you mean " + similar.map(function (s) { return "“" + s + "”"; }).join(" or ") + "?" : "");
    var create = button("Create “" + name + "”");
    create.addEventListener("click", function () { self.add(name); self.entry.focus(); });
    var choices = [create].concat(similar.map(function (other) {
      var use = button("Use “" + other + "”");
      use.addEventListener("click", function () { self.add(other); self.entry.focus(); });
      return use;
    }));
    var cancel = button("Cancel");
    cancel.addEventListener("click", function () { self.prompt.hidden = true; self.entry.focus(); });
    this.prompt.replaceChildren.apply(this.prompt, [question].concat(choices, [cancel]));
    this.prompt.hidden = false;
    (similar.length ? choices[1] : create).focus();
  };

  // Suggestions from the text, refreshed as it changes.
  TagInput.prototype.refreshSuggestions = function (text) {
    var self = this;
    var group = this.suggestions;
    if (!group) return;
    var body = new FormData();
    body.append("text", text);
    fetch("/api/theme-suggestions/", {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        var chosen = self.names().map(key);
        var list = group.querySelector("[data-suggestion-list]");
        var fresh = data.suggestions.filter(function (s) { return chosen.indexOf(key(s.name)) === -1; });
        list.replaceChildren.apply(list, fresh.map(function (suggestion, index) {
          var row = document.createElement("div");
          row.className = "checkbox";
          var box = document.createElement("input");
          box.type = "checkbox";
          box.name = group.getAttribute("data-accept-name");
          box.value = suggestion.name;
          box.id = group.getAttribute("data-suggestions-for") + "-suggested-" + index;
          var label = document.createElement("label");
          label.htmlFor = box.id;
          var strong = document.createElement("strong");
          strong.textContent = suggestion.name;
          var why = document.createElement("span");
          why.className = "meta";
          why.textContent = " because " + suggestion.reason;
          label.append(strong, why);
          row.append(box, document.createTextNode(" "), label);
          return row;
        }));
        group.hidden = fresh.length === 0;
      })
      .catch(function () {});
  };

  form.querySelectorAll("[data-theme-input]").forEach(function (field) {
    var input = new TagInput(field);
    var card = field.closest("[data-point]");
    if (!card) return;
    var heading = card.querySelector('input[name$="-heading"]');
    var text = card.querySelector('textarea[name$="-body"]');
    var timer = null;
    function later() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        input.refreshSuggestions((heading ? heading.value : "") + "\n" + (text ? text.value : ""));
      }, 700);
    }
    if (heading) heading.addEventListener("input", later);
    if (text) text.addEventListener("input", later);
  });
})();
