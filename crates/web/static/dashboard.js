// The leader dashboard's charts, drawn with Apache ECharts from the figures the page carries in
// the JSON island #dashboard-data. Every bar, slice and point opens the project list behind it.
// Without this script (or without ECharts) the same figures stay readable in the tables under
// each chart, which remain on the page for screen readers either way.
(function () {
  'use strict';

  var island = document.getElementById('dashboard-data');
  if (!island || typeof echarts === 'undefined') {
    return;
  }
  var data = JSON.parse(island.textContent);
  var labels = data.labels;
  var colours = { green: '#2e7d32', yellow: '#f9a825', red: '#c62828', none: '#9e9e9e' };
  var charts = [];
  // Tooltips drawn on the canvas: HTML tooltips would need inline styles, which the page's
  // Content-Security-Policy refuses.
  var tooltip = { renderMode: 'richText', confine: true };
  var reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

  function go(href) {
    if (href) {
      window.location.href = href;
    }
  }

  // Shows the chart container `id`, draws `option` in it and follows `hrefOf(click)` on click.
  function draw(id, option, hrefOf) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    element.hidden = false;
    var chart = echarts.init(element, null, { renderer: 'canvas' });
    option.animation = !reducedMotion;
    chart.setOption(option);
    chart.on('click', function (params) {
      go(hrefOf(params));
    });
    charts.push(chart);
  }

  function itemHref(params) {
    return params.data && params.data.href;
  }

  function listHref() {
    return data.list;
  }

  // Money arrives in fen (integers); charts show 万元. The tables show the exact amounts.
  function wan(fen) {
    return fen / 1000000;
  }

  function items(list) {
    return list.map(function (item) {
      return {
        name: item.name,
        value: item.value,
        href: item.href,
        itemStyle: colours[item.code] ? { color: colours[item.code] } : undefined
      };
    });
  }

  draw('chart-stages', {
    tooltip: tooltip,
    grid: { left: 40, right: 16, top: 16, bottom: 40 },
    xAxis: { type: 'category', data: data.stages.map(function (s) { return s.name; }) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', data: items(data.stages), label: { show: true, position: 'top' } }]
  }, itemHref);

  draw('chart-lights', {
    tooltip: tooltip,
    series: [{
      type: 'pie',
      radius: ['35%', '70%'],
      data: items(data.lights.filter(function (l) { return l.value > 0; })),
      label: { formatter: '{b}: {c}' }
    }]
  }, itemHref);

  var moneyKeys = ['planned', 'approved', 'disbursed', 'paid'];
  draw('chart-sources', {
    tooltip: tooltip,
    legend: { top: 0 },
    grid: { left: 60, right: 16, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: data.sources.names },
    yAxis: { type: 'value', name: labels.wan },
    series: moneyKeys.map(function (key) {
      return { type: 'bar', name: labels[key], data: data.sources[key].map(wan) };
    })
  }, listHref);

  draw('chart-ranking', {
    tooltip: tooltip,
    grid: { left: 140, right: 40, top: 16, bottom: 30 },
    xAxis: { type: 'value', max: 100, name: labels.score },
    yAxis: {
      type: 'category',
      inverse: true,
      data: data.ranking.map(function (r) { return r.name; })
    },
    series: [{
      type: 'bar',
      data: data.ranking.map(function (r) {
        return { value: r.value / 100, href: r.href };
      }),
      label: { show: true, position: 'right', formatter: '{c}%' }
    }]
  }, itemHref);

  var trends = data.trends;
  if (trends.periods.length > 0) {
    draw('chart-trends', {
      tooltip: Object.assign({ trigger: 'axis' }, tooltip),
      legend: { top: 0 },
      grid: { left: 40, right: 60, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: trends.periods },
      yAxis: [
        { type: 'value', minInterval: 1 },
        { type: 'value', name: labels.paid + '（' + labels.wan + '）', position: 'right' }
      ],
      series: ['green', 'yellow', 'red'].map(function (light) {
        return {
          type: 'line',
          name: labels[light],
          data: trends[light],
          itemStyle: { color: colours[light] },
          lineStyle: { color: colours[light] }
        };
      }).concat([{
        type: 'bar',
        name: labels.paid,
        yAxisIndex: 1,
        data: trends.paid.map(wan),
        itemStyle: { color: '#90a4ae' }
      }])
    }, listHref);
  }

  window.addEventListener('resize', function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
}());
