// Background refreshes must never keep a session alive: every request htmx makes on a
// timer ("every Ns" triggers) carries X-RCM-Background so the server leaves the idle clock alone.
document.addEventListener("htmx:configRequest", function (event) {
  var trigger = event.detail.triggeringEvent;
  var elt = event.detail.elt;
  var spec = elt && elt.getAttribute && (elt.getAttribute("hx-trigger") || "");
  if (spec.indexOf("every ") !== -1 || (trigger && trigger.type === "every")) {
    event.detail.headers["X-RCM-Background"] = "1";
  }
});
// A 401 from an htmx request means the session ended: follow the server's redirect.
document.addEventListener("htmx:responseError", function (event) {
  var xhr = event.detail.xhr;
  if (xhr && xhr.status === 401) {
    var to = xhr.getResponseHeader("HX-Redirect");
    window.location.assign(to || "/accounts/login/?expired=idle");
  }
});
// A refusal (a domain error) answered to an htmx request is a small fragment aimed at the
// page's #refusal region (HX-Retarget): swap it in although its status is 4xx, so the
// person reads why instead of seeing nothing happen.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr && xhr.getResponseHeader("X-RCM-Refusal")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// ---------------------------------------------------------------------------------------
// One global handler for htmx failures. A refusal fragment (X-RCM-Refusal) is swapped into
// #refusal above, and a 401 follows the sign-in redirect; any other 4xx/5xx, and a lost
// connection, shows a sentence in place (next to what was clicked) in an alert region,
// instead of nothing happening.
// ---------------------------------------------------------------------------------------
var STATUS_WORDS = {
  400: "the request was not accepted",
  403: "your account is not allowed to do this",
  404: "what you asked for was not found",
  405: "this action is not available here",
  409: "the record is no longer in a state that allows this; reload the page to see where it stands",
  412: "someone else changed this record since you opened it; reload the page and try again",
  413: "what you sent is too large",
  422: "what you sent could not be read",
  429: "too many requests at once; wait a moment and try again"
};
var CONNECTION_LOST = "The connection was lost; nothing was saved.";

function statusInWords(status) {
  if (STATUS_WORDS[status]) { return STATUS_WORDS[status]; }
  if (status >= 500) { return "the server could not finish this request (error " + status + "); please try again in a moment"; }
  return "the request failed (error " + status + ")";
}

function problemWords(xhr) {
  var kind = xhr.getResponseHeader("Content-Type") || "";
  if (kind.indexOf("json") === -1) { return ""; }
  try {
    var body = JSON.parse(xhr.responseText);
    return (body && (body.title || body.detail)) || "";
  } catch (e) {
    return "";
  }
}

function failureMessage(xhr) {
  var words = problemWords(xhr) || statusInWords(xhr.status);
  words = words.charAt(0).toUpperCase() + words.slice(1);
  if (!/[.!?]$/.test(words)) { words += "."; }
  return (xhr.status >= 500 ? "The server could not do this: " : "The server refused this: ") + words;
}

// Where a message about ``elt``'s request goes: the end of its form, after its table, or
// right after it; the page's #refusal region when it is gone from the page.
function troubleAnchor(elt) {
  if (!elt || !elt.isConnected) { return { node: document.getElementById("refusal"), where: "beforeend" }; }
  if (elt.tagName === "FORM") { return { node: elt, where: "beforeend" }; }
  var table = elt.closest("table");
  if (table) { return { node: table.closest(".table-wrap") || table, where: "afterend" }; }
  return { node: elt, where: "afterend" };
}

function clearTrouble(elt) {
  if (elt && elt.rcmTrouble) {
    elt.rcmTrouble.remove();
    elt.rcmTrouble = null;
  }
}

