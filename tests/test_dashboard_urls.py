"""The dashboard's measure links are made by reversing once: each is what reverse() gives."""

from django.urls import reverse

from kpis.dashboard import measure_url_maker


def test_each_link_is_the_reversed_address_with_the_period():
    measure_url = measure_url_maker("year=2025&period=t1")
    for measure_id in (1, 7, 400, 123456):
        assert measure_url(measure_id) == f"{reverse('measure_detail', args=[measure_id])}?year=2025&period=t1"
