// The desk's small script: keyboard shortcuts, the reading pane, in-place actions,
// the reject prompt, suggestions as you type and the excerpt counter.
// Everything here is an enhancement: every form and link also works without JavaScript.
(function () {
  "use strict";

  var status = document.getElementById("status");
  var pane = document.getElementById("pane");
  var list = document.getElementById("entries");
  var current = -1;
  var paneFor = null;
  var paneRequest = 0;

  function say(message) {
    if (!status) { return; }
    status.hidden = false;
    status.textContent = message;
  }

  function entries() { return Array.prototype.slice.call(document.querySelectorAll("#entries .entry, .cards .card")); }

  function wide() { return window.matchMedia("(min-width: 75rem)").matches; }

  function view() { return list ? list.getAttribute("data-view") : "cards"; }

  // --- the reading pane ----------------------------------------------------

  function openPane(entry, reveal) {
    if (!pane || !entry) { return; }
    var id = entry.getAttribute("data-id");
    if (paneFor === id && !reveal) { return; }
    paneFor = id;
    var ticket = ++paneRequest;
    var next = list ? list.getAttribute("data-next") : "/desk/";
    var url = "/desk/items/" + id + "/pane?view=" + encodeURIComponent(view()) + "&next=" + encodeURIComponent(next);
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "clippings" } })
      .then(function (response) {
        if (response.status === 401) { window.location.reload(); return null; }
        return response.text();
      })
      .then(function (html) {
        if (html === null || ticket !== paneRequest) { return; }
        pane.innerHTML = html;
        pane.hidden = false;
        pane.scrollTop = 0;
        if (reveal && !wide()) { pane.scrollIntoView({ block: "start" }); }
      })
      .catch(function () { say("The story could not be loaded; open it from its headline."); });
  }

  function select(index, reveal) {
    var all = entries();
    if (!all.length) { return; }
    index = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (c) { c.classList.remove("current"); });
    current = index;
    var entry = all[index];
    entry.classList.add("current");
    entry.focus({ preventScroll: true });
    entry.scrollIntoView({ block: "nearest" });
    openPane(entry, reveal);
  }

  function currentEntry() {
    var all = entries();
    if (current < 0 && all.length === 1) { current = 0; }
    // On a story's own page the shortcuts act on that story.
    return all[current] || document.querySelector(".pane.single .pane-story");
  }

  // The headline opens the story in the pane (its link is the plain page for no-JS).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-open]");
    if (!link || !pane || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var entry = link.closest(".entry");
    if (!entry) { return; }
    event.preventDefault();
    select(entries().indexOf(entry), true);
  });

  // --- reject: ask for the reason where the reviewer is ---------------------

  function rejectForm(scope) {
    var holder = scope && (scope.closest(".pane-story") || scope.closest(".entry"));
    return holder ? holder.querySelector("form.reject-form") : null;
  }

  function askReason(scope) {
    var form = rejectForm(scope);
    if (!form) { return false; }
    form.hidden = false;
    var input = form.querySelector(".reason-input");
    input.focus();
    say("Why reject it? Type a reason (or leave it empty) and press Enter; Escape cancels.");
    return true;
  }

  document.addEventListener("click", function (event) {
    var reject = event.target.closest && event.target.closest("a[data-reject]");
    if (reject) {
      if (askReason(reject)) { event.preventDefault(); }
      return;
    }
    var cancel = event.target.closest && event.target.closest("[data-cancel]");
    if (cancel) {
      var form = cancel.closest("form");
      form.hidden = true;
      form.querySelector(".reason-input").value = "";
    }
  });

  // --- in-place actions -------------------------------------------------------

  function replaceEntry(id, html, ok) {
    var old = document.getElementById("item-" + id);
    if (!old || !html) { return null; }
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.firstElementChild;
    if (ok) { fresh.classList.add("done"); }
    old.replaceWith(fresh);
    return fresh;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("js-inplace") || !window.fetch) { return; }
    // On a story's own page the form is sent as it is: the page comes back with the result.
    if (!list && form.closest(".pane.single")) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
    var inPane = !!form.closest(".pane-story");
    var story = form.closest(".pane-story") || form.closest(".entry");
    var id = story ? story.getAttribute("data-id") : null;
    var moves = /\/action$/.test(form.getAttribute("action"));
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
      var fresh = replaceEntry(id, result.body.card, result.ok);
      if (!fresh && !inPane && story && result.body.card) {
        var holder = document.createElement("div");
        holder.innerHTML = result.body.card;
        story.replaceWith(holder.firstElementChild);
      }
      var all = entries();
      var index = fresh ? all.indexOf(fresh) : current;
      if (result.ok && moves && index >= 0 && index + 1 < all.length) {
        select(index + 1, false);
      } else if (index >= 0 && all.length) {
        current = index;
        if (fresh) { fresh.classList.add("current"); }
        paneFor = null;
        openPane(all[index], false);
      } else if (inPane && id) {
        paneFor = null;
        openPane(document.getElementById("item-" + id) || story, false);
      }
      if (!result.body.card) { buttons.forEach(function (b) { b.disabled = false; }); }
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      say("The desk could not be reached. Nothing was changed; try again.");
    });
  });

  // --- forms: quotes, order, counter, suggestions as you type ------------------

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".use-quote");
    if (button) {
      event.preventDefault();
      var excerpt = document.getElementById("excerpt");
      excerpt.value = button.getAttribute("data-excerpt");
      excerpt.dispatchEvent(new Event("input"));
      excerpt.focus();
      say("Excerpt replaced by the chosen quote (not saved yet).");
      return;
    }
    if (event.target.closest && event.target.closest("[data-help]")) { openHelp(); }
  });

  document.addEventListener("change", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-autosubmit")) { event.target.form.submit(); }
  });

  function count(area) {
    var limit = parseInt(area.getAttribute("data-counter"), 10);
    var out = document.getElementById(area.getAttribute("aria-describedby").split(" ")[0]);
    if (!out) { return; }
    var length = area.value.replace(/\s+/g, " ").trim().length;
    out.textContent = length + " / " + limit + " characters" + (length > limit ? ": longer than the news page shows" : "");
    out.classList.toggle("over", length > limit);
  }

  document.querySelectorAll("textarea[data-counter]").forEach(function (area) {
    count(area);
    area.addEventListener("input", function () { count(area); });
  });

  // Suggestions as you type: the app answers from the gazetteer or the known outlets.
  document.querySelectorAll("input[data-complete]").forEach(function (input, n) {
    var listId = "complete-" + n;
    var options = document.createElement("datalist");
    options.id = listId;
    input.parentNode.appendChild(options);
    input.setAttribute("list", listId);
    var multi = input.hasAttribute("data-multi");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var parts = input.value.split(";");
        var typed = multi ? parts[parts.length - 1].trim() : input.value.trim();
        if (!typed) { return; }
        var done = multi ? parts.slice(0, -1).map(function (p) { return p.trim(); }).filter(Boolean) : [];
        fetch(input.getAttribute("data-complete") + "?q=" + encodeURIComponent(typed), {
          credentials: "same-origin", headers: { "X-Requested-With": "clippings" }
        }).then(function (r) { return r.ok ? r.json() : { values: [] }; }).then(function (body) {
          options.innerHTML = "";
          body.values.forEach(function (value) {
            var option = document.createElement("option");
            option.value = multi ? done.concat([value]).join("; ") : value;
            options.appendChild(option);
          });
        });
      }, 120);
    });
  });

  // --- keyboard -------------------------------------------------------------------

  function openHelp() {
    var help = document.getElementById("help");
    if (help && !help.open) { help.showModal(); }
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function click(scope, selector) {
    var element = scope && scope.querySelector(selector);
    if (element) { element.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.key === "Enter" && typing(event.target) && event.target.form) {
      var primary = event.target.form.querySelector("button.primary");
      if (primary) { event.preventDefault(); primary.click(); }
      return;
    }
    if (event.key === "Escape" && event.target.classList && event.target.classList.contains("reason-input")) {
      var form = event.target.closest("form.reject-form");
      event.target.value = "";
      if (form) { form.hidden = true; }
      var back = currentEntry();
      if (back) { back.focus(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    var entry = currentEntry();
    switch (event.key) {
      case "j": select(current + 1, false); break;
      case "k": select(current <= 0 ? 0 : current - 1, false); break;
      case "a": if (!click(entry, "button.approve")) { return; } break;
      case "r": if (!askReason(entry && entry.querySelector("a[data-reject]"))) { return; } break;
      case "e": if (!click(entry, "a[data-key=e]")) { return; } break;
      case "o": {
        var original = entry && (entry.querySelector("a.original") || (pane && pane.querySelector("a.original")));
        if (!original) { return; }
        original.click();
        break;
      }
      case "x": if (!click(entry, "input.pick")) { return; } break;
      case "v": {
        var other = document.querySelector(".view-switch button[aria-pressed=false]");
        if (!other) { return; }
        other.click();
        break;
      }
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

  // A click into an entry makes it the current one, so shortcuts act where the reviewer looks.
  document.addEventListener("focusin", function (event) {
    var entry = event.target.closest && event.target.closest("#entries .entry");
    if (!entry) { return; }
    var index = entries().indexOf(entry);
    if (index !== current) {
      entries().forEach(function (c) { c.classList.remove("current"); });
      current = index;
      entry.classList.add("current");
    }
  });

  // On a wide screen the first story is open in the pane from the start.
  if (pane && list && wide() && entries().length) { select(0, false); }
}());
