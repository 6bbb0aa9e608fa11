/*
 * Draws the canary analysis charts: each element with class immutable-canary-chart carries its ECharts option as
 * JSON in data-chart-option (written by CanaryAnalysisAction, escaped by Jelly), so the page holds no inline script.
 */
(function () {
  function draw() {
    if (typeof echarts === "undefined") {
      return;
    }
    document.querySelectorAll(".immutable-canary-chart").forEach(function (element) {
      if (element.getAttribute("data-drawn") === "true") {
        return;
      }
      var option;
      try {
        option = JSON.parse(element.getAttribute("data-chart-option"));
      } catch (e) {
        element.textContent = "The chart's data cannot be read.";
        return;
      }
      var chart = echarts.init(element);
      chart.setOption(option);
      element.setAttribute("data-drawn", "true");
      window.addEventListener("resize", function () {
        chart.resize();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
