// Page behaviour shared by every page: confirmations for destructive forms, charts that follow size and theme.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

window.fdCharts = {
  // Draw a figure built on the server (JSON in a <script type="application/json"> element).
  draw: function (elementId, dataId) {
    var element = document.getElementById(elementId);
    var figure = JSON.parse(document.getElementById(dataId).textContent);
    var dark = document.documentElement.getAttribute("data-bs-theme") === "dark";
    figure.layout = figure.layout || {};
    figure.layout.template = undefined;
    figure.layout.paper_bgcolor = "rgba(0,0,0,0)";
    figure.layout.plot_bgcolor = "rgba(0,0,0,0)";
    var text = dark ? "#dee2e6" : "#212529";
    figure.layout.font = Object.assign({}, figure.layout.font, {color: text});
    // plotly's unified hover box is white whatever the theme: light text on it would be unreadable.
    figure.layout.hoverlabel = Object.assign({bgcolor: dark ? "#212529" : "#ffffff", font: {color: text}},
                                             figure.layout.hoverlabel);
    var grid = dark ? "#495057" : "#dee2e6";
    // A plain figure's layout has no axis objects at all; without them it would keep plotly's light grid.
    figure.layout.xaxis = figure.layout.xaxis || {};
    figure.layout.yaxis = figure.layout.yaxis || {};
    Object.keys(figure.layout).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key)) {
        figure.layout[key] = Object.assign({gridcolor: grid, zerolinecolor: grid}, figure.layout[key]);
      }
    });
    return Plotly.newPlot(element, figure.data, figure.layout, {responsive: true, displaylogo: false})
      .then(function () { element.setAttribute("data-ready", "true"); });
  }
};
