// The forecast page while a model trains: ask the API (which trains) until it answers, then reload the page.
(function () {
  var box = document.getElementById("forecast-pending");
  if (!box) { return; }
  var url = box.getAttribute("data-poll");
  var progress = document.getElementById("forecast-progress");
  var started = Date.now();
  // The page reloads once the API has stored the training. A page that still shows this box right after
  // such a reload would reload forever: then it says so instead.
  var marker = "forecast-reloaded:" + window.location.href;
  var reloadedAt = parseInt(window.sessionStorage.getItem(marker) || "0", 10);

  function fail(text) {
    box.classList.add("d-none");
    var alert = document.getElementById("forecast-error");
    alert.textContent = text;
    alert.hidden = false;
  }

  function describe(body, status) {
    var error = body && body.error;
    if (!error) { return "The forecast failed (HTTP " + status + ")."; }
    var parts = [error.description || error.message];
    Object.keys(error.fields || {}).forEach(function (name) { parts = parts.concat(error.fields[name]); });
    return parts.join(" ");
  }

  function poll() {
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          return {status: response.status, body: body, retry: response.headers.get("Retry-After")};
        });
      })
      .then(function (answer) {
        if (answer.status === 200) {
          if (Date.now() - reloadedAt < 10000) { fail("The forecast is ready but could not be shown. Reload the page."); return; }
          window.sessionStorage.setItem(marker, String(Date.now()));
          window.location.reload();
          return;
        }
        if (answer.status === 202) {
          var seconds = Math.round((Date.now() - started) / 1000);
          var waiting = (answer.body && answer.body.pending) ? "Still training: " + answer.body.pending.join(", ") + "."
                                                             : (answer.body && answer.body.message) || "Still training.";
          progress.textContent = waiting + " " + seconds + " s so far.";
          window.setTimeout(poll, (parseInt(answer.retry, 10) || 3) * 1000);
          return;
        }
        fail(describe(answer.body, answer.status));
      })
      .catch(function () { fail("The server could not be reached. Reload the page to try again."); });
  }

  poll();
})();
