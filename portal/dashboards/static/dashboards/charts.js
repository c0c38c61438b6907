// Draws every [data-chart] element from the JSON of the same id + "-data" (charts.py).
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    if (!spec) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(spec.option);
    var links = spec.links || {};
    chart.on("click", function (params) {
      var url = links[params.seriesName + "|" + params.name] || links[params.name];
      if (url) { window.location.href = url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "1";
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
