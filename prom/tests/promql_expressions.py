"""PromQL expressions that Hydra must answer exactly as Prometheus 2.42 does, on what a
Prometheus scraping node_exporter and itself remote-writes (``test_promql_vs_prometheus``).

Counters: ``node_cpu_seconds_total``, ``node_network_*_total``, ``process_cpu_seconds_total``,
``prometheus_http_requests_total``. Gauges: ``node_load1``, ``node_memory_*``,
``node_filesystem_*``, ``up``. Histograms: ``prometheus_http_request_duration_seconds``.
Add every expression a bug was found with. ``MATRIX`` ones are instant-only (range
vectors); ``ORDERED`` ones must keep Prometheus's order.
"""

from __future__ import annotations

CPU = "node_cpu_seconds_total"
HIST = "prometheus_http_request_duration_seconds_bucket"
NET = 'node_network_receive_bytes_total{device="lo"}'

SELECTORS = [
    "node_load1",
    "up",
    f'{CPU}{{mode="idle"}}',
    f'{CPU}{{mode=~"user|system"}}',
    f'{CPU}{{mode!="idle",cpu="0"}}',
    f'{CPU}{{mode!~"i.*|s.*"}}',
    '{__name__=~"node_load(1|5)"}',
    '{__name__="node_memory_MemFree_bytes"}',
    "node_load1 offset 20s",
    "node_load1 @ end()",
    f"{CPU} @ start() offset 10s",
    "-node_load1",
    "node_filesystem_avail_bytes",
]
RANGE_FUNCTIONS = [
    f"rate({CPU}[1m])",
    f"rate({CPU}[5m])",
    f"rate({CPU}[30s] offset 15s)",
    f"irate({CPU}[30s])",
    f"increase({NET}[1m])",
    "delta(node_memory_MemFree_bytes[1m])",
    "idelta(node_memory_MemFree_bytes[1m])",
    "deriv(node_memory_MemFree_bytes[1m])",
    "predict_linear(node_memory_MemFree_bytes[1m], 600)",
    f"resets({CPU}[1m])",
    "changes(node_load1[1m])",
    "avg_over_time(node_load1[1m])",
    "min_over_time(node_memory_MemFree_bytes[1m])",
    "max_over_time(node_memory_MemFree_bytes[1m])",
    "sum_over_time(node_load1[30s])",
    "count_over_time(up[1m])",
    "quantile_over_time(0.9, node_memory_MemFree_bytes[1m])",
    "stddev_over_time(node_memory_MemFree_bytes[1m])",
    "stdvar_over_time(node_load1[1m])",
    "last_over_time(node_load1[1m])",
    "present_over_time(node_load1[1m])",
    'absent_over_time(nonexistent_metric{job="x"}[1m])',
    "absent_over_time(node_load1[1m])",
    "holt_winters(node_memory_MemFree_bytes[1m], 0.5, 0.5)",
    f"rate({HIST}[1m])",
    "rate(process_cpu_seconds_total[1m])",
]
HISTOGRAMS = [
    f"histogram_quantile(0.9, sum by (le) (rate({HIST}[1m])))",
    f"histogram_quantile(0.5, sum by (le, handler) (rate({HIST}[1m])))",
    f"histogram_quantile(0.99, rate({HIST}[5m]))",
    f"histogram_quantile(1, sum by (le) ({HIST}))",
    "sum by (handler) (rate(prometheus_http_request_duration_seconds_sum[1m])) / "
    "sum by (handler) (rate(prometheus_http_request_duration_seconds_count[1m]))",
]
MATH = [
    "abs(-node_load1)",
    "ceil(node_load1)",
    "floor(node_load1)",
    "round(node_load1)",
    "round(node_load1, 0.1)",
    "exp(node_load1)",
    "ln(node_memory_MemFree_bytes)",
    "log2(node_memory_MemFree_bytes)",
    "log10(node_memory_MemFree_bytes)",
    "sqrt(node_load1)",
    "sgn(node_load1 - 0.5)",
    "clamp(node_load1, 0.2, 0.8)",
    "clamp_min(node_load1, 0.5)",
    "clamp_max(node_load1, 0.5)",
    "sin(node_load1) + cos(node_load1) + deg(node_load1) - rad(node_load1) + pi()",
    "node_load1 atan2 node_load5",
    "node_load1 ^ 2",
    "node_memory_MemFree_bytes % 1024",
]
TIME = [
    "time()",
    "timestamp(node_load1)",
    "minute()",
    "hour(node_load1)",
    "day_of_week()",
    "day_of_month()",
    "day_of_year()",
    "days_in_month()",
    "month()",
    "year(vector(1700000000))",
    "vector(time())",
    "scalar(sum(up))",
    "time() - timestamp(up)",
]
LABELS = [
    f'label_replace({CPU}{{mode="idle"}}, "core", "c$1", "cpu", "(.*)")',
    'label_replace(up, "job", "", "job", ".*")',
    f'label_join({CPU}{{mode="user"}}, "both", "-", "cpu", "mode")',
    'absent(nonexistent_metric{job="x"})',
    "absent(up)",
    "sort(node_filesystem_avail_bytes)",
    "sort_desc(rate(" + CPU + "[1m]))",
]
AGGREGATIONS = [
    f"sum by (mode) (rate({CPU}[5m]))",
    f"sum without (cpu) (rate({CPU}[1m]))",
    f"avg by (mode) (rate({CPU}[1m]))",
    f"min by (cpu) ({CPU})",
    f"max({CPU})",
    f"count by (mode) ({CPU})",
    f"group by (job) ({CPU})",
    f"stddev by (mode) (rate({CPU}[1m]))",
    f"stdvar({CPU})",
    f"topk(3, rate({CPU}[1m]))",
    f"bottomk(2, {CPU})",
    f"topk by (mode) (1, {CPU})",
    f"quantile(0.75, rate({CPU}[1m]))",
    f"quantile by (mode) (0.5, {CPU})",
    'count_values("value", round(node_load1))',
    "sum(up) by (job)",
    f"count(count by (cpu) ({CPU}))",
    "avg without (instance, job) (up)",
]
BINARY = [
    f"{CPU} + 1",
    f"2 * {CPU}",
    f'{CPU}{{mode="user"}} - {CPU}{{mode="user"}} offset 30s',
    f'{CPU}{{mode="user"}} / ignoring(mode) {CPU}{{mode="idle"}}',
    f'{CPU}{{mode="user"}} / on(cpu) group_left {CPU}{{mode="idle"}}',
    f"sum by (cpu) ({CPU}) / on (cpu) group_right {CPU}",
    "node_load1 > 0.1",
    "node_load1 >= bool 0.1",
    "node_load1 < 1000",
    "node_load1 <= bool node_load5",
    "up == 1",
    "up != bool 1",
    'up{job="node"} and up',
    'up{job="node"} or up{job="prometheus"}',
    'up unless up{job="node"}',
    f'{CPU} and on(mode) {CPU}{{mode="idle"}}',
    "node_load1 == bool node_load1",
    "1 + 2 * 3 ^ 2 % 5",
    "(node_load1 + node_load5) / 2",
]
SUBQUERIES = [
    f"max_over_time(rate({CPU}[30s])[1m:10s])",
    "avg_over_time(node_load1[1m:5s])",
    f"rate({CPU}[1m:]) ",
    "min_over_time(deriv(node_memory_MemFree_bytes[30s])[1m:7s] offset 5s)",
]
MATRIX = [
    "node_load1[30s]",
    f'{CPU}{{cpu="0",mode="idle"}}[20s] offset 5s',
    "node_load1[1m:10s]",
]
ORDERED = ("sort", "topk", "bottomk")
EXPRESSIONS = (
    SELECTORS
    + RANGE_FUNCTIONS
    + HISTOGRAMS
    + MATH
    + TIME
    + LABELS
    + AGGREGATIONS
    + BINARY
    + SUBQUERIES
)
