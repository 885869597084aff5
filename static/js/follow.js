// Follow buttons without a page reload. Without JavaScript the same forms
// post and come back to the page.
(function () {
  "use strict";

  function update(form, answer) {
    var button = form.querySelector(".follow__button");
    var hidden = button.querySelector(".visually-hidden");
    var status = form.querySelector(".follow__status");
    button.textContent = answer.following ? "Following" : "Follow";
    if (hidden) button.appendChild(hidden);
    button.setAttribute("aria-pressed", answer.following ? "true" : "false");
    form.action = answer.following ? answer.unfollow_url : form.dataset.followUrl;
    if (status) status.textContent = answer.message;
  }

  // A followed search: the form gives way to a line saying so.
  function followedSearch(form, answer) {
    var line = document.createElement("p");
    line.className = "meta";
    line.setAttribute("role", "status");
    line.textContent = answer.message + " ";
    var link = document.createElement("a");
    link.href = form.dataset.followingUrl;
    link.textContent = "See what you follow";
    line.appendChild(link);
    line.tabIndex = -1;  // keyboard users keep their place: focus moves to the news
    form.replaceWith(line);
    line.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-follow], form[data-follow-search]")) return;
    event.preventDefault();
    // Not disabled while waiting: a disabled button loses the keyboard focus.
    if (form.dataset.busy) return;
    form.dataset.busy = "true";
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        if (form.matches("[data-follow-search]")) followedSearch(form, answer);
        else update(form, answer);
      })
      .catch(function () { form.submit(); })  // let the page do it the plain way
      .finally(function () { delete form.dataset.busy; });
  });
})();
