"""Open data: any article list or the partnership directory as CSV or JSON, with the page's own filters."""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse

from .models import Article, Partnership

FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
CHUNK = 500


ARTICLE_COLUMNS = [
    "title",
    "url",
    "published_at",
    "original_published_at",
    "byline",
    "attribution",
    "source_name",
    "source_url",
    "lead",
    "provinces",
    "countries",
    "partners",
    "topics",
]
PARTNERSHIP_COLUMNS = [
    "province",
    "province_name",
    "current_unit",
    "partner",
    "partner_name",
    "partner_country",
    "kind",
    "established_year",
    "established_on",
    "years_running",
    "status",
    "fields_of_cooperation",
]


def article_row(article: Article, request: HttpRequest) -> dict[str, Any]:
    return {
        "title": article.title,
        "url": request.build_absolute_uri(article.get_absolute_url()),
        "published_at": article.published_at,
        "original_published_at": article.original_published_at,
        "byline": article.byline,
        "attribution": article.attribution,
        "source_name": article.source_name,
        "source_url": article.source_url,
        "lead": article.lead,
        "provinces": [province.slug for province in article.provinces.all()],
        "countries": [country.code.lower() for country in article.countries.all()],
        "partners": [partner.slug for partner in article.partners.all()],
        "topics": [topic.slug for topic in article.topics.all()],
    }


def partnership_row(partnership: Partnership, request: HttpRequest) -> dict[str, Any]:
    province = partnership.province
    return {
        "province": province.slug,
        "province_name": province.name,
        "current_unit": (province.merged_into or province).slug,
        "partner": partnership.partner.slug,
        "partner_name": partnership.partner.name,
        "partner_country": partnership.partner.country.code.lower(),
        "kind": partnership.kind,
        "established_year": partnership.established_year,
        "established_on": partnership.established_on,
        "years_running": partnership.years_running(),
        "status": partnership.status,
        "fields_of_cooperation": partnership.fields_of_cooperation,
    }


def csv_lines(rows: Iterable[dict[str, Any]], columns: list[str]) -> Iterator[str]:
    """The header first, even when no row matches, so that an empty download still says what it would hold."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.DictWriter(Echo(), fieldnames=columns)
    yield "\ufeff" + writer.writeheader()
    for row in rows:
        flat = {key: "; ".join(value) if isinstance(value, list) else value for key, value in row.items()}
        yield writer.writerow({key: "" if value is None else value for key, value in flat.items()})


def json_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    for number, row in enumerate(rows):
        yield ("," if number else "") + json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
    yield "]"


def export(
    queryset: QuerySet,
    to_row: Callable[[Any, HttpRequest], dict[str, Any]],
    request: HttpRequest,
    export_format: str,
    filename: str,
    columns: list[str],
) -> StreamingHttpResponse:
    """Stream every matching row, so a large archive never sits in memory at once."""
    rows = (to_row(item, request) for item in queryset.iterator(chunk_size=CHUNK))
    body = csv_lines(rows, columns) if export_format == "csv" else json_chunks(rows)
    response = StreamingHttpResponse(body, content_type=FORMATS[export_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    return response


def export_articles(queryset: QuerySet, request: HttpRequest, export_format: str) -> StreamingHttpResponse:
    queryset = queryset.prefetch_related("provinces", "countries", "partners", "topics")
    return export(queryset, article_row, request, export_format, "bai-viet", ARTICLE_COLUMNS)


def export_partnerships(queryset: QuerySet, request: HttpRequest, export_format: str) -> StreamingHttpResponse:
    return export(queryset, partnership_row, request, export_format, "quan-he-hop-tac", PARTNERSHIP_COLUMNS)
