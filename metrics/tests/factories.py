import factory

from metrics.models import Series


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series

    name = "cpu.usage"
    host = factory.Sequence(lambda n: f"host-{n:03d}")
    labels = factory.LazyFunction(dict)
