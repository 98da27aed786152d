"""OTLP attribute values and keys as label values and names (``prom.otlp.attributes``)."""

from __future__ import annotations

import pytest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, KeyValue, KeyValueList

from prom.otlp.attributes import any_value, label_name, labels_of, resource_labels
from prom.tests.otlp_builders import attrs


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (AnyValue(string_value="eu"), "eu"),
        (AnyValue(bool_value=False), "false"),
        (AnyValue(int_value=-3), "-3"),
        (AnyValue(double_value=0.25), "0.25"),
        (AnyValue(bytes_value=b"\x00\xff"), "AP8="),
        (
            AnyValue(
                array_value=ArrayValue(values=[AnyValue(int_value=1), AnyValue(string_value="a")])
            ),
            '[1,"a"]',
        ),
        (
            AnyValue(
                kvlist_value=KeyValueList(
                    values=[KeyValue(key="b", value=AnyValue(bool_value=True))]
                )
            ),
            '{"b":true}',
        ),
    ],
)
def test_values_become_text(value, text):
    assert any_value(value) == text


@pytest.mark.parametrize(
    ("key", "name"),
    [("http.route", "http_route"), ("k8s.pod-name", "k8s_pod_name"), ("9x", "key_9x")],
)
def test_keys_become_prometheus_label_names(key, name):
    assert label_name(key) == name


def test_empty_values_are_no_labels():
    assert labels_of(attrs({"a": "", "b": "x"})) == {"b": "x"}


def test_a_resource_without_service_or_host_gives_only_its_other_attributes():
    assert resource_labels(attrs({"cloud.region": "eu-1"})) == ("", {"cloud_region": "eu-1"})
