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