function showTrouble(elt, text) {
  clearTrouble(elt);
  var anchor = troubleAnchor(elt);
  if (!anchor.node) { return; }
  var inline = anchor.where === "afterend" && window.getComputedStyle(anchor.node).display.indexOf("inline") === 0;
  var message = document.createElement(inline ? "span" : "p");
  message.className = "flash error request-trouble";
  message.setAttribute("role", "alert");
  message.setAttribute("aria-live", "assertive");
  message.setAttribute("data-testid", "request-trouble");
  message.textContent = text;
  anchor.node.insertAdjacentElement(anchor.where, message);
  if (elt) { elt.rcmTrouble = message; }
}

document.addEventListener("htmx:responseError", function (event) {
  var xhr = event.detail.xhr;
  if (!xhr || xhr.status === 401 || xhr.getResponseHeader("X-RCM-Refusal")) { return; }
  showTrouble(event.detail.elt, failureMessage(xhr));
});
document.addEventListener("htmx:sendError", function (event) {
  showTrouble(event.detail.elt, CONNECTION_LOST);
});
document.addEventListener("htmx:timeout", function (event) {
  showTrouble(event.detail.elt, CONNECTION_LOST);
});
document.addEventListener("htmx:afterRequest", function (event) {
  if (event.detail.successful) { clearTrouble(event.detail.elt); }
});

// ---------------------------------------------------------------------------------------
// Sortable tables: <table class="sortable">; a header click sorts the rows (again: the
// other way). A cell's data-value is its sort key (raw numbers, ISO dates); otherwise its
// text, read as a number when it is one ("$1,234.50", "(5.00)", "45.2 %"). A <th
// class="no-sort"> stays put. Empty cells sort last either way.
// ---------------------------------------------------------------------------------------
var NUMBER = /^\(?-?\$?\s*-?[\d,]*\.?\d+\s*%?\)?$/;

function sortKey(cell) {
  if (!cell) { return { empty: true }; }
  var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
  raw = raw.trim();
  if (raw === "" || raw === "—") { return { empty: true }; }
  if (NUMBER.test(raw)) {
    var negative = raw.charAt(0) === "(" || raw.indexOf("-") !== -1;
    var n = parseFloat(raw.replace(/[^\d.]/g, ""));
    if (!isNaN(n)) { return { num: negative ? -n : n }; }
  }
  return { text: raw };
}

var COLLATOR = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function compareKeys(a, b) {
  if (a.empty || b.empty) { return a.empty === b.empty ? 0 : (a.empty ? 1 : -1); }
  if (a.num !== undefined && b.num !== undefined) { return a.num - b.num; }
  var at = a.text !== undefined ? a.text : String(a.num);
  var bt = b.text !== undefined ? b.text : String(b.num);
  return COLLATOR.compare(at, bt);
}

function sortTable(table, th) {
  var index = th.cellIndex;
  var ascending = th.getAttribute("aria-sort") !== "ascending";
  table.querySelectorAll("thead th[aria-sort]").forEach(function (other) {
    other.removeAttribute("aria-sort");
  });
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  Array.prototype.forEach.call(table.tBodies, function (body) {
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, key: sortKey(row.cells[index]), position: position };
    });
    rows.sort(function (x, y) {
      if (x.key.empty || y.key.empty) { return compareKeys(x.key, y.key) || x.position - y.position; }
      var order = compareKeys(x.key, y.key);
      return (ascending ? order : -order) || x.position - y.position;
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
  });
}

function makeSortable(table) {
  if (table.hasAttribute("data-sortable-ready") || !table.tHead) { return; }
  table.setAttribute("data-sortable-ready", "");
  var headRow = table.tHead.rows[table.tHead.rows.length - 1];
  Array.prototype.forEach.call(headRow.cells, function (th) {
    if (th.classList.contains("no-sort") || th.querySelector("input, button, select, a")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.title = "Sort by this column";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () { sortTable(table, th); });
  });
}

// ---------------------------------------------------------------------------------------
// Select-all: <input type="checkbox" data-select-all="NAME"> ticks every checkbox named
// NAME in the same form (or, outside a form, the same table); it shows "some" when only
// some are ticked.
// ---------------------------------------------------------------------------------------
function selectAllScope(box) {
  return box.form || box.closest("table") || document;
}

