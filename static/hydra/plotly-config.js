// Every Plotly chart: no "Share chart" / "Edit in Chart Studio" modebar buttons (they upload
// the chart's data to a third-party cloud) and no logo. Loaded right after plotly.min.js.
Plotly.setPlotConfig({
  showSendToCloud: false,
  showEditInChartStudio: false,
  plotlyServerURL: "",
  displaylogo: false,
  modeBarButtonsToRemove: ["sendChartToCloud", "editInChartStudio"],
});
