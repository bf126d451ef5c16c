"""Turn an admin change page into the POST data a browser would send back, so tests can edit like a person."""

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper


def field_data(bound: forms.BoundField) -> dict:
    widget = bound.field.widget
    if isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    value = bound.value()
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, list) else widget.decompress(value)
        return {
            f"{bound.html_name}_{index}": part if isinstance(part, str) else sub.format_value(part) or ""
            for index, (sub, part) in enumerate(zip(widget.widgets, parts, strict=True))
        }
    if isinstance(widget, forms.CheckboxInput):
        return {bound.html_name: "on"} if value else {}
    if isinstance(widget, forms.SelectMultiple):
        return {bound.html_name: [str(item) for item in value or []]}
    return {bound.html_name: "" if value is None else str(value)}


def form_data(form: forms.BaseForm) -> dict:
    data = {}
    for bound in form:
        data.update(field_data(bound))
    return data


def admin_form_data(response) -> dict:
    """The main form and every inline formset of a rendered admin change page, with their current values."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data
