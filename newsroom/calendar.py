"""Events as iCalendar (RFC 5545), in each event's own time zone."""

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import icalendar
from django.http import HttpRequest

from . import richtext
from .models import Event

PRODUCT_ID = "-//Toa soan hop tac dia phuong//Newsroom//VI"


def event_component(event: Event, request: HttpRequest) -> icalendar.Event:
    """A day without a stated hour is an all-day event; a stated hour is local to where the event happens."""
    component = icalendar.Event()
    component.add("uid", f"event-{event.pk}@{request.get_host()}")
    component.add("summary", event.title)
    # RFC 5545 wants DTSTAMP in UTC; the last edit is when this description of the event was made.
    component.add("dtstamp", event.updated_at.astimezone(datetime.UTC))
    last_day = event.end_date or event.start_date
    if event.start_time is None:
        component.add("dtstart", event.start_date)
        component.add("dtend", last_day + datetime.timedelta(days=1))
    else:
        zone = ZoneInfo(event.timezone)
        start = datetime.datetime.combine(event.start_date, event.start_time, tzinfo=zone)
        component.add("dtstart", start)
        if event.end_time is not None:
            component.add("dtend", datetime.datetime.combine(last_day, event.end_time, tzinfo=zone))
    if location := event.location():
        component.add("location", location)
    if event.description:
        component.add("description", richtext.plain_text(event.description))
    component.add("url", request.build_absolute_uri(event.get_absolute_url()))
    component.add("categories", [event.get_kind_display()])
    return component


def build_calendar(events: Iterable[Event], request: HttpRequest, name: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for event in events:
        calendar.add_component(event_component(event, request))
    calendar.add_missing_timezones()
    return calendar.to_ical()
