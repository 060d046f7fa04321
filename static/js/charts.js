// Draws the plotly figures whose data the page carries in <script type="application/json">.
// No inline script, so a Content-Security-Policy can forbid them.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-figure]").forEach(function (element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source || typeof Plotly === "undefined") { return; }
    var figure = JSON.parse(source.textContent);
    Plotly.newPlot(element, figure.data, figure.layout, {displaylogo: false, responsive: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d"]}).then(function () {
      element.dataset.rendered = "true";
    });
  });
});
