// capfloor explore: moves the as-of date through frames capfloor precomputed, and shows where
// each figure comes from. Nothing is estimated here: every number is looked up in the data.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("capfloor-data").textContent);
  // capfloor writes arrays of like objects as {columns, rows}; make them objects again.
  function untable(t) {
    return t.rows.map(function (r) { var o = {}; t.columns.forEach(function (c, i) { o[c] = r[i]; }); return o; });
  }
  D.models = untable(D.models);
  D.frames.forEach(function (f) { if (f.projection) f.projection.rows = untable(f.projection.rows); });
  var L = D.layout;
  var $ = function (id) { return document.getElementById(id); };
  var frames = D.frames, models = D.models;

  function scale(s) { return function (v) { return s.r0 + (v - s.d0) * (s.r1 - s.r0) / (s.d1 - s.d0); }; }
  var fx = scale(L.floor_x), fy = scale(L.floor_y), sx = scale(L.scatter_x), sy = scale(L.scatter_y);
  function invert(s, p) { return s.d0 + (p - s.r0) * (s.d1 - s.d0) / (s.r1 - s.r0); }

  // The same fractional year as capfloor's frontier::year_fraction.
  function yearFraction(iso) {
    var p = iso.split("-").map(Number), y = p[0];
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    var doy = Math.round((Date.UTC(y, p[1] - 1, p[2]) - Date.UTC(y, 0, 1)) / 864e5) + 1;
    return y + (doy - 1) / (leap ? 366 : 365);
  }
  function lg(x) { return Math.log(x) / Math.LN10; }
  function sci(x) { return x.toExponential(2).replace("e+", "e"); }
  function flop(x) { return sci(x) + " FLOP"; }
  function num(x, d) { return x === null || x === undefined ? "—" : x.toFixed(d); }
  function count(x) {
    if (x === null || x === undefined) return "—";
    var u = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "K"]];
    for (var i = 0; i < u.length; i++) if (x >= u[i][0]) return (x / u[i][0]).toFixed(2) + u[i][1];
    return String(x);
  }
  var BASIS = { declared: "declared by the developer", "6nd": "6 × parameters × tokens",
    hardware: "chips × time × throughput × utilisation", imputed: "imputed (benchmarks, cost or comparison)" };
  var NOTE = { distilled: "Distilled: its compute understates what its capability cost, so it is left out of the fit and of b* (--include-distilled counts it)",
    below_min_confidence: "Its compute figure is below --min-confidence: the floor uses its capability only",
    no_compute: "No compute figure: the floor uses its capability only (it can set θ*)",
    no_release_date: "No release date: no as-of date can use it",
    too_few_scores: "Too few benchmark scores for the floor to place it (it needs " + D.min_scores + ")" };
  var ACCESS = { open_weights: "open weights", closed: "closed", unknown: "accessibility unknown" };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function set(id, attrs) {
    var e = $(id);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    return e;
  }
  function byId(id) {
    for (var i = 0; i < models.length; i++) if (models[i].id === id) return models[i];
    return null;
  }

  var current = frames.length - 1;

  // ---- the readout: every figure of the frame, with its exact value in data-value ----
  function value(key, v, text) {
    return el("span", { "class": "v", "data-key": key, "data-value": JSON.stringify(v) }, text);
  }
  function row(box, label, parts, big) {
    var d = el("div");
    d.appendChild(el("span", { "class": "k" }, label));
    var p = el("span", big ? { "class": "big" } : {});
    parts.forEach(function (x) { p.appendChild(typeof x === "string" ? document.createTextNode(x) : x); });
    d.appendChild(p);
    box.appendChild(d);
  }
  function readout(f) {
    var box = $("readout");
    box.textContent = "";
    row(box, "floor as of " + f.as_of + " (recipe " + f.recipe + ")", [
      value("floor_flop", f.floor_flop, flop(f.floor_flop))], true);
    row(box, "90% interval", [value("floor_flop_lo", f.floor_flop_lo, sci(f.floor_flop_lo)), " – ",
      value("floor_flop_hi", f.floor_flop_hi, sci(f.floor_flop_hi))]);
    row(box, "effective 4E091 threshold = max(10²⁶, floor)", [
      value("effective_threshold_flop", f.effective_threshold_flop, flop(f.effective_threshold_flop))]);
    row(box, "θ*: most capable open model", [value("set_by", f.set_by, f.set_by), " (released ",
      value("set_by_released", f.set_by_released, f.set_by_released), "), ",
      value("theta_star", f.theta_star, num(f.theta_star, 1)), " ECI"]);
    row(box, "k: capability per 10× compute", [value("k", f.k, num(f.k, 2)), " ECI (90%: ",
      value("k_lo", f.k_lo, num(f.k_lo, 2)), "–", value("k_hi", f.k_hi, num(f.k_hi, 2)), ")"]);
    row(box, "b*: efficiency frontier", [value("b_star", f.b_star, num(f.b_star, 2)), " ECI at 1 FLOP",
      f.b_star_set_by.length ? ", set by " : "",
      value("b_star_set_by", f.b_star_set_by, f.b_star_set_by.join(", "))]);
    if (f.progress_per_year !== null) {
      row(box, "algorithmic progress", [value("progress_per_year", f.progress_per_year, num(f.progress_per_year, 2)),
        "×/year (90%: ", value("progress_per_year_lo", f.progress_per_year_lo, num(f.progress_per_year_lo, 1)), "–",
        value("progress_per_year_hi", f.progress_per_year_hi, num(f.progress_per_year_hi, 1)), "×), halving every ",
        value("halving_months", f.halving_months, num(f.halving_months, 1)), " months"]);
    } else {
      row(box, "algorithmic progress", [value("progress_per_year", null, "not estimated (under a year of published recipes)")]);
    }
    row(box, "fit", [value("n_fit", f.n_fit, String(f.n_fit)), " models with compute, ",
      value("n_recipes", f.n_recipes, String(f.n_recipes)), " published recipes, ",
      value("resamples", f.resamples, String(f.resamples)), " resamples (",
      value("resamples_failed", f.resamples_failed, String(f.resamples_failed)), " failed), seed ",
      value("seed", f.seed, String(f.seed))]);
    var moved = f.moved.map(function (m) { return m.id + (m.by === "theta_star" ? " (θ*)" : " (b*)"); });
    row(box, "moved since the previous month", [value("moved", f.moved, moved.length ? moved.join(", ") : "nothing")]);
    var p = f.projection;
    if (p) {
      var reach;
      if (p.crossing === f.as_of) reach = "already above 10²⁶";
      else if (p.crossing) reach = p.crossing + " (90%: " + (p.crossing_lo || "—") + " – " + (p.crossing_hi || "after " + p.until) + ")";
      else reach = "not by " + p.until + " on the central trend";
      row(box, "projection: reaches 10²⁶", [value("projection.crossing", p.crossing, reach), "; ",
        value("projection.crossing_probability", p.crossing_probability, (100 * p.crossing_probability).toFixed(0) + "%"),
        " of resamples by " + p.until]);
      row(box, "projection: trends a year", [ "θ* ", value("projection.theta_star_slope", p.theta_star_slope,
        (p.theta_star_slope >= 0 ? "+" : "") + num(p.theta_star_slope, 2)), ", b* ",
        value("projection.b_star_slope", p.b_star_slope, (p.b_star_slope >= 0 ? "+" : "") + num(p.b_star_slope, 2)), " ECI points"]);
    } else {
      row(box, "projection", [value("projection", null, f.projection_error || "not defined")]);
    }
  }

  function reproduce(f) {
    var m = D.method, opts = "";
    if (D.registry.origin !== "embedded") opts += " --registry " + D.registry.origin;
    if (m.recipe !== "best") opts += " --recipe " + m.recipe;
    if (m.resamples !== 1000) opts += " --resamples " + m.resamples;
    if (m.seed !== 4091) opts += " --seed " + m.seed;
    if (m.include_distilled) opts += " --include-distilled";
    if (m.min_confidence) opts += " --min-confidence " + m.min_confidence;
    var t = "The numbers for " + f.as_of + " are those of: capfloor floor --as-of " + f.as_of + opts + " --json";
    if (f.projection) t += "; the fan's are the rows of months 0, 3, 6 and every sixth month after of: capfloor floor project --as-of " + f.as_of +
      " --until " + f.projection.until + opts + " --json";
    $("reproduce").textContent = t + ".";
  }

  // ---- the charts ----
  function path(points) { return "M" + points.map(function (p) { return p[0].toFixed(1) + "," + p[1].toFixed(1); }).join("L"); }
  function fan(f) {
    var p = f.projection, ids = ["fan90", "fan50", "fan-mid"];
    if (!p) { ids.forEach(function (id) { set(id, { d: "" }); }); set("crossing", { visibility: "hidden" }); return; }
    var at = function (r, key) { return [fx(yearFraction(r.date)), fy(lg(r[key]))]; };
    var band = function (hi, lo) {
      return path(p.rows.map(function (r) { return at(r, hi); }).concat(
        p.rows.slice().reverse().map(function (r) { return at(r, lo); }))) + "Z";
    };
    set("fan90", { d: band("floor_flop_hi", "floor_flop_lo") });
    set("fan50", { d: band("floor_flop_q75", "floor_flop_q25") });
    set("fan-mid", { d: path(p.rows.map(function (r) { return at(r, "floor_flop"); })) });
    if (p.crossing) {
      var ty = fy(lg(p.threshold_flop));
      set("crossing", { visibility: "visible" });
      set("crossing-dot", { cx: fx(yearFraction(p.crossing)), cy: ty });
      set("crossing-bar", { x1: fx(yearFraction(p.crossing_lo || p.crossing)), x2: fx(yearFraction(p.crossing_hi || p.until)), y1: ty, y2: ty });
    } else {
      set("crossing", { visibility: "hidden" });
    }
  }
  function scatter(f) {
    var x0 = L.scatter_x.d0, x1 = L.scatter_x.d1;
    set("frontier-line", { x1: sx(x0), y1: sy(f.k * x0 + f.b_star), x2: sx(x1), y2: sy(f.k * x1 + f.b_star) });
    set("theta-line", { x1: sx(x0), x2: sx(x1), y1: sy(f.theta_star), y2: sy(f.theta_star) });
    var fl = lg(f.floor_flop);
    set("floor-dot", { cx: sx(fl), cy: sy(f.theta_star) });
    set("floor-drop", { x1: sx(fl), x2: sx(fl), y1: sy(f.theta_star), y2: L.scatter_y.r0 });
    set("floor-interval", { x1: sx(lg(f.floor_flop_lo)), x2: sx(lg(f.floor_flop_hi)), y1: sy(f.theta_star), y2: sy(f.theta_star) });
    // θ*'s label at the left end, above its line: no model is more capable and cheaper there.
    var t = set("theta-label", { x: L.scatter_x.r0 + 6, y: sy(f.theta_star) - 7, "text-anchor": "start" });
    t.textContent = "θ* = " + num(f.theta_star, 1) + " ECI: " + f.set_by;
    // The frontier's label where the line enters the plot, just under it.
    var yl = f.k * x0 + f.b_star, xl = x0;
    if (yl < L.scatter_y.d0) { xl = (L.scatter_y.d0 - f.b_star) / f.k; yl = L.scatter_y.d0; }
    var b = set("frontier-label", { x: sx(xl) + 8, y: Math.min(sy(yl) + 18, L.scatter_y.r0 - 6), "text-anchor": "start" });
    b.textContent = "efficiency frontier b* = " + num(f.b_star, 2) + " (k = " + num(f.k, 2) + ")";
    // Above and left of the floor's mark: no model is above θ* there, and the frontier runs
    // up and to the right of it.
    var fl2 = set("floor-label", { x: sx(fl) - 12, y: sy(f.theta_star) - 10, "text-anchor": "end" });
    fl2.textContent = "floor " + flop(f.floor_flop);
  }
  function show(i) {
    current = Math.max(0, Math.min(frames.length - 1, i));
    var f = frames[current], x = fx(yearFraction(f.as_of));
    $("asof").value = current;
    $("asof-date").textContent = f.as_of;
    set("cursor", { x1: x, x2: x, y1: L.floor_y.r1, y2: L.floor_y.r0 });
    set("cursor-dot", { cx: x, cy: fy(lg(f.floor_flop)) });
    set("later", { x: x, y: L.floor_y.r1, width: Math.max(0, L.floor_x.r1 - x), height: L.floor_y.r0 - L.floor_y.r1 });
    fan(f);
    var moves = document.querySelectorAll(".move");
    for (var k = 0; k < moves.length; k++) moves[k].classList.toggle("later", Number(moves[k].getAttribute("data-f")) > current);
    var marks = document.querySelectorAll(".m");
    for (var j = 0; j < marks.length; j++) {
      var r = marks[j].getAttribute("data-released");
      marks[j].classList.toggle("later", r !== "" && r > f.as_of);
    }
    scatter(f);
    readout(f);
    reproduce(f);
    document.body.setAttribute("data-as-of", f.as_of);
    if (window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", "#as-of=" + f.as_of); } catch (e) { /* file: URLs may refuse */ }
    }
  }

  // ---- tooltips ----
  var tip = $("tip");
  function tipAt(nodes, pageX, pageY) {
    tip.textContent = "";
    nodes.forEach(function (n) { tip.appendChild(n); });
    tip.hidden = false;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var left = pageX + 14, top = pageY + 14;
    if (left + w > window.scrollX + document.documentElement.clientWidth - 8) left = pageX - w - 14;
    if (top + h > window.scrollY + window.innerHeight - 8) top = pageY - h - 14;
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }
  function hideTip() { tip.hidden = true; }
  function p(text, cls) { return el("p", cls ? { "class": cls } : {}, text); }

  function modelNodes(m) {
    var f = frames[current], out = [el("h3", {}, m.name + (m.name !== m.id ? " (" + m.id + ")" : ""))];
    out.push(p(m.organization + " · released " + (m.release_date || "date not recorded") + " · " + ACCESS[m.accessibility] +
      (m.distilled ? " · distilled" : "")));
    if (m.training_compute_flop !== null) {
      out.push(p("Training compute " + flop(m.training_compute_flop) + ": " +
        (m.compute_basis ? BASIS[m.compute_basis] : "basis not recorded") + "; confidence " + (m.confidence || "not recorded") + "."));
    } else {
      out.push(p("No training-compute figure."));
    }
    var sizes = [];
    if (m.parameters_total !== null) sizes.push(count(m.parameters_total) + " parameters" + (m.parameters_active !== null ? " (" + count(m.parameters_active) + " active)" : ""));
    if (m.training_tokens !== null) sizes.push(sci(m.training_tokens) + " training tokens");
    if (sizes.length) out.push(p(sizes.join(", ") + "."));
    if (m.capability !== null) {
      var shown = m.scores.slice(0, 6).map(function (s) { return D.benchmarks[s[0]].name + " " + s[1].toFixed(2); });
      out.push(p("Capability " + num(m.capability, 1) + " ECI (90%: " + num(m.capability_lo, 1) + "–" + num(m.capability_hi, 1) +
        "): capfloor's item-response index over " + m.n_scores + " benchmark score" + (m.n_scores === 1 ? "" : "s") +
        (shown.length ? " (" + shown.join(", ") + (m.scores.length > 6 ? ", +" + (m.scores.length - 6) + " more" : "") + ")" : "") + "."));
      if (m.plot === "scatter" && m.training_compute_flop !== null && m.release_date && m.release_date <= f.as_of) {
        var eff = m.capability - f.k * lg(m.training_compute_flop);
        out.push(p("Recipe efficiency b = θ − k·log₁₀C = " + num(eff, 2) + " at " + f.as_of + " (frontier b* = " + num(f.b_star, 2) + ")."));
      }
    } else {
      out.push(p("No capability estimate (no benchmark scores)."));
    }
    var roles = [];
    if (f.set_by === m.id) roles.push("sets θ* at " + f.as_of);
    if (f.b_star_set_by.indexOf(m.id) >= 0) roles.push("is one of the recipes defining b* at " + f.as_of);
    if (m.release_date && m.release_date > f.as_of) roles.push("was released after " + f.as_of + ": not used for this date");
    if (roles.length) out.push(p("It " + roles.join("; ") + ".", "note"));
    if (m.note) out.push(p(NOTE[m.note] + ".", "note"));
    var src = {};
    m.scores.forEach(function (s) { src[D.benchmarks[s[0]].source] = true; });
    out.push(p("Source of the release date, compute, parameters and tokens: " + m.source + ".", "src"));
    var ss = Object.keys(src).sort();
    if (ss.length) out.push(p("Scores: " + (ss.length > 3 ? ss.slice(0, 3).join("; ") + "; +" + (ss.length - 3) + " more" : ss.join("; ")) + ".", "src"));
    return out;
  }
  function moveNodes(node) {
    var i = Number(node.getAttribute("data-f")), f = frames[i], prev = frames[i - 1];
    var id = node.getAttribute("data-id"), by = node.getAttribute("data-by"), m = byId(id);
    var what = by === "theta_star" ? "became θ*, the most capable open model: the floor rises with it" :
      "entered the b* set, the most efficient published recipes: the floor falls with it";
    var out = [el("h3", {}, id + " " + what)];
    out.push(p("Between " + (prev ? prev.as_of : "—") + " and " + f.as_of + " the floor went from " +
      (prev ? flop(prev.floor_flop) : "—") + " to " + flop(f.floor_flop) + "."));
    return out.concat(m ? modelNodes(m).slice(1) : []);
  }
  function regimeNodes(ids) {
    var out = [];
    D.regimes.forEach(function (r) {
      if (ids.indexOf(r.id) < 0) return;
      out.push(el("h3", {}, r.label));
      out.push(p(r.name + ". Status: " + r.status + "."));
      out.push(p("Source: " + r.source + ".", "src"));
    });
    return out;
  }
  function nearestFrame(t) {
    var best = 0;
    for (var i = 0; i < frames.length; i++) if (Math.abs(yearFraction(frames[i].as_of) - t) < Math.abs(yearFraction(frames[best].as_of) - t)) best = i;
    return best;
  }
  function floorHover(ev) {
    var svg = $("floor-chart"), pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    var loc = pt.matrixTransform(svg.getScreenCTM().inverse());
    var t = invert(L.floor_x, loc.x), f = frames[current];
    if (t <= yearFraction(f.as_of) + 1 / 24) {
      var g = frames[nearestFrame(t)];
      return [el("h3", {}, "As of " + g.as_of + ": floor " + flop(g.floor_flop)),
        p("90%: " + sci(g.floor_flop_lo) + " – " + sci(g.floor_flop_hi) + "; θ* " + num(g.theta_star, 1) + " (" + g.set_by + "), b* " + num(g.b_star, 2) + ", k " + num(g.k, 2) + "."),
        p("Click to move the date here.", "src")];
    }
    if (!f.projection) return [p(f.projection_error || "No projection from " + f.as_of + ".")];
    var rows = f.projection.rows, r = rows[0];
    rows.forEach(function (q) { if (Math.abs(yearFraction(q.date) - t) < Math.abs(yearFraction(r.date) - t)) r = q; });
    return [el("h3", {}, "Projected for " + r.date + " from " + f.as_of + ": " + flop(r.floor_flop)),
      p("50% of resamples " + sci(r.floor_flop_q25) + " – " + sci(r.floor_flop_q75) + "; 90% " + sci(r.floor_flop_lo) + " – " + sci(r.floor_flop_hi) + "."),
      p("Trends from " + f.as_of + ": θ* " + num(f.projection.theta_star_slope, 2) + ", b* " + num(f.projection.b_star_slope, 2) + " ECI points a year.", "src")];
  }

  var hot = null;
  function hover(ev) {
    var n = ev.target, nodes = null;
    if (hot && hot !== n) { hot.classList.remove("hot"); hot = null; }
    if (n.classList.contains("m")) { nodes = modelNodes(models[Number(n.getAttribute("data-i"))]); n.classList.add("hot"); hot = n; }
    else if (n.classList.contains("move")) nodes = moveNodes(n);
    else if (n.classList.contains("threshold-label")) nodes = regimeNodes([n.getAttribute("data-regime")]);
    else if (n.classList.contains("threshold")) nodes = regimeNodes(n.getAttribute("data-regimes").split(" "));
    else if (n.id === "floor-hit") nodes = floorHover(ev);
    if (nodes) tipAt(nodes, ev.pageX, ev.pageY); else hideTip();
  }
  ["floor-chart", "scatter-chart"].forEach(function (id) {
    $(id).addEventListener("mousemove", hover);
    $(id).addEventListener("mouseleave", function () { hideTip(); if (hot) { hot.classList.remove("hot"); hot = null; } });
  });
  $("floor-chart").addEventListener("click", function (ev) {
    var n = ev.target;
    if (n.classList.contains("move")) { show(Number(n.getAttribute("data-f"))); return; }
    if (n.id !== "floor-hit") return;
    var svg = $("floor-chart"), pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    show(nearestFrame(invert(L.floor_x, pt.matrixTransform(svg.getScreenCTM().inverse()).x)));
  });

  // ---- controls ----
  var timer = null;
  function stop() { if (timer) { clearInterval(timer); timer = null; $("play").textContent = "play"; } }
  $("asof").addEventListener("input", function () { stop(); show(Number(this.value)); });
  $("prev").addEventListener("click", function () { stop(); show(current - 1); });
  $("next").addEventListener("click", function () { stop(); show(current + 1); });
  $("play").addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (current >= frames.length - 1) show(0);
    $("play").textContent = "pause";
    timer = setInterval(function () { if (current >= frames.length - 1) stop(); else show(current + 1); }, 350);
  });
  $("show-later").addEventListener("change", function () { document.body.classList.toggle("show-later", this.checked); });
  document.addEventListener("keydown", function (ev) {
    if (ev.target && ev.target.tagName === "INPUT") return;
    if (ev.key === "ArrowLeft") { stop(); show(current - 1); }
    if (ev.key === "ArrowRight") { stop(); show(current + 1); }
  });

  // The months at which the floor is not defined, run by run of the same reason.
  (function undefinedMonths() {
    var box = $("undefined");
    if (!D.undefined.length) { box.hidden = true; return; }
    box.appendChild(el("h2", {}, "Where the floor is not defined"));
    var runs = [];
    D.undefined.forEach(function (u) {
      // The reasons name their own date; months with the same reason otherwise are one run.
      var reason = u.reason.split(u.date).join("that date"), last = runs[runs.length - 1];
      if (last && last.reason === reason) last.to = u.date; else runs.push({ from: u.date, to: u.date, reason: reason });
    });
    var ul = el("ul");
    runs.forEach(function (r) { ul.appendChild(el("li", {}, (r.from === r.to ? r.from : r.from + " to " + r.to) + ": " + r.reason)); });
    box.appendChild(ul);
  })();

  // #as-of=DATE opens at the last frame on or before DATE; &model=ID opens that model's tooltip.
  var hash = {};
  window.location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
    var i = kv.indexOf("=");
    if (i > 0) hash[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
  });
  var start = frames.length - 1;
  if (hash["as-of"]) {
    for (var i = frames.length - 1; i >= 0; i--) if (frames[i].as_of <= hash["as-of"]) { start = i; break; }
  }
  show(start);
  if (hash.model) {
    // Ids match case-insensitively, as on the command line.
    var wanted = hash.model.toLowerCase(), mark = null;
    document.querySelectorAll(".m[data-id]").forEach(function (m) {
      if (!mark && m.getAttribute("data-id").toLowerCase() === wanted) mark = m;
    });
    if (mark) {
      var box = mark.getBoundingClientRect();
      mark.classList.add("hot"); hot = mark;
      tipAt(modelNodes(models[Number(mark.getAttribute("data-i"))]), box.left + window.scrollX + box.width / 2, box.top + window.scrollY + box.height / 2);
      tip.setAttribute("data-model", mark.getAttribute("data-id"));
    }
  }
  document.body.setAttribute("data-ready", "1");
})();
