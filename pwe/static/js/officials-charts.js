/* Draws the monitoring charts: each element with data-chart names the JSON script holding its
   plotly figure. Without JavaScript the tables beside the charts carry the same numbers. */
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-chart"));
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(element, figure.data, figure.layout,
        {displayModeBar: false, responsive: true, staticPlot: false});
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
