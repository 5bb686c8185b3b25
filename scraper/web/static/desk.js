// The desk's small script: keyboard shortcuts and in-place actions.
// Everything here is an enhancement: every form also works without JavaScript.
(function () {
  "use strict";

  var status = document.getElementById("status");
  var current = -1;

  function say(message) {
    if (!status) { return; }
    status.hidden = false;
    status.textContent = message;
  }

  function cards() { return Array.prototype.slice.call(document.querySelectorAll(".cards .card")); }

  function select(index) {
    var list = cards();
    if (!list.length) { return; }
    index = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (c) { c.classList.remove("current"); });
    current = index;
    var card = list[index];
    card.classList.add("current");
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function currentCard() {
    var list = cards();
    if (current < 0 && list.length === 1) { current = 0; }
    return list[current] || null;
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  // In-place actions: the card's form is posted with fetch and the card replaced by the answer.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-inplace") || !window.fetch) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
    var card = form.closest(".card");
    var buttons = form.querySelectorAll("button");
    buttons.forEach(function (b) { b.disabled = true; });
    // getAttribute: a field named "action" shadows the form.action property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "clippings", "Accept": "application/json" }
    }).then(function (response) {
      if (response.status === 401) { window.location.reload(); return null; }
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result) { return; }
      say(result.body.message || (result.ok ? "Done." : "Something went wrong."));
      if (result.body.card && card) {
        var holder = document.createElement("div");
        holder.innerHTML = result.body.card;
        var fresh = holder.firstElementChild;
        if (result.ok) { fresh.classList.add("done"); }
        card.replaceWith(fresh);
        var index = cards().indexOf(fresh);
        if (result.ok && index >= 0) { select(index + 1 < cards().length ? index + 1 : index); }
        else if (index >= 0) { select(index); }
      } else {
        buttons.forEach(function (b) { b.disabled = false; });
      }
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      say("The desk could not be reached. Nothing was changed; try again.");
    });
  });

  // Edit form: "Use" puts a quote into the excerpt without a round trip.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".use-quote");
    if (button) {
      event.preventDefault();
      var excerpt = document.getElementById("excerpt");
      excerpt.value = button.getAttribute("data-excerpt");
      excerpt.focus();
      say("Excerpt replaced by the chosen quote (not saved yet).");
      return;
    }
    if (event.target.closest && event.target.closest("[data-help]")) { openHelp(); }
  });

  function openHelp() {
    var help = document.getElementById("help");
    if (help && !help.open) { help.showModal(); }
  }

  function click(card, selector) {
    var element = card && card.querySelector(selector);
    if (element) { element.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.key === "Enter" && typing(event.target) && event.target.form) {
      var primary = event.target.form.querySelector("button.primary");
      if (primary) { event.preventDefault(); primary.click(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var card = currentCard();
    switch (event.key) {
      case "j": select(current + 1); break;
      case "k": select(current <= 0 ? 0 : current - 1); break;
      case "a": if (!click(card, "button.approve")) { return; } break;
      case "r": {
        var reason = card && card.querySelector(".reason-input");
        if (!reason) { return; }
        reason.focus();
        say("Type a reason (optional) and press Enter to reject, Escape to cancel.");
        break;
      }
      case "e": if (!click(card, "a[data-key=e]")) { return; } break;
      case "o": if (!click(card, "a.original")) { return; } break;
      case "x": if (!click(card, "input.pick")) { return; } break;
      case "u": {
        var undo = document.querySelector("form[action='/desk/undo']");
        if (!undo) { return; }
        undo.submit();
        break;
      }
      case "/": {
        var search = document.getElementById("q");
        if (!search) { return; }
        search.focus();
        break;
      }
      case "?": openHelp(); break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.classList && event.target.classList.contains("reason-input")) {
      event.target.value = "";
      var card = event.target.closest(".card");
      if (card) { card.focus(); }
    }
  });

  // A click into a card makes it the current one, so shortcuts act where the reviewer looks.
  document.addEventListener("focusin", function (event) {
    var card = event.target.closest && event.target.closest(".cards .card");
    if (!card) { return; }
    var index = cards().indexOf(card);
    if (index !== current) {
      cards().forEach(function (c) { c.classList.remove("current"); });
      current = index;
      card.classList.add("current");
    }
  });
}());
