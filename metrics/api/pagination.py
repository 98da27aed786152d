"""A paginator that reads a page and the total count in one query (over a ``values_list``
queryset: the total rides along as each row's last column, and stays there)."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window

MAX_OFFSET = 2**63 - 1  # SQL's OFFSET and LIMIT are 64-bit: past that, a page is empty (404)


class OneQueryPaginator(Paginator):
    """``COUNT(*) OVER ()`` rides along with the page's rows, so a page costs one query
    (plus a plain count only when the page is empty). Same pages and errors as Django's."""

    TOTAL = "total_count_over"

    def page(self, number) -> Page:
        number = self._number(number)
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page > MAX_OFFSET:  # no database counts rows that far
            raise EmptyPage(self.error_messages["no_results"])
        queryset: QuerySet = self.object_list  # type: ignore[assignment]
        window = queryset.annotate(**{self.TOTAL: Window(Count("pk"))})
        rows = list(window[bottom : bottom + self.per_page])
        # ``count`` is a cached_property: fill its cache
        self.__dict__["count"] = rows[0][-1] if rows else queryset.count()
        if not rows and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return Page(rows, number, self)

    def _number(self, number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