function namedBoxes(scope, name) {
  var found = scope.elements ? Array.prototype.slice.call(scope.elements)
    : Array.prototype.slice.call(scope.querySelectorAll("input"));
  return found.filter(function (el) {
    return el.type === "checkbox" && el.name === name && !el.hasAttribute("data-select-all");
  });
}

function refreshSelectAll(scope, name) {
  var boxes = namedBoxes(scope, name);
  var ticked = boxes.filter(function (b) { return b.checked; }).length;
  var selectors = scope.querySelectorAll ? scope.querySelectorAll("input[data-select-all]") : [];
  Array.prototype.forEach.call(selectors, function (all) {
    if (all.getAttribute("data-select-all") !== name) { return; }
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  });
}

document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box || box.type !== "checkbox") { return; }
  var name = box.getAttribute("data-select-all");
  if (name) {
    var want = box.checked;
    namedBoxes(selectAllScope(box), name).forEach(function (b) {
      if (b.checked !== want && !b.disabled) {
        b.checked = want;
        b.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    box.checked = want;  // the boxes' own change events counted them one at a time
    box.indeterminate = false;
    return;
  }
  if (box.name) { refreshSelectAll(selectAllScope(box), box.name); }
});

// ---------------------------------------------------------------------------------------
// Keyboard shortcuts. A link or button with data-shortcut="n" (and data-shortcut-label) is
// clicked when "n" is pressed outside a text field; "/" focuses the header's search; "?"
// opens the list of this page's keys. Without a page's own "j"/"k", they move through the
// rows of the page's first sortable table that has links (Enter opens the row).
// ---------------------------------------------------------------------------------------
var TEXT_TYPES = ["text", "search", "email", "number", "password", "tel", "url", "date",
                  "datetime-local", "month", "week", "time", ""];

function typingIn(el) {
  if (!el || !el.tagName) { return false; }
  if (el.isContentEditable) { return true; }
  if (el.tagName === "TEXTAREA" || el.tagName === "SELECT") { return true; }
  return el.tagName === "INPUT" && TEXT_TYPES.indexOf((el.getAttribute("type") || "").toLowerCase()) !== -1;
}

function visible(el) {
  return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length) && !el.closest("[hidden]");
}

function pageShortcuts() {
  var seen = {};
  var found = [];
  document.querySelectorAll("[data-shortcut]").forEach(function (el) {
    var key = el.getAttribute("data-shortcut");
    if (!key || seen[key] || !visible(el) || el.disabled) { return; }
    seen[key] = true;
    var label = el.getAttribute("data-shortcut-label") || el.getAttribute("aria-label") || el.textContent.trim();
    found.push({ key: key, label: label, el: el });
  });
  return found;
}

function rowTable() {
  var tables = document.querySelectorAll("main table.sortable");
  for (var i = 0; i < tables.length; i++) {
    if (tables[i].querySelector("tbody tr a[href]") && visible(tables[i])) { return tables[i]; }
  }
  return null;
}

function moveRow(step) {
  var table = rowTable();
  if (!table) { return false; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr")).filter(function (r) {
    return r.querySelector("a[href]");
  });
  var current = table.querySelector("tbody tr.row-current");
  var at = rows.indexOf(current);
  var next = rows[Math.min(Math.max(at + step, 0), rows.length - 1)];
  if (at === -1) { next = rows[step > 0 ? 0 : rows.length - 1]; }
  if (!next) { return false; }
  if (current) { current.classList.remove("row-current"); }
  next.classList.add("row-current");
  next.querySelector("a[href]").focus();
  return true;
}

function focusSearch() {
  var search = document.querySelector("[data-global-search]");
  if (!search) { return false; }
  search.focus();
  search.select();
  return true;
}

