// Symbol suggestions for the market explorer, from /api/market/symbols.
(function () {
  var input = document.getElementById("symbol");
  var list = document.getElementById("symbol-suggestions");
  if (!input || !list) { return; }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var query = input.value.trim();
    if (!query) { return; }
    timer = setTimeout(function () {
      fetch(input.getAttribute("data-suggest") + "?limit=10&q=" + encodeURIComponent(query))
        .then(function (response) { return response.ok ? response.json() : {items: []}; })
        .then(function (body) {
          list.replaceChildren.apply(list, body.items.map(function (item) {
            var option = document.createElement("option");
            option.value = item.symbol;
            option.label = item.name + " (" + item.type + ")";
            return option;
          }));
        });
    }, 200);
  });
})();
