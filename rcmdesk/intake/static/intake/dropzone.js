// The upload page's drop zone: files dropped on the box become the form's file input's
// files, and the chosen files are listed by name. Without this script the plain
// <input type="file" multiple> works as it is: the zone only adds dropping.
(function () {
  "use strict";

  function list(zone, input) {
    var shown = zone.querySelector("[data-dropzone-list]");
    if (!shown) { return; }
    shown.textContent = "";
    Array.prototype.forEach.call(input.files, function (file) {
      var item = document.createElement("li");
      item.textContent = file.name;
      shown.appendChild(item);
    });
  }

  function arm(zone) {
    var input = zone.querySelector("input[type=file]");
    if (!input) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dropzone-over");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dropzone-over"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var dropped = event.dataTransfer && event.dataTransfer.files;
      if (!dropped || !dropped.length) { return; }
      var chosen = new DataTransfer();
      Array.prototype.forEach.call(dropped, function (file) { chosen.items.add(file); });
      input.files = chosen.files;
      list(zone, input);
    });
    input.addEventListener("change", function () { list(zone, input); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-dropzone]"), arm);
  });
}());