function helpRow(key, label) {
  var row = document.createElement("tr");
  row.setAttribute("data-page-shortcut", "");
  var keyCell = document.createElement("td");
  var kbd = document.createElement("kbd");
  kbd.textContent = key;
  keyCell.appendChild(kbd);
  var labelCell = document.createElement("td");
  labelCell.textContent = label;
  row.appendChild(keyCell);
  row.appendChild(labelCell);
  return row;
}

var helpOpener = null;

function openHelp() {
  var dialog = document.getElementById("shortcut-help");
  if (!dialog || dialog.open) { return false; }
  var list = dialog.querySelector("[data-shortcut-list]");
  list.querySelectorAll("tr[data-page-shortcut]").forEach(function (row) { row.remove(); });
  var keys = pageShortcuts();
  keys.forEach(function (s) { list.appendChild(helpRow(s.key, s.label)); });
  var own = keys.map(function (s) { return s.key; });
  if (rowTable()) {
    if (own.indexOf("j") === -1) { list.appendChild(helpRow("j", "Next row (Enter opens it)")); }
    if (own.indexOf("k") === -1) { list.appendChild(helpRow("k", "Previous row")); }
  }
  helpOpener = document.activeElement;
  dialog.showModal();
  return true;
}

function closeHelpReturnFocus() {
  if (helpOpener && helpOpener.isConnected && helpOpener.focus) { helpOpener.focus(); }
  helpOpener = null;
}

document.addEventListener("DOMContentLoaded", function () {
  var dialog = document.getElementById("shortcut-help");
  if (dialog) { dialog.addEventListener("close", closeHelpReturnFocus); }
});

document.addEventListener("click", function (event) {
  var opener = event.target.closest && event.target.closest("[data-open-shortcuts]");
  if (!opener) { return; }
  var menu = opener.closest("details");
  if (menu) { menu.open = false; }
  openHelp();
  helpOpener = (menu && menu.querySelector("summary")) || opener;
});

document.addEventListener("keydown", function (event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) { return; }
  if (typingIn(event.target)) { return; }
  var dialog = document.getElementById("shortcut-help");
  if (dialog && dialog.open) { return; }  // Esc closes it; nothing else acts behind it
  var key = event.key;
  var handled = false;
  if (key === "/") {
    handled = focusSearch();
  } else if (key === "?") {
    handled = openHelp();
  } else {
    var match = pageShortcuts().filter(function (s) { return s.key === key; })[0];
    if (match) {
      match.el.click();
      handled = true;
    } else if (key === "j" || key === "k") {
      handled = moveRow(key === "j" ? 1 : -1);
    }
  }
  if (handled) { event.preventDefault(); }
});

// ---------------------------------------------------------------------------------------
// Behaviour for what is on the page now and what htmx swaps in later.
// ---------------------------------------------------------------------------------------
function enhance(root) {
  var scope = root && root.querySelectorAll ? root : document;
  if (scope.matches && scope.matches("table.sortable")) { makeSortable(scope); }
  scope.querySelectorAll("table.sortable").forEach(makeSortable);
  scope.querySelectorAll("[data-shortcut]").forEach(function (el) {
    if (!el.hasAttribute("aria-keyshortcuts")) { el.setAttribute("aria-keyshortcuts", el.getAttribute("data-shortcut")); }
  });
  scope.querySelectorAll("input[data-select-all]").forEach(function (all) {
    refreshSelectAll(selectAllScope(all), all.getAttribute("data-select-all"));
  });
}

document.addEventListener("DOMContentLoaded", function () { enhance(document); });
document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });

// The header's menus close as menus do: a click elsewhere, Escape, or opening another one.
function closeMenus(except) {
  document.querySelectorAll("header details.dropdown[open]").forEach(function (menu) {
    if (menu !== except) { menu.open = false; }
  });
}
document.addEventListener("click", function (event) {
  closeMenus(event.target.closest ? event.target.closest("header details.dropdown") : null);
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") { return; }
  var open = document.querySelector("header details.dropdown[open]");
  if (open) {
    open.open = false;
    open.querySelector("summary").focus();
  }
});
