// Draw the chart named by this script tag's data attributes once plotly.js is loaded.
(function () {
  var script = document.currentScript;
  window.fdCharts.draw(script.getAttribute("data-chart"), script.getAttribute("data-figure"));
})();
