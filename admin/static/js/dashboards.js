// Dashboards: every chart and table is filled from the JSON endpoints (no inline scripts).
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || typeof window.Chart !== "function") { return; }
  var api = root.getAttribute("data-api");
  var text = JSON.parse(root.getAttribute("data-i18n"));
  var windowSelect = document.getElementById("window");
  var charts = {};
  var TOPIC_COLORS = { fire: "#c2410c", home: "#1d4ea8", traffic: "#b7791f", cyber: "#6d28d9" };
  var ORDER = ["fire", "home", "traffic", "cyber"];
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.color = "#3b4654";

  function pct(value) { return value === null || value === undefined ? "—" : (100 * value).toFixed(1) + "%"; }
  function heat(value) { return value === null || value === undefined ? 0 : Math.min(5, Math.ceil(value * 5)); }
  function get(path) {
    return fetch(api + path, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function days() { return windowSelect.value; }
  function draw(id, config) {
    if (charts[id]) { charts[id].destroy(); }
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts[id] = new Chart(document.getElementById(id), config);
  }
  function cell(row, value, cls) {
    var td = document.createElement("td");
    td.textContent = value;
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  }

  function loadReach() {
    return get("/reach").then(function (data) {
      document.getElementById("kpi-share").textContent = pct(data.share_of_target);
      document.getElementById("kpi-share-detail").textContent = data.households_reached + " / " + data.household_target + " " + text.households;
      document.getElementById("kpi-residents").textContent = data.residents_reached;
      document.getElementById("kpi-residents-detail").textContent = pct(data.residents_share);
      var grid = document.getElementById("reach-grid");
      grid.textContent = "";
      data.plots.forEach(function (plot) {
        var box = document.createElement("div");
        box.className = "reach-plot";
        var title = document.createElement("h3");
        title.textContent = text.plot_n.replace("{n}", plot.number) + " · " + plot.reached + "/" + plot.households + " (" + pct(plot.share) + ")";
        box.appendChild(title);
        var cells = document.createElement("div");
        cells.className = "reach-cells";
        data.buildings.filter(function (b) { return b.plot_id === plot.plot_id; }).forEach(function (b) {
          var c = document.createElement("div");
          c.className = "reach-cell heat-" + heat(b.share);
          var label = document.createElement("span");
          label.textContent = text.building_n.replace("{n}", b.number);
          var value = document.createElement("strong");
          value.textContent = pct(b.share);
          var count = document.createElement("span");
          count.textContent = b.reached + "/" + b.households;
          c.title = b.label + ": " + b.reached + "/" + b.households;
          c.appendChild(label); c.appendChild(value); c.appendChild(count);
          cells.appendChild(c);
        });
        box.appendChild(cells);
        grid.appendChild(box);
      });
    });
  }

  function loadPlays() {
    var n = parseInt(days(), 10) || 365;
    return get("/plays?days=" + n).then(function (data) {
      var total = 0, answers = 0, correct = 0;
      data.days.forEach(function (d) { total += d.sessions; answers += d.answers; correct += d.correct; });
      document.getElementById("kpi-sessions").textContent = total;
      document.getElementById("kpi-accuracy").textContent = answers ? pct(correct / answers) : "—";
      draw("chart-plays", {
        type: "line",
        data: {
          labels: data.days.map(function (d) { return d.day.slice(5); }),
          datasets: [
            { label: text.sessions, data: data.days.map(function (d) { return d.sessions; }), borderColor: "#0f766e", backgroundColor: "rgba(15,118,110,.15)", fill: true, yAxisID: "y", tension: .25, pointRadius: 0 },
            { label: text.accuracy, data: data.days.map(function (d) { return d.accuracy === null ? null : 100 * d.accuracy; }), borderColor: "#c2410c", yAxisID: "y1", tension: .25, pointRadius: 0, spanGaps: true }
          ]
        },
        options: { interaction: { mode: "index", intersect: false }, scales: { y: { beginAtZero: true }, y1: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } } }
      });
    });
  }

  function loadTopics() {
    return get("/topics?days=" + days()).then(function (data) {
      var acc = {};
      data.accuracy.forEach(function (a) { acc[a.topic] = a.accuracy; });
      draw("chart-topics", {
        type: "bar",
        data: {
          labels: data.sessions.map(function (s) { return text["topic." + s.topic]; }),
          datasets: [
            { label: text.sessions, data: data.sessions.map(function (s) { return s.sessions; }), backgroundColor: data.sessions.map(function (s) { return TOPIC_COLORS[s.topic]; }), yAxisID: "y" },
            { label: text.accuracy, type: "line", data: data.sessions.map(function (s) { return acc[s.topic] === null ? null : 100 * acc[s.topic]; }), borderColor: "#1b2430", yAxisID: "y1" }
          ]
        },
        options: { scales: { y: { beginAtZero: true }, y1: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } } }
      });
    });
  }

  function loadAges() {
    return get("/age-groups?days=" + days()).then(function (data) {
      draw("chart-ages", {
        type: "bar",
        data: {
          labels: data.age_groups.map(function (a) { return text["age." + a.age_group]; }),
          datasets: [
            { label: text.sessions, data: data.age_groups.map(function (a) { return a.sessions; }), backgroundColor: "#0f766e", yAxisID: "y" },
            { label: text.accuracy, data: data.age_groups.map(function (a) { return a.accuracy === null ? null : 100 * a.accuracy; }), backgroundColor: "#f59e0b", yAxisID: "y1" }
          ]
        },
        options: { scales: { y: { beginAtZero: true }, y1: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } } }
      });
    });
  }

  function loadBuildings() {
    return get("/buildings?days=" + days()).then(function (data) {
      var body = document.querySelector("#building-table tbody");
      body.textContent = "";
      data.buildings.forEach(function (b) {
        var row = document.createElement("tr");
        cell(row, b.label);
        ORDER.forEach(function (topic) {
          var t = b.topics[topic];
          cell(row, pct(t.accuracy), "heat-cell heat-" + heat(t.accuracy));
        });
        cell(row, b.answers, "num");
        body.appendChild(row);
      });
    });
  }

  function loadWeakest() {
    return get("/weakest?days=" + days()).then(function (data) {
      var body = document.querySelector("#weakest-table tbody");
      body.textContent = "";
      if (!data.questions.length) {
        var empty = document.createElement("tr");
        var td = cell(empty, text.no_data, "muted");
        td.colSpan = 5;
        body.appendChild(empty);
      }
      data.questions.forEach(function (q, i) {
        var row = document.createElement("tr");
        cell(row, i + 1, "num");
        cell(row, q.text);
        var topic = cell(row, "");
        var chip = document.createElement("span");
        chip.className = "topic topic-" + q.topic;
        chip.textContent = text["topic." + q.topic] || q.topic;
        topic.appendChild(chip);
        cell(row, q.answers, "num");
        cell(row, pct(q.accuracy), "num");
        body.appendChild(row);
      });
    });
  }

  var impactSelect = document.getElementById("impact-event");
  function loadImpact() {
    var url = impactSelect.value;
    var note = document.getElementById("impact-note");
    if (!url) { note.textContent = text.no_data; return Promise.resolve(); }
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      var labels = data.topics.map(function (t) { return text["topic." + t]; });
      function series(side) { return data.topics.map(function (t) { var v = data[side].topics[t]; return v && v.accuracy !== null ? 100 * v.accuracy : null; }); }
      draw("chart-impact", {
        type: "bar",
        data: { labels: labels, datasets: [
          { label: text.before, data: series("before"), backgroundColor: "#94a3b8" },
          { label: text.after, data: series("after"), backgroundColor: "#0f766e" }
        ] },
        options: { scales: { y: { min: 0, max: 100 } } }
      });
      note.textContent = text.attendees + ": " + data.attendees + (data.after_complete === false ? " · " + text.window_open : "");
    });
  }
  impactSelect.addEventListener("change", loadImpact);

  function loadAll() {
    Promise.all([loadReach(), loadPlays(), loadTopics(), loadAges(), loadBuildings(), loadWeakest(), loadImpact()])
      .then(function () { root.setAttribute("data-loaded", "true"); })
      .catch(function () {
        root.setAttribute("data-loaded", "error");
        var p = document.createElement("div");
        p.className = "flash flash-error";
        p.setAttribute("role", "alert");
        p.textContent = text.load_error;
        root.insertBefore(p, root.firstChild);
      });
  }
  windowSelect.addEventListener("change", loadAll);
  loadAll();
})();
