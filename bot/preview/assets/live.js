// Keeps the page current and the command box helpful. The server names the state in force over
// Server-Sent Events; when it differs from the one this page shows, the page fetches itself again
// and swaps in the parts that change, so the command box keeps its text and focus.
(function () {
  "use strict";
  var seq = 0;
  function refresh() {
    var mine = ++seq;
    fetch(location.href, { headers: { "X-Preview-Part": "live" } })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (mine !== seq) return; // a later change is on its way
        var doc = new DOMParser().parseFromString(html, "text/html");
        var live = document.getElementById("live"), nextLive = doc.getElementById("live");
        if (live && nextLive) live.replaceWith(nextLive);
        // The status line is updated in place: a screen reader announces a live region whose
        // text changes, not one put in the place of another.
        var status = document.getElementById("status"), nextStatus = doc.getElementById("status");
        if (status && nextStatus) {
          status.className = nextStatus.className;
          status.textContent = nextStatus.textContent;
        }
      })
      .catch(function () {});
  }
  if (window.EventSource) {
    new EventSource("/events").addEventListener("state", function (ev) {
      var live = document.getElementById("live");
      if (live && live.dataset.stamp !== ev.data) refresh();
    });
  }

  // Suggestions come from the engine as Discord's autocomplete gets them.
  var box = document.getElementById("line"), list = document.getElementById("choices");
  if (!box || !list) return;
  var timer, asked = box.value;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var line = box.value;
      if (line === asked) return;
      asked = line;
      fetch("/complete?line=" + encodeURIComponent(line))
        .then(function (r) { return r.json(); })
        .then(function (choices) {
          if (box.value !== line) return;
          list.replaceChildren.apply(list, choices.map(function (c) {
            var o = document.createElement("option");
            o.value = c;
            return o;
          }));
        })
        .catch(function () {});
    }, 120);
  });
})();
